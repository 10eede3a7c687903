import ReserveSimScenario
import _ReserveSimKernels

/// Where a point's B₀ comes from, beside a run of its base (`Simulator.runReplaying`).
package enum ReserveSource: Equatable, Sendable {
  /// The lanes' own: the base's number, or each path's draw of the base's distribution.
  case own
  /// One number for every path.
  case number(Double)
  /// Each path's draw of this distribution (SPEC §16), groups of `pathsPerDraw` paths sharing one (SPEC §22).
  case drawn(UncertainParameter, pathsPerDraw: Int)
}

/// A point's money side beside a run of its base (SPEC §3, §4, §5, §14), where it differs from the base's: its income
/// and expense lines (each month's by its plan, `MonthPasses.moneyMonth`), its tiers' amounts and its services'
/// costs. None of these is read by a draw or, without responses to the balance, by anything but the month's cash flow
/// (and a board minimum's outgo).
package struct MoneyVariant: Sendable, Equatable {
  /// Month m's lines at index m − 1.
  let months: [rs_money_month]
  /// Per tier: annualAmount / 12.
  let tierMonthlyAmount: [Double]
  /// Per service: replacementCostFraction · monthlyValue, the cost of a paid month at scale 1.
  let serviceCost: [Double]
  /// When the point draws a line's amount or growth, or a tier's amount, per path (SPEC §16): its scenario with only
  /// those draws, and that scenario's plan; each block draws its lanes' own at their addresses as a run of the point
  /// does (`lanes(streams:capacity:)`).
  let drawn: DrawnMoney?
  /// What the months come from: two variants with the same lines and draws pay the same.
  private let income, expenses: [MoneyLine]
  private let draws: [UncertainParameter]

  init(_ scenario: Scenario, plan: SimulationPlan) {
    (income, expenses) = (scenario.income, scenario.expenses)
    months = (1...plan.months).map { MonthPasses.moneyMonth(plan, month: $0) }
    tierMonthlyAmount = plan.tierMonthlyAmount
    serviceCost = MonthPasses.serviceCost(plan)
    draws = scenario.uncertainParameters.filter { Self.drawnKinds.contains($0.lane.kind) }
    // Only the money side's draws: a lane's lines and tiers' amounts read nothing else that is drawn.
    var own = scenario
    own.uncertainParameters = draws
    drawn = draws.isEmpty ? nil : DrawnMoney(scenario: own, plan: SimulationPlan(own))
  }

  /// The money side's numbers that may be drawn per path and differ from the base's beside its run.
  static let drawnKinds: Set<LaneKind> = [.lineAnnual, .lineGrowth, .tierAmount]

  /// The lanes' own values of the point, drawn per block, when it draws money numbers per path.
  func lanes(streams: RandomStreams, capacity: Int) -> LaneParameters? {
    drawn.map { LaneParameters(scenario: $0.scenario, plan: $0.plan, streams: streams, capacity: capacity) }
  }

  /// A point's scenario and plan, held by reference: copying a variant retains one object, not their arrays.
  final class DrawnMoney: Sendable {
    let scenario: Scenario
    let plan: SimulationPlan
    init(scenario: Scenario, plan: SimulationPlan) { (self.scenario, self.plan) = (scenario, plan) }
  }

  package static func == (a: Self, b: Self) -> Bool {
    a.draws == b.draws
      && (a.income, a.expenses, a.tierMonthlyAmount, a.serviceCost) == (
        b.income, b.expenses, b.tierMonthlyAmount, b.serviceCost
      )
  }
}

/// A point's reserve beside a run of its base (`Simulator.runReplaying`): where its B₀ comes from, its own floor
/// and return (SPEC §7) by the formulas of its plan, and its own money side when it differs from the base's.
package struct ReserveVariant: Sendable, Equatable {
  var start: ReserveSource
  /// (1 + r)^(1/12), and the floor.
  var growth, floor: Double
  /// Per month (index m − 1): (1 + r)^(−m/12) and floor · that.
  var discount, discountedFloor: [Double]
  /// The point's money side, nil when it is the base's.
  var money: MoneyVariant?

  init(start: ReserveSource, plan: SimulationPlan, money: MoneyVariant? = nil) {
    self.start = start
    (growth, floor, discount, discountedFloor) = (plan.monthlyGrowth, plan.floor, plan.discount, plan.discountedFloor)
    self.money = money
  }

  /// The balances' pass's numbers in month m (1-based).
  func month(_ m: Int) -> rs_reserve_month {
    rs_reserve_month(growth: growth, discount: discount[m - 1], discountedFloor: discountedFloor[m - 1], floor: floor)
  }
}

