import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// The multi-run commands on the pipeline: each loads through `RunPipeline.load(_:)`, compiles (paths, seed,
/// memory), and simulates off Swift's cooperative pool with progress over all its runs and cancellation.
extension RunPipeline {
  /// `check`: simulates `loaded` and evaluates `assertions` (SPEC §9); with `maxPaths`, doubles the paths
  /// (simulating only the new ones) until every verdict is conclusive or `maxPaths` is reached
  /// (`Simulator.check`). Progress is the share of `maxPaths` (or of the first round's paths) simulated.
  ///
  /// A round too large for `streamingBudget.onePassBytes` is streamed (`StreamedRun`, with the assertions'
  /// confidences selected too): the same verdicts and headline, no `result`. With `maxPaths`, when twice the largest
  /// round would not fit that budget, every round is a streamed run of all its paths (N, 2N, 4N, … as before: the
  /// same rounds and verdicts, about twice the simulation in all, memory that does not grow with paths).
  /// - Returns: the last round's result (nil when streamed), its summary and the verdicts.
  public func check(
    _ loaded: LoadedScenario, assertions: [Assertion], paths: Int? = nil, seed: UInt64? = nil,
    maxPaths: Int? = nil, progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> RunOutput {
    let reporter = ProgressReporter(progress)
    let (paths, seed, streams) = try compile(
      loaded, paths: paths, seed: seed, growingTo: maxPaths, streaming: true, reporter: reporter)
    if streams {
      let (simulator, budget) = (self.simulator, streamingBudget)
      let limit = max(paths, maxPaths ?? paths)
      return try await Self.simulating(reporter) { flag in
        var count = paths
        while true {
          var run = StreamedRun(
            scenario: loaded.scenario, paths: count, seed: seed, simulator: simulator, budget: budget)
          run.extraConfidences = AssertionCheck.reserveConfidences(assertions)
          let output = try run.run(
            progress: { reporter.report(.simulating, $0.share, pass: $0.pass, passes: $0.passes) }, cancellation: flag)
          let checks = AssertionCheck.evaluate(assertions, streamed: output)
          if count < limit && checks.contains(where: { !$0.verdict.isConclusive }) {
            count = min(limit, 2 * count)
            continue
          }
          return try Self.summarising(reporter, flag) {
            let summary = RunSummary(
              output, scenario: loaded.scenario, seed: seed,
              reserveConfidences: RunSummary.defaultReserveConfidences,
              shortfallConfidences: RunSummary.defaultShortfallConfidences)
            return RunOutput(loaded: loaded, result: nil, summary: summary, checks: checks)
          }
        }
      }
    }
    let limit = Double(max(paths, maxPaths ?? paths))
    return try await Self.simulating(reporter) { [simulator] flag in
      let (result, checks) = try simulator.check(
        loaded.scenario, assertions: assertions, paths: paths, seed: seed, maxPaths: maxPaths,
        progress: { range in
          { share in reporter.report(.simulating, (Double(range.lowerBound) + share * Double(range.count)) / limit) }
        }, cancellation: flag)
      return try Self.summarising(reporter, flag) {
        // `check` prints verdicts and the headline, never the estimates' ranking: it is not computed.
        RunOutput(
          loaded: loaded, result: result, summary: RunSummary(result, ranksUncertainty: false), checks: checks)
      }
    }
  }

  /// `compare`: A and B on common random numbers (A's seed and path count unless given), paired (`Comparison`).
  ///
  /// With `streaming`, when the two runs' results would not fit `streamingBudget.onePassBytes` side by side, they
  /// stream (`Comparison.streamed`): the same numbers, in memory that does not grow with the paths, in about twice
  /// the simulation. Without it (the web page's runs, answered while someone waits), both are held, and a
  /// comparison too large for the machine is refused. When B differs from A only in its policy's numbers or its
  /// reserve (`Simulator.replaysOutcome(_:on:)`), both come from one simulation (`Comparison.replayed`), held or
  /// streamed alike.
  public func compare(
    _ a: LoadedScenario, _ b: LoadedScenario, paths: Int? = nil, seed: UInt64? = nil, streaming: Bool = true,
    progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> Comparison {
    let reporter = ProgressReporter(progress)
    let (paths, seed, streams) = try compile(
      a, paths: paths, seed: seed, heldAtOnce: 2, streaming: streaming, reporter: reporter)
    if Simulator.replaysOutcome(b.scenario, on: a.scenario) {
      let (simulator, bytes) = (self.simulator, streamingBudget.onePassBytes)
      let replayed = try await Self.simulating(reporter) { flag -> Comparison? in
        guard
          let comparison = try Comparison.replayed(
            a.scenario, b.scenario, paths: paths, seed: seed, simulator: simulator, bytes: bytes,
            progress: reporter.simulating(run: 0, of: 1), cancellation: flag)
        else { return nil }
        return try Self.summarising(reporter, flag) { comparison }
      }
      if let replayed { return replayed }
    }
    if streams {
      let (simulator, budget) = (self.simulator, streamingBudget)
      try budget.estimate(for: b.scenario, paths: paths, simulator: simulator).check()
      return try await Self.simulating(reporter) { flag in
        let comparison = try Comparison.streamed(
          a.scenario, b.scenario, paths: paths, seed: seed, simulator: simulator, budget: budget,
          progress: { step, share in reporter.report(.simulating, (Double(step) + share) / 3) }, cancellation: flag)
        return try Self.summarising(reporter, flag) { comparison }
      }
    }
    return try await Self.simulating(reporter) { [simulator] flag in
      let resultA = try simulator.run(
        a.scenario, paths: paths, seed: seed, progress: reporter.simulating(run: 0, of: 2), cancellation: flag)
      let resultB = try simulator.run(
        b.scenario, paths: paths, seed: seed, progress: reporter.simulating(run: 1, of: 2), cancellation: flag)
      return try Self.summarising(reporter, flag) { Comparison(a: resultA, b: resultB, threads: simulator.threads) }
    }
  }

  /// `sweep`: `loaded`'s document over a grid of one or two axes on common random numbers (`Sweep`).
  /// - Throws: `ScenarioError` (in `loaded.file`) for a bad grid or grid point, before anything is simulated.
  public func sweep(
    _ loaded: LoadedScenario, axes: [SweepAxis], paths: Int? = nil, seed: UInt64? = nil,
    progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> Sweep {
    let reporter = ProgressReporter(progress)
    let (paths, seed, _) = try compile(loaded, paths: paths, seed: seed, streaming: true, reporter: reporter)
    let points = axes.reduce(1) { $0 * $1.count }
    return try await Self.simulating(reporter) { [simulator, streamingBudget] flag in
      try Self.naming(loaded.file) {
        var done = 0
        let sweep = try Sweep(
          scenario: loaded.scenario, axes: axes,
          outcome: { scenario, confidences in
            defer { done += 1 }
            return try Self.outcome(
              of: scenario, confidences: confidences, paths: paths, seed: seed, simulator: simulator,
              budget: streamingBudget, run: done, of: points, reporter: reporter, flag: flag)
          },
          replayed: RunOutcome.replaying(
            simulator: simulator, paths: paths, seed: seed, bytes: streamingBudget.onePassBytes, cancellation: flag,
            progress: reporter.simulating(run: 0, of: 1)))
        return try Self.summarising(reporter, flag) { sweep }
      }
    }
  }

  /// `sensitivity`: each parameter of `loaded`'s document (or those `parameters` name) set lower and higher
  /// by `swing`, on common random numbers (`SensitivityAnalysis`).
  /// - Throws: `ScenarioError` (in `loaded.file`) for a listed parameter that is not a number in the file.
  public func sensitivity(
    _ loaded: LoadedScenario, parameters: [ScenarioPath]? = nil, swing: Double = 0.2,
    metric: SensitivityMetric = .requiredReserve95, paths: Int? = nil, seed: UInt64? = nil,
    progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> SensitivityAnalysis {
    let reporter = ProgressReporter(progress)
    let (paths, seed, _) = try compile(loaded, paths: paths, seed: seed, streaming: true, reporter: reporter)
    return try await Self.simulating(reporter) { [simulator, streamingBudget] flag in
      try Self.naming(loaded.file) {
        // The runs in all are known after the first (the analysis tells them with its progress).
        var (done, runs) = (0, 0)
        let analysis = try SensitivityAnalysis(
          document: loaded.document, parameters: parameters, swing: swing, metric: metric,
          outcome: { scenario, confidences in
            try Self.outcome(
              of: scenario, confidences: confidences, paths: paths, seed: seed, simulator: simulator,
              budget: streamingBudget, run: done, of: runs > 0 ? runs : nil, reporter: reporter, flag: flag)
          },
          replayed: { base, variants, confidences in
            // The replayed variants fill the first variants.count of the runs' share of the progress.
            let share = Double(variants.count) / Double(max(runs, variants.count))
            return try RunOutcome.replaying(
              simulator: simulator, paths: paths, seed: seed, bytes: streamingBudget.onePassBytes,
              cancellation: flag, progress: { reporter.report(.simulating, share * $0) })(base, variants, confidences)
          },
          progress: { finished, all in
            (done, runs) = (finished, all)
            reporter.report(.simulating, Double(finished) / Double(all))
          })
        return try Self.summarising(reporter, flag) { analysis }
      }
    }
  }

  /// One run of `sweep` or `sensitivity` read as a `RunOutcome`: a streamed run (`StreamedRun`, its memory not
  /// growing with `paths`) when the run's paths' results would not fit `budget.onePassBytes`, else one result of all
  /// paths — the same numbers. The run is `index` of `runs` (nil while unknown: no progress is reported).
  static func outcome(
    of scenario: Scenario, confidences: [Double], paths: Int, seed: UInt64, simulator: Simulator,
    budget: StreamingBudget, run index: Int, of runs: Int?, reporter: ProgressReporter, flag: CancellationFlag
  ) throws -> RunOutcome {
    let progress = runs.map { reporter.simulating(run: index, of: $0) }
    guard budget.streams(scenario, paths: paths, simulator: simulator) else {
      let result = try simulator.run(scenario, paths: paths, seed: seed, progress: progress, cancellation: flag)
      return RunOutcome(result, confidences: confidences)
    }
    var run = StreamedRun(scenario: scenario, paths: paths, seed: seed, simulator: simulator, budget: budget)
    run.reserveConfidences = confidences
    run.shortfallConfidences = []
    run.summarisesBalances = false
    let output = try run.run(progress: passShares(progress), cancellation: flag)
    progress?(1)  // pass 1 announces a second pass, which its speculation may have made unnecessary
    return RunOutcome(streamed: output, seed: seed, confidences: confidences)
  }

  /// `drivers`: one run recording per-path diagnostics, and how the ruined paths differ (`RuinDrivers`).
  public func drivers(
    _ loaded: LoadedScenario, paths: Int? = nil, seed: UInt64? = nil,
    progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> RuinDrivers {
    let reporter = ProgressReporter(progress)
    var simulator = self.simulator
    simulator.recordsDiagnostics = true
    let (paths, seed, streams) = try compile(
      loaded, paths: paths, seed: seed, simulator: simulator, streaming: true, reserveConfidences: 0,
      reporter: reporter)
    if streams {
      // Too many paths to keep: the features' ranks and medians by bins over passes of the same paths.
      let run = StreamedRun(
        scenario: loaded.scenario, paths: paths, seed: seed, simulator: simulator, budget: streamingBudget)
      return try await Self.simulating(reporter) { flag in
        let (ruined, _, comparisons) = try run.compareGroups(
          features: RuinDrivers.features(loaded.scenario).count, RuinDrivers.values,
          inA: { $0.firstRuinMonth.map { $0 > 0 } },
          progress: { reporter.report(.simulating, $0.share, pass: $0.pass, passes: $0.passes) }, cancellation: flag)
        return try Self.summarising(reporter, flag) {
          RuinDrivers(
            streamed: comparisons, scenario: loaded.scenario, paths: paths, seed: seed, ruinedPaths: ruined)
        }
      }
    }
    return try await Self.simulating(reporter) { [simulator] flag in
      let result = try simulator.run(
        loaded.scenario, paths: paths, seed: seed, progress: reporter.simulating(run: 0, of: 1), cancellation: flag)
      return try Self.summarising(reporter, flag) { RuinDrivers(result) }
    }
  }

  /// `solve`: the least reserve meeting `targets` at each point of the lever grid, on common random numbers, with
  /// the best plan re-run on `checkSeed` (default seed + 1) (`Solve`, SPEC §18). Targets are parsed against the
  /// loaded scenario; every grid point is validated before anything runs. A run whose paths' results would not fit
  /// `streamingBudget.onePassBytes` is streamed (`solveRuns`): the same numbers in memory that does not grow with
  /// the paths.
  /// - Throws: `ScenarioError` for a bad target, lever or grid point.
  public func solve(
    _ loaded: LoadedScenario, targets specs: [String], levers: [SweepAxis], frontier: Bool = false,
    paths: Int? = nil, seed: UInt64? = nil, checkSeed: UInt64? = nil,
    progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> Solve {
    let reporter = ProgressReporter(progress)
    let targets = try Self.naming(loaded.file) { try specs.map { try SolveTarget(parsing: $0, for: loaded.scenario) } }
    let years = SolveRuns.NeedsQuery.years(Solve.queries(targets, frontierLevels: []).list)
    let (paths, seed, _) = try compile(
      loaded, paths: paths, seed: seed, simulator: Self.recording(simulator, needs: years), streaming: true,
      reserveConfidences: 0, reporter: reporter)
    let checkSeed = checkSeed ?? (seed &+ 1)
    return try await Self.simulating(reporter) { [simulator, streamingBudget] flag in
      try Self.naming(loaded.file) {
        var (done, runs) = (0, 0)
        let solve = try Solve(
          scenario: loaded.scenario, targets: targets, levers: levers, frontier: frontier, seed: seed,
          checkSeed: checkSeed,
          runs: Self.solveRuns(
            paths: paths, simulator: simulator, budget: streamingBudget, cancellation: flag,
            progress: { runs > 0 ? reporter.simulating(run: done, of: runs) : nil }),
          progress: { finished, all in
            (done, runs) = (finished, all)
            reporter.report(.simulating, Double(finished) / Double(all))
          })
        return try Self.summarising(reporter, flag) { solve }
      }
    }
  }

  /// `simulator` recording the needs within the given years — need_y for the years in `floor`, need_min,y for those
  /// in `minimum` — and not searching for the horizon's needs: solve reads ruin, the minimum and those needs only.
  static func recording(_ simulator: Simulator, needs years: (floor: Set<Int>, minimum: Set<Int>)) -> Simulator {
    var recording = simulator
    recording.needYears = years.floor.union(years.minimum).sorted()
    recording.searchedNeedsWithin = years
    recording.searchesNeeds = false
    return recording
  }

  /// How solve's runs are simulated: each run whose paths' results would not fit `budget.onePassBytes` streamed
  /// (`StreamedRun`: the needs' order statistics by `orderStatistics(_:)`, the cost and the check from one pass's
  /// tallies), the others kept whole in memory; the same numbers either way. A grid whose points differ only in their
  /// policy's numbers has their needs and their plans' costs replayed on one simulation each (`SolveRuns.replaying`,
  /// `costing`), within the same budget.
  /// `progress` gives the current run's progress callback (nil while the number of runs is unknown).
  static func solveRuns(
    paths: Int, simulator: Simulator, budget: StreamingBudget, cancellation flag: CancellationFlag,
    progress: @escaping () -> (@Sendable (Double) -> Void)?
  ) -> SolveRuns {
    let none = (floor: Set<Int>(), minimum: Set<Int>())
    let inMemory = SolveRuns(
      simulate: { scenario, seed, years in
        try recording(simulator, needs: years).run(
          scenario, paths: paths, seed: seed, progress: progress(), cancellation: flag)
      }, cost: ResponseCost.init(measuring:))
    /// A streamed run of `scenario`, or nil when its results fit in one pass.
    func streamed(_ scenario: Scenario, _ seed: UInt64, _ recording: Simulator) -> StreamedRun? {
      guard budget.streams(scenario, paths: paths, simulator: recording) else { return nil }
      var run = StreamedRun(scenario: scenario, paths: paths, seed: seed, simulator: recording, budget: budget)
      run.reserveConfidences = []
      run.shortfallConfidences = []
      run.summarisesBalances = false
      return run
    }
    /// One pass's tallies of a streamed run (no order statistic is asked for).
    func tallies(_ run: StreamedRun) throws -> StreamedRun.Output {
      let output = try run.run(progress: passShares(progress()), cancellation: flag)
      progress()?(1)
      return output
    }
    var runs = SolveRuns(
      needs: { scenario, seed, queries in
        let years = SolveRuns.NeedsQuery.years(queries)
        guard let run = streamed(scenario, seed, recording(simulator, needs: years)) else {
          return try inMemory.needs(scenario, seed, queries)
        }
        let wanted = queries.map { query in
          (
            variable: NeedsWithin(years: query.withinYears, minimum: query.metric == .below),
            ranks: query.atMost.map { SolveTarget.rank(atMost: $0, paths: paths) - 1 }
          )
        }
        let values = try run.orderStatistics(wanted, progress: passShares(progress()), cancellation: flag)
        progress()?(1)
        return (paths, values)
      },
      cost: { scenario, seed in
        guard let run = streamed(scenario, seed, recording(simulator, needs: none)) else {
          return try inMemory.cost(scenario, seed)
        }
        return ResponseCost(activityMeans: try tallies(run).statistics.policyActivityMeans, years: scenario.years)
      },
      check: { scenario, seed, assertions in
        guard let run = streamed(scenario, seed, recording(simulator, needs: none)) else {
          return try inMemory.check(scenario, seed, assertions)
        }
        return AssertionCheck.evaluate(assertions, streamed: try tallies(run))
      })
    runs.replayedNeeds = SolveRuns.replaying(
      simulator: simulator, paths: paths, bytes: budget.onePassBytes, cancellation: flag, progress: progress)
    runs.replayedCosts = SolveRuns.costing(
      simulator: simulator, paths: paths, bytes: budget.onePassBytes, cancellation: flag, progress: progress)
    return runs
  }

  /// A streamed run's progress as a share of the run (`StreamedRun.Progress.fraction`).
  static func passShares(_ report: (@Sendable (Double) -> Void)?) -> (@Sendable (StreamedRun.Progress) -> Void)? {
    report.map { report in { @Sendable at in report(at.fraction) } }
  }

  /// `attribute`: the Shapley allocation of `metric` (`ruin`, `below`, `reserve@C`) over the risk sources of `loaded`
  /// (`Attribution`, SPEC §20), every subset of sources on common random numbers through one compiled plan.
  /// Progress is the share of all subsets' paths simulated.
  /// - Throws: `ScenarioError` (in `loaded.file`) for a bad metric, before anything is simulated.
  public func attribute(
    _ loaded: LoadedScenario, metric text: String, paths: Int? = nil, seed: UInt64? = nil,
    progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> Attribution {
    let reporter = ProgressReporter(progress)
    let metric = try Self.naming(loaded.file) { try AttributionMetric(parsing: text, for: loaded.scenario) }
    let count = paths ?? loaded.scenario.simulation.paths
    let budget = streamingBudget
    // `reserve@C` past the one-pass budget streams: the process, the workers and the budget's buffers.
    let streams = Attribution.streams(loaded.scenario, metric: metric, paths: count, budget: budget)
    let heldAtOnce = streams ? 0 : Attribution.heldAtOnce(for: loaded.scenario, metric: metric)
    let (paths, seed, _) = try compile(loaded, paths: paths, seed: seed, heldAtOnce: heldAtOnce, reporter: reporter)
    return try await Self.simulating(reporter) { [simulator] flag in
      let attribution = try Attribution(
        scenario: loaded.scenario, metric: metric, paths: paths, seed: seed, simulator: simulator, budget: budget,
        progress: { reporter.report(.simulating, $0) }, cancellation: flag)
      return try Self.summarising(reporter, flag) { attribution }
    }
  }

  /// Runs `body`, naming `file` in a `ScenarioError` it throws.
  private static func naming<Value>(_ file: String, _ body: () throws -> Value) throws -> Value {
    do {
      return try body()
    } catch let error as ScenarioError {
      throw error.inFile(file)
    }
  }
}
