import Foundation
import ReserveSim
import XCTest

/// Closed-form cases: volatility 0 and probabilities 0 or 1, so every path is the same and every balance,
/// ruin month and required reserve is known exactly (SPEC §1–§7).
final class DeterministicModelTests: XCTestCase {
  /// All paths agree, so checking a few is checking all.
  private func run(_ json: String, paths: Int = 300) throws -> (SimulationResult, RunSummary) {
    let result = simulate(try makeScenario(json), paths: paths)
    return (result, RunSummary(result))
  }

  func testIncomeAndGrowingExpensesGiveExactBalances() throws {
    let (result, summary) = try run(
      """
      {"name": "flows", "years": 2, "reserve": {"initial": 1000},
       "income": [{"name": "grant", "annual": 120000}],
       "expenses": [{"name": "staff", "annual": 60000, "annualGrowth": 0.1}]}
      """)
    var balance = 1000.0
    var lowestCumulative = Double.infinity
    var cumulative = 0.0
    for m in 1...24 {
      let flow = 10000 - 5000 * pow(1.1, Double(m - 1) / 12)
      balance += flow
      cumulative += flow
      lowestCumulative = min(lowestCumulative, cumulative)
      if m % 12 == 0 {
        XCTAssertEqual(result.balances(year: m / 12).first!, balance, accuracy: 1e-6)
        XCTAssertEqual(result.balances(year: m / 12).last!, balance, accuracy: 1e-6)
      }
    }
    // need = max_m [0 − S(m)] = −min S(m) = −5000 (the first month); shown as max(0, ·) = 0.
    XCTAssertEqual(result.requiredReserve[0], -lowestCumulative, accuracy: 1e-6)
    XCTAssertEqual(summary.requiredReserve.map(\.value), [0, 0, 0, 0, 0])
    XCTAssertEqual(summary.ruinProbability.value, 0)
    XCTAssertEqual(summary.yearlyFlows[0].income, 120000, accuracy: 1e-6)
  }

  func testNoticePeriodAndReplacementCostFraction() throws {
    // Lost in month 1 (p = 1), the donor covers months 1…4 (notice 3), then the organisation pays
    // 50% of 1000 in months 5…12: 4000 in all. From 2500 the balance is 2000 after month 5 and first
    // negative in month 10.
    let (result, summary) = try run(
      """
      {"name": "notice", "years": 1, "reserve": {"initial": 2500},
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "annualLossProbability": 1,
                           "noticeMonths": 3, "replacementCostFraction": 0.5}]}
      """)
    XCTAssertEqual(result.balances(year: 1)[0], 2500 - 4000, accuracy: 1e-9)
    XCTAssertEqual(result.firstRuinMonth[0], 10)
    XCTAssertTrue(result.firstRuinMonth.allSatisfy { $0 == 10 })
    XCTAssertEqual(result.requiredReserve[0], 4000, accuracy: 1e-9)
    XCTAssertEqual(summary.requiredReserve.last!.value, 4000, accuracy: 1e-9)
    XCTAssertEqual(summary.expectedShortfall[0].value, 4000, accuracy: 1e-9)
    XCTAssertEqual(summary.ruinProbabilityByYear, [1])
    XCTAssertEqual(summary.yearlyFlows[0].serviceCosts, 4000, accuracy: 1e-9)
  }

  func testFloorRaisesTheRequiredReserve() throws {
    let (result, _) = try run(
      """
      {"name": "floor", "years": 1, "reserve": {"initial": 2500, "floor": 1000},
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "annualLossProbability": 1,
                           "noticeMonths": 3, "replacementCostFraction": 0.5}]}
      """)
    XCTAssertEqual(result.requiredReserve[0], 5000, accuracy: 1e-9)
    // 2500 − 500k < 1000 first when k = 4 paid months: month 8.
    XCTAssertEqual(result.firstRuinMonth[0], 8)
  }

  func testSponsorsWhoAlwaysRenewPayEveryMonth() throws {
    let (result, summary) = try run(
      """
      {"name": "loyal", "years": 3, "reserve": {"initial": 100},
       "sponsorTiers": [{"name": "Gold", "annualAmount": 12000, "count": 3, "renewalProbability": 1},
                        {"name": "Gone", "annualAmount": 1200, "count": 5, "renewalProbability": 0}]}
      """)
    // Gold pays 3 × 1000 a month throughout; Gone pays 5 × 100 a month in year 1 only.
    XCTAssertEqual(result.balances(year: 1)[0], 100 + 36000 + 6000, accuracy: 1e-9)
    XCTAssertEqual(result.balances(year: 2)[0], 100 + 72000 + 6000, accuracy: 1e-9)
    XCTAssertEqual(result.balances(year: 3)[0], 100 + 108000 + 6000, accuracy: 1e-9)
    XCTAssertEqual(summary.yearlyFlows.map(\.sponsorRevenue), [42000, 36000, 36000])
  }

