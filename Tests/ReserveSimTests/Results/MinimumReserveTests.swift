import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimResults
@testable import ReserveSimScenario

/// SPEC §17: the reserve that keeps cover ≥ k months of outgo at every month-end with outgo, exactly where the
/// model allows, and by the per-path search where the responses make flows depend on the balance.
final class MinimumReserveTests: XCTestCase {
  /// Constant expenses E a month, no income, floor 0, k months: need = M·E and need_min = (M + k)·E on every path
  /// (the largest gap is at the horizon: the balance must still hold k·E after paying all M months).
  func testDeterministicDeficitNeedsHorizonPlusMinimumMonthsOfOutgo() throws {
    let months = 24.0, outgo = 10_000.0, k = 3.0
    let scenario = try makeScenario(
      """
      {"name": "deficit", "years": 2, "reserve": {"initial": 0},
       "expenses": [{"name": "Rent", "annual": 120000}], "policy": {"minimumMonths": 3}}
      """)
    let summary = RunSummary(simulate(scenario, paths: 300))
    XCTAssertEqual(summary.requiredReserve.map(\.value), Array(repeating: months * outgo, count: 5))
    XCTAssertEqual(summary.requiredReserveForMinimum.map(\.value), Array(repeating: (months + k) * outgo, count: 5))
    XCTAssertEqual(summary.requiredReserveForMinimum.map(\.confidence), summary.requiredReserve.map(\.confidence))
    XCTAssertEqual(summary.monthlyOutgoMonth1, outgo)
    XCTAssertEqual(summary.months(of: summary.requiredReserveForMinimum[0].value), months + k)
  }

  /// With a return r the constraint B(m) ≥ k·E at month m reads B₀ ≥ k·E/D(m) + Σ_{j≤m} E/D(j); the need is its
  /// largest value over m, computed here independently of the engine's discount tables.
  func testAReturnDiscountsEachMonthsConstraint() throws {
    let scenario = try makeScenario(
      """
      {"name": "deficit with return", "years": 3, "reserve": {"initial": 0, "annualReturn": 0.05},
       "expenses": [{"name": "Rent", "annual": 120000}], "policy": {"minimumMonths": 2}}
      """)
    let result = simulate(scenario, paths: 256)
    var expected = -Double.infinity
    var discounted = 0.0
    for m in 1...36 {
      let d = pow(1.05, Double(m) / 12)
      discounted += 10_000 / d
      expected = max(expected, 2 * 10_000 / d + discounted)
    }
    XCTAssertEqual(result.minimumNeed.count, 256)
    for need in result.minimumNeed { XCTAssertEqual(need, expected, accuracy: 1e-6 * expected) }
  }

  /// Months with no outgo set no constraint: a file with income only needs nothing for the minimum.
  func testMonthsWithoutOutgoSetNoConstraint() throws {
    let scenario = try makeScenario(
      """
      {"name": "no outgo", "years": 1, "income": [{"name": "Grant", "annual": 12000}],
       "policy": {"minimumMonths": 6}}
      """)
    let result = simulate(scenario, paths: 50)
    XCTAssertTrue(result.minimumNeed.allSatisfy { $0 == -.infinity })
    XCTAssertEqual(RunSummary(result).requiredReserveForMinimum.map(\.value), [0, 0, 0, 0, 0])
  }

  /// Starting from the reserve for the minimum at c, at most a share 1 − c of paths falls below the minimum, on
  /// the same seed and paths: `belowMinimum` and `requiredReserveForMinimum` use one rule (SPEC §17).
  func testTheReserveForTheMinimumHoldsItsConfidenceOnTheSamePaths() throws {
    let base = try makeScenario(
      """
      {"name": "stochastic", "years": 3, "reserve": {"initial": 0},
       "factors": {"donations": {"annualGrowth": 0, "annualVolatility": 0.4}},
       "income": [{"name": "Donations", "annual": 100000, "factor": "donations"}],
       "expenses": [{"name": "Staff", "annual": 110000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 3000, "annualLossProbability": 0.3}],
       "policy": {"minimumMonths": 3}}
      """)
    let paths = 2000
    let summary = RunSummary(simulate(base, paths: paths, seed: 5))
    for level in summary.requiredReserveForMinimum {
      var funded = base
      // need_min comes from discounted sums (SPEC §17), the run's cover from the balance month by month: the two
      // round differently, so a path whose need is the level itself may miss the minimum by an ulp at exactly B₀ =
      // need. The rule holds from a few ulps above (seen: 5).
      funded.reserve.initial = level.value + 64 * level.value.ulp
      let below = RunSummary(simulate(funded, paths: paths, seed: 5)).belowMinimum!
      XCTAssertLessThanOrEqual(below.value, 1 - level.confidence + 1e-12, "at \(level.confidence)")
      // One cent less leaves at least one more path below (the rank is exact).
      funded.reserve.initial = level.value - 0.01
      let short = RunSummary(simulate(funded, paths: paths, seed: 5)).belowMinimum!
      XCTAssertGreaterThan(short.value, below.value, "at \(level.confidence)")
    }
  }

