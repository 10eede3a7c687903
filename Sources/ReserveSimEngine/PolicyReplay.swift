import _ReserveSimKernels

/// A block's balance-independent flows, recorded once, and the replay of its balance recursion for new B₀s
/// (SPEC §15, §17, §18).
///
/// The policy's responses change cash flows only, never a random draw: a cut multiplies expense lines, an appeal
/// adds money, and an appeal's answer is the uniform at its own address. So the run that simulates a block records,
/// per month and lane, the flow before the responses, the outgo before the cuts, the cut lines and the level of
/// donations (`rs_policy_money`), and, when the reserve's return or floor differ between paths, each lane's growth,
/// floor and discount. A replay (`rs_policy_replay`) repeats only the balance, the cover and the responses for any
/// B₀ and any thresholds of the policy, vectorised over the block's lanes: no factor, event, sponsor or service is
/// simulated again. The same B₀ and policy give the recording run's balances bit for bit.
final class PolicyReplay {
  /// What a replay may stop on once every lane of a four has failed it (`rs_policy_replay`'s stopWhenFailed).
  enum FailedTarget: Int32 {
    case floor = 1
    case minimum = 2
  }

  /// What a replay reads, per month and lane (rows [(m − 1) · capacity + lane]) or per lane.
  struct Rows {
    /// Months · capacity each: the flow before the responses, the outgo before the cuts, the cut lines, the
    /// donations' level and the appeals' uniforms (NaN until drawn).
    var flow, outgo, cut, donations, appealDraw: UnsafeMutablePointer<Double>
    /// Each lane's growth and floor (capacity each) and its discount per month; nil when they are the plan's in
    /// every lane.
    var laneGrowth, laneFloor, laneDiscount: UnsafeMutablePointer<Double>?
  }

  let capacity: Int
  /// The lanes replayed so far, one per lane and replay: what a search costs (`PathBlockKernel.searchNeeds`).
  private(set) var lanesReplayed = 0
  let months: Int
  /// The block's rows as its run recorded them.
  let recorded: Rows
  /// The block lane each replayed lane reads, with a selection (`select`).
  private let selectedLane: UnsafeMutablePointer<Int32>
  /// The lanes the next replays run, in order; nil for all of the block's lanes.
  private(set) var selection: [Int]?
  /// The closed forms' needs of the block's lanes (floor, minimum) for a bound of the responses — none at all, or
  /// every response at its most (the searches' brackets) — by the last month replayed and the numbers the bound's
  /// replay reads; cleared per block.
  var bounds: [BoundKey: (floor: [Double], minimum: [Double])] = [:]

  /// What a bound's replay reads: the last month, and of the policy only what moves its flows or needs. Without
  /// cuts, their numbers are not read; without an appeal, nor are its; with every response at its most (alwaysAct)
  /// the cuts apply and the appeal's money arrives every month whatever the cover, so the thresholds, the appeal's
  /// chance, cool-down and limit are not read either. So the bound without responses is the same for every policy
  /// with the same minimum, and the bound at their most for every policy with the same multiplier and amount:
  /// `solve`'s grid points share them.
  struct BoundKey: Hashable {
    var lastMonth: Int
    var policy: [Double]

    init(lastMonth: Int, policy p: rs_policy_plan) {
      self.lastMonth = lastMonth
      let always = p.alwaysAct != 0
      let cuts = p.hasCuts != 0, appeal = p.hasAppeal != 0
      policy = [
        p.minimumMonths, Double(p.alwaysAct), Double(p.hasCuts), cuts ? p.cutMultiplier : 0,
        cuts && !always ? p.cutBelow : 0, cuts && !always ? p.cutRestore : 0, Double(p.hasAppeal),
        appeal ? p.appealAmount : 0, appeal && !always ? p.appealBelow : 0, appeal && !always ? p.appealProbability : 0,
        appeal && !always ? Double(p.appealCooldown) : 0, appeal && !always ? Double(p.appealLimit) : 0,
      ]
    }
  }

  /// Each lane's needs, over months 1 … lastMonth, for the floor and the minimum, without any response and with
  /// every response at its most.
  struct Brackets {
    var none: (floor: [Double], minimum: [Double])
    var most: (floor: [Double], minimum: [Double])
  }
  // A replay's rows, capacity each.
  let startBalance, balance, discountedSum, need, minimumNeed: UnsafeMutablePointer<Double>
  let ruinMonth, belowMinimumMonth, cutActive, lastAppeal, appealCount, appealArrives: UnsafeMutablePointer<Int32>
  /// The plan's growth, floor, and discount and discounted floor by month.
  private let growth: Double, floor: Double
  private let discount, discountedFloor: UnsafeMutablePointer<Double>
  private var allocations: [UnsafeMutableRawPointer] = []

