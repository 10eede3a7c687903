import Foundation
import ReserveSim
import Testing

/// The run pipeline (`RunPipeline`): the same numbers as the simulator and the summary called directly, `--set`
/// edits as in the edited file, progress that only goes forward, and cancellation that stops a run.
@Suite struct RunPipelineTests {
  static let baseline = repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
  static let today = repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path

  /// Every number of the pipeline's run equals `Simulator.run` followed by `RunSummary`; a plain run records the
  /// services' first paid months for the runway after a loss (SPEC §21).
  @Test func theResultIsTheSimulatorsAndTheSummarys() async throws {
    var simulator = Simulator(threads: 2)
    let pipeline = RunPipeline(simulator: simulator)
    let output = try await pipeline.run(file: Self.today, paths: 20_000, seed: 11)
    let scenario = try ScenarioLoader().load(Self.today)
    simulator.recordsFirstPaidMonths = true
    let direct = simulator.run(scenario, paths: 20_000, seed: 11)
    #expect(output.result.firstPaidMonth == direct.firstPaidMonth)
    #expect(output.result.requiredReserve == direct.requiredReserve)
    #expect(output.result.yearEndBalance == direct.yearEndBalance)
    #expect(output.result.firstRuinMonth == direct.firstRuinMonth)
    #expect(output.result.yearlyFlowMeans == direct.yearlyFlowMeans)
    #expect(try SummaryJSON.encode(output.summary) == SummaryJSON.encode(RunSummary(direct)))
    #expect(TextSummary.render(output.summary) == TextSummary.render(RunSummary(direct)))
  }

  /// `check` and `sensitivity --global` show no runway after a loss (SPEC §21), so they record no first paid month;
  /// `run` does.
  @Test func onlyARunThatShowsTheRunwayRecordsIt() async throws {
    // The file's estimates drawn per path (not per group of 1,000), so that 500 paths are a valid run.
    let unnested = try ScenarioOverride(parsing: "simulation.nested=null")
    let pipeline = RunPipeline(loader: ScenarioLoader(overrides: [unnested]), simulator: Simulator(threads: 2))
    let loaded = try pipeline.load(Self.today)
    let checked = try await pipeline.check(loaded, assertions: loaded.scenario.assertions, paths: 500)
    #expect(checked.result.firstPaidMonth == nil && checked.summary.runwayAfterLoss == nil)
    let ranked = try await pipeline.run(loaded, paths: 500, runway: false)
    #expect(ranked.result.firstPaidMonth == nil && ranked.summary.runwayAfterLoss == nil)
    let run = try await pipeline.run(loaded, paths: 500)
    #expect(run.summary.runwayAfterLoss?.map(\.service) == loaded.scenario.inKindServices.map(\.name))
  }

  /// A `--set` edit through the pipeline gives the run of a file written with that value.
  @Test func aSetEditEqualsTheEditedFile() async throws {
    let edit = try ScenarioOverride(parsing: "reserve.initial=1234567")
    let edited = try await RunPipeline(loader: ScenarioLoader(overrides: [edit]), simulator: Simulator(threads: 2))
      .run(file: Self.today, paths: 20_000)

    guard case .object(var fields) = try ScenarioLoader().composedDocument(Self.today),
      case .object(var reserve)? = fields["reserve"]
    else {
      Issue.record("pypi-today.json has no reserve object")
      return
    }
    reserve["initial"] = .number(1_234_567)
    fields["reserve"] = .object(reserve)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pipeline-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("edited.json")
    try JSONValue.object(fields).jsonText.write(to: file, atomically: true, encoding: .utf8)
    let written = try await RunPipeline(simulator: Simulator(threads: 2)).run(file: file.path, paths: 20_000)

    #expect(edited.scenario.reserve.initial == 1_234_567)
    #expect(edited.result.requiredReserve == written.result.requiredReserve)
    #expect(edited.result.firstRuinMonth == written.result.firstRuinMonth)
    #expect(try SummaryJSON.encode(edited.summary) == SummaryJSON.encode(written.summary))
  }

  /// Progress goes through the stages in order, its share never falls, and it ends at 1, done.
  @Test func progressIsMonotoneAndEndsAtOne() async throws {
    let seen = Recorder()
    _ = try await RunPipeline(simulator: Simulator(threads: 2)).run(file: Self.baseline, paths: 20_000) {
      seen.append($0)
    }
    let reports = seen.reports
    #expect(reports.first?.stage == .loading)
    #expect(reports.last == RunProgress(stage: .done, share: 1))
    #expect(reports.contains { $0.stage == .simulating && $0.share > 0 && $0.share < 1 })
    for (earlier, later) in zip(reports, reports.dropFirst()) {
      #expect(earlier.stage <= later.stage)
      #expect(earlier.share <= later.share)
    }
  }

  /// The multi-run analyses report progress over all their runs, monotone, ending at 1.
  @Test func aSweepsProgressCoversEveryPoint() async throws {
    let seen = Recorder()
    let pipeline = RunPipeline(simulator: Simulator(threads: 2))
    var loaded = try pipeline.load(Self.today)
    loaded.scenario.simulation.nested = nil  // 1,000 paths each drawing their own estimates
    let axis = try #require(try SweepAxis(parsing: "reserve.initial=0:2e6:3"))
    let sweep = try await pipeline.sweep(loaded, axes: [axis], paths: 1000) { seen.append($0) }
    #expect(sweep.rows.count == 3)
    let shares = seen.reports.map(\.share)
    #expect(shares.last == 1)
    #expect(zip(shares, shares.dropFirst()).allSatisfy { $0 <= $1 })
    #expect(shares.contains { $0 > 0.3 && $0 < 0.7 })
  }

  /// Cancelling the task stops a run of 5M paths on one thread (minutes of work) with `CancellationError`,
  /// long before it is done.
  @Test func cancellingTheTaskStopsTheRun() async throws {
    let seen = Recorder()
    let pipeline = RunPipeline(simulator: Simulator(threads: 1))
    let task = Task {
      try await pipeline.run(file: Self.baseline, paths: 5_000_000) { seen.append($0) }
    }
    try await Task.sleep(nanoseconds: 100_000_000)
    task.cancel()
    await #expect(throws: CancellationError.self) { try await task.value }
    #expect((seen.reports.last?.share ?? 0) < 1)
    #expect(!seen.reports.contains { $0.stage >= .summarising })
  }

  /// A task cancelled before it starts simulates nothing.
  @Test func aCancelledTaskDoesNotStart() async throws {
    let task = Task {
      withUnsafeCurrentTask { $0?.cancel() }
      return try await RunPipeline(simulator: Simulator(threads: 1)).run(file: Self.baseline, paths: 5_000_000)
    }
    await #expect(throws: CancellationError.self) { try await task.value }
  }

  /// Cancellation reaches the synchronous simulator too: a set flag stops `Simulator.run` with
  /// `CancellationError`.
  @Test func aSetFlagStopsTheSimulator() throws {
    let scenario = try ScenarioLoader().load(Self.baseline)
    let flag = CancellationFlag()
    flag.cancel()
    #expect(throws: CancellationError.self) {
      try Simulator(threads: 2).run(scenario, paths: 100_000, seed: 1, cancellation: flag)
    }
  }
}

/// Progress reports gathered from any thread (also `StreamedMemoryTests`').
final class Recorder: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [RunProgress] = []
  func append(_ progress: RunProgress) {
    lock.lock()
    stored.append(progress)
    lock.unlock()
  }
  var reports: [RunProgress] {
    lock.lock()
    defer { lock.unlock() }
    return stored
  }
}
