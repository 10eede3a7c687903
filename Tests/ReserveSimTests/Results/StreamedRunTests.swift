import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimResults

/// A run streamed in chunks and re-simulated in passes (issue #23) prints what one run of all its paths prints, bit
/// for bit: every field of `run --json`, the text, the CSV files and the assertions' verdicts.
final class StreamedRunTests: XCTestCase {
  private func shipped(_ name: String) throws -> Scenario {
    try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/\(name).json").path)
  }

  /// Everything `run` shows of a summary, as text.
  private func shown(_ summary: RunSummary) throws -> String {
    let csv = CSVExport.files(summary, version: "test").map { "\($0.name)\n\($0.contents)" }
    return try SummaryJSON.encode(summary) + "\n" + TextSummary.render(summary) + csv.joined(separator: "\n")
  }

  /// Streams `scenario` under `budget` and compares it with one run of all its paths.
  /// - Returns: the passes the streamed run took.
  @discardableResult
  private func assertStreamedEqualsOnePass(
    _ scenario: Scenario, paths: Int, seed: UInt64, threads: Int, budget: StreamingBudget,
    file: StaticString = #filePath, line: UInt = #line
  ) throws -> Int {
    var simulator = Simulator(threads: threads)
    simulator.recordsFirstPaidMonths = true
    let result = simulator.run(scenario, paths: paths, seed: seed)
    // A file with ranges is never streamed (its ranking needs every path side by side); its other figures are
    // compared without the ranking.
    let onePass = RunSummary(result, ranksUncertainty: false)

    var streamedRun = StreamedRun(scenario: scenario, paths: paths, seed: seed, simulator: simulator, budget: budget)
    streamedRun.extraConfidences = AssertionCheck.reserveConfidences(scenario.assertions)
    let output = try streamedRun.run()
    let streamed = RunSummary(
      output.statistics, scenario: scenario, seed: seed, reserveConfidences: RunSummary.defaultReserveConfidences,
      shortfallConfidences: RunSummary.defaultShortfallConfidences)
    let (expected, found) = (try shown(onePass), try shown(streamed))
    XCTAssertEqual(found, expected, "\(scenario.name), \(threads) threads", file: file, line: line)
    XCTAssertEqual(streamed.balanceByYear, onePass.balanceByYear, file: file, line: line)
    XCTAssertEqual(streamed.requiredReserve, onePass.requiredReserve, file: file, line: line)
    XCTAssertEqual(streamed.expectedShortfall, onePass.expectedShortfall, file: file, line: line)
    XCTAssertEqual(streamed.requiredReserveForMinimum, onePass.requiredReserveForMinimum, file: file, line: line)
    XCTAssertEqual(streamed.yearlyFlows, onePass.yearlyFlows, file: file, line: line)
    XCTAssertEqual(streamed.policyActivity, onePass.policyActivity, file: file, line: line)
    XCTAssertEqual(streamed.runwayAfterLoss, onePass.runwayAfterLoss, file: file, line: line)
    XCTAssertEqual(streamed.warnings, onePass.warnings, file: file, line: line)
    XCTAssertEqual(
      AssertionCheck.evaluate(scenario.assertions, streamed: output),
      AssertionCheck.evaluate(scenario.assertions, result: result), file: file, line: line)
    return output.passes
  }

  /// Chunks of three blocks, a few hundred values kept at a time, bins of a few bits: refinements and several
  /// groups of the worst needs.
  private let tiny = StreamingBudget.tiny(histogramBytes: 1 << 10, collectedBytes: 1 << 12)

  func testBaselineStreamsToTheOnePassSummaryOnOneAndTwoThreads() throws {
    let scenario = try shipped("pypi-2020-baseline")
    for threads in [1, 2] {
      let passes = try assertStreamedEqualsOnePass(
        scenario, paths: 5_000, seed: 20_200_403, threads: threads, budget: tiny)
      XCTAssertGreaterThan(passes, 2, "the tiny budget forces refinement")
    }
  }

  func testAPolicyWithAMinimumStreamsToTheOnePassSummary() throws {
    let scenario = try shipped("pypi-today-policy")
    XCTAssertNotNil(scenario.policy?.minimumMonths)
    for threads in [1, 2] {
      try assertStreamedEqualsOnePass(scenario, paths: 1_500, seed: 9, threads: threads, budget: tiny)
    }
  }

  func testInKindServicesAndTheirRunwayStreamToTheOnePassSummary() throws {
    let scenario = try shipped("cdn-loss")
    XCTAssertFalse(scenario.inKindServices.isEmpty)
    try assertStreamedEqualsOnePass(scenario, paths: 4_321, seed: 4, threads: 2, budget: tiny)
  }

  func testOnlyFilesWithoutRangesOrGroupsStreamAndOnlyAboveTheOnePassBudget() throws {
    let simulator = Simulator(threads: 2)
    let baseline = try shipped("pypi-2020-baseline")
    XCTAssertFalse(StreamingBudget().streams(baseline, paths: 1_000_000, simulator: simulator), "116 MB: one pass")
    XCTAssertTrue(StreamingBudget().streams(baseline, paths: 10_000_000, simulator: simulator))
    XCTAssertTrue(StreamingBudget().streams(baseline, paths: Scenario.maximumPaths, simulator: simulator))
    XCTAssertFalse(StreamingBudget().streams(try shipped("pypi-today"), paths: 10_000_000, simulator: simulator))
  }

  func testADefaultBudgetStreamsInTwoPasses() throws {
    var budget = StreamingBudget()
    budget.onePassBytes = 0
    budget.minimumChunkPaths = 1_024
    budget.chunkBytes = 0
    let passes = try assertStreamedEqualsOnePass(
      try shipped("pypi-2020-baseline"), paths: 20_000, seed: 1, threads: 2, budget: budget)
    XCTAssertEqual(passes, 2)
  }

  func testOverflowingAmountsStreamToTheSameFiniteOutputs() throws {
    // OverflowTests' runaway scenario: needs and balances beyond ±1.8e308, infinities and NaNs.
    let scenario = try makeScenario(
      """
      {"name": "Overflow", "years": 100,
       "factors": {"traffic": {"annualGrowth": 10, "annualVolatility": 5}, "unitCost": {"annualGrowth": 10, "annualVolatility": 5}},
       "inKindServices": [{"name": "CDN", "monthlyValue": 1e12, "scaling": "traffic", "annualLossProbability": 1,
                           "replacementCostFraction": 100}]}
      """)
    try assertStreamedEqualsOnePass(scenario, paths: 700, seed: 1, threads: 2, budget: tiny)
  }
}
