import Foundation
import ReserveSim
import ReserveSimEngine
import ReserveSimScenario
import XCTest

/// SPEC §12–§14 against closed forms: dated agreements (the month costs start, the share renewed, the renewal
/// cadence), migration costs, mitigation and one-off items. A service worth V = 1,000 a month, fixed scaling and
/// no factors, so every paid month costs exactly c·V; with B₀ = 0 and floor 0 a path is ruined in its first paid
/// month.
final class AgreementModelTests: XCTestCase {
  private let value = 1000.0

  /// One service under an agreement ending in month `ends`, no loss hazard, no replacement donors.
  private func scenario(
    years: Int = 5, ends: Int, renewal: Double = 0, renewalYears: Int = 1, costFraction: Double = 1,
    initial: Double = 0
  ) throws -> Scenario {
    var scenario = try makeScenario(
      """
      {"name": "agreement", "years": \(years), "reserve": {"initial": \(initial)},
       "inKindServices": [{"name": "CDN", "monthlyValue": \(value), "scaling": "fixed", "annualLossProbability": 0,
                           "replacementCostFraction": \(costFraction)}]}
      """)
    scenario.inKindServices[0].agreement = ServiceAgreement(
      ends: ends, renewalProbability: renewal, renewalYears: renewalYears)
    return scenario
  }

  func testWithoutRenewalCostsStartTheMonthAfterTheEnd() throws {
    let result = simulate(try scenario(ends: 20, costFraction: 0.6), paths: 64)
    for path in 0..<64 {
      XCTAssertEqual(result.firstRuinMonth[path], 21)
      // Paid months 21 … 60: need = 0.6·V·40.
      XCTAssertEqual(result.requiredReserve[path], 0.6 * value * 40, accuracy: 1e-9)
    }
    // Year 2 (months 13–24) pays months 21–24.
    XCTAssertEqual(result.balances(year: 2).first!, -0.6 * value * 4, accuracy: 1e-9)
  }

  func testCertainRenewalNeverEndsTheDonation() throws {
    let result = simulate(try scenario(ends: 6, renewal: 1), paths: 64)
    XCTAssertTrue(result.firstRuinMonth.allSatisfy { $0 == 0 })
    XCTAssertTrue(result.requiredReserve.allSatisfy { $0 == 0 })
  }

  func testAnEndPastTheHorizonIsNeverReached() throws {
    let result = simulate(try scenario(years: 2, ends: 60), paths: 64)
    XCTAssertTrue(result.firstRuinMonth.allSatisfy { $0 == 0 })
  }

  /// With renewal probability r and terms of k years, the donation ends at e + 12k·j with probability
  /// r^j·(1 − r): the first paid month is e + 1 + 12k·j, and no other month.
  func testRenewalsFollowTheirCadenceAndProbability() throws {
    let r = 0.6, ends = 7, years = 10
    let paths = 20000
    let result = simulate(try scenario(years: years, ends: ends, renewal: r, renewalYears: 2), paths: paths, seed: 3)
    var counts: [Int32: Int] = [:]
    for month in result.firstRuinMonth { counts[month, default: 0] += 1 }
    let firstPaid = (0..<5).map { Int32(ends + 1 + 24 * $0) }
    XCTAssertEqual(Set(counts.keys).subtracting(firstPaid + [0]), [], "paid months start only at the term ends")
    for (j, month) in firstPaid.enumerated() {
      let p = pow(r, Double(j)) * (1 - r)
      let share = Double(counts[month, default: 0]) / Double(paths)
      assertWithinStandardErrors(
        share, p, standardError: (p * (1 - p) / Double(paths)).squareRoot(), "share ending at month \(month - 1)")
    }
  }

  /// An event active all along with agreementRenewalMultiplier 0 makes the renewal impossible; with more than six
  /// event kinds the products are per lane and must say the same.
  func testEventsMultiplyTheRenewalProbability() throws {
    for kinds in [1, SimulationPlan.maximumTabulatedEvents + 1] {
      var scenario = try self.scenario(ends: 10, renewal: 1)
      scenario.events = (0..<kinds).map { k in
        var event = EventKind(name: "E\(k)", annualProbability: 1, durationMonths: 1200)
        event.agreementRenewalMultiplier = k == 0 ? 0 : 1
        return event
      }
      let result = simulate(scenario, paths: 300)
      XCTAssertTrue(result.firstRuinMonth.allSatisfy { $0 == 11 }, "\(kinds) event kinds")
    }
  }

