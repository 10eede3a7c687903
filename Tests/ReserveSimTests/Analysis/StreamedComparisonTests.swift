import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimResults

/// `compare` past the one-pass budget streams (issue #23) to the numbers of two results held whole, bit for bit.
final class StreamedComparisonTests: XCTestCase {
  private func load(_ name: String) throws -> Scenario {
    try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/\(name).json").path)
  }

  private func assertEqual(
    _ streamed: Comparison, _ whole: Comparison, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(streamed.ruinProbability, whole.ruinProbability, file: file, line: line)
    XCTAssertEqual(streamed.requiredReserve, whole.requiredReserve, file: file, line: line)
    XCTAssertEqual(streamed.notes, whole.notes, file: file, line: line)
    XCTAssertEqual(streamed.warnings, whole.warnings, file: file, line: line)
    XCTAssertEqual([streamed.paths, streamed.yearsA, streamed.yearsB], [whole.paths, whole.yearsA, whole.yearsB])
  }

  private let simulator = Simulator(threads: 2)
  private let budget = StreamingBudget.tiny(histogramBytes: 1 << 10, collectedBytes: 1 << 12)

  /// The comparison of two results held whole.
  private func whole(_ a: Scenario, _ b: Scenario, paths: Int, seed: UInt64) throws -> Comparison {
    Comparison(a: simulator.run(a, paths: paths, seed: seed), b: simulator.run(b, paths: paths, seed: seed))
  }

  func testAStreamedComparisonEqualsTheComparisonOfTwoResults() throws {
    let a = try load("pypi-2020-baseline"), b = try load("cdn-loss")
    let paths = 3_000, seed: UInt64 = 21
    let whole = try whole(a, b, paths: paths, seed: seed)
    XCTAssertNotEqual(whole.ruinProbability.difference, 0, "the files differ: the test compares something")
    let streamed = try Comparison.streamed(a, b, paths: paths, seed: seed, simulator: simulator, budget: budget)
    assertEqual(streamed, whole)
  }

  /// Windows too narrow for most resamples' answers widen, with the needs at the new ranks streamed again; the
  /// progress never goes back, the first pass over pairs filling 99% of its step and the widening what is left.
  func testNarrowWindowsWidenToTheSameNumbers() throws {
    let a = try load("pypi-2020-baseline"), b = try load("downturn")
    let paths = 1_000, seed: UInt64 = 4
    let whole = try whole(a, b, paths: paths, seed: seed)
    let steps = Steps()
    let streamed = try Comparison.streamed(
      a, b, paths: paths, seed: seed, simulator: simulator, budget: budget,
      margin: PairedBootstrap.WindowMargin(deviations: 0, ranks: 1), progress: { steps.append($0, $1) })
    assertEqual(streamed, whole)
    let overall = steps.values.map { (Double($0.step) + $0.share) / 3 }
    XCTAssertEqual(overall, overall.sorted(), "progress never goes back")
    XCTAssertEqual(steps.values.first?.step, 0)
    XCTAssertTrue(steps.values.contains { $0.step == 1 }, "B's run reports step 1")
    XCTAssertTrue(
      steps.values.contains { $0.step == 2 && $0.share > 0.99 },
      "the windows widened: step 2 went on past its first pass over pairs")
  }

  /// A comparison of any path count and horizon streams, in memory within the 400 MB goal (it used to hold both
  /// results and refuse 900M paths over a century).
  func testACompareOfAnyPathCountStreamsInMemoryThatDoesNotGrow() throws {
    let pipeline = RunPipeline(simulator: Simulator(threads: 2))
    var loaded = try pipeline.load(repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json").path)
    loaded.scenario.years = 100
    for paths in [10_000_000, 900_000_000] {
      let compiled = try pipeline.compile(
        loaded, paths: paths, seed: nil, heldAtOnce: 2, streaming: true, reporter: ProgressReporter(nil))
      XCTAssertTrue(compiled.streams)
      let estimate = pipeline.streamingBudget.estimate(
        for: loaded.scenario, paths: paths, simulator: pipeline.simulator)
      XCTAssertEqual(estimate.bytesPerPath, 0)
      XCTAssertLessThan(estimate.bytes, 400 << 20)
    }
  }

  /// The pipeline streams `compare` when two results would not fit its one-pass budget.
  func testThePipelineStreamsACompareToTheSameNumbers() async throws {
    var pipeline = RunPipeline(simulator: Simulator(threads: 2))
    let a = try pipeline.load(repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json").path)
    let b = try pipeline.load(repositoryRoot.appendingPathComponent("scenarios/sponsor-exodus.json").path)
    let whole = try await pipeline.compare(a, b, paths: 1_500, seed: 3)
    pipeline.streamingBudget = budget
    let reports = Recorder()
    let streamed = try await pipeline.compare(a, b, paths: 1_500, seed: 3, progress: { reports.append($0) })
    assertEqual(streamed, whole)
    let shares = reports.reports.filter { $0.stage == .simulating }.map(\.share)
    XCTAssertEqual(shares, shares.sorted(), "progress never goes back")
    XCTAssertGreaterThan(shares.last ?? 0, 0.9)
  }
}

/// The steps a streamed comparison reports, from any thread.
private final class Steps: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [(step: Int, share: Double)] = []
  var values: [(step: Int, share: Double)] { lock.withLock { stored } }
  func append(_ step: Int, _ share: Double) { lock.withLock { stored.append((step, share)) } }
}
