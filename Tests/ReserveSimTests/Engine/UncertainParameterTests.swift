import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimResults
@testable import ReserveSimScenario

/// SPEC §16 in the engine: per-path parameters through the month's passes, reproducibility, and the indices.
final class UncertainParameterTests: XCTestCase {
  /// The shipped PyPI file with every estimate at its centre (its distributions set aside).
  func pypi() throws -> Scenario {
    var scenario = try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path)
    scenario.assertions = []
    scenario.uncertainParameters = []
    return scenario
  }

  /// A parameter of `scenario` made "uncertain" with a distribution of one value (which the decoder would read as
  /// the number): the engine then runs its per-lane tables.
  func pointParameter(_ pattern: String, item: Int, value: Double, whole: Bool = false) throws -> UncertainParameter {
    let distribution = try EstimateDistribution(
      json: .object(["uniform": .array([.number(value), .number(value)])]), range: .any, isWholeNumber: whole)
    // The lane the decoder gives the field: the table's kind, a factor's index for a factor's field.
    let kind = try XCTUnwrap(ScenarioFields.field(at: pattern)?.lane, pattern)
    let factor = pattern.split(separator: ".").dropFirst().first.flatMap { Factor(rawValue: String($0)) }
    let lane = LaneParameter(kind, factor?.index ?? item, isExpense: pattern.hasPrefix("expenses"))
    return UncertainParameter(
      path: ScenarioPath(steps: [.key(pattern), .index(item)]), pattern: pattern, item: item, lane: lane,
      distribution: distribution)
  }

  /// Every field whose per-lane tables use the plan's formulas gives the number's bits when every path draws the
  /// number: the per-lane passes are the same month.
  func testPerLaneTablesGiveThePointsBits() throws {
    let scenario = try pypi()
    let baseline = simulate(scenario, paths: 3000)
    let cdn = scenario.inKindServices[0], tier = scenario.sponsorTiers[2], event = scenario.events[0]
    let traffic = scenario.factors[.traffic]!, inflation = scenario.factors[.inflation]!
    let fields: [(String, Int, Double, Bool)] = [
      ("reserve.initial", 0, scenario.reserve.initial, false),
      ("reserve.floor", 0, scenario.reserve.floor, false),
      ("reserve.annualReturn", 0, scenario.reserve.annualReturn, false),
      ("factors.traffic.annualGrowth", 0, traffic.annualGrowth, false),
      ("factors.traffic.annualVolatility", 0, traffic.annualVolatility, false),
      ("factors.inflation.annualGrowth", 0, inflation.annualGrowth, false),
      ("income[].annualGrowth", 1, scenario.income[1].annualGrowth, false),
      ("expenses[].annual", 0, scenario.expenses[0].annual, false),
      ("expenses[].annual", 1, scenario.expenses[1].annual, false),
      ("sponsorTiers[].count", 2, Double(tier.count), true),
      ("sponsorTiers[].annualAmount", 2, tier.annualAmount, false),
      ("inKindServices[].monthlyValue", 0, cdn.monthlyValue, false),
      ("inKindServices[].annualLossProbability", 0, cdn.annualLossProbability, false),
      ("inKindServices[].noticeMonths", 0, Double(cdn.noticeMonths), true),
      ("inKindServices[].replacementCostFraction", 0, cdn.replacementCostFraction, false),
      ("inKindServices[].annualReplacementProbability", 0, cdn.annualReplacementProbability, false),
      ("inKindServices[].agreement.renewalProbability", 0, cdn.agreement!.renewalProbability, false),
      ("inKindServices[].migrationCost", 0, cdn.migrationCost, false),
      ("inKindServices[].mitigation.costFraction", 0, cdn.mitigation!.costFraction, false),
      ("events[].annualProbability", 0, event.annualProbability, false),
      ("events[].durationMonths", 0, Double(event.durationMonths), true),
    ]
    var all = scenario
    for (pattern, item, value, whole) in fields {
      var one = scenario
      one.uncertainParameters = [try pointParameter(pattern, item: item, value: value, whole: whole)]
      all.uncertainParameters.append(one.uncertainParameters[0])
      assertSameBits(simulate(one, paths: 3000), baseline, pattern)
    }
    assertSameBits(simulate(all, paths: 3000), baseline, "all at once")
  }

  func assertSameBits(_ a: SimulationResult, _ b: SimulationResult, _ what: String) {
    XCTAssertEqual(a.requiredReserve, b.requiredReserve, what)
    XCTAssertEqual(a.firstRuinMonth, b.firstRuinMonth, what)
    XCTAssertEqual(a.yearEndBalance, b.yearEndBalance, what)
    XCTAssertEqual(a.yearlyFlowMeans, b.yearlyFlowMeans, what)
  }

  /// Sponsor rates and event multipliers take the exact per-lane samplers (other random words than the tables):
  /// drawn at the number, the mean sponsor revenue and ruin agree with the number's within sampling error.
  func testPerLaneSamplersAgreeInDistribution() throws {
    let scenario = try pypi()
    var varied = scenario
    varied.uncertainParameters = [
      try pointParameter(
        "sponsorTiers[].renewalProbability", item: 4, value: scenario.sponsorTiers[4].renewalProbability),
      try pointParameter("sponsorTiers[].newPerYear", item: 6, value: scenario.sponsorTiers[6].newPerYear),
      try pointParameter(
        "events[].sponsorRenewalMultiplier", item: 0, value: scenario.events[0].sponsorRenewalMultiplier),
    ]
    let paths = 40000
    let a = simulate(scenario, paths: paths), b = simulate(varied, paths: paths)
    XCTAssertNotEqual(a.yearEndBalance, b.yearEndBalance, "the per-lane samplers draw other words")
    // The two runs share the seed, so every other draw (factors, losses, events) is the same path by path and
    // their ruin indicators are correlated: the test is on the paired difference d = ruined_b − ruined_a per
    // path, whose mean is 0 when the samplers agree in distribution, with standard error sd(d)/√N.
    for year in 2...scenario.years {
      let ra = RunSummary(a).ruinProbability(withinYears: year), rb = RunSummary(b).ruinProbability(withinYears: year)
      func ruined(_ result: SimulationResult, _ path: Int) -> Double {
        let month = result.firstRuinMonth[path]
        return month > 0 && Int(month) <= 12 * year ? 1 : 0
      }
      let differences = (0..<paths).map { ruined(b, $0) - ruined(a, $0) }
      let (meanDifference, se) = meanAndStandardError(differences)
      XCTAssertEqual(meanDifference, rb.value - ra.value, accuracy: 1e-12, "the per-path counts are the summary's")
      assertWithinStandardErrors(meanDifference, 0, standardError: se, "ruin within \(year) years, b − a")
    }
  }

  /// A scenario where ruin and need depend on one uncertain estimate only: with no income, expenses E a year
  /// for two years and r = 0, need = 2E exactly and ruin ⇔ 2E > B₀. Both indices of E are 1 in closed form; the
  /// estimator keeps the share of E[Y | θ]'s variance at its first 10 harmonics (a linear need: 99.96%; ruin, a
  /// step: 96%). The other estimate (an event with no effect) has intervals containing 0.
  func testOneParameterDrivesEverything() throws {
    let scenario = try makeScenario(
      """
      {"name": "one driver", "years": 2, "reserve": {"initial": 300000},
       "expenses": [{"name": "staff", "annual": {"uniform": [100000, 200000]}}],
       "events": [{"name": "nothing", "annualProbability": {"uniform": [0.1, 0.5]}, "durationMonths": 3}]}
      """)
    XCTAssertEqual(scenario.uncertainParameters.count, 2)
    let result = simulate(scenario, paths: 20000)
    let ranks = UncertaintyRanking.rank(result)
    XCTAssertEqual(
      ranks.map(\.parameter.path.description), ["expenses[staff].annual", "events[nothing].annualProbability"])
    let staff = ranks[0], nothing = ranks[1]
    XCTAssertEqual(staff.need!.index, 1, accuracy: 0.002)
    XCTAssertEqual(staff.ruin!.index, 0.96, accuracy: 0.01)
    XCTAssertLessThan(staff.need!.upper - staff.need!.lower, 0.01)
    XCTAssertLessThanOrEqual(nothing.need!.lower, 0)
    XCTAssertGreaterThanOrEqual(nothing.need!.upper, 0)
    XCTAssertLessThanOrEqual(nothing.ruin!.lower, 0)
    XCTAssertGreaterThanOrEqual(nothing.ruin!.upper, 0)
    // The closed form of the need itself: 2E per path, E the path's own draw (the Swift reference of the draw,
    // against the engine's vectorised kernel).
    let streams = RandomStreams(seed: 7)
    let staffing = scenario.uncertainParameters.first { $0.pattern == "expenses[].annual" }!
    for i in [0, 1, 17, 19999] {
      let e = staffing.distribution.value(at: LaneParameters.uniform(streams, path: UInt32(i), key: staffing.drawKey))
      XCTAssertEqual(result.requiredReserve[i], 2 * e, accuracy: 1e-6 * e, "path \(i)")
      XCTAssertEqual(result.parameterDraws!.value(path: i, of: staffing), e, "path \(i)")
    }
  }

  /// Same file, seed and paths ⇒ the same numbers on any thread count; 2N paths contain the first N.
  func testReproducibleAndPrefixWithUncertainInputs() throws {
    let base = try JSONValue.parse(
      Data(contentsOf: repositoryRoot.appendingPathComponent("scenarios/pypi-today.json")), file: "t")
    var document = base
    for edit in [
      #"inKindServices[0].annualLossProbability={"range": [0.003, 0.05]}"#,
      #"sponsorTiers[0].renewalProbability={"range": [0.7, 0.95]}"#, #"reserve.initial={"range": [4e5, 8e5]}"#,
      #"events[0].incomeMultiplier={"triangular": [0.6, 0.8, 0.95]}"#,
      #"factors.traffic.annualVolatility={"uniform": [0.1, 0.3]}"#,
    ] {
      document = try ScenarioOverride(parsing: edit).apply(to: document)
    }
    var scenario = try Scenario(json: document)
    scenario.assertions = []
    let one = simulate(scenario, paths: 3000, threads: 1)
    let two = simulate(scenario, paths: 3000, threads: 2)
    assertSameBits(one, two, "1 and 2 threads")
    let double = simulate(scenario, paths: 6000, threads: 2)
    XCTAssertEqual(Array(double.requiredReserve.prefix(3000)), one.requiredReserve)
    XCTAssertEqual(Array(double.firstRuinMonth.prefix(3000)), one.firstRuinMonth)
    XCTAssertEqual(Array(double.balances(year: 5).prefix(3000)), one.balances(year: 5))
  }

  /// A correlation whose rho differs between paths: each path's shocks are mixed by its own Cholesky factor. With
  /// σ = 0.2 on both factors and no drift, the final log levels of paths with rho in a bin correlate at that
  /// bin's mean rho (uniform [0.3, 0.9]: 0.45 below 0.6, 0.75 above), within 4 standard errors (1 − ρ²)/√n.
  func testCorrelationPerPath() throws {
    let scenario = try makeScenario(
      """
      {"name": "rho", "years": 5,
       "factors": {"traffic": {"annualVolatility": 0.2}, "unitCost": {"annualVolatility": 0.2}},
       "correlations": [{"between": ["traffic", "unitCost"], "rho": {"uniform": [0.3, 0.9]}}]}
      """)
    let rho = scenario.uncertainParameters[0]
    let result = simulate(scenario, paths: 40000, diagnostics: true)
    let diagnostics = result.diagnostics!
    for (bin, expected) in [(0.3..<0.6, 0.45), (0.6..<0.9, 0.75)] {
      var x: [Double] = [], y: [Double] = []
      for path in 0..<result.paths where bin.contains(result.parameterDraws!.value(path: path, of: rho)) {
        x.append(diagnostics.finalLogLevel(.traffic, path: path))
        y.append(diagnostics.finalLogLevel(.unitCost, path: path))
      }
      let n = Double(x.count)
      let (mx, my) = (x.reduce(0, +) / n, y.reduce(0, +) / n)
      var (sxy, sxx, syy) = (0.0, 0.0, 0.0)
      for (a, b) in zip(x, y) {
        sxy += (a - mx) * (b - my)
        sxx += (a - mx) * (a - mx)
        syy += (b - my) * (b - my)
      }
      let r = sxy / (sxx * syy).squareRoot()
      assertWithinStandardErrors(
        r, expected, standardError: (1 - expected * expected) / n.squareRoot(), "rho in \(bin)")
    }
  }

  /// Every value a rho distribution can draw must keep the matrix positive definite; a range's tails reach ±1.
  func testCorrelationDistributionsMustStayPositiveDefinite() throws {
    let base =
      #"{"name": "r", "years": 1, "correlations": [{"between": ["traffic", "unitCost"], "rho": 0.9},"#
      + #" {"between": ["unitCost", "donations"], "rho": 0.9}, {"between": ["traffic", "donations"], "rho": RHO}]}"#
    XCTAssertNoThrow(try makeScenario(base.replacingOccurrences(of: "RHO", with: #"{"uniform": [0.7, 0.9]}"#)))
    for rho in [#"{"uniform": [0.5, 0.9]}"#, #"{"range": [0.7, 0.9]}"#] {
      XCTAssertThrowsError(try makeScenario(base.replacingOccurrences(of: "RHO", with: rho)), rho) { error in
        let error = error as! ScenarioError
        XCTAssertEqual(error.path.description, "$.correlations[2].rho")
        XCTAssertTrue(error.message.contains("not positive definite for every value"), error.message)
      }
    }
  }

  /// An uncertain floor and return, in closed form per path: with B₀ = 20,000, no income and 1,000 a month out,
  /// a path is ruined within the year exactly when its floor is above B(12) = 8,000 (r = 0 here); and with
  /// r uncertain, its need is Σ_{m≤12} 1,000·(1 + r)^(−m/12) at its own r.
  func testFloorAndReturnPerPath() throws {
    let floor = try makeScenario(
      """
      {"name": "floor", "years": 1, "reserve": {"initial": 20000, "floor": {"uniform": [5000, 15000]}},
       "expenses": [{"name": "x", "annual": 12000}]}
      """)
    let floored = simulate(floor, paths: 2000)
    for path in 0..<floored.paths {
      let f = floored.parameterDraws!.value(path: path, of: floor.uncertainParameters[0])
      XCTAssertEqual(floored.firstRuinMonth[path] > 0, f > 8000, "path \(path), floor \(f)")
    }
    let returns = try makeScenario(
      """
      {"name": "return", "years": 1, "reserve": {"annualReturn": {"uniform": [0, 0.1]}},
       "expenses": [{"name": "x", "annual": 12000}]}
      """)
    let grown = simulate(returns, paths: 500)
    for path in 0..<grown.paths {
      let r = grown.parameterDraws!.value(path: path, of: returns.uncertainParameters[0])
      let need = (1...12).reduce(0.0) { $0 + 1000 * Foundation.pow(1 + r, -Double($1) / 12) }
      XCTAssertEqual(grown.requiredReserve[path], need, accuracy: 1e-9 * need, "path \(path), r \(r)")
    }
  }
}
