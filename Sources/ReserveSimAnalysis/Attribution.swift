import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// Where the risk comes from (SPEC §20): the Shapley allocation of a metric over the scenario's risk sources.
///
/// f(S) is the metric with the sources in S switched on and the others off (`RiskSource`), every subset on the same
/// seed and paths through the compiled plan (common random numbers: a source switched off still draws its random
/// numbers at their addresses). f(∅), every source off, is "the budget itself"; each source's share is
///
///     φ_s = Σ_{T ⊆ N∖{s}} |T|!(n − |T| − 1)!/n! · (f(T ∪ {s}) − f(T)),
///
/// so f(∅) + Σ φ_s = f(N), the metric of the file as written. Beyond `maximumSources` sources the ones with the
/// smallest |f({s}) − f(∅)| (file order on ties) are grouped as one "other sources", so at most 2¹⁰ subsets run.
///
/// Intervals (95%): for `ruin` and `below` f is a mean over paths of 0/1, so φ_s is the mean of the paths' own
/// Shapley values φ_s(i) (the same sum over the path's outcomes); the interval is mean ± 1.96·sd/√N of those, from
/// how many paths have each value (n!·φ_s(i) is a whole number), so nothing is kept per path. For
/// `reserve@C`, a paired bootstrap over paths as `compare` does it (`PairedBootstrap`: its resample count and
/// generator): each resample's ⌈cN⌉-th smallest need in every subset, and the Shapley values of those.
public struct Attribution: Sendable {
  /// One source's share of the metric, in the metric's own unit (a probability, or money for `reserve@C`).
  public struct Share: Sendable, Equatable {
    public var name: String
    public var kind: RiskSource.Kind
    public var share: Double
    public var lower: Double
    public var upper: Double
  }

  /// Most sources attributed one by one; beyond, the smallest are grouped (2¹⁰ subsets at most).
  public static let maximumSources = 9

  public var metric: AttributionMetric
  public var scenarioName: String
  public var currency: String
  public var paths: Int
  public var seed: UInt64
  /// f(∅): the metric with every source switched off.
  public var budgetItself: Double
  /// f(N): the metric of the file as written.
  public var total: Double
  /// φ_s for each source, in file order (grouped sources last).
  public var sources: [Share]
  /// Subsets simulated, each over every path.
  public var evaluations: Int

  /// f(∅) + Σ φ_s, which equals `total` up to rounding.
  public var sumOfShares: Double { sources.reduce(budgetItself) { $0 + $1.share } }

