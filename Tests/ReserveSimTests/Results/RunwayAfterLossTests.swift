import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimResults

/// SPEC §21: the runway after a loss, against closed forms. One service worth 1,000 a month at fixed prices, no
/// factors, so every paid month costs exactly 1,000 and the month of ruin follows from B₀ by hand.
final class RunwayAfterLossTests: XCTestCase {
  /// A run that records the services' first paid months, as `run` makes it.
  private func runway(_ scenario: Scenario, paths: Int = 300, threads: Int = 2) -> [RunwayAfterLoss] {
    var simulator = Simulator(threads: threads)
    simulator.recordsFirstPaidMonths = true
    return RunSummary(simulator.run(scenario, paths: paths, seed: 11)).runwayAfterLoss!
  }

  /// The service's agreement ends with month `ends` and is not renewed: paid for from ends + 1 on every path.
  private func endingAgreement(
    years: Int = 5, ends: Int = 20, initial: Double, expenses: Double = 0, minimumMonths: Double? = nil
  ) throws -> Scenario {
    let policy = minimumMonths.map { #", "policy": {"minimumMonths": \#($0)}"# } ?? ""
    let lines = expenses > 0 ? #", "expenses": [{"name": "Rent", "annual": \#(12 * expenses)}]"# : ""
    return try makeScenario(
      """
      {"name": "runway", "years": \(years), "reserve": {"initial": \(initial)}\(lines)\(policy),
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "scaling": "fixed",
                           "agreement": {"ends": \(ends), "renewalProbability": 0, "renewalYears": 1}}]}
      """)
  }

  /// Paid from month 21 with B₀ = 5,500: B(m) = 5,500 − 1,000·(m − 20) first falls below 0 in month 26, so
  /// R = 26 − 21 + 1 = 6 on every path; cover B/1,000 first falls below k = 2 in month 24 (B = 1,500), 4 months.
  func testAKnownLossWithAKnownDeficitGivesTheExactMonthCount() throws {
    let all = runway(try endingAgreement(initial: 5500, minimumMonths: 2))
    XCTAssertEqual(all.count, 1)
    let cdn = all[0]
    XCTAssertEqual(cdn.service, "CDN")
    XCTAssertEqual(cdn.lostPaths, 300)
    XCTAssertEqual(cdn.lostShare, 1)
    XCTAssertEqual(cdn.ruinedBefore, 0)
    XCTAssertEqual(cdn.runwayMonths.p10, 6)
    XCTAssertEqual(cdn.runwayMonths.p50, 6)
    XCTAssertEqual(cdn.runwayMonths.futures, 300)
    XCTAssertEqual(cdn.belowMinimumBefore, 0)
    XCTAssertEqual(cdn.toMinimumMonths?.p10, 4)
    XCTAssertEqual(cdn.toMinimumMonths?.p50, 4)
  }

  /// Without a minimum there is no curve for it.
  func testWithoutAMinimumThereIsNoCurveForIt() throws {
    let cdn = runway(try endingAgreement(initial: 5500))[0]
    XCTAssertNil(cdn.toMinimumMonths)
    XCTAssertNil(cdn.belowMinimumBefore)
  }

  /// With a reserve no loss exhausts, every path is censored at the horizon: R = 60 − 21 + 1 = 40, no percentile
  /// is reached, and the follow-up is 40 months.
  func testCensoringIsReportedWhereNoPathRunsOut() throws {
    let cdn = runway(try endingAgreement(initial: 1e9, minimumMonths: 2))[0]
    XCTAssertEqual(cdn.lostShare, 1)
    XCTAssertNil(cdn.runwayMonths.p10)
    XCTAssertNil(cdn.runwayMonths.p50)
    XCTAssertEqual(cdn.runwayMonths.followUpMonths, 40)
    XCTAssertNil(cdn.toMinimumMonths?.p50)
    XCTAssertEqual(cdn.toMinimumMonths?.followUpMonths, 40)
  }

  /// Rent of 1,000 a month and B₀ = 2,500: ruined in month 3 (B = −500) and below 2 months of outgo from month 1
  /// (B = 1,500), long before the service is paid for from month 21: every lost path counts in `ruinedBefore` and
  /// `belowMinimumBefore` and neither curve has a future.
  func testPathsThatRanOutBeforeTheLossAreCountedAndLeftOut() throws {
    let cdn = runway(try endingAgreement(initial: 2500, expenses: 1000, minimumMonths: 2))[0]
    XCTAssertEqual(cdn.lostPaths, 300)
    XCTAssertEqual(cdn.ruinedBefore, 300)
    XCTAssertEqual(cdn.runwayMonths.futures, 0)
    XCTAssertNil(cdn.runwayMonths.p50)
    XCTAssertEqual(cdn.belowMinimumBefore, 300)
    XCTAssertEqual(cdn.toMinimumMonths?.futures, 0)
  }

  /// An agreement ending past the horizon is never paid for: no lost path, no curve.
  func testALossPastTheHorizonIsNotALoss() throws {
    let cdn = runway(try endingAgreement(years: 1, ends: 12, initial: 0))[0]
    XCTAssertEqual(cdn.lostPaths, 0)
    XCTAssertEqual(cdn.lostShare, 0)
    XCTAssertEqual(cdn.runwayMonths.futures, 0)
  }

  /// Lost for certain in month 1 with 6 months' notice: paid from m_L = 8. A new donor is found for certain in each
  /// paid month, and the service is lost again at once: paid in months 8, 16, 24, …. With B₀ = 1,500 the balance is
  /// 500 after month 8 and −500 after month 16, so R = 16 − 8 + 1 = 9: the second loss does not restart the clock.
  func testLaterLossesDoNotRestartTheClock() throws {
    let scenario = try makeScenario(
      """
      {"name": "runway", "years": 3, "reserve": {"initial": 1500},
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "scaling": "fixed", "annualLossProbability": 1,
                           "noticeMonths": 6, "annualReplacementProbability": 1}]}
      """)
    let cdn = runway(scenario)[0]
    XCTAssertEqual(cdn.lostShare, 1)
    XCTAssertEqual(cdn.runwayMonths.p10, 9)
    XCTAssertEqual(cdn.runwayMonths.p50, 9)
  }

  /// A monthly hazard h = 1 − (1 − p)^(1/12) and no notice: paid for within the horizon when lost in months
  /// 1 … M − 1, with probability 1 − (1 − h)^(M−1).
  func testTheLostShareIsTheChanceOfAPaidMonthWithinTheHorizon() throws {
    let scenario = try makeScenario(
      """
      {"name": "runway", "years": 2, "reserve": {"initial": 0},
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "scaling": "fixed", "annualLossProbability": 0.3}]}
      """)
    let paths = 20000
    let cdn = runway(scenario, paths: paths)[0]
    let h = 1 - pow(0.7, 1.0 / 12)
    let expected = 1 - pow(1 - h, 23)
    assertWithinStandardErrors(
      cdn.lostShare, expected, standardError: (expected * (1 - expected) / Double(paths)).squareRoot(), "lost share")
    // B₀ = 0: ruined in the first paid month, R = 1 on every lost path.
    XCTAssertEqual(cdn.runwayMonths.p50, 1)
    XCTAssertEqual(cdn.runwayMonths.futures, cdn.lostPaths)
  }

  /// The first paid months are the same on any thread count (SPEC §8), and a run of 2N paths holds the first N's.
  func testFirstPaidMonthsDoNotDependOnThreadsOrRunLength() throws {
    let scenario = try makeScenario(
      """
      {"name": "runway", "years": 4, "reserve": {"initial": 0},
       "inKindServices": [{"name": "A", "monthlyValue": 1000, "scaling": "fixed", "annualLossProbability": 0.3},
                          {"name": "B", "monthlyValue": 500, "scaling": "fixed", "annualLossProbability": 0.5,
                           "noticeMonths": 2}]}
      """)
    func months(paths: Int, threads: Int) -> [Int32] {
      var simulator = Simulator(threads: threads)
      simulator.recordsFirstPaidMonths = true
      return simulator.run(scenario, paths: paths, seed: 5).firstPaidMonth!
    }
    let one = months(paths: 1000, threads: 1)
    XCTAssertEqual(one, months(paths: 1000, threads: 3))
    let longer = months(paths: 2000, threads: 2)
    XCTAssertEqual(Array(one[0..<1000]), Array(longer[0..<1000]))
    XCTAssertEqual(Array(one[1000..<2000]), Array(longer[2000..<3000]))
    XCTAssertTrue(one.contains { $0 > 0 })
  }

  /// Not recorded unless asked for: `check` shows no runway and pays nothing for it.
  func testARunThatDoesNotRecordFirstPaidMonthsHasNoRunway() throws {
    let result = Simulator(threads: 1).run(try endingAgreement(initial: 5500), paths: 10, seed: 1)
    XCTAssertNil(result.firstPaidMonth)
    XCTAssertNil(RunSummary(result).runwayAfterLoss)
  }

  /// Hand-made data with ties and censoring. Events at 1, 3, 3, 4, 6; censored at 3, 5, 5, 7, 9 (n = 10):
  /// Ŝ(1) = 9/10; at 3 the one censored there is still at risk (events first): n = 9, Ŝ(3) = 0.9·7/9 = 0.7 (with
  /// censorings first it would be 0.9·6/8 = 0.675); Ŝ(4) = 0.7·5/6; 5 removes two; Ŝ(6) = 0.7·5/6·2/3 = 0.3889.
  func testKaplanMeierWithTiesAndCensoringMatchesAHandComputation() {
    let observations: [(months: Int, event: Bool)] = [
      (1, true), (3, true), (3, true), (4, true), (6, true), (3, false), (5, false), (5, false), (7, false),
      (9, false),
    ]
    let curve = KaplanMeier(observations)
    XCTAssertEqual(curve.count, 10)
    XCTAssertEqual(curve.followUpMonths, 9)
    XCTAssertEqual(curve.steps.map(\.months), [1, 3, 4, 6])
    let expected = [0.9, 0.7, 0.7 * 5 / 6, 0.7 * 5 / 6 * 2 / 3]
    for (step, value) in zip(curve.steps, expected) { XCTAssertEqual(step.survival, value, accuracy: 1e-15) }
    XCTAssertEqual(curve.survival(atMonths: 2), 0.9, accuracy: 1e-15)
    XCTAssertEqual(curve.survival(atMonths: 0), 1)
    // p_q = least t with Ŝ(t) ≤ 1 − q.
    XCTAssertEqual(curve.months(quantile: 0.1), 1, "Ŝ(1) = 0.9 exactly reaches 1 − 0.1")
    XCTAssertEqual(curve.months(quantile: 0.3), 3)
    XCTAssertEqual(curve.months(quantile: 0.4), 4)
    XCTAssertEqual(curve.months(quantile: 0.5), 6)
    XCTAssertNil(curve.months(quantile: 0.7), "Ŝ stays at 0.389 over the follow-up")
  }

  /// A service's curves from hand-made paths, all first paid for in m_L = 11 with horizon M = 15 (a censored path
  /// has R = 15 − 11 + 1 = 5): runway events at 1, 2, 2, 3, 5 and two censored at 5 (n = 7, the censored still at
  /// risk at 5): Ŝ(1) = 6/7, Ŝ(2) = 6/7·4/6 = 4/7, Ŝ(3) = 4/7·3/4 = 3/7, Ŝ(5) = 3/7·2/3 = 2/7; p10 = 1, p50 = 3.
  /// Two paths ran out before m_L (months 4 and 10); one is never lost and one is first paid past the horizon.
  /// Each path falls below the minimum the month before it runs out: to the minimum 1, 1, 2, 4 and two censored
  /// at 5 (n = 6), the path with R = 1 being below it at month 10 < m_L: Ŝ(1) = 4/6, Ŝ(2) = 1/2, Ŝ(4) = 1/3.
  func testTheRunwayCurveFromPathsMatchesAHandComputation() {
    let mL: Int32 = 11, months = 15
    let runwayMonths = [1, 2, 2, 3, 5]
    var ruin = runwayMonths.map { mL + Int32($0) - 1 }
    var paid = [Int32](repeating: mL, count: runwayMonths.count)
    ruin += [0, 0]  // censored at 15 − 11 + 1 = 5
    paid += [mL, mL]
    ruin += [4, 10]  // ruined before m_L
    paid += [mL, mL]
    ruin += [0, 3]  // never lost, and first paid past the horizon
    paid += [0, 16]
    let below = ruin.map { $0 == 0 ? Int32(0) : $0 - 1 }  // below the minimum one month before running out
    let cdn = RunwayAfterLoss(
      service: "CDN", firstPaidMonth: paid, ruinMonth: ruin, belowMinimumMonth: below, months: months)
    XCTAssertEqual(cdn.lostPaths, 9)
    XCTAssertEqual(cdn.lostShare, 9.0 / 11.0)
    XCTAssertEqual(cdn.ruinedBefore, 2)
    XCTAssertEqual(cdn.runwayMonths.futures, 7)
    XCTAssertEqual(cdn.runwayMonths.curve.steps.map(\.months), [1, 2, 3, 5])
    let expected = [6.0 / 7, 4.0 / 7, 3.0 / 7, 2.0 / 7]
    for (step, value) in zip(cdn.runwayMonths.curve.steps, expected) {
      XCTAssertEqual(step.survival, value, accuracy: 1e-15)
    }
    XCTAssertEqual(cdn.runwayMonths.p10, 1)
    XCTAssertEqual(cdn.runwayMonths.p50, 3)
    XCTAssertEqual(cdn.runwayMonths.followUpMonths, 5)
    // Left out of the minimum's curve: the path with R = 1 (below at 10) and the two that ran out before (3, 9).
    XCTAssertEqual(cdn.belowMinimumBefore, 3)
    let toMinimum = cdn.toMinimumMonths!
    XCTAssertEqual(toMinimum.futures, 6)
    XCTAssertEqual(toMinimum.curve.steps.map(\.months), [1, 2, 4])
    for (step, value) in zip(toMinimum.curve.steps, [4.0 / 6, 0.5, 1.0 / 3]) {
      XCTAssertEqual(step.survival, value, accuracy: 1e-15)
    }
    XCTAssertEqual(toMinimum.p10, 1)
    XCTAssertEqual(toMinimum.p50, 2)
  }
}
