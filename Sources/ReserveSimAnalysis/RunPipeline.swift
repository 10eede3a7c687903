import Foundation
import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// The run pipeline: file (+ `--set` edits) → load → validate → compile → simulate → summarise, the one way a
/// command, a server or a solver runs a scenario.
///
/// Each `async` entry point runs its synchronous work on a thread of its own (never blocking Swift's
/// cooperative pool), reports `RunProgress` from any thread, and stops promptly when its `Task` is cancelled:
/// the simulator's workers check a `CancellationFlag` between blocks of `Simulator.blockSize` paths, and the
/// entry point throws `CancellationError`. Without cancellation the numbers are those of `Simulator.run` and
/// the summaries' initialisers, bit for bit.
///
/// ```swift
/// let pipeline = RunPipeline(loader: ScenarioLoader(overrides: [try ScenarioOverride(parsing: "reserve.initial=2e6")]))
/// let output = try await pipeline.run(file: "scenarios/pypi-today.json") { print($0.stage, $0.share) }
/// print(output.summary.headline)
/// ```
public struct RunPipeline: Sendable {
  /// Reads files: `extends`, the `--set` edits, validation.
  public var loader: ScenarioLoader
  /// Runs the paths: threads, diagnostics.
  public var simulator: Simulator
  /// Estimates drawn per group of paths whatever the file says (`--nested N`, SPEC §22); nil: as the file says.
  public var nested: NestedDraws? = nil
  /// The memory a streamed run gives its paths (issue #23): `run(…, streaming: true)` and `check` stream a run whose
  /// one-pass arrays would not fit `onePassBytes`.
  public var streamingBudget = StreamingBudget()

  public init(loader: ScenarioLoader = ScenarioLoader(), simulator: Simulator = Simulator()) {
    self.loader = loader
    self.simulator = simulator
  }

  /// Stages 1 and 2, load and validate: composes `file` with the loader's edits, validates it, and collects
  /// its warnings (returned, not printed).
  /// - Throws: `ScenarioError` naming the file, the JSON path and the problem.
  public func load(_ file: String) throws -> LoadedScenario {
    var (scenario, document) = try loader.loadWithDocument(file)
    if let nested { scenario.simulation.nested = nested }
    return LoadedScenario(file: file, scenario: scenario, document: document)
  }