  /// Computes the attribution of `metric` over the sources of `scenario` on paths 0 ..< `paths` from `seed`.
  /// - Parameter progress: called from worker threads with the share of all subsets' paths simulated.
  /// - Throws: `CancellationError` when `cancellation` is set.
  /// - Parameter budget: past its one-pass budget `reserve@C` streams its runs' needs (nil: they are held whatever
  ///   their size).
  /// - Complexity: 2ⁿ runs of the scenario (n ≤ 10 sources; n + 1 more when grouping), several passes of them when
  ///   `reserve@C` streams; memory O(2ⁿ·N) needs for `reserve@C` held, and for `ruin`, `below` and a streamed
  ///   `reserve@C` none per path (O(n·distinct values of n!·φ_s(i)), or the budget's).
  package init(
    scenario: Scenario, metric: AttributionMetric, paths: Int, seed: UInt64, simulator: Simulator,
    budget: StreamingBudget? = nil, progress: (@Sendable (Double) -> Void)? = nil,
    cancellation: CancellationFlag? = nil
  ) throws {
    self.metric = metric
    scenarioName = scenario.name
    currency = scenario.currency
    self.paths = paths
    self.seed = seed
    var sources = RiskSource.sources(of: scenario)
    let evaluator = SubsetEvaluator(
      scenario: scenario, metric: metric, paths: paths, seed: seed, simulator: simulator, cancellation: cancellation,
      budget: budget)
    var evaluations = 0
    let grouped = sources.count > Self.maximumSources
    let total = Double(grouped ? sources.count + 1 + (1 << (Self.maximumSources + 1)) : 1 << sources.count)
    if grouped {
      // f(∅) and each f({s}), to find the sources that move the metric least.
      let singles =
        [Self.switchingOff(sources, keepingOn: [])]
        + sources.indices.map {
          Self.switchingOff(sources, keepingOn: [$0])
        }
      let done = Double(evaluations)
      let values = try evaluator.evaluate(
        singles,
        progress: progress.map { report in { @Sendable in report((done + $0 * Double(singles.count)) / total) } }
      ).values
      evaluations += singles.count
      let effect = sources.indices.map { abs(values[$0 + 1] - values[0]) }
      let byEffect = sources.indices.sorted { effect[$0] > effect[$1] || (effect[$0] == effect[$1] && $0 < $1) }
      let kept = Set(byEffect.prefix(Self.maximumSources))
      let others = sources.indices.filter { !kept.contains($0) }.map { sources[$0] }
      sources = sources.indices.filter(kept.contains).map { sources[$0] } + [RiskSource.grouping(others)]
    }
    let n = sources.count
    let shapley = n > 0 ? Shapley(players: n) : nil
    let runs = (0..<(1 << n)).map { subset in
      Self.switchingOff(sources, keepingOn: (0..<n).filter { subset & (1 << $0) != 0 })
    }
    let done = Double(evaluations)
    let result = try evaluator.evaluate(
      runs, shapley: shapley,
      progress: progress.map { report in { @Sendable in report((done + $0 * Double(runs.count)) / total) } })
    evaluations += runs.count
    self.evaluations = evaluations
    budgetItself = result.values[0]
    self.total = result.values[(1 << n) - 1]
    guard let shapley else {
      self.sources = []
      return
    }
    let shares = shapley.shares(result.values)
    let intervals = result.intervals
    self.sources = sources.indices.map { s in
      Share(
        name: sources[s].name, kind: sources[s].kind, share: shares[s], lower: intervals[s].lower,
        upper: intervals[s].upper)
    }
  }

  /// How many runs' worth of per-path memory an attribution holds at its peak, for the memory check: per path, a run
  /// keeps 12 + 8·years bytes (need, ruin month, year-end balances); `reserve@C` held keeps each subset's need and
  /// one run's copy for its selections (`heldBytes`). `ruin` and `below` keep nothing per path (0): their counts add
  /// up block by block.
  public static func heldAtOnce(for scenario: Scenario, metric: AttributionMetric) -> Int {
    guard metric.isMoney else { return 0 }
    let bytes = heldBytes(runs: 1 << evaluatedSources(of: scenario), paths: 1)
    let run = 12 + 8 * scenario.years
    return max(1, (bytes + run - 1) / run)
  }

  /// Whether `reserve@C` streams its runs' needs: when holding them would pass `budget.onePassBytes`.
  public static func streams(_ scenario: Scenario, metric: AttributionMetric, paths: Int, budget: StreamingBudget)
    -> Bool
  {
    metric.isMoney && heldBytes(runs: 1 << evaluatedSources(of: scenario), paths: paths) > budget.onePassBytes
  }

  /// Bytes `reserve@C` holds for `runs` runs' needs of `paths` paths: 8 a need, and one run's copy.
  static func heldBytes(runs: Int, paths: Int) -> Int { 8 * (runs + 1) * paths }

  /// The sources the largest evaluation has (those past `maximumSources` grouped as one).
  private static func evaluatedSources(of scenario: Scenario) -> Int {
    min(RiskSource.sources(of: scenario).count, maximumSources + 1)
  }

  /// What the engine switches off when only the sources at `on` are on.
  static func switchingOff(_ sources: [RiskSource], keepingOn on: [Int]) -> SwitchedOffSources {
    sources.indices.filter { !on.contains($0) }.reduce(SwitchedOffSources.none) { $0.union(sources[$1].switchedOff) }
  }
}