  /// - Parameter laneReserve: whether growth, floor and discount are each lane's own (SPEC §16).
  init(plan: SimulationPlan, capacity: Int, laneReserve: Bool) {
    self.capacity = capacity
    months = plan.months
    var allocations: [UnsafeMutableRawPointer] = []
    func buffer<T: Numeric>(_ count: Int, _: T.Type) -> UnsafeMutablePointer<T> {
      let pointer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(1, count))
      pointer.initialize(repeating: 0, count: Swift.max(1, count))
      allocations.append(UnsafeMutableRawPointer(pointer))
      return pointer
    }
    let rows = plan.months * capacity
    func blockRows() -> Rows {
      Rows(
        flow: buffer(rows, Double.self), outgo: buffer(rows, Double.self), cut: buffer(rows, Double.self),
        donations: buffer(rows, Double.self), appealDraw: buffer(rows, Double.self),
        laneGrowth: laneReserve ? buffer(capacity, Double.self) : nil,
        laneFloor: laneReserve ? buffer(capacity, Double.self) : nil,
        laneDiscount: laneReserve ? buffer(rows, Double.self) : nil)
    }
    recorded = blockRows()
    selectedLane = buffer(capacity, Int32.self)
    startBalance = buffer(capacity, Double.self)
    balance = buffer(capacity, Double.self)
    discountedSum = buffer(capacity, Double.self)
    need = buffer(capacity, Double.self)
    minimumNeed = buffer(capacity, Double.self)
    ruinMonth = buffer(capacity, Int32.self)
    belowMinimumMonth = buffer(capacity, Int32.self)
    cutActive = buffer(capacity, Int32.self)
    lastAppeal = buffer(capacity, Int32.self)
    appealCount = buffer(capacity, Int32.self)
    appealArrives = buffer(capacity, Int32.self)
    growth = plan.monthlyGrowth
    floor = plan.floor
    discount = buffer(plan.months, Double.self)
    discount.update(from: plan.discount, count: plan.months)
    discountedFloor = buffer(plan.months, Double.self)
    discountedFloor.update(from: plan.discountedFloor, count: plan.months)
    self.allocations = allocations
  }

  deinit {
    for pointer in allocations { pointer.deallocate() }
    activityRows?.deallocate()
  }

  /// The rows a replay that records the responses' activity writes (`rs_replay_state.activity`: months / 12 years
  /// of PolicyActivityField.count rows, capacity lanes each), allocated the first time they are asked for.
  private var activityRows: UnsafeMutablePointer<Double>?

  /// Replays every lane of the block over the whole horizon from its B₀ in `startBalance` with `policy`, recording
  /// the responses' activity (SPEC §19) as the recording run records it; returns the rows, year y's
  /// PolicyActivityField.count rows from row (y − 1) · PolicyActivityField.count, `capacity` lanes each (a run's
  /// activity rows for that B₀ and policy, bit for bit).
  func activity(at: rs_block_month, policy: rs_policy_plan) -> UnsafeMutablePointer<Double> {
    let fields = PolicyActivityField.count
    precondition(fields == RS_ACTIVITY_ROWS + 1, "the replay's activity rows are the engine's fields")
    let rows = activityRows ?? .allocate(capacity: months / 12 * fields * capacity)
    activityRows = rows
    selectAll()
    replay(at: at, lastMonth: months, policy: policy, activity: rows)
    return rows
  }

  /// Forgets the appeals' answers of the block before (their addresses are the new block's paths), and selects all
  /// lanes.
  func startBlock(lanes: Int) {
    recorded.appealDraw.update(repeating: .nan, count: months * capacity)
    selection = nil
    bounds = [:]
  }

  /// The brackets of the block's lanes over months 1 … lastMonth for `policy`: a replay of every lane without any
  /// response and one with every response at its most, each the first time it is asked for in the block
  /// (`BoundKey`: policies that differ only in numbers those replays do not read share them).
  func brackets(at: rs_block_month, lastMonth: Int, policy: rs_policy_plan) -> Brackets {
    var none = policy
    none.hasCuts = 0
    none.hasAppeal = 0
    var most = policy
    most.alwaysAct = 1
    return Brackets(
      none: bound(at: at, lastMonth: lastMonth, policy: none), most: bound(at: at, lastMonth: lastMonth, policy: most))
  }

  /// The closed forms' needs of every lane of the block replayed with `policy` (a bound), cached in `bounds`.
  private func bound(at: rs_block_month, lastMonth: Int, policy: rs_policy_plan) -> (
    floor: [Double], minimum: [Double]
  ) {
    let key = BoundKey(lastMonth: lastMonth, policy: policy)
    if let known = bounds[key] { return known }
    let lanes = Int(at.lanes)
    selectAll()
    replay(at: at, lastMonth: lastMonth, policy: policy)
    let needs = (
      floor: Array(UnsafeBufferPointer(start: need, count: lanes)),
      minimum: Array(UnsafeBufferPointer(start: minimumNeed, count: lanes))
    )
    bounds[key] = needs
    return needs
  }

  /// Runs the next replays on all of the block's lanes.
  func selectAll() { selection = nil }

  /// Runs the next replays on `lanes` (block lanes, ascending) only: replayed lane k is block lane lanes[k], and
  /// the rows of `startBalance` and the results are indexed by k. The replay reads each one's recorded rows where
  /// they are (`rs_policy_replay`), so a replay costs in proportion to the lanes still searched for.
  func select(_ lanes: [Int]) {
    selection = lanes
    for (k, lane) in lanes.enumerated() { selectedLane[k] = Int32(lane) }
  }

  /// Sets the recording run's pointers for month m in `state` (the rows rs_policy_money and rs_policy_month_end
  /// write).
  func record(month m: Int, into state: inout rs_policy_state) {
    let row = (m - 1) * capacity
    state.replayFlow = recorded.flow + row
    state.replayOutgo = recorded.outgo + row
    state.replayCut = recorded.cut + row
    state.replayDonations = recorded.donations + row
    state.replayAppealDraw = recorded.appealDraw + row
  }

  /// Keeps month m's per-lane growth, discount and floor (`rows` as `LaneParameters.reserveRows` lays them out:
  /// growth, discount, discounted floor, floor) for the replays.
  func recordReserve(month m: Int, rows: UnsafePointer<Double>, lanes: Int) {
    guard let laneGrowth = recorded.laneGrowth, let laneFloor = recorded.laneFloor,
      let laneDiscount = recorded.laneDiscount
    else { return }
    if m == 1 {
      laneGrowth.update(from: rows, count: lanes)
      laneFloor.update(from: rows + 3 * capacity, count: lanes)
    }
    (laneDiscount + (m - 1) * capacity).update(from: rows + capacity, count: lanes)
  }

  /// Replays months 1 … lastMonth of the selected lanes for each one's B₀ in `startBalance`, with `policy`; leaves
  /// the decisions' needs, first ruin month and first month below the minimum in this object's rows.
  /// - Parameter stoppingWhenEvery: stop a lane once every lane of its four has failed this target (a failed lane's
  ///   need and state are then not complete; its first failed month is): `.floor` for ruin, `.minimum` for the
  ///   minimum; nil to replay every month.
  /// - Parameter activity: with a selection of all lanes and no stop, where to record the responses' activity by
  ///   year (`rs_replay_state.activity`'s layout); nil records none.
  func replay(
    at: rs_block_month, lastMonth: Int, policy: rs_policy_plan, stoppingWhenEvery failed: FailedTarget? = nil,
    activity: UnsafeMutablePointer<Double>? = nil
  ) {
    precondition(activity == nil || (selection == nil && failed == nil))
    var at = at
    var policy = policy
    if let selection { at.lanes = Int32(selection.count) }
    lanesReplayed += Int(at.lanes)
    var flows = rs_replay_flows(
      flow: recorded.flow, outgo: recorded.outgo, cut: recorded.cut, donations: recorded.donations,
      appealDraw: recorded.appealDraw, growth: growth, floor: floor, discount: discount,
      discountedFloor: discountedFloor, laneGrowth: recorded.laneGrowth, laneFloor: recorded.laneFloor,
      laneDiscount: recorded.laneDiscount,
      path: selection == nil ? nil : selectedLane)
    var state = rs_replay_state(
      startBalance: startBalance, balance: balance, discountedSum: discountedSum, need: need,
      minimumNeed: minimumNeed, ruinMonth: ruinMonth, belowMinimumMonth: belowMinimumMonth, cutActive: cutActive,
      lastAppeal: lastAppeal, appealCount: appealCount, appealArrives: appealArrives, activity: activity)
    rs_policy_replay(&at, Int32(lastMonth), failed?.rawValue ?? 0, &policy, &flows, &state)
  }
}
