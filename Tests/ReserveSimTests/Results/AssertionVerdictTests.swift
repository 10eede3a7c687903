import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimResults
@testable import ReserveSimScenario

/// Verdicts (SPEC §9): pass when the 95% interval is within the threshold, fail when wholly beyond it,
/// inconclusive otherwise — on intervals given by hand, on hand-made results and on deterministic runs.
final class AssertionVerdictTests: XCTestCase {
  // MARK: The rule

  func testVerdictRuleAndBoundaries() {
    XCTAssertEqual(Verdict(lower: 0.01, upper: 0.04, atMost: 0.05), .pass)
    XCTAssertEqual(Verdict(lower: 0.01, upper: 0.05, atMost: 0.05), .pass, "upper = threshold passes")
    XCTAssertEqual(Verdict(lower: 0.06, upper: 0.09, atMost: 0.05), .fail)
    XCTAssertEqual(Verdict(lower: 0.05, upper: 0.09, atMost: 0.05), .inconclusive, "lower = threshold is not beyond it")
    XCTAssertEqual(Verdict(lower: 0.04, upper: 0.06, atMost: 0.05), .inconclusive)
    XCTAssertEqual(Verdict(lower: 7, upper: 7, atMost: 7), .pass, "a collapsed interval at the threshold passes")
    XCTAssertEqual(Verdict(lower: 7, upper: 7, atMost: 6.999), .fail)
  }

  func testWhichVerdictsFailARun() {
    XCTAssertFalse(Verdict.pass.fails(strict: false))
    XCTAssertFalse(Verdict.pass.fails(strict: true))
    XCTAssertTrue(Verdict.fail.fails(strict: false))
    XCTAssertTrue(Verdict.fail.fails(strict: true))
    XCTAssertFalse(Verdict.inconclusive.fails(strict: false))
    XCTAssertTrue(Verdict.inconclusive.fails(strict: true))
    let files = [
      checkedFile(verdicts: [.pass, .inconclusive]),
      checkedFile(verdicts: [.pass]),
    ]
    XCTAssertFalse(files.fails(strict: false))
    XCTAssertTrue(files.fails(strict: true))
    XCTAssertTrue((files + [checkedFile(verdicts: [.fail])]).fails(strict: false))
    XCTAssertEqual(files.count(.pass), 2)
    XCTAssertEqual(files.count(.inconclusive), 1)
  }

  // MARK: Ruin probability: Wilson interval on cumulative ruined paths

  func testRuinWithinYearsCountsPathsRuinedByThatYearEnd() {
    // Ruined in month 12 (year 1), 13 (year 2), 25 (year 3), never.
    let result = handMadeResult(years: 3, needs: [1, 2, 3, 4], ruinMonths: [12, 13, 25, 0])
    let checks = AssertionCheck.evaluate(
      [1, 2, 3].map { Assertion(name: "y\($0)", metric: .ruinProbability(withinYears: $0), atMost: 1) }, result: result)
    XCTAssertEqual(checks.map(\.estimate), [0.25, 0.5, 0.75])
    // Wilson's interval for 1, 2 and 3 of 4 (by hand: z = 1.959963984540054 in 40-digit decimal arithmetic).
    let bounds = [
      (0.045_587_260_809_700_6, 0.699_358_157_417_598), (0.150_038_989_152_150, 0.849_961_010_847_850),
      (0.300_641_842_582_402, 0.954_412_739_190_299),
    ]
    for (check, (lower, upper)) in zip(checks, bounds) {
      XCTAssertEqual(check.lower, lower, accuracy: 1e-14)
      XCTAssertEqual(check.upper, upper, accuracy: 1e-14)
      XCTAssertEqual(check.paths, 4)
      XCTAssertEqual(check.verdict, .pass, "the interval is within [0, 1] = at most 1")
    }
  }

