import Foundation
import ReserveSim
import ReserveSimScenario
import XCTest

/// SPEC §19 against closed forms: the limit on appeals, and the yearly activity of the cuts and appeals (months
/// under cuts, the expense they left unpaid, appeals made and answered, money raised) on deterministic files.
final class PolicyActivityTests: XCTestCase {
  /// No reserve and 1,000 a month of staff, no income: the cover is below 2 at every month-end.
  private func alwaysLow(years: Int = 2, initial: Double = 0, appeal: EmergencyAppeal) throws -> Scenario {
    var scenario = try makeScenario(
      """
      {"name": "low", "years": \(years), "reserve": {"initial": \(initial)},
       "expenses": [{"name": "staff", "annual": 12000}]}
      """)
    scenario.policy = ResponsePolicy(appeal: appeal)
    return scenario
  }

  /// The activity of year `year` as (cutShare, cutMonths, cutAmount, appeals, answered, raised, cut so far).
  private func activity(_ result: SimulationResult, year: Int) -> [Double] {
    PolicyActivityField.allCases.map { result.meanActivity($0, year: year)! }
  }

  func testMaxAppealsBoundsTheAppealsMadeOverTheHorizon() throws {
    for limit in [0, 1, 3, 5] {
      // p = 1 and a cool-down of one month: an appeal at every month-end (1, 2, …) until `limit` are made, each
      // answered with 250 the next month (no donations factor: level 1), all in year 1.
      let appeal = EmergencyAppeal(belowMonths: 2, amount: 250, probability: 1, cooldownMonths: 1, maxAppeals: limit)
      let result = simulate(try alwaysLow(appeal: appeal), paths: 300)
      let years = (1...2).map { activity(result, year: $0) }
      XCTAssertEqual(years[0], [0, 0, 0, Double(limit), Double(limit), Double(limit) * 250, 0], "limit \(limit)")
      XCTAssertEqual(years[1], [0, 0, 0, 0, 0, 0, 0], "limit \(limit)")
      XCTAssertEqual(result.balances(year: 1), [Double](repeating: -12000 + Double(limit) * 250, count: 300))
      XCTAssertEqual(result.meanFlow(.income, year: 1), Double(limit) * 250)
    }
    // Without a limit the appeals go on every month-end: 12 a year, the last one's money arriving after the horizon.
    let unlimited = simulate(
      try alwaysLow(appeal: EmergencyAppeal(belowMonths: 2, amount: 250, probability: 1, cooldownMonths: 1)),
      paths: 300)
    XCTAssertEqual(activity(unlimited, year: 1), [0, 0, 0, 12, 11, 11 * 250, 0])
    XCTAssertEqual(activity(unlimited, year: 2), [0, 0, 0, 12, 12, 12 * 250, 0])
  }

  func testALimitNoPathReachesChangesNoNumber() throws {
    // With a yearly cool-down a two-year run makes at most two appeals: a limit of 2 is never binding.
    let free = try alwaysLow(appeal: EmergencyAppeal(belowMonths: 2, amount: 3000, probability: 0.5))
    let bounded = try alwaysLow(appeal: EmergencyAppeal(belowMonths: 2, amount: 3000, probability: 0.5, maxAppeals: 2))
    let a = simulate(free, paths: 700, seed: 3)
    let b = simulate(bounded, paths: 700, seed: 3)
    XCTAssertTrue(a.yearEndBalance.map(\.bitPattern) == b.yearEndBalance.map(\.bitPattern))
    XCTAssertTrue(a.requiredReserve.map(\.bitPattern) == b.requiredReserve.map(\.bitPattern))
    XCTAssertTrue(a.policyActivityMeans.map(\.bitPattern) == b.policyActivityMeans.map(\.bitPattern))
    XCTAssertEqual(a.meanActivity(.appeals, year: 1), 1)
    XCTAssertEqual(a.meanActivity(.appeals, year: 2), 1)
  }

  func testTheMoneyOfADecemberAppealCountsInTheYearItArrives() throws {
    // B(m) = 13,500 − 1,000m: the cover is first below 2 at the end of month 12 (1,500 / 1,000), where the one
    // appeal allowed is made; its 4,000 arrives in month 13.
    let appeal = EmergencyAppeal(belowMonths: 2, amount: 4000, probability: 1, cooldownMonths: 1, maxAppeals: 1)
    let result = simulate(try alwaysLow(initial: 13500, appeal: appeal), paths: 50)
    XCTAssertEqual(activity(result, year: 1), [0, 0, 0, 1, 0, 0, 0])
    XCTAssertEqual(activity(result, year: 2), [0, 0, 0, 0, 1, 4000, 0])
  }

