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

  /// Streams `scenario` under `budget`, with pass 1's speculation and without, and compares each with one run of all
  /// its paths.
  /// - Returns: the passes the streamed run took without speculation (and with it).
  @discardableResult
  private func assertStreamedEqualsOnePass(
    _ scenario: Scenario, paths: Int, seed: UInt64, threads: Int, budget: StreamingBudget,
    rankingLimit: Int = UncertaintyRanking.samplePaths, file: StaticString = #filePath, line: UInt = #line
  ) throws -> Int {
    try assertBothWays(
      scenario, paths: paths, seed: seed, threads: threads, budget: budget, rankingLimit: rankingLimit, file: file,
      line: line
    ).plain
  }

  /// As `assertStreamedEqualsOnePass`, returning both pass counts.
  @discardableResult
  private func assertBothWays(
    _ scenario: Scenario, paths: Int, seed: UInt64, threads: Int, budget: StreamingBudget,
    rankingLimit: Int = UncertaintyRanking.samplePaths, file: StaticString = #filePath, line: UInt = #line
  ) throws -> (plain: Int, speculative: Int) {
    var plain = budget, speculative = budget
    plain.speculates = false
    speculative.speculates = true
    return (
      try assertStreamed(
        scenario, paths: paths, seed: seed, threads: threads, budget: plain, rankingLimit: rankingLimit, file: file,
        line: line),
      try assertStreamed(
        scenario, paths: paths, seed: seed, threads: threads, budget: speculative, rankingLimit: rankingLimit,
        file: file, line: line)
    )
  }

  private func assertStreamed(
    _ scenario: Scenario, paths: Int, seed: UInt64, threads: Int, budget: StreamingBudget,
    rankingLimit: Int = UncertaintyRanking.samplePaths, file: StaticString = #filePath, line: UInt = #line
  ) throws -> Int {
    var simulator = Simulator(threads: threads)
    simulator.recordsFirstPaidMonths = true
    let result = simulator.run(scenario, paths: paths, seed: seed)
    var onePass = RunSummary(result, ranksUncertainty: false)
    onePass.uncertainty = UncertaintyRanking.rank(result, limit: rankingLimit)

    var streamedRun = StreamedRun(scenario: scenario, paths: paths, seed: seed, simulator: simulator, budget: budget)
    streamedRun.extraConfidences = AssertionCheck.reserveConfidences(scenario.assertions)
    streamedRun.ranksUncertainty = true
    streamedRun.rankingLimit = rankingLimit
    let output = try streamedRun.run()
    let streamed = RunSummary(
      output, scenario: scenario, seed: seed, reserveConfidences: RunSummary.defaultReserveConfidences,
      shortfallConfidences: RunSummary.defaultShortfallConfidences)
    let (expected, found) = (try shown(onePass), try shown(streamed))
    XCTAssertEqual(
      found, expected, "\(scenario.name), \(threads) threads, speculation \(budget.speculates)", file: file, line: line)
    XCTAssertEqual(streamed.balanceByYear, onePass.balanceByYear, file: file, line: line)
    XCTAssertEqual(streamed.requiredReserve, onePass.requiredReserve, file: file, line: line)
    XCTAssertEqual(streamed.expectedShortfall, onePass.expectedShortfall, file: file, line: line)
    XCTAssertEqual(streamed.requiredReserveForMinimum, onePass.requiredReserveForMinimum, file: file, line: line)
    XCTAssertEqual(streamed.yearlyFlows, onePass.yearlyFlows, file: file, line: line)
    XCTAssertEqual(streamed.policyActivity, onePass.policyActivity, file: file, line: line)
    XCTAssertEqual(streamed.runwayAfterLoss, onePass.runwayAfterLoss, file: file, line: line)
    XCTAssertEqual(streamed.warnings, onePass.warnings, file: file, line: line)
    XCTAssertEqual(streamed.ruinProbability, onePass.ruinProbability, file: file, line: line)
    XCTAssertEqual(streamed.ruinGroups, onePass.ruinGroups, file: file, line: line)
    XCTAssertEqual(streamed.belowMinimumGroups, onePass.belowMinimumGroups, file: file, line: line)
    XCTAssertEqual(streamed.nested?.requiredReserve, onePass.nested?.requiredReserve, file: file, line: line)
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

  /// Without the balances (`summarisesBalances` false, as `sweep` and `sensitivity` run): the same ruin, needs and
  /// needs for the minimum as a run that summarises them, no balances, and no more passes.
  func testARunWithoutTheBalancesSelectsTheSameNeeds() throws {
    let scenario = try shipped("pypi-today-policy")
    XCTAssertNotNil(scenario.policy?.minimumMonths)
    let confidences = RunSummary.defaultReserveConfidences
    var whole = StreamedRun(scenario: scenario, paths: 1_500, seed: 6, simulator: Simulator(threads: 2), budget: tiny)
    whole.reserveConfidences = confidences
    var needsOnly = whole
    needsOnly.summarisesBalances = false
    let (all, some) = (try whole.run(), try needsOnly.run())
    XCTAssertTrue(some.statistics.balanceByYear.isEmpty)
    XCTAssertEqual(all.statistics.balanceByYear.count, scenario.years)
    XCTAssertEqual(some.statistics.ruinedPathsByYear, all.statistics.ruinedPathsByYear)
    XCTAssertEqual(some.statistics.belowMinimumPathsByYear, all.statistics.belowMinimumPathsByYear)
    let ranks = confidences.flatMap { RunSummary.reserveRanks(confidence: $0, of: 1_500) }
    XCTAssertEqual(ranks.map(some.needs.value(rank:)), ranks.map(all.needs.value(rank:)))
    let (minimumAll, minimumSome) = (try XCTUnwrap(all.minimumNeeds), try XCTUnwrap(some.minimumNeeds))
    XCTAssertEqual(ranks.map(minimumSome.value(rank:)), ranks.map(minimumAll.value(rank:)))
    XCTAssertLessThanOrEqual(some.passes, all.passes)
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

  func testRangesStreamToTheOnePassSummaryAndRanking() throws {
    // pypi-2020-uncertain writes ten estimates as ranges; the ranking reads every path here (fewer than 2²⁰), and
    // then only the first 2,000 (the sample a run past 2²⁰ paths reads, scaled down).
    let scenario = try shipped("pypi-2020-uncertain")
    XCTAssertGreaterThan(scenario.uncertainParameters.count, 1)
    for threads in [1, 2] {
      try assertStreamedEqualsOnePass(scenario, paths: 4_500, seed: 7, threads: threads, budget: tiny)
    }
    try assertStreamedEqualsOnePass(scenario, paths: 4_500, seed: 7, threads: 2, budget: tiny, rankingLimit: 2_000)
  }

  func testTheRankingReadsTheRunsFirstPathsOnly() throws {
    // A run of 3,000 paths ranked on its first 2,000 is ranked as the run of those 2,000 alone: the paths past the
    // sample do not enter, and the sample is the same paths whatever the run's size (SPEC §8).
    let scenario = try shipped("pypi-2020-uncertain")
    let simulator = Simulator(threads: 2)
    let longer = UncertaintyRanking.rank(simulator.run(scenario, paths: 3_000, seed: 11), limit: 2_000)
    let sample = UncertaintyRanking.rank(simulator.run(scenario, paths: 2_000, seed: 11), limit: 2_000)
    let whole = UncertaintyRanking.rank(simulator.run(scenario, paths: 3_000, seed: 11), limit: 3_000)
    XCTAssertEqual(longer.map(\.parameter.path), sample.map(\.parameter.path))
    XCTAssertEqual(longer.map(\.need), sample.map(\.need))
    XCTAssertEqual(longer.map(\.ruin), sample.map(\.ruin))
    XCTAssertNotEqual(longer.map(\.need), whole.map(\.need), "the limit changes which paths are read")
    XCTAssertEqual(UncertaintyRanking.sampleCount(of: 10_000_000), 1 << 20)
    XCTAssertEqual(UncertaintyRanking.sampleCount(of: 5_000), 5_000)
    XCTAssertEqual(UncertaintyRanking.sampleCount(of: 10_000_000, inner: 1_000), 1_048_000, "whole groups")

    // The text says so when the run is larger than its sample.
    var summary = RunSummary(simulator.run(scenario, paths: 2_000, seed: 11))
    XCTAssertFalse(TextSummary.render(summary).contains("Ranked on the run's first"))
    summary.paths = UncertaintyRanking.samplePaths + 1
    XCTAssertTrue(TextSummary.render(summary).contains("Ranked on the run's first 1048576 paths"))
  }

  func testFilesStreamOnlyAboveTheOnePassBudget() throws {
    let simulator = Simulator(threads: 2)
    let baseline = try shipped("pypi-2020-baseline")
    XCTAssertFalse(StreamingBudget().streams(baseline, paths: 1_000_000, simulator: simulator), "116 MB: one pass")
    XCTAssertTrue(StreamingBudget().streams(baseline, paths: 10_000_000, simulator: simulator))
    XCTAssertTrue(StreamingBudget().streams(baseline, paths: Scenario.maximumPaths, simulator: simulator))
    let ranges = try shipped("pypi-2020-uncertain")
    XCTAssertTrue(StreamingBudget().streams(ranges, paths: 10_000_000, simulator: simulator), "ranked on 2²⁰ paths")
    let today = try shipped("pypi-today")
    XCTAssertNotNil(today.simulation.nested, "estimates drawn per group: a few numbers a group are kept")
    XCTAssertFalse(StreamingBudget().streams(today, paths: 100_000, simulator: simulator))
    XCTAssertTrue(StreamingBudget().streams(today, paths: 10_000_000, simulator: simulator))
  }

  func testEstimatesDrawnPerGroupStreamToTheOnePassSummaryAndIntervals() throws {
    // pypi-today draws its ranges once per group (SPEC §22): shares, groups' reserves, the bootstrap over groups of
    // the needs, the ranking over groups and the check's intervals over groups, all as one pass gives them. Groups
    // of 100 here, so that 3,000 paths make 30 of them; chunks of 768 paths cut groups.
    var scenario = try shipped("pypi-today")
    scenario.simulation.nested = NestedDraws(inner: 100)
    for threads in [1, 2] {
      let passes = try assertStreamedEqualsOnePass(scenario, paths: 3_000, seed: 11, threads: threads, budget: tiny)
      XCTAssertGreaterThanOrEqual(passes, 2, "the bootstrap over groups takes a second pass")
    }
    // With a minimum (a second bootstrap, of the needs for it) and a budget that keeps few needs: deeper levels.
    var policy = try shipped("pypi-today-policy")
    policy.simulation.nested = NestedDraws(inner: 100)
    XCTAssertNotNil(policy.policy?.minimumMonths)
    try assertStreamedEqualsOnePass(
      policy, paths: 2_500, seed: 5, threads: 2,
      budget: StreamingBudget.tiny(histogramBytes: 1 << 10, collectedBytes: 64))
  }

  func testADefaultBudgetStreamsInTwoPassesAndInOneWithSpeculation() throws {
    // Chunks of 1,024 paths: the first is the sample that places every wanted rank; the collected budget holds all
    // the values near those places, so pass 1 resolves everything.
    var budget = StreamingBudget()
    budget.onePassBytes = 0
    budget.minimumChunkPaths = 1_024
    budget.chunkBytes = 0
    for name in ["pypi-2020-baseline", "pypi-today-policy", "pypi-2020-uncertain"] {
      let passes = try assertBothWays(try shipped(name), paths: 20_480, seed: 1, threads: 2, budget: budget)
      XCTAssertEqual(passes.plain, 2, name)
      XCTAssertEqual(passes.speculative, 1, name)
    }
  }

  func testEstimatesDrawnPerGroupStreamInOnePassWhenTheGuessHolds() throws {
    // Chunks of 4,096 paths, 40 groups of 100: the first chunk guesses the bins of the bootstrap's answers, and pass 1
    // keeps their needs; without speculation the bootstrap takes a second pass.
    var budget = StreamingBudget()
    budget.onePassBytes = 0
    budget.minimumChunkPaths = 1_024
    budget.chunkBytes = 0
    var scenario = try shipped("pypi-today")
    scenario.simulation.nested = NestedDraws(inner: 100)
    let passes = try assertBothWays(scenario, paths: 20_000, seed: 1, threads: 2, budget: budget)
    XCTAssertEqual(passes.plain, 2)
    XCTAssertEqual(passes.speculative, 1)
  }

  func testSpeculationThatHoldsOnlySomeVariablesLeavesTheRestToALaterPass() throws {
    // A collected budget for about a third of what speculation would keep: the first variables speculate, the
    // others wait for pass 2; and a budget too small for any: the plain passes. Both to the one-pass figures.
    var budget = StreamingBudget()
    budget.onePassBytes = 0
    budget.minimumChunkPaths = 1_024
    budget.chunkBytes = 0
    for collected in [40_000 * 8, 1_000 * 8] {
      budget.collectedBytes = collected
      let passes = try assertBothWays(
        try shipped("pypi-2020-baseline"), paths: 20_480, seed: 3, threads: 2, budget: budget)
      XCTAssertGreaterThanOrEqual(passes.speculative, 2, "collected \(collected)")
    }
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

  /// A streamed run's share of the whole never goes back when a pass finds that another must follow: two passes are
  /// halves; a third found in pass 2 takes pass 2's end down to ¾, not pass 2 back to ⅓.
  func testTheShareOfARunNeverGoesBackAsPassesAreAdded() {
    typealias Progress = StreamedRun.Progress
    XCTAssertEqual(Progress(pass: 1, passes: 2, share: 0).fraction, 0)
    XCTAssertEqual(Progress(pass: 1, passes: 2, share: 1).fraction, 0.5)
    XCTAssertEqual(Progress(pass: 2, passes: 2, share: 1).fraction, 1)
    XCTAssertEqual(Progress(pass: 1, passes: 1, share: 0.5).fraction, 0.5, "one pass known to be the last: all of it")
    // A run's reports as a run with four passes makes them: each pass begins saying another may follow.
    let reports = [(1, 2), (2, 3), (3, 4), (4, 4)].flatMap { pass, passes in
      stride(from: 0.0, through: 1, by: 0.25).map { Progress(pass: pass, passes: passes, share: $0).fraction }
    }
    XCTAssertEqual(reports, reports.sorted(), "never goes back")
    XCTAssertEqual(reports.first, 0)
    XCTAssertEqual(reports.last, 1)
    XCTAssertEqual(Progress(pass: 3, passes: 4, share: 0).fraction, 0.75)
    XCTAssertEqual(Progress(pass: 60, passes: 61, share: 1).fraction, 1, accuracy: 1e-15, "no shift past 52 bits")
  }
}