  /// Wilson intervals computed by hand (the score interval with z = 1.959963984540054, in 40-digit decimal
  /// arithmetic), not by the code under test.
  func testWilsonIntervalsOfHandComputedCases() {
    let cases: [(successes: Int, trials: Int, lower: Double, upper: Double)] = [
      (30, 1000, 0.021_093_738_828_834_7, 0.042_503_414_147_587_1),
      (1, 4, 0.045_587_260_809_700_6, 0.699_358_157_417_598),
      (5, 10, 0.236_593_090_512_564, 0.763_406_909_487_436),
      (2, 3, 0.207_659_600_802_048, 0.938_508_055_279_604),
      (0, 500, 0, 0.007_624_340_461_552_24),
      (4, 4, 0.510_109_163_545_403, 1),
    ]
    for (successes, trials, lower, upper) in cases {
      let wilson = ConfidenceIntervals.wilson(successes: successes, trials: trials)
      XCTAssertEqual(wilson.lower, lower, accuracy: 1e-14, "\(successes) of \(trials): lower")
      XCTAssertEqual(wilson.upper, upper, accuracy: 1e-14, "\(successes) of \(trials): upper")
    }
  }

  func testRuinVerdictsAtTheWilsonBounds() {
    // 30 of 1000 paths ruined in year 1: the Wilson interval is [2.109…%, 4.250…%] (by hand, above).
    let ruinMonths = [Int32](repeating: 6, count: 30) + [Int32](repeating: 0, count: 970)
    let result = handMadeResult(years: 1, needs: [Double](repeating: 0, count: 1000), ruinMonths: ruinMonths)
    let wilson = ConfidenceIntervals.wilson(successes: 30, trials: 1000)
    XCTAssertEqual(wilson.lower, 0.021_093_738_828_834_7, accuracy: 1e-14)
    XCTAssertEqual(wilson.upper, 0.042_503_414_147_587_1, accuracy: 1e-14)
    func verdict(_ atMost: Double) -> Verdict {
      AssertionCheck.evaluate(
        [Assertion(name: "r", metric: .ruinProbability(withinYears: 1), atMost: atMost)], result: result)[0]
        .verdict
    }
    XCTAssertEqual(verdict(wilson.upper), .pass)
    XCTAssertEqual(verdict(wilson.upper.nextDown), .inconclusive)
    XCTAssertEqual(verdict(0.03), .inconclusive, "the estimate itself sits inside its interval")
    XCTAssertEqual(verdict(wilson.lower), .inconclusive)
    XCTAssertEqual(verdict(wilson.lower.nextDown), .fail)
  }

  func testNoRuinedPathNeverFailsEvenAgainstZero() {
    let result = handMadeResult(
      years: 1, needs: [Double](repeating: 0, count: 500), ruinMonths: [Int32](repeating: 0, count: 500))
    let check = AssertionCheck.evaluate(
      [Assertion(name: "never", metric: .ruinProbability(withinYears: 1), atMost: 0)], result: result)[0]
    XCTAssertEqual(check.estimate, 0)
    XCTAssertEqual(check.lower, 0, "Wilson's lower bound at 0 successes is exactly 0")
    XCTAssertEqual(
      check.upper, 1.959963984540054 * 1.959963984540054 / (500 + 1.959963984540054 * 1.959963984540054),
      accuracy: 1e-12)
    XCTAssertEqual(check.verdict, .inconclusive, "no finite sample proves a probability of exactly 0")
  }

  // MARK: Required reserve: order-statistic interval