  func testMigrationCostIsPaidOnceInTheFirstPaidMonth() throws {
    var scenario = try self.scenario(years: 2, ends: 10)
    scenario.inKindServices[0].migrationCost = 250
    // B₀ = V + migration − 0.5: month 11 (the first paid one) ends at −0.5.
    scenario.reserve.initial = value + 250 - 0.5
    var result = simulate(scenario, paths: 32)
    XCTAssertTrue(result.firstRuinMonth.allSatisfy { $0 == 11 })
    // With exactly V + migration, month 11 ends at 0 and month 12 below.
    scenario.reserve.initial = value + 250
    result = simulate(scenario, paths: 32)
    XCTAssertTrue(result.firstRuinMonth.allSatisfy { $0 == 12 })
    XCTAssertEqual(result.requiredReserve[0], 250 + value * 14, accuracy: 1e-9)
  }

  func testMigrationIsPaidAgainAfterEachLoss() throws {
    // Certain loss every month it is donated, a new donor after every paid month: lost in month 1, paid in 2
    // (migration), donated from 3, lost in 3, paid in 4 (migration), … so months 2, 4, …, 24 each cost V + X.
    var scenario = try makeScenario(
      """
      {"name": "churn", "years": 2,
       "inKindServices": [{"name": "CI", "monthlyValue": \(value), "scaling": "fixed", "annualLossProbability": 1,
                           "noticeMonths": 0, "annualReplacementProbability": 1}]}
      """)
    scenario.inKindServices[0].migrationCost = 100
    let result = simulate(scenario, paths: 16)
    XCTAssertEqual(result.requiredReserve[0], 12 * (value + 100), accuracy: 1e-9)
  }

  func testMitigationSwitchesTheCostAfterTheGivenPaidMonths() throws {
    var scenario = try self.scenario(years: 3, ends: 6, costFraction: 0.8)
    scenario.inKindServices[0].mitigation = ServiceMitigation(afterMonths: 4, costFraction: 0.3)
    let result = simulate(scenario, paths: 16)
    // Paid months 7 … 36: four at 0.8·V, then 26 at 0.3·V.
    XCTAssertEqual(result.requiredReserve[0], 4 * 0.8 * value + 26 * 0.3 * value, accuracy: 1e-9)
    // Year 1 pays months 7–10 at 0.8·V and 11–12 at 0.3·V.
    XCTAssertEqual(result.balances(year: 1).first!, -(4 * 0.8 + 2 * 0.3) * value, accuracy: 1e-9)
  }

  func testOneOffsAddExactlyTheirAmountInTheirMonth() throws {
    var scenario = try makeScenario(
      #"{"name": "one-offs", "years": 2, "reserve": {"initial": 50000}, "income": [{"name": "grant", "annual": 12000}]}"#
    )
    scenario.oneOffs = [
      OneOff(name: "Audit", month: 15, amount: -80000), OneOff(name: "Gift", month: 3, amount: 20000),
    ]
    let result = simulate(scenario, paths: 16)
    // Balance: 50,000 + 1,000·m + 20,000 from month 3 − 80,000 from month 15: at month 15, 50,000 + 15,000
    // + 20,000 − 80,000 = 5,000 ≥ 0; the lowest discounted running sum is then S(15) = −45,000.
    XCTAssertEqual(result.balances(year: 1).first!, 50000 + 12000 + 20000, accuracy: 1e-9)
    XCTAssertEqual(result.balances(year: 2).first!, 50000 + 24000 + 20000 - 80000, accuracy: 1e-9)
    XCTAssertEqual(result.requiredReserve[0], 45000, accuracy: 1e-9)
    XCTAssertTrue(result.firstRuinMonth.allSatisfy { $0 == 0 })
    // Positive items count as income, negative ones as expenses, in the yearly flows.
    XCTAssertEqual(result.meanFlow(.income, year: 1), 12000 + 20000, accuracy: 1e-9)
    XCTAssertEqual(result.meanFlow(.expenses, year: 2), 80000, accuracy: 1e-9)
  }
}