  /// Responses that change no cash flow (a cut multiplier of 1) switch on the search; it finds the exact need for
  /// the minimum within its tolerance max(1, 10⁻⁶·B₀) (SPEC §15, §17).
  func testSearchEqualsExactWhereTheResponsesChangeNothing() throws {
    let json = """
      {"name": "inert cuts", "years": 3, "reserve": {"initial": 0},
       "factors": {"donations": {"annualGrowth": 0, "annualVolatility": 0.4}},
       "income": [{"name": "Donations", "annual": 100000, "factor": "donations"}],
       "expenses": [{"name": "Staff", "annual": 110000}],
       "policy": {"minimumMonths": 3 CUTS}}
      """
    let exact = simulate(try makeScenario(json.replacingOccurrences(of: " CUTS", with: "")), paths: 512, seed: 9)
    let searched = simulate(
      try makeScenario(
        json.replacingOccurrences(of: " CUTS", with: ", \"cuts\": {\"belowMonths\": 6, \"expenseMultiplier\": 1}")),
      paths: 512, seed: 9)
    XCTAssertEqual(searched.requiredReserveMethod, .search)
    XCTAssertEqual(exact.requiredReserveMethod, .exact)
    for (a, b) in zip(exact.minimumNeed, searched.minimumNeed) {
      XCTAssertEqual(b, a, accuracy: max(1, 1e-6 * abs(a)))
      // The search keeps a surviving upper end: never below the exact need by more than rounding.
      XCTAssertGreaterThanOrEqual(b, a - 1e-6 * max(1, abs(a)))
    }
  }

  func testCompactAssertionAndCheck() throws {
    let parsed = try CompactAssertion(parsing: "reserveMin@95%<=270k")
    XCTAssertEqual(parsed.metric, .requiredReserveForMinimum(confidence: 0.95))
    XCTAssertEqual(parsed.atMost, 270_000)
    let scenario = try makeScenario(
      """
      {"name": "deficit", "years": 2, "expenses": [{"name": "Rent", "annual": 120000}],
       "policy": {"minimumMonths": 3},
       "assertions": [{"name": "minimum", "metric": "requiredReserveForMinimum", "confidence": 0.95,
                       "atMost": 260000}]}
      """)
    let summary = RunSummary(simulate(scenario, paths: 100))
    let inFile = AssertionCheck.evaluate(scenario.assertions[0], summary: summary)
    XCTAssertEqual(inFile.estimate, 270_000)
    XCTAssertEqual(inFile.verdict, .fail)
    let compact = AssertionCheck.evaluate(try parsed.assertion(for: scenario), summary: summary)
    XCTAssertEqual(compact.verdict, .pass)
    XCTAssertEqual(
      AssertionCheck.evaluate([try parsed.assertion(for: scenario)], result: simulate(scenario, paths: 100))[0]
        .estimate, 270_000)
  }

  func testTheMetricNeedsAMinimum() throws {
    let noMinimum = try makeScenario(#"{"name": "x", "years": 1}"#)
    XCTAssertThrowsError(try CompactAssertion(parsing: "reserveMin@95%<=1M").assertion(for: noMinimum)) {
      XCTAssertTrue(String(describing: $0).contains("policy.minimumMonths"), String(describing: $0))
    }
    XCTAssertThrowsError(
      try makeScenario(
        """
        {"name": "x", "years": 1, "assertions": [{"name": "m", "metric": "requiredReserveForMinimum",
         "confidence": 0.95, "atMost": 1}]}
        """)
    ) { error in
      let message = String(describing: error)
      XCTAssertTrue(message.contains("$.assertions[0].metric"), message)
      XCTAssertTrue(message.contains("policy.minimumMonths"), message)
    }
  }
}
