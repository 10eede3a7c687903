import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// What `Solve` reads of its runs (SPEC §18), however they are simulated — one result of all paths in memory, or
/// streamed chunk by chunk (`RunPipeline.solve`): the same numbers either way. Each closure runs one scenario on
/// the solve's paths with the given seed.
public struct SolveRuns {
  /// The needs within y years a grid point's run is asked for: need_y (`ruin`) or need_min,y (`below`), each at
  /// the (N − ⌊pN⌋)-th smallest of the N paths' values for every share p in `atMost` (`SolveTarget.rank`).
  public struct NeedsQuery: Sendable, Equatable {
    public var metric: SolveTarget.Metric
    public var withinYears: Int
    public var atMost: [Double]

    public init(metric: SolveTarget.Metric, withinYears: Int, atMost: [Double]) {
      self.metric = metric
      self.withinYears = withinYears
      self.atMost = atMost
    }

    /// The query's order statistics of `needs` (one per path): the value at each share's rank, after the run's
    /// radix sort, as `RunSummary` sorts.
    func orderStatistics(_ needs: [Double]) -> [Double] {
      let ascending = RadixSort.sorted(needs)
      return atMost.map { Quantiles.orderStatistic(ascending, rank: SolveTarget.rank(atMost: $0, paths: needs.count)) }
    }

    /// The years whose needs `queries` read: need_y for those in `floor`, need_min,y for those in `minimum`.
    public static func years(_ queries: [NeedsQuery]) -> (floor: Set<Int>, minimum: Set<Int>) {
      (
        floor: Set(queries.filter { $0.metric == .ruin }.map(\.withinYears)),
        minimum: Set(queries.filter { $0.metric == .below }.map(\.withinYears))
      )
    }
  }

  /// A grid point's run: its path count, and for each query the needs at its shares (`values[query][share]`), as
  /// simulated (not through `RunSummary.finite`).
  public var needs: (Scenario, UInt64, [NeedsQuery]) throws -> (paths: Int, values: [[Double]])
  /// Every grid point's needs from one simulation of the base scenario, each point's policy replayed on it
  /// (`Simulator.runReplaying`): for a grid whose points differ from the base only in their policy's
  /// numbers (`Simulator.replays(_:on:)`); the same values as `needs` point by point. nil when not available, and
  /// the closure returns nil when it cannot hold one point's needs in memory: each point is then run on its own.
  public var replayedNeeds: ReplayedNeeds?
  /// (base, points, seed, queries) → each point's (paths, values) as `needs` gives them, or nil.
  public typealias ReplayedNeeds = (Scenario, [Scenario], UInt64, [NeedsQuery]) throws -> [(
    paths: Int, values: [[Double]]
  )]?
  /// What each plan's responses cost at its reserve, from one simulation of the base scenario, each point's policy
  /// replayed from its reserve (`Simulator.policyActivityMeans`), for the points `replayedNeeds` takes: the same
  /// costs as `cost` of each point with `reserve.initial` at its reserve. nil when not available, and the closure
  /// returns nil when it cannot hold one point's sums: each plan is then run on its own.
  public var replayedCosts: ReplayedCosts?
  /// (base, points, reserves, seed) → each point's cost at its reserve, or nil.
  public typealias ReplayedCosts = (Scenario, [Scenario], [Double], UInt64) throws -> [ResponseCost]?
  /// A plan's run at its reserve: what its responses cost.
  public var cost: (Scenario, UInt64) throws -> ResponseCost
  /// The best plan's run on the check's seed: each assertion's estimate, interval and verdict.
  public var check: (Scenario, UInt64, [Assertion]) throws -> [AssertionCheck]

  public init(
    needs: @escaping (Scenario, UInt64, [NeedsQuery]) throws -> (paths: Int, values: [[Double]]),
    cost: @escaping (Scenario, UInt64) throws -> ResponseCost,
    check: @escaping (Scenario, UInt64, [Assertion]) throws -> [AssertionCheck]
  ) {
    self.needs = needs
    self.cost = cost
    self.check = check
  }

  /// Runs kept whole in memory: `simulate` runs a scenario recording the needs within the given years (need_y for
  /// the years in `floor`, need_min,y for those in `minimum`; both empty: none), and the needs are sorted.
  public init(
    simulate: @escaping (Scenario, UInt64, (floor: Set<Int>, minimum: Set<Int>)) throws -> SimulationResult,
    cost: @escaping (SimulationResult) -> ResponseCost
  ) {
    let none = (floor: Set<Int>(), minimum: Set<Int>())
    self.init(
      needs: { scenario, seed, queries in
        let result = try simulate(scenario, seed, NeedsQuery.years(queries))
        let values = queries.map { query in
          query.orderStatistics(
            query.metric == .ruin
              ? result.needsWithin[query.withinYears]! : result.minimumNeedsWithin[query.withinYears]!)
        }
        return (result.paths, values)
      },
      cost: { scenario, seed in cost(try simulate(scenario, seed, none)) },
      check: { scenario, seed, assertions in
        AssertionCheck.evaluate(assertions, result: try simulate(scenario, seed, none))
      })
  }
}
