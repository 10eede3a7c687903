import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimExport
@testable import ReserveSimScenario

final class WhatIfSensitivityTests: XCTestCase {
  func testADominatingParameterRanksFirst() throws {
    let analysis = try SensitivityAnalysis(
      document: WhatIfFixtures.dominatedByRent, simulate: WhatIfFixtures.simulate(paths: 400))
    XCTAssertEqual(analysis.parameters.first?.path, "expenses[Rent].annual")
    let rent = analysis.parameters[0]
    XCTAssertEqual([rent.base, rent.low, rent.high], [1_000_000, 800_000, 1_200_000])
    XCTAssertLessThan(rent.requiredReserveLow, rent.requiredReserveHigh)
    XCTAssertLessThanOrEqual(rent.ruinProbabilityLow, rent.ruinProbabilityHigh)
    // Sorted by swing, largest first.
    XCTAssertEqual(analysis.parameters.map(\.swing), analysis.parameters.map(\.swing).sorted(by: >))
    XCTAssertGreaterThan(rent.swing, 10 * analysis.parameters.first { $0.path == "expenses[Snacks].annual" }!.swing)
  }

  func testTheRankingMetricCanBeTheRuinProbability() throws {
    let analysis = try SensitivityAnalysis(
      document: WhatIfFixtures.dominatedByRent, parameters: [try ScenarioPath(parsing: "reserve.initial")],
      metric: .ruinProbability, simulate: WhatIfFixtures.simulate(paths: 400))
    let initial = try XCTUnwrap(analysis.parameters.first)
    // The reserve a path needs does not depend on the reserve it starts with; its chance of ruin does.
    XCTAssertEqual(initial.requiredReserveLow, initial.requiredReserveHigh)
    XCTAssertGreaterThan(initial.ruinProbabilityLow, initial.ruinProbabilityHigh)
    XCTAssertEqual(initial.swing, initial.ruinProbabilityLow - initial.ruinProbabilityHigh, accuracy: 1e-12)
  }

  func testParametersAreEveryNumberExceptSettingsAndThresholds() {
    let paths = ScenarioParameters.all(in: WhatIfFixtures.oneCriticalService).map(\.path.description)
    XCTAssertEqual(
      paths,
      [
        "reserve.initial", "factors.traffic.annualGrowth", "factors.traffic.annualVolatility", "income[Grants].annual",
        "expenses[Staff].annual", "sponsorTiers[Gold].annualAmount", "sponsorTiers[Gold].count",
        "sponsorTiers[Gold].newPerYear", "sponsorTiers[Gold].renewalProbability",
        "inKindServices[Trivial].annualLossProbability",
        "inKindServices[Trivial].monthlyValue", "inKindServices[Critical].annualLossProbability",
        "inKindServices[Critical].monthlyValue", "events[Storm].annualProbability", "events[Storm].durationMonths",
      ])
    let rent = ScenarioParameters.all(in: WhatIfFixtures.dominatedByRent).map(\.path.description)
    XCTAssertFalse(rent.contains { $0.hasPrefix("simulation") || $0.hasPrefix("assertions") || $0 == "years" })
    XCTAssertTrue(rent.contains("reserve.floor"))
  }