  /// Every stage for one file: `load(_:)`, then `run(_:paths:seed:reserveConfidences:progress:)`.
  public func run(
    file: String, paths: Int? = nil, seed: UInt64? = nil,
    reserveConfidences: [Double] = RunSummary.defaultReserveConfidences,
    progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> RunOutput {
    let reporter = ProgressReporter(progress)
    reporter.report(.loading)
    let loaded = try load(file)
    reporter.report(.validating)
    return try await run(loaded, paths: paths, seed: seed, reserveConfidences: reserveConfidences, reporter: reporter)
  }

  /// Stages 3 to 5 for a loaded scenario: compile (the path count and seed, the memory check), simulate,
  /// summarise.
  /// - Parameters:
  ///   - paths: the paths to simulate (default: the file's `simulation.paths`).
  ///   - seed: the seed (default: the file's `simulation.seed`).
  ///   - reserveConfidences: the confidences of the summary's required reserve.
  ///   - runway: whether the summary has the runway after each service's loss (SPEC §21): the run then records each
  ///     service's first paid month (`Simulator.recordsFirstPaidMonths`); false for a caller that does not show it.
  ///   - streaming: whether a run too large for `streamingBudget.onePassBytes` is summarised chunk by chunk
  ///     (`StreamedRun`: the same summary, no `result`, memory that does not grow with paths) when it can be; false:
  ///     one pass whatever its size, refused when it does not fit the machine. Only for a caller that reads nothing
  ///     but the summary, and not a summary's sorted needs (`sortedRequiredReserve`).
  ///   - progress: called from any thread with each new stage and share.
  /// - Throws: `ScenarioError` for a path count out of range, `InsufficientMemoryError` when the run would not
  ///   fit in memory, `CancellationError` when the task is cancelled.
  public func run(
    _ loaded: LoadedScenario, paths: Int? = nil, seed: UInt64? = nil,
    reserveConfidences: [Double] = RunSummary.defaultReserveConfidences, runway: Bool = true,
    streaming: Bool = false, progress: (@Sendable (RunProgress) -> Void)? = nil
  ) async throws -> RunOutput {
    try await run(
      loaded, paths: paths, seed: seed, reserveConfidences: reserveConfidences, runway: runway, streaming: streaming,
      reporter: ProgressReporter(progress))
  }

  /// A plain run records what its summary shows beyond the other commands' (unless `runway` is false): each
  /// service's first paid month, for the runway after a loss (SPEC §21).
  private func run(
    _ loaded: LoadedScenario, paths: Int?, seed: UInt64?, reserveConfidences: [Double], runway: Bool = true,
    streaming: Bool = false, reporter: ProgressReporter
  ) async throws -> RunOutput {
    var simulator = self.simulator
    simulator.recordsFirstPaidMonths = runway
    let (paths, seed, streams) = try compile(
      loaded, paths: paths, seed: seed, simulator: simulator, streaming: streaming,
      reserveConfidences: reserveConfidences.count, reporter: reporter)
    if streams {
      var run = StreamedRun(
        scenario: loaded.scenario, paths: paths, seed: seed, simulator: simulator, budget: streamingBudget)
      run.reserveConfidences = reserveConfidences
      run.ranksUncertainty = true
      return try await Self.streaming(run, reporter) { output in
        let summary = RunSummary(
          output, scenario: loaded.scenario, seed: seed, reserveConfidences: reserveConfidences,
          shortfallConfidences: RunSummary.defaultShortfallConfidences)
        return RunOutput(loaded: loaded, result: nil, summary: summary)
      }
    }
    return try await Self.simulating(reporter) { [simulator] flag in
      let result = try simulator.run(
        loaded.scenario, paths: paths, seed: seed, progress: reporter.simulating(run: 0, of: 1), cancellation: flag)
      return try Self.summarising(reporter, flag) {
        RunOutput(loaded: loaded, result: result, summary: RunSummary(result, reserveConfidences: reserveConfidences))
      }
    }
  }

  /// Stage 4: reports simulating and runs `work` off Swift's cooperative pool (`CancellationFlag.runningOffPool`),
  /// handing it the flag the task's cancellation sets.
  static func simulating<Value: Sendable>(
    _ reporter: ProgressReporter, _ work: @escaping @Sendable (CancellationFlag) throws -> Value
  ) async throws -> Value {
    try await CancellationFlag.runningOffPool { flag in
      reporter.report(.simulating)
      return try work(flag)
    }
  }

  /// Stages 4 and 5 of a streamed run: simulates its passes off Swift's cooperative pool, reporting each pass's
  /// progress, then summarises with `summarise`.
  static func streaming<Value: Sendable>(
    _ run: StreamedRun, _ reporter: ProgressReporter, _ summarise: @escaping @Sendable (StreamedRun.Output) -> Value
  ) async throws -> Value {
    try await simulating(reporter) { flag in
      let output = try run.run(
        progress: { reporter.report(.simulating, $0.share, pass: $0.pass, passes: $0.passes) }, cancellation: flag)
      return try summarising(reporter, flag) { summarise(output) }
    }
  }

  /// Stage 5 after the simulation: unless `flag` is set, reports summarising, runs `summarise` and reports done.
  /// - Throws: `CancellationError` when `flag` is set.
  static func summarising<Value>(
    _ reporter: ProgressReporter, _ flag: CancellationFlag, _ summarise: () throws -> Value
  ) throws -> Value {
    try flag.check()
    reporter.report(.summarising, 1)
    let value = try summarise()
    reporter.report(.done, 1)
    return value
  }

  /// Stage 3, compile: the path count and seed the run uses, checked against the format's range and the
  /// machine's memory.
  /// - Parameters:
  ///   - heldAtOnce: how many results of that many paths are held at once (`compare`: two; 0: none, `attribute`'s
  ///     ruin and below).
  ///   - growingTo: the most paths the run may grow to (`check` with `maxPaths`).
  ///   - streaming: whether the run may be streamed (`StreamingBudget.streams`: when `heldAtOnce` results would not
  ///     fit the one-pass budget; a growing run when twice its largest round would not): its memory is then the
  ///     streamed run's at its largest round, which does not grow with paths.
  ///   - reserveConfidences: how many confidences of the reserve a streamed run shows (its memory grows with them).
  /// - Returns: the paths, the seed, and whether the run streams.
  func compile(
    _ loaded: LoadedScenario, paths: Int?, seed: UInt64?, heldAtOnce: Int = 1, growingTo: Int? = nil,
    simulator: Simulator? = nil, streaming: Bool = false,
    reserveConfidences: Int = RunSummary.defaultReserveConfidences.count, reporter: ProgressReporter
  ) throws -> (paths: Int, seed: UInt64, streams: Bool) {
    reporter.report(.compiling)
    let count = paths ?? loaded.scenario.simulation.paths
    guard (1...Scenario.maximumPaths).contains(count) else {
      throw ScenarioError(
        file: loaded.file, path: .root,
        message: "the path count must be between 1 and \(Scenario.maximumPaths), found \(count)")
    }
    // Groups of estimates need whole groups, at least 20 of them (SPEC §22), at every path count the run reaches.
    for total in [count, growingTo].compactMap({ $0 }) {
      if let error = Self.nestingError(loaded, paths: total) { throw error }
    }
    let simulator = simulator ?? self.simulator
    // A run that grows (`check --auto-paths`) holds up to twice its last round's paths in one pass.
    let largest = growingTo.map { max($0, count) } ?? count
    let streams =
      streaming
      && streamingBudget.streams(
        loaded.scenario, paths: growingTo == nil ? max(1, heldAtOnce) * count : 2 * largest, simulator: simulator)
    if streams {
      try streamingBudget.estimate(
        for: loaded.scenario, paths: largest, simulator: simulator, reserveConfidences: reserveConfidences
      ).check()
    } else if heldAtOnce == 0 {
      // Nothing kept per path (`attribute`'s ruin and below): the process and the workers' buffers only.
      let fixed = simulator.memoryEstimate(for: loaded.scenario, paths: count).fixedBytes
      try MemoryEstimate(fixedBytes: fixed, paths: count, years: loaded.scenario.years).check()
    } else {
      try simulator.checkMemory(for: loaded.scenario, paths: count, heldAtOnce: heldAtOnce, growingTo: growingTo)
    }
    return (count, seed ?? loaded.scenario.simulation.seed, streams)
  }
}

extension RunPipeline {
  /// Why `paths` paths (the file's own count when nil) cannot form the file's groups of nested draws (SPEC §22:
  /// whole groups, at least 20), as the error the compile stage throws; nil when they can or the file draws per
  /// path. Lets a command refuse the run before it prints anything else.
  public static func nestingError(_ loaded: LoadedScenario, paths: Int?) -> ScenarioError? {
    guard let nested = loaded.scenario.simulation.nested,
      let problem = nested.problem(paths: paths ?? loaded.scenario.simulation.paths)
    else { return nil }
    return ScenarioError(
      file: loaded.file, path: JSONPath.root.appending("simulation").appending("nested").appending("inner"),
      message: problem)
  }
}

/// A scenario file loaded and validated: stages 1 and 2 of `RunPipeline`.
public struct LoadedScenario: Sendable {
  /// The file as named.
  public var file: String
  public var scenario: Scenario
  /// The composed document the scenario was validated from (`extends` resolved, edits applied).
  public var document: JSONValue