  func testCutMonthsAndAmountsMatchTheHandComputedPath() throws {
    // Staff and travel at 1,000 a month each, a grant of 1,500 and from year 2 another of 1,000: B(m) = 10,000 −
    // 500m until month 9 ends at 5,500 (cover 2.75 < 3); travel is halved in months 10 … 13 (month 13's grant lifts
    // the cover to 4.33 ≥ 4, restored from month 14). Each cut month leaves 500 unpaid.
    var scenario = try makeScenario(
      """
      {"name": "cover", "years": 2, "reserve": {"initial": 10000},
       "income": [{"name": "grant", "annual": 18000}, {"name": "second grant", "annual": 12000, "fromYear": 2}],
       "expenses": [{"name": "staff", "annual": 12000}, {"name": "travel", "annual": 12000}]}
      """)
    scenario.policy = ResponsePolicy(
      cuts: ExpenseCuts(belowMonths: 3, restoreMonths: 4, expenseMultiplier: 0.5, lines: ["travel"]))
    let result = simulate(scenario, paths: 40)
    XCTAssertEqual(activity(result, year: 1), [1, 3, 1500, 0, 0, 0, 1])
    // Cut so far stays 1 in year 2: the cuts were in force in year 1.
    XCTAssertEqual(activity(result, year: 2), [1, 1, 500, 0, 0, 0, 1])
  }

  func testMonthsAfterRuinCountToo() throws {
    // 2,500 and 2,000 a month out: month 1 ends at 500 (cover 0.25 < 3), so travel is halved from month 2 on and
    // never restored; the path is ruined in month 2 (500 − 1,500 < 0) and its cuts go on.
    var scenario = try makeScenario(
      """
      {"name": "ruined", "years": 2, "reserve": {"initial": 2500},
       "expenses": [{"name": "staff", "annual": 12000}, {"name": "travel", "annual": 12000}]}
      """)
    scenario.policy = ResponsePolicy(
      cuts: ExpenseCuts(belowMonths: 3, expenseMultiplier: 0.5, lines: ["travel"]))
    let result = simulate(scenario, paths: 30)
    XCTAssertEqual(result.firstRuinMonth, [Int32](repeating: 2, count: 30))
    XCTAssertEqual(activity(result, year: 1), [1, 11, 5500, 0, 0, 0, 1])
    XCTAssertEqual(activity(result, year: 2), [1, 12, 6000, 0, 0, 0, 1])
  }

  /// Random cuts and appeals over three blocks of paths: the yearly sums are the same bits on 1 and 2 threads.
  func testTheActivityIsTheSameOnAnyThreadCount() throws {
    var scenario = try makeScenario(
      """
      {"name": "responses", "years": 4, "reserve": {"initial": 150000},
       "factors": {"donations": {"annualGrowth": 0, "annualVolatility": 0.4}},
       "income": [{"name": "donations", "annual": 900000, "factor": "donations"}],
       "expenses": [{"name": "staff", "annual": 700000}, {"name": "travel", "annual": 250000}]}
      """)
    scenario.policy = ResponsePolicy(
      cuts: ExpenseCuts(belowMonths: 3, restoreMonths: 5, expenseMultiplier: 0.4, lines: ["travel"]),
      appeal: EmergencyAppeal(belowMonths: 1, amount: 60000, probability: 0.5, cooldownMonths: 6, maxAppeals: 3))
    let one = simulate(scenario, paths: 700, seed: 5, threads: 1)
    let two = simulate(scenario, paths: 700, seed: 5, threads: 2)
    XCTAssertEqual(one.policyActivityMeans.count, 4 * PolicyActivityField.count)
    XCTAssertTrue(one.policyActivityMeans.map(\.bitPattern) == two.policyActivityMeans.map(\.bitPattern))
    XCTAssertGreaterThan(one.meanActivity(.cutMonths, year: 4)!, 0)
    XCTAssertGreaterThan(one.meanActivity(.appeals, year: 4)!, 0)
    // Each path makes at most three appeals; the money raised is the answered appeals' (at donation levels).
    let appeals = (1...4).map { one.meanActivity(.appeals, year: $0)! }.reduce(0, +)
    XCTAssertLessThanOrEqual(appeals, 3)
    // The share of paths under cuts is a share, and the months under cuts at most 12 a path.
    for year in 1...4 {
      XCTAssertLessThanOrEqual(one.meanActivity(.cutInForce, year: year)!, 1)
      XCTAssertLessThanOrEqual(
        one.meanActivity(.cutMonths, year: year)!, 12 * one.meanActivity(.cutInForce, year: year)!)
    }
  }

  func testAFileWithoutCutsOrAppealHasNoActivity() throws {
    let scenario = try makeScenario(
      #"{"name": "plain", "years": 2, "reserve": {"initial": 1000}, "expenses": [{"name": "staff", "annual": 12000}]}"#
    )
    var minimumOnly = scenario
    minimumOnly.policy = ResponsePolicy(minimumMonths: 3)
    for file in [scenario, minimumOnly] {
      let result = simulate(file, paths: 50)
      XCTAssertEqual(result.policyActivityMeans, [])
      XCTAssertNil(result.meanActivity(.appeals, year: 1))
      let summary = RunSummary(result)
      XCTAssertEqual(summary.policyActivity, [])
      XCTAssertFalse(try SummaryJSON.encode(summary).contains("policyActivity"))
      XCTAssertEqual(CSVExport.files(summary, version: "1").map(\.name), CSVExport.fileNames)
      XCTAssertEqual(CSVExport.fileNames(for: file), CSVExport.fileNames)
      XCTAssertNil(summary.policyActivityTable)
    }
  }
}
