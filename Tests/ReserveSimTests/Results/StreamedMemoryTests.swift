import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimResults

/// A streamed run's memory (issue #23) is the same at any path count and fits the 400 MB goal with the default
/// budget; the pipeline streams `run` and `check` past the one-pass budget, with the same outputs.
final class StreamedMemoryTests: XCTestCase {
  private let baselineFile = repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json").path

  func testAStreamedRunsEstimateDoesNotGrowWithPaths() throws {
    let baseline = try ScenarioLoader().load(baselineFile)
    var simulator = Simulator(threads: 2)
    simulator.recordsFirstPaidMonths = true
    let budget = StreamingBudget()
    for years in [10, 100] {
      var scenario = baseline
      scenario.years = years
      let estimates = [10_000_000, 100_000_000, Scenario.maximumPaths].map {
        budget.estimate(for: scenario, paths: $0, simulator: simulator)
      }
      XCTAssertEqual(Set(estimates.map(\.bytes)).count, 1, "years \(years): the same bytes at any path count")
      let estimate = estimates[2]
      XCTAssertEqual(estimate.bytesPerPath, 0)
      let onePass = simulator.memoryEstimate(for: scenario, paths: Scenario.maximumPaths)
      let chunk = Double(budget.chunkPaths(scenario, simulator: simulator)) * onePass.bytesPerPath
      XCTAssertEqual(
        estimate.bytes,
        onePass.fixedBytes + Int(chunk.rounded(.up)) + budget.histogramBytes + budget.collectedBytes)
      XCTAssertLessThanOrEqual(chunk, Double(budget.chunkBytes))
      XCTAssertLessThan(estimate.bytes, 400_000_000, "years \(years): \(estimate.bytes) bytes")
      // A billion paths are no longer refused on a machine with 1 GB free.
      XCTAssertNoThrow(try estimate.check(available: 1 << 30))
      XCTAssertEqual(estimate.largestPathCount(fitting: 1 << 30), Scenario.maximumPaths)
      XCTAssertEqual(estimate.largestPathCount(fitting: estimate.fixedBytes - 1), 0)
    }
  }

  /// `solve`'s runs record the needs within the targets' years: 8 bytes a path each, twice with a minimum, in one
  /// pass; streamed, the same memory at any path count, under the 400 MB goal.
  func testSolvesEstimateCountsTheNeedsWithinYears() throws {
    let policy = try RunPipeline().load(repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path)
    let baseline = try ScenarioLoader().load(baselineFile)
    var simulator = Simulator(threads: 2)
    simulator.searchesNeeds = false
    for (scenario, perYear) in [(baseline, 8.0), (policy.scenario, 16.0)] {
      let plain = simulator.memoryEstimate(for: scenario, paths: 1_000)
      simulator.needYears = [2, 3, 5]
      let recording = simulator.memoryEstimate(for: scenario, paths: 1_000)
      simulator.needYears = []
      XCTAssertEqual(recording.bytesPerPath - plain.bytesPerPath, 3 * perYear, scenario.name)
    }
    simulator.needYears = [3, 5]
    let budget = StreamingBudget()
    // The goal's cases (10M and 100M paths); groups of 1,000 paths add a few hundred bytes a group besides.
    let streamed = [10_000_000, 100_000_000].map {
      budget.estimate(for: policy.scenario, paths: $0, simulator: simulator, reserveConfidences: 0)
    }
    XCTAssertTrue(budget.streams(policy.scenario, paths: 10_000_000, simulator: simulator))
    for estimate in streamed {
      XCTAssertEqual(estimate.bytesPerPath, 0)
      XCTAssertLessThan(estimate.bytes, 400_000_000, "\(estimate.paths) paths")
    }
  }