/// Other reserves run beside a block's own, on the same cash flows (SPEC §7).
///
/// Where no response depends on the balance, a path's cash flows NCF(m) do not depend on its reserve, so the balance
/// from another B₀ₖ, with another return rₖ and floor, is the recursion B(m) = B(m−1)·(1 + rₖ)^(1/12) + NCF(m) started
/// at B₀ₖ, and its need max over m of [floorₖ/Dₖ(m) − Σ NCF/Dₖ]. Each variant runs them through the balances' pass the
/// block's own balance goes through (`rs_update_balances`, with its plan's numbers for the month), so variant k's
/// first ruin month and need are, bit for bit, those of a run of the file with that reserve. A variant costs one
/// balances' pass a month (a few percent of a month), not a simulation. With responses that depend on the balance,
/// the flows do too: another B₀ is a replay (`PolicyReplay`) from `startBalances` instead.
///
/// A variant with its own money side (`MoneyVariant`: lines' amounts or growth, tiers' amounts, services' costs) has
/// its own flows: NCFₖ(m) = its lines' sum by the money pass on the block's levels, multipliers and its sponsors'
/// revenue (the block's counts at its amounts, `rs_money_lines`; a point that draws its lines' or tiers' amounts
/// per path draws its lanes' own, as its run does, `MoneyVariant.lanes`), less each service's payment — its cost times the
/// scale the services' pass recorded it paid at (`payments`), or the recorded payment itself where the cost is not
/// the plan's one number — subtracted in the services' order as that pass subtracts them from the block's flow; so,
/// bit for bit, a run of the file with that money side.
final class ReserveVariants {
  let variants: [ReserveVariant]
  let capacity: Int
  private let streams: RandomStreams
  /// Whether a variant has its own money side.
  let hasMoney: Bool
  /// services · capacity, only when a variant has its own money side: what each service's payment this month is read
  /// from per lane (row s), for the services' pass to write (`rs_services_state.payments`).
  let payments: UnsafeMutablePointer<Double>?
  /// Per service: whether its row of `payments` is the payment itself (dated, or the lanes' own costs) rather than
  /// the scale it is paid at.
  private let paymentIsRecorded: [Bool]
  /// variants.count · capacity each: the month's cash flow, and the sponsors' monthly revenue, of each variant with
  /// its own money side.
  private let flow, sponsorMonthly: UnsafeMutablePointer<Double>
  /// Per variant: its lanes' own values where it draws money numbers per path.
  private let drawnLanes: [LaneParameters?]
  /// The variants' numbers, laid out once so that the months read them without copying a variant: each month's
  /// balances' numbers (variant k's month m at k · months + m − 1), and with its own money side its money months
  /// (nil without), tiers' monthly amounts (k · tiers + t) and services' costs (k · services + s).
  private let reserveMonths: UnsafeMutablePointer<rs_reserve_month>
  private let moneyMonths: [UnsafeMutablePointer<rs_money_month>?]
  private let tierAmounts, serviceCosts: UnsafeMutablePointer<Double>
  private let months, tiers: Int
  /// 3 · capacity: the money pass's yearly sums for the variants' lines, which nothing reads.
  private let unreadSums: UnsafeMutablePointer<Double>
  /// variants.count · capacity each: variant k's lanes from k · capacity.
  private let start, balance, discountedSum: UnsafeMutablePointer<Double>
  /// variants.count · capacity: variant k's need over the months so far (SPEC §7).
  let need: UnsafeMutablePointer<Double>
  /// variants.count · capacity: variant k's first month with B(m) < floor, 0 while none.
  let ruinMonth: UnsafeMutablePointer<Int32>
  /// variants.count · capacity, for the variants with their own money side beside a board minimum (SPEC §17): the
  /// month's outgo (their expenses and the services' payments) and their need for the minimum so far.
  private let outgo: UnsafeMutablePointer<Double>
  let minimumNeed: UnsafeMutablePointer<Double>

