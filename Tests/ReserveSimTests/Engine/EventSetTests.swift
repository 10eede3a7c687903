import Foundation
import ReserveSim
import ReserveSimEngine
import ReserveSimScenario
import XCTest

/// The kernel reads the multiplier products and the services' added hazards from tables indexed by the set of
/// active events (up to `SimulationPlan.maximumTabulatedEvents` kinds) instead of multiplying per lane.
final class EventSetTests: XCTestCase {
  private func scenario(extraKinds: Int) throws -> Scenario {
    // Kinds that never start draw nothing and change nothing, but push the kind count past the tables.
    let inert = (0..<extraKinds).map {
      #"{"name": "Never \#($0)", "annualProbability": 0, "durationMonths": 2, "serviceLossMultiplier": 9}"#
    }
    let events =
      [
        #"{"name": "Downturn", "annualProbability": 0.2, "durationMonths": 18, "incomeMultiplier": 0.8, "serviceLossMultiplier": 2}"#,
        #"{"name": "Storm", "annualProbability": 0.3, "durationMonths": 4, "incomeMultiplier": 0.7, "serviceLossMultiplier": 30}"#,
        #"{"name": "Calm", "annualProbability": 0.25, "durationMonths": 9, "incomeMultiplier": 1.1, "serviceLossMultiplier": 0.3}"#,
      ] + inert
    return try makeScenario(
      """
      {"name": "event sets", "years": 6, "reserve": {"initial": 100000},
       "income": [{"name": "donations", "annual": 120000}],
       "inKindServices": [
         {"name": "CDN", "monthlyValue": 5000, "scaling": "fixed", "annualLossProbability": 0.2,
          "noticeMonths": 1, "annualReplacementProbability": 0.5},
         {"name": "Storage", "monthlyValue": 800, "scaling": "fixed", "annualLossProbability": 0.6}],
       "events": [\(events.joined(separator: ", "))]}
      """)
  }

  func testTabulatedSetsGiveTheSameNumbersAsPerLaneProducts() throws {
    let tabulated = try scenario(extraKinds: 0)
    let perLane = try scenario(extraKinds: SimulationPlan.maximumTabulatedEvents)
    XCTAssertEqual(SimulationPlan(tabulated).eventSetCount, 8)
    XCTAssertEqual(SimulationPlan(perLane).eventSetCount, 0)
    let a = simulate(tabulated, paths: 2000, seed: 11, diagnostics: true)
    let b = simulate(perLane, paths: 2000, seed: 11, diagnostics: true)
    XCTAssertTrue(a.requiredReserve == b.requiredReserve, "needs differ")
    XCTAssertTrue(a.yearEndBalance == b.yearEndBalance, "balances differ")
    XCTAssertTrue(a.yearlyFlowMeans == b.yearlyFlowMeans, "yearly flows differ")
    let lost = (0..<2000).map { a.diagnostics!.serviceLost(0, path: $0) }
    XCTAssertEqual(lost, (0..<2000).map { b.diagnostics!.serviceLost(0, path: $0) })
    XCTAssertTrue(lost.contains(true) && lost.contains(false))
    for k in 0..<3 {
      XCTAssertEqual(
        (0..<2000).map { a.diagnostics!.eventMonths(k, path: $0) },
        (0..<2000).map { b.diagnostics!.eventMonths(k, path: $0) }, "event \(k)")
    }
  }

  func testSetTablesMultiplyInEventOrderAndCapTheHazard() throws {
    let plan = SimulationPlan(try scenario(extraKinds: 0))
    XCTAssertEqual(plan.eventSetIncomeMultiplier[0b000], 1)
    XCTAssertEqual(plan.eventSetIncomeMultiplier[0b101], 1.0 * 0.8 * 1.1)
    XCTAssertEqual(plan.eventSetLossMultiplier[0b011], 60)
    let h = plan.serviceMonthlyHazard
    let sets = plan.eventSetCount
    XCTAssertEqual(plan.eventSetServiceAddedHazard[0 * sets + 0], plan.serviceMonthlyLogHazard[0])
    XCTAssertEqual(plan.eventSetServiceAddedHazard[1 * sets + 0b001], -Foundation.log1p(-(h[1] * 2)))
    XCTAssertEqual(plan.eventSetServiceAddedHazard[1 * sets + 0b011], .infinity)  // h·60 > 1: lost for sure
  }
}
