import Foundation
import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// What a plan costs in responses, measured by one pass at its reserve (SPEC §18).
public struct ResponseCost: Sendable, Equatable {
  /// Mean over paths of the expense not paid because of cuts, total ÷ years (currency a year).
  public var expectedCutPerYear: Double
  /// Share of paths with cuts in force in some month.
  public var cutShare: Double
  /// Mean appeals made per path over the horizon.
  public var appealsPerPath: Double

  public init(expectedCutPerYear: Double, cutShare: Double, appealsPerPath: Double) {
    self.expectedCutPerYear = expectedCutPerYear
    self.cutShare = cutShare
    self.appealsPerPath = appealsPerPath
  }

  /// No responses: nothing cut, no appeal.
  public static let none = ResponseCost(expectedCutPerYear: 0, cutShare: 0, appealsPerPath: 0)
}

/// The cheapest plan that meets the board's targets (SPEC §18): for each point of a grid of levers (policy fields,
/// budget lines), the least starting reserve B₀ that meets every target, exactly from the paths' needs, all on
/// common random numbers; what each plan costs in responses; which plans are efficient; and the best plan checked
/// out of sample.
///
/// For one lever point and a target "metric ≤ p within y years", the least B₀ is the (N − ⌊pN⌋)-th smallest of
/// the N paths' need_y (ruin) or need_min,y (below): starting from it, at most ⌊pN⌋ paths fail within y years, and
/// one cent less fails one more (ties aside). The least B₀ meeting all targets is the largest of these, shown as
/// max(0, ·) and rounded up to the next cent (so that, run from the amount shown, the plan meets its targets despite
/// rounding); the target with the largest unclamped value is **binding** (the first listed on ties). Where the
/// policy's responses make flows depend on the balance, the needs come from the per-path search (SPEC §15).
public struct Solve: Sendable {
  /// One lever point's plan.
  public struct Row: Sendable, Equatable {
    /// The levers' values, in lever order.
    public var levers: [Double]
    /// The least B₀ meeting every target, max(0, ·).
    public var reserve: Double
    /// The reserve in months of the base file's month-1 budgeted outgo; nil when it budgets none.
    public var months: Double?
    /// Index (into `targets`) of the binding target.
    public var binding: Int
    public var cost: ResponseCost
    /// Not dominated: no other row is ≤ in both reserve and expected cuts and < in one.
    public var efficient: Bool
    /// The point's position in the grid (the first lever in the outer loop).
    public var gridIndex: Int
  }

  /// A target's metric for the best plan, re-run on another seed (`check`'s interval and verdict).
  public struct TargetCheck: Sendable, Equatable {
    public var spec: String
    public var value, lower, upper: Double
    public var verdict: Verdict
  }

  /// The least B₀ over all rows when the first target's `atMost` is p (the other targets kept).
  public struct FrontierPoint: Sendable, Equatable {
    public var atMost: Double
    public var reserve: Double
    public var months: Double?
  }