  /// - Parameter streams: the run's (the draws of a distribution's B₀ are at its addresses).
  /// - Parameter paymentIsRecorded: per service of the file, whether the services' pass records its payment rather
  ///   than the scale it is paid at (see `payments`).
  init(_ variants: [ReserveVariant], streams: RandomStreams, capacity: Int, paymentIsRecorded: [Bool]) {
    self.variants = variants
    self.capacity = capacity
    self.streams = streams
    self.paymentIsRecorded = paymentIsRecorded
    hasMoney = variants.contains { $0.money != nil }
    drawnLanes = variants.map { $0.money?.lanes(streams: streams, capacity: capacity) }
    let months = variants.first?.discount.count ?? 0
    let reserveMonths = UnsafeMutablePointer<rs_reserve_month>.allocate(capacity: Swift.max(1, variants.count * months))
    for (k, variant) in variants.enumerated() {
      for m in 0..<months { (reserveMonths + k * months + m).initialize(to: variant.month(m + 1)) }
    }
    (self.months, self.reserveMonths) = (months, reserveMonths)
    moneyMonths = variants.map { variant in
      variant.money.map { money in
        let copy = UnsafeMutablePointer<rs_money_month>.allocate(capacity: money.months.count)
        copy.initialize(from: money.months, count: money.months.count)
        return copy
      }
    }
    tiers = variants.compactMap { $0.money?.tierMonthlyAmount.count }.first ?? 0
    let services = paymentIsRecorded.count
    tierAmounts = .allocate(capacity: Swift.max(1, variants.count * tiers))
    serviceCosts = .allocate(capacity: Swift.max(1, variants.count * services))
    for (k, variant) in variants.enumerated() {
      guard let money = variant.money else { continue }
      (tierAmounts + k * tiers).initialize(from: money.tierMonthlyAmount, count: tiers)
      (serviceCosts + k * services).initialize(from: money.serviceCost, count: services)
    }
    let rows = Swift.max(1, variants.count) * capacity
    start = .allocate(capacity: rows)
    balance = .allocate(capacity: rows)
    discountedSum = .allocate(capacity: rows)
    need = .allocate(capacity: rows)
    ruinMonth = .allocate(capacity: rows)
    outgo = .allocate(capacity: hasMoney ? rows : 1)
    minimumNeed = .allocate(capacity: hasMoney ? rows : 1)
    flow = .allocate(capacity: hasMoney ? rows : 1)
    sponsorMonthly = .allocate(capacity: hasMoney ? rows : 1)
    unreadSums = .allocate(capacity: 3 * capacity)
    unreadSums.initialize(repeating: 0, count: 3 * capacity)
    payments = hasMoney && services > 0 ? .allocate(capacity: services * capacity) : nil
  }

  deinit {
    for rows in [start, balance, discountedSum, need, flow, sponsorMonthly, unreadSums, tierAmounts, serviceCosts] {
      rows.deallocate()
    }
    ruinMonth.deallocate()
    outgo.deallocate()
    minimumNeed.deallocate()
    payments?.deallocate()
    reserveMonths.deallocate()
    for months in moneyMonths { months?.deallocate() }
  }

  /// Variant k's B₀ in the block of paths firstPath ..< firstPath + lanes (`own`: the lanes' own B₀), as a run of
  /// its scenario sets it (`PathBlockKernel.setStartBalances`: its draw where it draws one, `LaneParameters.draw`).
  func startBalances(_ k: Int, firstPath: Int, lanes: Int, own: UnsafePointer<Double>) -> UnsafePointer<Double> {
    let row = start + k * capacity
    switch variants[k].start {
    case .own: row.update(from: own, count: lanes)
    case .number(let reserve): row.update(repeating: reserve, count: lanes)
    case .drawn(let parameter, let pathsPerDraw):
      LaneParameters.draw(
        parameter, streams: streams, pathsPerDraw: pathsPerDraw, firstPath: firstPath, lanes: lanes, into: row)
    }
    return UnsafePointer(row)
  }

  /// Sets every variant's lanes to month 0 — its B₀ (`startBalances`), nothing summed, no need and no ruin yet — as
  /// `PathBlockKernel.run` sets its own.
  func start(firstPath: Int, lanes: Int, own: UnsafePointer<Double>) {
    for k in variants.indices {
      drawnLanes[k]?.draw(firstPath: firstPath, lanes: lanes)
      let row = k * capacity
      (balance + row).update(from: startBalances(k, firstPath: firstPath, lanes: lanes, own: own), count: lanes)
      (discountedSum + row).update(repeating: 0, count: lanes)
      (need + row).update(repeating: -.infinity, count: lanes)
      (ruinMonth + row).update(repeating: 0, count: lanes)
      if moneyMonths[k] != nil { (minimumNeed + row).update(repeating: -.infinity, count: lanes) }
    }
  }