  func testVariedValuesStayValid() throws {
    let document = WhatIfFixtures.document(
      """
      {"name": "Rules", "years": 10,
       "income": [{"name": "Grant", "annual": 5, "fromYear": 2, "untilYear": 3}],
       "sponsorTiers": [{"name": "Gold", "annualAmount": 1, "count": 1, "renewalProbability": 0.9}],
       "correlations": [{"between": ["traffic", "unitCost"], "rho": -0.9}],
       "events": [{"name": "Storm", "annualProbability": 0.5, "durationMonths": 1}]}
      """)
    func varied(_ path: String) throws -> [Double] {
      let parsed = try ScenarioPath(parsing: path)
      // A path that finds no number is a broken lookup: the test fails (it is not skipped).
      guard case .number(let base)? = parsed.value(in: document) else { throw NoNumber(path: path) }
      let scenario = try Scenario(json: document)
      let values = SensitivityAnalysis.variedValues(
        of: try ParameterAddress(parsed, in: scenario), base: base, swing: 0.2, in: scenario)
      return [values.low, values.high]
    }
    let renewal = try varied("sponsorTiers[Gold].renewalProbability")
    XCTAssertEqual(renewal[0], 0.72, accuracy: 1e-12)
    XCTAssertEqual(renewal[1], 1)  // clamped to 1
    XCTAssertEqual(try varied("sponsorTiers[Gold].count"), [0, 2])  // one step when rounding would not move
    XCTAssertEqual(try varied("events[Storm].durationMonths"), [1, 2])  // at least one month
    XCTAssertEqual(try varied("income[Grant].fromYear"), [1, 3])  // not after untilYear
    XCTAssertEqual(try varied("income[Grant].untilYear"), [2, 4])  // not before fromYear
    let rho = try varied("correlations[0].rho")
    XCTAssertEqual(rho[0], -0.72, accuracy: 1e-12)
    XCTAssertEqual(rho[1], -0.999_999)  // clamped inside (−1, 1): the decoder rejects ±1
    XCTAssertEqual(try varied("income[Grant].annual"), [4, 6])
  }

  private struct NoNumber: Error, CustomStringConvertible {
    var path: String
    var description: String { "no number at \(path) in the test's document" }
  }

  func testZeroParametersAreNotRunAndIdenticalVariantsShareARun() throws {
    let analysis = try SensitivityAnalysis(
      document: WhatIfFixtures.dominatedByRent, simulate: WhatIfFixtures.simulate(paths: 200))
    XCTAssertEqual(analysis.unchanged, ["reserve.floor"])
    XCTAssertFalse(analysis.parameters.contains { $0.path == "reserve.floor" })
    // Five parameters, two variants each, plus the base.
    XCTAssertEqual(analysis.parameters.count, 5)
    XCTAssertEqual(analysis.simulations, 11)
    XCTAssertEqual(analysis.paths, 200)
  }

  func testAListedParameterMustBeANumberInTheScenario() {
    XCTAssertThrowsError(
      try SensitivityAnalysis(
        document: WhatIfFixtures.dominatedByRent, parameters: [try ScenarioPath(parsing: "expenses[Rent].anual")],
        simulate: WhatIfFixtures.simulate(paths: 10))
    ) { error in
      let message = (error as? ScenarioError)?.description ?? ""
      XCTAssertTrue(message.contains("did you mean expenses[Rent].annual"), message)
    }
  }

  func testTheTornadoChartIsSVGWithAnAxisTitleAndMoney() throws {
    let analysis = try SensitivityAnalysis(
      document: WhatIfFixtures.dominatedByRent, simulate: WhatIfFixtures.simulate(paths: 200))
    let svg = TornadoChart.svg(analysis)
    XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
    XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    XCTAssertTrue(svg.contains("Reserve needed at 95% confidence (USD)"))
    XCTAssertTrue(svg.contains(">expenses[Rent].annual</text>"))
    XCTAssertTrue(svg.contains("$"))
    XCTAssertEqual(svg.components(separatedBy: "<g>").count - 1, analysis.parameters.count)
  }

  /// The tornado uses the charts' one tick function, which takes only finite values and stops: an overflowed
  /// outcome (±∞, NaN) still gives a chart, with no "inf" or "nan" in it.
  func testTheTornadoChartStopsOnOverflowedOutcomes() throws {
    var analysis = try SensitivityAnalysis(
      document: WhatIfFixtures.dominatedByRent, simulate: WhatIfFixtures.simulate(paths: 200))
    analysis.parameters[0].metricHigh = .infinity
    analysis.parameters[0].metricLow = -.infinity
    if analysis.parameters.count > 1 { analysis.parameters[1].metricHigh = .nan }
    let svg = TornadoChart.svg(analysis)
    XCTAssertTrue(svg.hasSuffix("</svg>\n"))
    XCTAssertFalse(svg.lowercased().contains("inf") || svg.lowercased().contains("nan"))
    XCTAssertEqual(SVGChart.niceTicks(covering: [0.3, 9.6], count: 6), [0, 2, 4, 6, 8, 10])
  }
}