  /// The most levers, and the most grid points.
  public static let maximumLevers = 3
  public static let maximumPoints = 1000
  /// The first target's p values of the frontier (the target's own p is added).
  public static let frontierLevels = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2]
  /// Why the out-of-sample check exists, in words for every output.
  public static let outOfSampleNote =
    "The reserve is chosen on these paths, so it meets the targets on them by construction. Re-run on other "
    + "random futures (another seed), a plan that sits exactly on its target is inconclusive about half the time; "
    + "a margin (a 4% target for a 5% goal) buys a pass."

  public var scenarioName: String
  public var currency: String
  public var years: Int
  public var paths: Int
  public var seed: UInt64
  public var targets: [SolveTarget]
  public var levers: [SweepAxis]
  /// Sorted by reserve, then expected cuts, then grid order; the first is the best.
  public var rows: [Row]
  /// The best row re-run at its reserve on `checkSeed`.
  public var checkSeed: UInt64
  public var check: [TargetCheck]
  /// With `--frontier`: ascending p (the frontier levels and the first target's own p); nil otherwise.
  public var frontier: [FrontierPoint]?
  /// The base file's month-1 budgeted outgo (the months' yardstick).
  public var monthlyOutgo: Double
  /// Notes for the reader (a distribution on the reserve ignored, levers that replace a distribution).
  public var notes: [String]

  public var best: Row { rows[0] }

  /// Solves for the least reserve over the lever grid, each run kept whole in memory.
  /// - Parameters:
  ///   - base: the scenario with its edits applied.
  ///   - targets: one or more targets (`SolveTarget(parsing:for:)`).
  ///   - levers: at most three axes (`SweepAxis`), the grid at most `maximumPoints` points.
  ///   - simulate: runs a scenario on the solve's paths with the given seed, recording the needs within the
  ///     given years: need_y for the years in `floor`, need_min,y for those in `minimum` (both empty: none).
  ///   - cost: what a run's responses cost (from its policy activity).
  ///   - progress: (runs done, runs in all).
  /// - Throws: `ScenarioError` for a bad lever or grid point (before anything runs); errors of `simulate`.
  public init(
    scenario: Scenario, targets: [SolveTarget], levers: [SweepAxis], frontier: Bool, seed: UInt64, checkSeed: UInt64,
    simulate: @escaping (Scenario, UInt64, (floor: Set<Int>, minimum: Set<Int>)) throws -> SimulationResult,
    cost: @escaping (SimulationResult) -> ResponseCost,
    progress: ((Int, Int) -> Void)? = nil
  ) throws {
    try self.init(
      scenario: scenario, targets: targets, levers: levers, frontier: frontier, seed: seed, checkSeed: checkSeed,
      runs: SolveRuns(simulate: simulate, cost: cost), progress: progress)
  }

  /// Solves for the least reserve over the lever grid, reading each run through `runs` (one result in memory, or
  /// streamed: the same numbers).
  /// - Parameters:
  ///   - base: the scenario with its edits applied.
  ///   - targets: one or more targets (`SolveTarget(parsing:for:)`).
  ///   - levers: at most three axes (`SweepAxis`), the grid at most `maximumPoints` points.
  ///   - runs: what solve reads of a run: the needs' order statistics, the responses' cost, the check's verdicts.
  ///   - progress: (runs done, runs in all).
  /// - Throws: `ScenarioError` for a bad lever or grid point (before anything runs); errors of `runs`.
  public init(
    scenario: Scenario, targets: [SolveTarget], levers: [SweepAxis], frontier: Bool, seed: UInt64, checkSeed: UInt64,
    runs measure: SolveRuns, progress: ((Int, Int) -> Void)? = nil
  ) throws {
    precondition(!targets.isEmpty)
    var base = scenario
    var notes: [String] = []
    let reserveAddress = try ParameterAddress(parsing: "reserve.initial", in: base)
    if reserveAddress.distribution(in: base) != nil {
      try reserveAddress.write(reserveAddress.value(in: base) ?? 0, to: &base)
      notes.append("reserve.initial is written as a distribution; solve finds the reserve, so it is ignored")
    }
    let (grid, points, leverNotes) = try Self.grid(base, levers: levers)
    notes += leverNotes
    scenarioName = base.name
    currency = base.currency
    years = base.years
    self.seed = seed
    self.checkSeed = checkSeed
    self.targets = targets
    self.levers = levers
    self.notes = notes
    monthlyOutgo = Budget(base).monthlyOutgo
    let outgo = monthlyOutgo
    func months(_ amount: Double) -> Double? { outgo > 0 ? amount / outgo : nil }

    let hasResponses = base.policy?.respondsToBalance == true
    var frontierLevels = Self.frontierLevels
    if !frontierLevels.contains(targets[0].atMost) { frontierLevels.append(targets[0].atMost) }
    frontierLevels.sort()
    var frontierBest = [Double](repeating: .infinity, count: frontierLevels.count)
    let queries = Self.queries(targets, frontierLevels: frontier ? frontierLevels : [])
    // Levers on the policy's numbers only: one simulation, every point's policy replayed on it.
    let replays = hasResponses && points.allSatisfy { Simulator.replays($0, on: base) }
    let replayedNeeds = replays ? measure.replayedNeeds : nil
    let replayedCosts = replays ? measure.replayedCosts : nil
    var runs =
      (replayedNeeds == nil ? points.count : 1) + (hasResponses ? (replayedCosts == nil ? points.count : 1) : 0) + 1
    var done = 0
    func finished(_ count: Int) {
      done += count
      progress?(done, runs)
    }
    progress?(0, runs)

    var needs: [(paths: Int, values: [[Double]])] = []
    if let replayedNeeds, let replayed = try replayedNeeds(base, points, seed, queries.list) {
      needs = replayed
      finished(1)
    } else {
      if replayedNeeds != nil { runs += points.count - 1 }
      for point in points {
        needs.append(try measure.needs(point, seed, queries.list))
        finished(1)
      }
    }
    var rows: [Row] = []
    for (index, point) in needs.enumerated() {
      let values = queries.targets.map { point.values[$0.query][$0.share] }
      // The binding target: the largest unclamped value, the first listed on ties.
      let binding = values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }!
      let reserve = Self.upToTheCent(max(0, values[binding]))
      if frontier {
        let others = values.dropFirst().max() ?? -.infinity
        for (k, share) in queries.frontier.enumerated() {
          let first = point.values[queries.targets[0].query][share]
          frontierBest[k] = min(frontierBest[k], Self.upToTheCent(max(0, max(first, others))))
        }
      }
      rows.append(
        Row(
          levers: grid[index], reserve: reserve, months: months(reserve), binding: binding, cost: .none,
          efficient: true, gridIndex: index))
    }
    let paths = needs.last?.paths ?? 0

    // What each plan's responses cost, measured at its reserve (a plan beyond reserve.initial's range cannot run).
    var unfundable = 0
    if hasResponses {
      let funded = rows.indices.compactMap { i in
        (try? reserveAddress.setting(rows[i].reserve, in: points[i])).map { (row: i, scenario: $0) }
      }
      unfundable = rows.count - funded.count
      if let replayedCosts, !funded.isEmpty,
        let costs = try replayedCosts(base, funded.map { points[$0.row] }, funded.map { rows[$0.row].reserve }, seed)
      {
        for (plan, cost) in zip(funded, costs) { rows[plan.row].cost = cost }
        finished(1)
      } else {
        runs += funded.count - (replayedCosts == nil ? points.count : 1)
        for plan in funded {
          rows[plan.row].cost = try measure.cost(plan.scenario, seed)
          finished(1)
        }
      }
    }
    self.paths = paths
    for i in rows.indices {
      rows[i].efficient = !rows.contains { other in
        let noWorse =
          other.reserve <= rows[i].reserve && other.cost.expectedCutPerYear <= rows[i].cost.expectedCutPerYear
        let better = other.reserve < rows[i].reserve || other.cost.expectedCutPerYear < rows[i].cost.expectedCutPerYear
        return noWorse && better
      }
    }
    rows.sort {
      ($0.reserve, $0.cost.expectedCutPerYear, $0.gridIndex) < ($1.reserve, $1.cost.expectedCutPerYear, $1.gridIndex)
    }
    self.rows = rows
    self.frontier =
      frontier
      ? zip(frontierLevels, frontierBest).map { FrontierPoint(atMost: $0, reserve: $1, months: months($1)) } : nil

    // Out of sample: the best plan at its reserve on another seed.
    // A plan whose reserve is beyond reserve.initial's range cannot be run.
    let largestReserve = reserveAddress.decoderRange(in: base).upper ?? .infinity
    guard let checked = try? reserveAddress.setting(rows[0].reserve, in: points[rows[0].gridIndex]) else {
      throw ScenarioError(
        file: nil, path: .root,
        message:
          "the least reserve that meets the targets is about \(Self.grouped(rows[0].reserve)) \(currency), more "
          + "than a scenario can hold (reserve.initial at most \(Self.grouped(largestReserve))): no plan on this "
          + "grid can be funded; loosen a target (a larger share, fewer years) or move the levers")
    }
    if unfundable > 0 {
      self.notes.append(
        "\(unfundable) of the plans need more than a scenario can hold (reserve.initial at most "
          + "\(Self.grouped(largestReserve))): their responses' cost is not measured and shows as none")
    }
    let verdicts = try measure.check(checked, checkSeed, targets.map(\.assertion))
    check = zip(targets, verdicts).map { target, verdict in
      TargetCheck(
        spec: target.spec, value: verdict.estimate, lower: verdict.lower, upper: verdict.upper,
        verdict: verdict.verdict)
    }
    progress?(runs, runs)
  }

  /// The needs a grid point's run is asked for: one query per (metric, years) among the targets, with the targets'
  /// shares p and the frontier's levels (on the first target's query); where each target and frontier level reads
  /// its value (`query`, `share`: indices into the query list and its shares).
  static func queries(_ targets: [SolveTarget], frontierLevels: [Double]) -> (
    list: [SolveRuns.NeedsQuery], targets: [(query: Int, share: Int)], frontier: [Int]
  ) {
    var list: [SolveRuns.NeedsQuery] = []
    func place(_ metric: SolveTarget.Metric, _ years: Int, _ share: Double) -> (query: Int, share: Int) {
      let q =
        list.firstIndex { $0.metric == metric && $0.withinYears == years }
        ?? {
          list.append(SolveRuns.NeedsQuery(metric: metric, withinYears: years, atMost: []))
          return list.count - 1
        }()
      if let s = list[q].atMost.firstIndex(of: share) { return (q, s) }
      list[q].atMost.append(share)
      return (q, list[q].atMost.count - 1)
    }
    let placed = targets.map { place($0.metric, $0.withinYears, $0.atMost) }
    let frontier = frontierLevels.map { place(targets[0].metric, targets[0].withinYears, $0).share }
    return (list, placed, frontier)
  }

  /// A large amount to three significant digits, its digits grouped by thousands ("10,700,000,000,000,000,000"),
  /// for messages about amounts beyond any budget.
  static func grouped(_ amount: Double) -> String {
    guard amount.isFinite, amount >= 1000 else { return JSONValue.format(amount) }
    let scale = pow(10, floor(log10(amount)) - 2)
    let digits = String(format: "%.0f", (amount / scale).rounded() * scale)
    var out = ""
    for (i, digit) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(digit)
    }
    return out
  }

  /// An amount rounded up to the next cent: the exact need of the path at the rank, plus what the balance's
  /// month-by-month sums may lose to rounding against the need's closed form (far below a cent), so that the plan
  /// meets its targets when run from the amount shown.
  static func upToTheCent(_ amount: Double) -> Double {
    guard amount.isFinite, abs(amount) < 1e13 else { return amount }
    let cents = (amount * 100).rounded(.up) / 100
    return cents > amount ? cents : cents + 0.01
  }

  /// The lever grid (the first lever in the outer loop) and its scenarios, every point validated before any runs.
  /// A lever writes its value through its typed address; on a field written as a distribution it replaces it.
  static func grid(_ base: Scenario, levers: [SweepAxis]) throws -> ([[Double]], [Scenario], [String]) {
    guard levers.count <= maximumLevers else {
      throw ScenarioError(
        file: "--lever", path: .root, message: "at most \(maximumLevers) levers, found \(levers.count)")
    }
    for (i, lever) in levers.enumerated() {
      if lever.path.description == "reserve.initial" {
        throw ScenarioError(
          file: "--lever", path: .root,
          message: "reserve.initial is what solve finds (the unknown); it cannot be a lever")
      }
      if levers[..<i].contains(where: { $0.path == lever.path }) {
        throw ScenarioError(file: "--lever", path: .root, message: "two levers set \(lever.path)")
      }
    }
    let count = levers.reduce(1) { $0 * $1.count }
    guard count <= maximumPoints else {
      throw ScenarioError(
        file: "--lever", path: .root, message: "the grid has \(count) points; at most \(maximumPoints) are allowed")
    }
    let addresses = try levers.map { lever in
      do {
        return try ParameterAddress(lever.path, in: base)
      } catch var error as ScenarioError {
        error.file = "--lever"
        throw error
      }
    }
    let notes = zip(levers, addresses).compactMap { lever, address in
      address.distribution(in: base) == nil
        ? nil : "\(lever.path) is written as a distribution; the lever replaces it by each grid value"
    }
    // A lever replaces the field's value (a distribution too), unlike a sweep, which moves a distribution's centre.
    let (grid, scenarios) = try Sweep.points(base, axes: levers, addresses: addresses) { value, address, point in
      try address.write(value, to: &point)
    }
    return (grid, scenarios, notes)
  }
}

extension ResponseCost {
  /// What a run's responses cost (SPEC §18): its mean expense not paid because of cuts per year, the share of
  /// paths with cuts in force in some month, and the mean appeals made per path.
  /// Without cuts or an appeal (no activity recorded) the cost is `none`.
  public init(measuring result: SimulationResult) {
    self.init(activityMeans: result.policyActivityMeans, years: result.years)
  }

  /// The cost from a run's policy activity means by year (`SimulationResult.policyActivityMeans`'s layout).
  init(activityMeans means: [Double], years: Int) {
    guard !means.isEmpty else {
      self = .none
      return
    }
    var cut = 0.0, appeals = 0.0
    for year in 1...years {
      cut += PolicyActivityField.cutAmount.value(year: year, in: means)
      appeals += PolicyActivityField.appeals.value(year: year, in: means)
    }
    self.init(
      expectedCutPerYear: cut / Double(years), cutShare: PolicyActivityField.cutSoFar.value(year: years, in: means),
      appealsPerPath: appeals)
  }
}