  func testEstimatesDrawnPerGroupStreamInAFewNumbersAGroup() throws {
    // pypi-today draws its ranges once per group of 1,000 paths (SPEC §22): a streamed run keeps each group's
    // counts, reserves and bootstrap weights (`StreamingBudget.groupBytes`), about a kilobyte a group at 100 years.
    let today = try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path)
    let inner = try XCTUnwrap(today.simulation.nested?.inner)
    var simulator = Simulator(threads: 2)
    simulator.recordsFirstPaidMonths = true
    let budget = StreamingBudget()
    for (years, paths) in [(10, 10_000_000), (100, 2_000_000), (10, 100_000_000)] {
      var scenario = today
      scenario.years = years
      let estimate = budget.estimate(for: scenario, paths: paths, simulator: simulator)
      XCTAssertLessThan(estimate.bytes, 400_000_000, "\(paths) paths, \(years) years: \(estimate.bytes) bytes")
      XCTAssertTrue(budget.streams(scenario, paths: paths, simulator: simulator), "\(paths) paths, \(years) years")
      // What grows is per group, not per path and year (past the ranking's sample of 2²⁰ paths).
      let more = budget.estimate(for: scenario, paths: 10 * paths, simulator: simulator)
      let perGroup = Double(more.bytes - estimate.bytes) / Double(10 * paths / inner - paths / inner)
      XCTAssertEqual(perGroup, Double(years * 8 + 8 * (5 + today.assertions.count) + 200), accuracy: 1)
      // A report's curve of fifteen confidences: ten more reserves a group, and the bootstrap's deeper counts.
      let curve = budget.estimate(
        for: scenario, paths: paths, simulator: simulator,
        reserveConfidences: RunSummary.reserveCurveConfidences.count)
      XCTAssertEqual(RunSummary.reserveCurveConfidences.count, 15)
      XCTAssertGreaterThanOrEqual(curve.bytes - estimate.bytes, 10 * 8 * (paths / inner))
      XCTAssertLessThan(curve.bytes, 400_000_000, "\(paths) paths, \(years) years, a report's curve")
    }
  }

  /// `run` through the pipeline with a tiny one-pass budget streams, and prints what it prints unstreamed.
  func testThePipelineStreamsRunAndCheckToTheSameOutputs() async throws {
    var pipeline = RunPipeline(simulator: Simulator(threads: 2))
    let loaded = try pipeline.load(baselineFile)
    let onePass = try await pipeline.run(loaded, paths: 3_000, seed: 5, streaming: true)
    XCTAssertNotNil(onePass.resultIfKept, "3,000 paths fit the default one-pass budget")
    let checkedOnce = try await pipeline.check(loaded, assertions: loaded.scenario.assertions, paths: 3_000, seed: 5)
    XCTAssertNotNil(checkedOnce.resultIfKept)

    pipeline.streamingBudget = StreamingBudget.tiny(histogramBytes: 1 << 10, collectedBytes: 1 << 12)
    let passes = Recorder()
    let streamed = try await pipeline.run(
      loaded, paths: 3_000, seed: 5, streaming: true, progress: { passes.append($0) })
    XCTAssertNil(streamed.resultIfKept)
    XCTAssertEqual(try SummaryJSON.encode(streamed.summary), try SummaryJSON.encode(onePass.summary))
    XCTAssertEqual(TextSummary.render(streamed.summary), TextSummary.render(onePass.summary))
    let seen = passes.reports
    XCTAssertEqual(seen.first { $0.stage == .simulating }?.pass, 1)
    XCTAssertGreaterThanOrEqual(seen.map(\.pass).max() ?? 0, 2, "the later passes are reported")
    XCTAssertEqual(seen.map(\.pass), seen.map(\.pass).sorted(), "passes never go back")
    XCTAssertTrue(seen.contains { $0.passDescription?.contains("re-simulating") == true })

    let checked = try await pipeline.check(loaded, assertions: loaded.scenario.assertions, paths: 3_000, seed: 5)
    XCTAssertNil(checked.resultIfKept)
    XCTAssertEqual(checked.checks, checkedOnce.checks)
    XCTAssertEqual(checked.summary.headline, checkedOnce.summary.headline)
    XCTAssertFalse(checked.checks.isEmpty)
  }

  /// The same for a file with estimates drawn per group (SPEC §22): the intervals over groups and the check's
  /// verdicts come out of the streamed passes as out of one run.
  func testThePipelineStreamsAFileWithGroupsToTheSameOutputs() async throws {
    var pipeline = RunPipeline(simulator: Simulator(threads: 2))
    let loaded = try pipeline.load(repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path)
    let paths = 20 * (loaded.scenario.simulation.nested?.inner ?? 0)
    let onePass = try await pipeline.run(loaded, paths: paths, seed: 5, streaming: true)
    XCTAssertNotNil(onePass.resultIfKept)
    let checkedOnce = try await pipeline.check(loaded, assertions: loaded.scenario.assertions, paths: paths, seed: 5)

    pipeline.streamingBudget = StreamingBudget.tiny(
      chunkPaths: 12 * Simulator.blockSize, histogramBytes: 1 << 12, collectedBytes: 1 << 14)
    let streamed = try await pipeline.run(loaded, paths: paths, seed: 5, streaming: true)
    XCTAssertNil(streamed.resultIfKept)
    XCTAssertNotNil(streamed.summary.nested)
    XCTAssertEqual(try SummaryJSON.encode(streamed.summary), try SummaryJSON.encode(onePass.summary))
    XCTAssertEqual(TextSummary.render(streamed.summary), TextSummary.render(onePass.summary))
    let checked = try await pipeline.check(loaded, assertions: loaded.scenario.assertions, paths: paths, seed: 5)
    XCTAssertNil(checked.resultIfKept)
    XCTAssertEqual(checked.checks, checkedOnce.checks)
    XCTAssertEqual(checked.summary.headline, checkedOnce.summary.headline, "the chance's margin over groups")
    XCTAssertEqual(try SummaryJSON.encode(checked.summary), try SummaryJSON.encode(checkedOnce.summary))
    XCTAssertTrue(checked.checks.contains { if case .requiredReserve = $0.assertion.metric { true } else { false } })
  }

  /// `check --auto-paths` whose rounds would not fit the one-pass budget streams each round: the same rounds (the
  /// last one's path count), verdicts and summary as growing one result.
  func testAutoPathsStreamsItsRoundsToTheSameVerdicts() async throws {
    var pipeline = RunPipeline(simulator: Simulator(threads: 2))
    let loaded = try pipeline.load(baselineFile)
    // Thresholds near the estimates, so the first rounds are inconclusive and the paths double.
    let assertions = [
      Assertion(name: "ruin", metric: .ruinProbability(withinYears: 10), atMost: 0.56),
      Assertion(name: "reserve", metric: .requiredReserve(confidence: 0.9), atMost: 80_000_000),
    ]
    let grown = try await pipeline.check(loaded, assertions: assertions, paths: 500, seed: 8, maxPaths: 8_000)
    XCTAssertNotNil(grown.resultIfKept)
    XCTAssertGreaterThan(grown.summary.paths, 500, "the first round was inconclusive")
    pipeline.streamingBudget = StreamingBudget.tiny(histogramBytes: 1 << 10, collectedBytes: 1 << 12)
    let reports = Recorder()
    let streamed = try await pipeline.check(
      loaded, assertions: assertions, paths: 500, seed: 8, maxPaths: 8_000, progress: { reports.append($0) })
    XCTAssertNil(streamed.resultIfKept)
    let passes = reports.reports.filter { $0.stage == .simulating }.map(\.pass)
    XCTAssertEqual(passes, passes.sorted(), "the rounds' passes never go back")
    XCTAssertGreaterThan(passes.last ?? 0, 2, "several rounds of passes")
    XCTAssertEqual(streamed.summary.paths, grown.summary.paths)
    XCTAssertEqual(streamed.checks, grown.checks)
    // What check shows: the verdicts and the headline. (The yearly flow means of a grown result add its rounds'
    // sums round by round, so their last digits differ from one run's; check prints none of them.)
    XCTAssertEqual(streamed.summary.headline, grown.summary.headline)
    XCTAssertEqual(streamed.summary.ruinProbability, grown.summary.ruinProbability)
    XCTAssertEqual(streamed.summary.requiredReserve, grown.summary.requiredReserve)
  }

  /// `sweep` and `sensitivity` read a few figures a run (`RunOutcome`): past the one-pass budget each run streams,
  /// to the same rows, ranking and exports, for a plain file and for one with groups.
  func testSweepAndSensitivityStreamToTheSameOutcomes() async throws {
    let today = repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path
    for (file, paths) in [(baselineFile, 3_000), (today, 20_000)] {
      var pipeline = RunPipeline(simulator: Simulator(threads: 2))
      let loaded = try pipeline.load(file)
      let axes = [SweepAxis(path: try ScenarioPath(parsing: "reserve.initial"), start: 1e6, end: 4e6, count: 2)]
      let parameters = [try ScenarioPath(parsing: "reserve.annualReturn")]
      let sweep = try await pipeline.sweep(loaded, axes: axes, paths: paths, seed: 3)
      let sensitivity = try await pipeline.sensitivity(loaded, parameters: parameters, paths: paths, seed: 3)

      pipeline.streamingBudget = StreamingBudget.tiny(
        chunkPaths: 12 * Simulator.blockSize, histogramBytes: 1 << 12, collectedBytes: 1 << 14)
      XCTAssertTrue(pipeline.streamingBudget.streams(loaded.scenario, paths: paths, simulator: pipeline.simulator))
      let reports = Recorder()
      let streamedSweep = try await pipeline.sweep(
        loaded, axes: axes, paths: paths, seed: 3, progress: { reports.append($0) })
      let streamedSensitivity = try await pipeline.sensitivity(loaded, parameters: parameters, paths: paths, seed: 3)
      XCTAssertEqual(streamedSweep.rows, sweep.rows, file)
      XCTAssertEqual(WhatIfCSV.table(streamedSweep).text, WhatIfCSV.table(sweep).text)
      XCTAssertEqual(streamedSensitivity.base, sensitivity.base, file)
      XCTAssertEqual(streamedSensitivity.parameters, sensitivity.parameters, file)
      XCTAssertEqual(WhatIfJSON.encode(streamedSensitivity), WhatIfJSON.encode(sensitivity))
      let shares = reports.reports.filter { $0.stage == .simulating }.map(\.share)
      XCTAssertEqual(shares, shares.sorted(), "the points' passes add up, never going back")
      XCTAssertGreaterThan(shares.last ?? 0, 0.99)
    }
  }

  /// `solve` streams each run past the one-pass budget (the needs within the targets' years by their order
  /// statistics, the responses' cost and the check from one pass's tallies): the same plans, frontier and check as
  /// one pass, for a plain file with a lever and for a file with groups (SPEC §22) whose responses cost something (a
  /// second run per point).
  func testSolveStreamsToTheSamePlans() async throws {
    let cases: [(name: String, paths: Int, targets: [String], lever: String?)] = [
      ("pypi-2020-baseline", 3_000, ["ruin<=5%@3y", "ruin<=10%"], "expenses[0].annual=400000:500000:2"),
      ("pypi-today-policy", 20_000, ["below<=10%@3y", "ruin<=2%"], nil),
    ]
    for (name, paths, targets, lever) in cases {
      var pipeline = RunPipeline(simulator: Simulator(threads: 2))
      let loaded = try pipeline.load(repositoryRoot.appendingPathComponent("scenarios/\(name).json").path)
      let levers = try lever.map { [try XCTUnwrap(try SweepAxis(parsing: $0))] } ?? []
      func solve(progress: (@Sendable (RunProgress) -> Void)? = nil) async throws -> Solve {
        try await pipeline.solve(
          loaded, targets: targets, levers: levers, frontier: true, paths: paths, seed: 5, progress: progress)
      }
      let onePass = try await solve()
      if loaded.scenario.policy?.respondsToBalance == true {
        XCTAssertGreaterThan(onePass.best.cost.appealsPerPath, 0, "\(name): the cost runs measure something")
      }
      pipeline.streamingBudget = StreamingBudget.tiny(
        chunkPaths: 4 * Simulator.blockSize, histogramBytes: 1 << 10, collectedBytes: 1 << 11)
      XCTAssertTrue(pipeline.streamingBudget.streams(loaded.scenario, paths: paths, simulator: pipeline.simulator))
      let reports = Recorder()
      let streamed = try await solve(progress: { reports.append($0) })
      XCTAssertEqual(SolveOutput.json(streamed), SolveOutput.json(onePass), name)
      let shares = reports.reports.filter { $0.stage == .simulating }.map(\.share)
      XCTAssertEqual(shares, shares.sorted(), "\(name): the runs' passes add up, never going back")
      XCTAssertGreaterThan(shares.last ?? 0, 0.99, name)
    }
  }

  /// `drivers` streams past the one-pass budget (each feature's means in path order, its medians and Cliff's δ from
  /// `TwoGroupRanks` over passes of the same paths): the same drivers as one pass, for a file with a traffic factor,
  /// tiers and events and for one with drawn estimates.
  func testDriversStreamToTheSameDrivers() async throws {
    for (name, paths) in [("pypi-2020-baseline", 3_000), ("pypi-2020-uncertain", 2_000)] {
      var pipeline = RunPipeline(simulator: Simulator(threads: 2))
      let loaded = try pipeline.load(repositoryRoot.appendingPathComponent("scenarios/\(name).json").path)
      let onePass = try await pipeline.drivers(loaded, paths: paths, seed: 4)
      XCTAssertGreaterThan(onePass.ruinedPaths, 0, name)
      XCTAssertLessThan(onePass.ruinedPaths, paths, name)
      XCTAssertGreaterThan(onePass.drivers.count, 5, name)
      pipeline.streamingBudget = StreamingBudget.tiny(
        chunkPaths: 3 * Simulator.blockSize, histogramBytes: 1 << 14, collectedBytes: 1 << 12)
      let reports = Recorder()
      let streamed = try await pipeline.drivers(loaded, paths: paths, seed: 4, progress: { reports.append($0) })
      XCTAssertEqual(streamed.ruinedPaths, onePass.ruinedPaths, name)
      XCTAssertEqual(streamed.drivers, onePass.drivers, name)
      XCTAssertGreaterThan(reports.reports.map(\.pass).max() ?? 0, 1, "\(name): the ranks took later passes")
    }
  }

  /// The needs within years, streamed with a budget that holds a few values at a time (several passes, refined
  /// bins), are the ascending sort's at every rank asked for, bit for bit.
  func testNeedsWithinYearsStreamToTheSortsValues() throws {
    let loaded = try RunPipeline().load(repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path)
    var simulator = Simulator(threads: 2)
    simulator.needYears = [2, 5]
    simulator.searchesNeeds = false
    let paths = 2_000
    let whole = simulator.run(loaded.scenario, paths: paths, seed: 9)
    let run = StreamedRun(
      scenario: loaded.scenario, paths: paths, seed: 9, simulator: simulator,
      budget: .tiny(chunkPaths: 2 * Simulator.blockSize, histogramBytes: 1 << 8, collectedBytes: 1 << 9))
    let ranks = [0, 1, 999, 1_899, 1_999]
    let wanted = [
      (variable: NeedsWithin(years: 2, minimum: false), ranks: ranks),
      (variable: NeedsWithin(years: 5, minimum: true), ranks: ranks.reversed()),
    ]
    let streamed = try run.orderStatistics(wanted)
    let sorted = [RadixSort.sorted(whole.needsWithin[2]!), RadixSort.sorted(whole.minimumNeedsWithin[5]!)]
    for (v, request) in wanted.enumerated() {
      XCTAssertEqual(
        streamed[v].map(\.bitPattern), request.ranks.map { sorted[v][$0].bitPattern }, "\(request.variable)")
    }
    XCTAssertNotEqual(sorted[0][0], sorted[0][1_999], "the needs differ between paths")
  }

  /// The report and the notebook read only the summary, at the reserve curve's confidences: streamed, they are the
  /// one-pass pages, for a plain file and for one with groups.
  func testTheReportAndTheNotebookStreamToTheSamePages() async throws {
    for (name, paths) in [("pypi-2020-baseline", 3_000), ("pypi-today", 20_000)] {
      var pipeline = RunPipeline(simulator: Simulator(threads: 2))
      let loaded = try pipeline.load(repositoryRoot.appendingPathComponent("scenarios/\(name).json").path)
      func pages() async throws -> (report: String, notebook: String, streamed: Bool) {
        let output = try await pipeline.run(
          loaded, paths: paths, seed: 3, reserveConfidences: RunSummary.reserveCurveConfidences, streaming: true)
        return (
          HTMLReport.render(output.summary, scenario: loaded.scenario, version: "test"),
          try Notebook.render(output.summary, scenario: loaded.scenario, version: "test"), output.resultIfKept == nil
        )
      }
      let onePass = try await pages()
      XCTAssertFalse(onePass.streamed, name)
      pipeline.streamingBudget = StreamingBudget.tiny(
        chunkPaths: 12 * Simulator.blockSize, histogramBytes: 1 << 12, collectedBytes: 1 << 14)
      let streamed = try await pages()
      XCTAssertTrue(streamed.streamed, name)
      XCTAssertEqual(streamed.report, onePass.report, name)
      XCTAssertEqual(streamed.notebook, onePass.notebook, name)
    }
  }
}