  public init(file: String, scenario: Scenario, document: JSONValue) {
    self.file = file
    self.scenario = scenario
    self.document = document
  }

  /// The scenario's warnings (a likely slip, such as a growth rate above 100% a year), in the format's order.
  public var warnings: [ScenarioWarning] { scenario.warnings }

  /// The warnings one line each, naming the file: `FILE: PATH: …`.
  public var warningLines: [String] { warnings.map { ScenarioError.oneLine("\(file): \($0)") } }
}

/// What a pipeline run gives: the scenario, its raw result, the summary and, for `check`, the verdicts.
public struct RunOutput: Sendable {
  public var loaded: LoadedScenario
  /// Every path's results; nil when the run was streamed (`RunPipeline.run(…, streaming: true)`, `check`).
  public var resultIfKept: SimulationResult?
  public var summary: RunSummary
  /// The assertions' verdicts (`RunPipeline.check`); empty for a plain run.
  public var checks: [AssertionCheck] = []

  public init(loaded: LoadedScenario, result: SimulationResult?, summary: RunSummary, checks: [AssertionCheck] = []) {
    self.loaded = loaded
    self.resultIfKept = result
    self.summary = summary
    self.checks = checks
  }

  /// Every path's results, for a run that kept them: any run not asked to stream (a streamed run has none, and
  /// reading this is a programming error).
  public var result: SimulationResult {
    guard let resultIfKept else { preconditionFailure("a streamed run keeps no per-path result") }
    return resultIfKept
  }

  public var scenario: Scenario { loaded.scenario }
}
