import Foundation
import ReserveSim
import ReserveSimScenario
import XCTest

/// SPEC §15 against closed forms: the board's minimum, cuts that start and stop with the cover, appeals and their
/// cool-down, a policy that changes no cash flow, and the searched required reserve.
final class PolicyModelTests: XCTestCase {
  /// Staff and travel at 1,000 a month each (outgo 2,000), a grant of 1,500 a month and from year 2 another of
  /// 1,000: the balance falls by 500 a month from 10,000 until the cover drops below 3 months.
  private func shrinking(policy: ResponsePolicy?) throws -> Scenario {
    var scenario = try makeScenario(
      """
      {"name": "cover", "years": 2, "reserve": {"initial": 10000},
       "income": [{"name": "grant", "annual": 18000}, {"name": "second grant", "annual": 12000, "fromYear": 2}],
       "expenses": [{"name": "staff", "annual": 12000}, {"name": "travel", "annual": 12000}]}
      """)
    scenario.policy = policy
    return scenario
  }

  func testBelowMinimumIsTheFirstMonthEndUnderTheMinimumCover() throws {
    // B(m) = 10,000 − 500m and outgo 2,000: cover < 3 first at m = 9 (5,500 / 2,000 = 2.75).
    let result = simulate(try shrinking(policy: ResponsePolicy(minimumMonths: 3)), paths: 40)
    XCTAssertEqual(result.belowMinimumMonth, [Int32](repeating: 9, count: 40))
    // The minimum changes no cash flow.
    let plain = simulate(try shrinking(policy: nil), paths: 40)
    XCTAssertEqual(result.yearEndBalance, plain.yearEndBalance)
    XCTAssertEqual(result.requiredReserveMethod, .exact)
    XCTAssertEqual(plain.belowMinimumMonth, [])
  }

  func testCutsStartAfterTheCoverFallsAndStopAfterItRecovers() throws {
    let cuts = ExpenseCuts(belowMonths: 3, restoreMonths: 4, expenseMultiplier: 0.5, lines: ["travel"])
    let result = simulate(try shrinking(policy: ResponsePolicy(cuts: cuts)), paths: 40)
    // Month 9 ends at 5,500 (cover 2.75 < 3): travel halved from month 10, so the flow is 0 and the balance
    // stays 5,500 (cover 5,500 / 1,500 = 3.67 < 4, cuts stay). Month 13 adds the second grant: 6,500, cover
    // 4.33 ≥ 4, restored from month 14, after which the balance grows by 500 a month to 12,000 at month 24.
    XCTAssertEqual(result.balances(year: 1), [Double](repeating: 5500, count: 40))
    XCTAssertEqual(result.balances(year: 2), [Double](repeating: 12000, count: 40))
    XCTAssertEqual(result.meanFlow(.expenses, year: 1), 24000 - 3 * 500, accuracy: 1e-9)
    XCTAssertEqual(result.meanFlow(.expenses, year: 2), 24000 - 500, accuracy: 1e-9)
    XCTAssertEqual(result.requiredReserveMethod, .search)
  }

  func testAnAppealArrivesTheNextMonthAndWaitsForItsCooldown() throws {
    var scenario = try makeScenario(
      #"{"name": "appeal", "years": 2, "reserve": {"initial": 3000}, "expenses": [{"name": "staff", "annual": 12000}]}"#
    )
    scenario.policy = ResponsePolicy(appeal: EmergencyAppeal(belowMonths: 2, amount: 5000, probability: 1))
    let result = simulate(scenario, paths: 24)
    // Month 2 ends at 1,000 (cover 1 < 2): an appeal, 5,000 in month 3. Month 7's low cover is inside the
    // 12-month cool-down; the balance goes below 0 in month 9; month 14 appeals again (14 − 2 = 12), 5,000 in 15.
    XCTAssertEqual(result.firstRuinMonth, [Int32](repeating: 9, count: 24))
    XCTAssertEqual(result.balances(year: 1).first!, 3000 - 12000 + 5000)
    XCTAssertEqual(result.balances(year: 2).first!, 3000 - 24000 + 2 * 5000)
    XCTAssertEqual(result.meanFlow(.income, year: 2), 5000, accuracy: 1e-9)
  }