  func testReserveVerdictsAtTheOrderStatisticBounds() {
    // Needs 1…1000 in scrambled order; at c = 0.5 the estimate is the 500th smallest, and the 95% ranks are
    // ⌊500 − 1.96·√250⌋ = 469 and ⌈500 + 1.96·√250⌉ = 531.
    var generator = SplitMix(seed: 1000)  // seeded: the same order on every run
    let needs = (1...1000).map(Double.init).shuffled(using: &generator)
    let result = handMadeResult(years: 1, needs: needs, ruinMonths: [Int32](repeating: 0, count: 1000))
    func check(_ atMost: Double) -> AssertionCheck {
      AssertionCheck.evaluate(
        [Assertion(name: "median", metric: .requiredReserve(confidence: 0.5), atMost: atMost)], result: result)[0]
    }
    XCTAssertEqual(check(0).estimate, 500)
    XCTAssertEqual(check(0).lower, 469)
    XCTAssertEqual(check(0).upper, 531)
    XCTAssertEqual(check(531).verdict, .pass)
    XCTAssertEqual(check(530).verdict, .inconclusive)
    XCTAssertEqual(check(500).verdict, .inconclusive)
    XCTAssertEqual(check(469).verdict, .inconclusive)
    XCTAssertEqual(check(468).verdict, .fail)
  }

  func testSummaryAndResultGiveTheSameChecks() throws {
    let scenario = try borderlineScenario()
    let result = Simulator(threads: 2).run(scenario, paths: 600, seed: 3)
    let assertions = [
      Assertion(name: "ruin", metric: .ruinProbability(withinYears: 1), atMost: 0.4),
      Assertion(name: "reserve", metric: .requiredReserve(confidence: 0.9), atMost: 5e6),
    ]
    let summary = RunSummary(result)
    XCTAssertEqual(
      AssertionCheck.evaluate(assertions, result: result),
      assertions.map { AssertionCheck.evaluate($0, summary: summary) })
  }

  // MARK: Deterministic scenarios