  /// Month m's cash flow of each variant with its own money side: in a year's first month its sponsors' revenue
  /// Σ_t count_t · amount_t (the block's `sponsors` counts, tiers · capacity, at its amounts, as
  /// `PathBlockKernel.sponsorRevenue` sums them); then the money pass on its lines (at `at`, with the block's factor
  /// levels and income multipliers); then each service's payment subtracted service by service, as the services'
  /// pass does: its cost times the recorded scale, or the recorded payment (`payments`, just written by that pass).
  /// With `servicesOutgo` (a policy's: what the services paid this month, summed in their order) also its month's
  /// outgo, its expenses + that, as the policy's pass sums the block's (SPEC §15; its services' costs are the file's).
  func payMoney(
    at: inout rs_block_month, month m: Int, level: UnsafePointer<Double>, incomeMultiplier: UnsafePointer<Double>,
    sponsors: UnsafePointer<Int64>, servicesOutgo: UnsafePointer<Double>?
  ) {
    guard hasMoney else { return }
    let lanes = Int(at.lanes)
    let services = paymentIsRecorded.count
    for k in variants.indices {
      guard let money = moneyMonths[k] else { continue }
      let (row, revenue) = (flow + k * capacity, sponsorMonthly + k * capacity)
      let drawn = drawnLanes[k]
      if (m - 1) % 12 == 0 {
        revenue.update(repeating: 0, count: lanes)
        for t in 0..<tiers {
          let (counts, amount) = (sponsors + t * capacity, tierAmounts[k * tiers + t])
          if let own = drawn?.tierMonthlyAmount {
            let amounts = own + t * capacity
            for lane in 0..<lanes { revenue[lane] += Double(counts[lane]) * amounts[lane] }
          } else {
            for lane in 0..<lanes { revenue[lane] += Double(counts[lane]) * amount }
          }
        }
      }
      drawn?.fillMoney(month: m, lanes: lanes)
      // The expense row starts at 0, so after the pass it holds the month's expenses themselves.
      let expenses = unreadSums + capacity
      expenses.update(repeating: 0, count: lanes)
      var sums = rs_month_sums(
        cashFlow: row, incomeSum: unreadSums, expenseSum: unreadSums + capacity, sponsorSum: unreadSums + 2 * capacity)
      rs_money_lines(&at, money + (m - 1), drawn?.money, level, incomeMultiplier, revenue, &sums)
      if let servicesOutgo {
        let outgo = self.outgo + k * capacity
        for lane in 0..<lanes { outgo[lane] = expenses[lane] + servicesOutgo[lane] }
      }
      guard let payments else { continue }
      for s in 0..<services {
        let paid = payments + s * capacity
        if paymentIsRecorded[s] {
          for lane in 0..<lanes { row[lane] -= paid[lane] }
        } else {
          let cost = serviceCosts[k * services + s]
          for lane in 0..<lanes { row[lane] -= cost * paid[lane] }
        }
      }
    }
  }

  /// The month-end's need for the minimum of each variant with its own money side (SPEC §17, as the policy's pass
  /// takes the block's): need_min ← max(need_min, k·outgo·discount − S) where its outgo is > 0, S its discounted sum
  /// after the month; `discount` the month's, one for every lane (`discountStride` 0) or each lane's own (1).
  func updateMinimumNeeds(
    lanes: Int, minimumMonths k: Double, discount: UnsafePointer<Double>, discountStride: Int
  ) {
    for v in variants.indices where moneyMonths[v] != nil {
      let row = v * capacity
      let (outgo, sums, needs) = (self.outgo + row, discountedSum + row, minimumNeed + row)
      for lane in 0..<lanes {
        let candidate = k * outgo[lane] * discount[lane * discountStride] - sums[lane]
        if outgo[lane] > 0 && candidate >= needs[lane] { needs[lane] = candidate }
      }
    }
  }

  /// Variant k's need for the minimum: its own with its own money side, else the block's (`blockNeed`).
  func minimumNeed(_ k: Int, blockNeed: UnsafePointer<Double>) -> UnsafePointer<Double> {
    moneyMonths[k] == nil ? blockNeed : UnsafePointer(minimumNeed + k * capacity)
  }

  /// Runs `pass` (the month's balances' pass) on each variant's state with its numbers for month m and its cash
  /// flow (its own with its own money lines, else `blockFlow`).
  func update(
    month m: Int, blockFlow: UnsafePointer<Double>,
    _ pass: (inout rs_reserve_state, inout rs_reserve_month, UnsafePointer<Double>) -> Void
  ) {
    for k in variants.indices {
      var (state, month) = (state(k), reserveMonths[k * months + m - 1])
      pass(&state, &month, cashFlow(k, blockFlow: blockFlow))
    }
  }

  /// Runs `pass` (the month's balances' pass with the lanes' own numbers, SPEC §16) on each variant's state and
  /// cash flow.
  func update(blockFlow: UnsafePointer<Double>, _ pass: (inout rs_reserve_state, UnsafePointer<Double>) -> Void) {
    for k in variants.indices {
      var state = state(k)
      pass(&state, cashFlow(k, blockFlow: blockFlow))
    }
  }

  private func cashFlow(_ k: Int, blockFlow: UnsafePointer<Double>) -> UnsafePointer<Double> {
    moneyMonths[k] == nil ? blockFlow : UnsafePointer(flow + k * capacity)
  }

  /// Variant k's rows as the balances' pass reads and writes them.
  private func state(_ k: Int) -> rs_reserve_state {
    let row = k * capacity
    return rs_reserve_state(
      balance: balance + row, discountedSum: discountedSum + row, need: need + row, ruinMonth: ruinMonth + row)
  }
}