  func testAnnualReturnCompoundsMonthlyOnAnySign() throws {
    let r = 0.05
    let g = pow(1 + r, 1.0 / 12)
    let (result, _) = try run(
      """
      {"name": "return", "years": 2, "reserve": {"initial": 1000, "annualReturn": 0.05},
       "expenses": [{"name": "rent", "annual": 1200}]}
      """)
    var balance = 1000.0
    var ruinMonth = 0
    for m in 1...24 {
      balance = balance * g - 100
      if ruinMonth == 0 && balance < 0 { ruinMonth = m }
      if m % 12 == 0 { XCTAssertEqual(result.balances(year: m / 12)[0], balance, accuracy: 1e-9) }
    }
    XCTAssertEqual(result.firstRuinMonth[0], Int32(ruinMonth))
    XCTAssertLessThan(balance, 0)  // the return then applies to a negative balance too
    // need = present value of the expenses: Σ_{k=1}^{24} 100·(1 + r)^(−k/12).
    let presentValue = (1...24).reduce(0.0) { $0 + 100 * pow(1 + r, -Double($1) / 12) }
    XCTAssertEqual(result.requiredReserve[0], presentValue, accuracy: 1e-9)
    // Starting with exactly that reserve ends at 0.
    let (exact, _) = try run(
      """
      {"name": "return", "years": 2, "reserve": {"initial": \(presentValue + 1e-7), "annualReturn": 0.05},
       "expenses": [{"name": "rent", "annual": 1200}]}
      """, paths: 10)
    XCTAssertEqual(exact.balances(year: 2)[0], 0, accuracy: 1e-6)
    XCTAssertEqual(exact.firstRuinMonth[0], 0)
  }

  func testReplacementDonorRestartsTheCycle() throws {
    // p = 1, q = 1, no notice: lost in month 1 (covered), paid in month 2 (new donor found), donated
    // again in month 3 and lost at once, … so the organisation pays in every even month.
    let (result, summary) = try run(
      """
      {"name": "cycle", "years": 2,
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "annualLossProbability": 1,
                           "annualReplacementProbability": 1}]}
      """)
    XCTAssertEqual(summary.yearlyFlows.map(\.serviceCosts), [6000, 6000])
    XCTAssertEqual(result.firstRuinMonth[0], 2)
    XCTAssertEqual(result.requiredReserve[0], 12000, accuracy: 1e-9)
  }

  func testActiveYearsOfAMoneyLine() throws {
    let (_, summary) = try run(
      """
      {"name": "window", "years": 3,
       "income": [{"name": "grant", "annual": 12000, "fromYear": 2, "untilYear": 2}]}
      """)
    XCTAssertEqual(summary.yearlyFlows.map(\.income), [0, 12000, 0])
  }

  func testDeterministicFactorGrowthAndTrafficScaling() throws {
    // Month m: donations level 1.2^((m−1)/12); the service costs 1000·(1.5·0.9)^((m−1)/12) from month 2.
    let (result, _) = try run(
      """
      {"name": "growth", "years": 1,
       "factors": {"donations": {"annualGrowth": 0.2}, "traffic": {"annualGrowth": 0.5},
                   "unitCost": {"annualGrowth": -0.1}},
       "income": [{"name": "donations", "annual": 12000, "factor": "donations", "annualGrowth": 0.1}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "scaling": "traffic", "annualLossProbability": 1}]}
      """)
    var expected = 0.0
    for m in 1...12 {
      let t = Double(m - 1) / 12
      expected += 1000 * pow(1.2, t) * pow(1.1, t)
      if m >= 2 { expected -= 1000 * pow(1.5, t) * pow(0.9, t) }
    }
    XCTAssertEqual(result.balances(year: 1)[0], expected, accuracy: 1e-7)
  }

  func testEventsThatAlwaysHappenApplyTheirMultipliers() throws {
    // With annual probability 1 an event restarts in every month it is not active: always active.
    let (_, summary) = try run(
      """
      {"name": "downturn", "years": 2,
       "income": [{"name": "donations", "annual": 12000}],
       "sponsorTiers": [{"name": "Gold", "annualAmount": 1200, "count": 10, "renewalProbability": 1, "newPerYear": 5}],
       "events": [{"name": "Downturn", "annualProbability": 1, "durationMonths": 5, "incomeMultiplier": 0.5,
                   "sponsorRenewalMultiplier": 0, "newSponsorMultiplier": 0}]}
      """)
    XCTAssertEqual(summary.yearlyFlows.map(\.income), [6000, 6000])
    XCTAssertEqual(summary.yearlyFlows.map(\.sponsorRevenue), [12000, 0])
  }

  func testRequiredReserveIsTheLeastReserveThatAvoidsRuin() throws {
    let json = """
      {"name": "mixed", "years": 5, "reserve": {"initial": 0, "annualReturn": 0.03, "floor": 5000},
       "factors": {"traffic": {"annualGrowth": 0.3, "annualVolatility": 0.2}},
       "income": [{"name": "grant", "annual": 50000}],
       "sponsorTiers": [{"name": "Gold", "annualAmount": 20000, "count": 3, "renewalProbability": 0.7, "newPerYear": 1}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 8000, "scaling": "traffic", "annualLossProbability": 0.2}]}
      """
    let scenario = try makeScenario(json)
    let result = simulate(scenario, paths: 4000)
    let summary = RunSummary(result, reserveConfidences: [0.9])
    var withReserve = scenario
    withReserve.reserve.initial = summary.requiredReserve[0].value + 0.01
    let rerun = simulate(withReserve, paths: 4000)
    let survived = rerun.firstRuinMonth.filter { $0 == 0 }.count
    XCTAssertGreaterThanOrEqual(Double(survived), 0.9 * 4000)
    // Each path survives exactly when its own need is below the reserve (the test is monotone in B₀).
    for i in 0..<4000 {
      XCTAssertEqual(rerun.firstRuinMonth[i] == 0, result.requiredReserve[i] < withReserve.reserve.initial, "path \(i)")
    }
  }
}