  func testDeterministicScenariosGiveExactVerdicts() throws {
    let safe = try scenario(#""income": [{"name": "Grant", "annual": 120000}]"#)
    let ruined = try scenario(#""expenses": [{"name": "Rent", "annual": 120000}]"#)
    let assertions = [
      Assertion(name: "ruin", metric: .ruinProbability(withinYears: 2), atMost: 0.05),
      Assertion(name: "reserve", metric: .requiredReserve(confidence: 0.95), atMost: 240_000),
    ]
    let simulator = Simulator(threads: 2)
    let safeChecks = simulator.check(safe, assertions: assertions, paths: 1000, seed: 1).checks
    XCTAssertEqual(safeChecks.map(\.verdict), [.pass, .pass])
    XCTAssertEqual(safeChecks[1].estimate, 0, "a path that only earns needs no reserve")

    // Rent of 10,000 a month from nothing: every path is ruined in month 1 and needs exactly 240,000.
    let ruinedChecks = simulator.check(ruined, assertions: assertions, paths: 1000, seed: 1).checks
    XCTAssertEqual(ruinedChecks[0].estimate, 1)
    XCTAssertEqual(ruinedChecks[0].upper, 1, "Wilson's upper bound at N of N is exactly 1")
    XCTAssertEqual(ruinedChecks[0].verdict, .fail)
    XCTAssertEqual(ruinedChecks[1].estimate, 240_000, accuracy: 1e-6)
    XCTAssertEqual(ruinedChecks[1].lower, ruinedChecks[1].upper, "identical paths collapse the interval")
    let tighter = Assertion(name: "tighter", metric: .requiredReserve(confidence: 0.95), atMost: 239_000)
    XCTAssertEqual(simulator.check(ruined, assertions: [tighter], paths: 100, seed: 1).checks[0].verdict, .fail)
  }

  // MARK: --auto-paths

  func testAutoPathsDoublesUntilConclusiveAndEqualsOneRun() throws {
    // P(ruin within a year) = P(the service is lost in months 1…11) = 1 − 0.5^(11/12) ≈ 0.47.
    let scenario = try borderlineScenario()
    let simulator = Simulator(threads: 2)
    let assertion = Assertion(name: "ruin", metric: .ruinProbability(withinYears: 1), atMost: 0.35)
    let first = simulator.check(scenario, assertions: [assertion], paths: 16, seed: 11)
    XCTAssertEqual(first.checks[0].verdict, .inconclusive, "16 paths cannot tell 0.35 from 0.47")

    let auto = simulator.check(scenario, assertions: [assertion], paths: 16, seed: 11, maxPaths: 100_000)
    XCTAssertEqual(auto.checks[0].verdict, .fail)
    XCTAssertGreaterThan(auto.result.paths, 16)
    XCTAssertLessThan(auto.result.paths, 100_000)
    XCTAssertEqual((auto.result.paths / 16).nonzeroBitCount, 1, "16 · 2^k paths")
    XCTAssertEqual(auto.checks[0].paths, auto.result.paths)
    let single = simulator.run(scenario, paths: auto.result.paths, seed: 11)
    XCTAssertEqual(auto.result.requiredReserve, single.requiredReserve)
    XCTAssertEqual(auto.result.firstRuinMonth, single.firstRuinMonth)
    XCTAssertEqual(AssertionCheck.evaluate([assertion], result: single), auto.checks)
  }

  func testAutoPathsStopsAtMaxPathsWhenTheThresholdIsTheTruth() throws {
    let scenario = try borderlineScenario()
    let truth = 1 - pow(0.5, 11.0 / 12)
    let assertion = Assertion(name: "ruin", metric: .ruinProbability(withinYears: 1), atMost: truth)
    let auto = Simulator(threads: 2).check(scenario, assertions: [assertion], paths: 100, seed: 5, maxPaths: 1000)
    XCTAssertEqual(auto.result.paths, 1000, "100, 200, 400, 800, then capped at 1000")
    XCTAssertEqual(auto.checks[0].verdict, .inconclusive)
    let noDoubling = Simulator(threads: 2).check(scenario, assertions: [assertion], paths: 100, seed: 5, maxPaths: 50)
    XCTAssertEqual(noDoubling.result.paths, 100, "never fewer paths than asked for")
  }

  // MARK: Helpers

  /// A two-year scenario with no randomness; `lines` adds income or expense lists.
  private func scenario(_ lines: String, years: Int = 2) throws -> Scenario {
    try Scenario(
      json: JSONValue.parse(Data(#"{"name": "Deterministic", "years": \#(years), \#(lines)}"#.utf8), file: "test"))
  }

  /// One year from an empty reserve with a service worth 1M a month that is lost with probability ½ a year
  /// and then paid in full: a path is ruined in year 1 iff the loss comes in months 1…11.
  private func borderlineScenario() throws -> Scenario {
    try scenario(
      #""inKindServices": [{"name": "CDN", "monthlyValue": 1000000, "annualLossProbability": 0.5}]"#, years: 1)
  }

  private func handMadeResult(years: Int, needs: [Double], ruinMonths: [Int32]) -> SimulationResult {
    var scenario = Scenario.minimal
    scenario.years = years
    return SimulationResult(
      scenario: scenario, paths: needs.count, seed: 1, requiredReserve: needs,
      yearEndBalance: [Double](repeating: 0, count: needs.count * years), firstRuinMonth: ruinMonths,
      yearlyFlowMeans: [Double](repeating: 0, count: years * YearlyFlow.count), diagnostics: nil)
  }

  private func checkedFile(verdicts: [Verdict]) -> ScenarioCheck {
    let checks = verdicts.map { verdict -> AssertionCheck in
      let bounds: (Double, Double) = verdict == .pass ? (0, 0.01) : verdict == .fail ? (0.2, 0.3) : (0.01, 0.2)
      return AssertionCheck(
        assertion: Assertion(name: verdict.rawValue, metric: .ruinProbability(withinYears: 1), atMost: 0.1),
        estimate: bounds.0, lower: bounds.0, upper: bounds.1, paths: 100)
    }
    XCTAssertEqual(checks.map(\.verdict), verdicts)
    return ScenarioCheck(file: "f.json", scenarioName: "F", currency: "USD", paths: 100, seed: 1, checks: checks)
  }
}

extension Scenario {
  /// The smallest valid scenario: a name and one year.
  fileprivate static var minimal: Scenario {
    try! Scenario(json: .object(["name": .string("Minimal"), "years": .number(1)]))
  }
}