  func testAnAppealAnsweredWithProbabilityPArrivesOnThatShareOfPaths() throws {
    var scenario = try makeScenario(
      #"{"name": "appeal", "years": 1, "reserve": {"initial": 1500}, "expenses": [{"name": "staff", "annual": 12000}]}"#
    )
    // Month 1 ends at 500 (cover 0.5 < 1): an appeal; with p = 0.3 it brings 20,000 in month 2, enough for the year.
    scenario.policy = ResponsePolicy(appeal: EmergencyAppeal(belowMonths: 1, amount: 20000, probability: 0.3))
    let paths = 20000
    let result = simulate(scenario, paths: paths, seed: 9)
    let answered = Double(result.firstRuinMonth.filter { $0 == 0 }.count) / Double(paths)
    assertWithinStandardErrors(answered, 0.3, standardError: (0.3 * 0.7 / Double(paths)).squareRoot(), "answered")
  }

  /// Cuts that multiply by 1 and an appeal of 0 change no cash flow: Part I's numbers to the bit, and the searched
  /// needs within the search's tolerance of the formula's.
  func testAPolicyThatChangesNoCashFlowGivesPartOnesNumbers() throws {
    let file = repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
    let plain = try ScenarioLoader().load(file)
    var inert = plain
    inert.policy = ResponsePolicy(
      minimumMonths: 3, cuts: ExpenseCuts(belowMonths: 6, expenseMultiplier: 1),
      appeal: EmergencyAppeal(belowMonths: 2, amount: 0, probability: 0.5))
    let a = simulate(plain, paths: 600, seed: 4)
    let b = simulate(inert, paths: 600, seed: 4)
    XCTAssertEqual(b.requiredReserveMethod, .search)
    XCTAssertTrue(a.yearEndBalance.map(\.bitPattern) == b.yearEndBalance.map(\.bitPattern), "balances")
    XCTAssertEqual(a.firstRuinMonth, b.firstRuinMonth)
    XCTAssertTrue(a.yearlyFlowMeans.map(\.bitPattern) == b.yearlyFlowMeans.map(\.bitPattern), "yearly flows")
    for path in 0..<600 {
      let exact = a.requiredReserve[path], searched = b.requiredReserve[path]
      let tolerance = max(1, 1e-6 * abs(exact))
      XCTAssertLessThanOrEqual(abs(searched - exact), tolerance, "path \(path): \(searched) against \(exact)")
    }
  }

  /// With real cuts and appeals, starting from the searched reserve at c keeps at least a share c of the paths
  /// above the floor, and starting just below it does not.
  func testTheSearchedReserveIsTheLeastThatKeepsTheShare() throws {
    var scenario = try makeScenario(
      """
      {"name": "responses", "years": 6, "reserve": {"initial": 0},
       "factors": {"donations": {"annualGrowth": 0, "annualVolatility": 0.4}},
       "income": [{"name": "donations", "annual": 900000, "factor": "donations"}],
       "expenses": [{"name": "staff", "annual": 700000}, {"name": "travel", "annual": 250000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 20000, "scaling": "fixed", "annualLossProbability": 0.3,
                           "replacementCostFraction": 1, "annualReplacementProbability": 0.2}]}
      """)
    scenario.policy = ResponsePolicy(
      cuts: ExpenseCuts(belowMonths: 3, restoreMonths: 5, expenseMultiplier: 0.4, lines: ["travel"]),
      appeal: EmergencyAppeal(belowMonths: 1, amount: 60000, probability: 0.5, cooldownMonths: 6))
    let paths = 2000
    let result = simulate(scenario, paths: paths, seed: 12)
    let c = 0.9
    let k = Int((c * Double(paths)).rounded(.up))
    let reserve = result.requiredReserve.sorted()[k - 1]
    XCTAssertGreaterThan(reserve, 0)
    scenario.reserve.initial = reserve
    let at = simulate(scenario, paths: paths, seed: 12)
    XCTAssertGreaterThanOrEqual(at.firstRuinMonth.filter { $0 == 0 }.count, k)
    scenario.reserve.initial = reserve - 1.01 * max(1, 1e-6 * reserve)
    let below = simulate(scenario, paths: paths, seed: 12)
    XCTAssertLessThan(below.firstRuinMonth.filter { $0 == 0 }.count, k)
  }
}
