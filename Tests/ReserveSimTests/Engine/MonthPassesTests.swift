import Foundation
import ReserveSim
import ReserveSimEngine
import ReserveSimScenario
import XCTest

/// The month passes (the C kernels, the engine's one implementation of the month) give the same numbers, bit for
/// bit, at every instruction-set level this CPU has, against the portable baseline level: the shipped scenarios
/// and files made to reach the rare branches (lost and replaced services, certain losses, capped hazards, sponsor
/// counts past the tables, ruin, event sets tabulated or multiplied per lane, a last block shorter than the
/// others). What the numbers must be is proven by the closed-form and statistical tests.
final class MonthPassesTests: XCTestCase {
  override func tearDown() {
    VectorKernels.use(VectorKernels.supportedLevel)
    super.tearDown()
  }

  private var levels: [VectorKernels.Level] {
    VectorKernels.Level.allCases.filter { $0.rawValue <= VectorKernels.supportedLevel.rawValue }
  }

  private func assertSameNumbers(
    _ scenario: Scenario, paths: Int, seed: UInt64, file: StaticString = #filePath, line: UInt = #line
  ) {
    // The reference is the baseline level on one thread; every level this CPU has, the baseline included, is
    // compared with it on two threads. So at least one comparison always runs: on a CPU with the baseline only,
    // it is the baseline against itself across thread counts.
    VectorKernels.use(.baseline)
    /// With every per-path record: diagnostics and the services' first paid months (SPEC §21).
    func recording(threads: Int) -> Simulator {
      var simulator = Simulator(threads: threads, recordsDiagnostics: true)
      simulator.recordsFirstPaidMonths = true
      return simulator
    }
    let expected = recording(threads: 1).run(scenario, paths: paths, seed: seed)
    XCTAssertEqual(levels.first, .baseline, file: file, line: line)
    for level in levels {
      XCTAssertEqual(VectorKernels.use(level), level, file: file, line: line)
      let result = recording(threads: 2).run(scenario, paths: paths, seed: seed)
      let what = "\(scenario.name) at \(level) on 2 threads against the baseline on 1"
      XCTAssertTrue(
        result.requiredReserve.map(\.bitPattern) == expected.requiredReserve.map(\.bitPattern), "needs: \(what)",
        file: file, line: line)
      XCTAssertTrue(
        result.yearEndBalance.map(\.bitPattern) == expected.yearEndBalance.map(\.bitPattern), "balances: \(what)",
        file: file, line: line)
      XCTAssertEqual(result.firstRuinMonth, expected.firstRuinMonth, "ruin months: \(what)", file: file, line: line)
      XCTAssertEqual(
        result.firstPaidMonth, expected.firstPaidMonth, "first paid months: \(what)", file: file, line: line)
      XCTAssertTrue(
        result.yearlyFlowMeans.map(\.bitPattern) == expected.yearlyFlowMeans.map(\.bitPattern),
        "yearly flows: \(what)", file: file, line: line)
      let a = result.diagnostics!, b = expected.diagnostics!
      for path in 0..<paths {
        for s in scenario.inKindServices.indices where a.serviceLost(s, path: path) != b.serviceLost(s, path: path) {
          XCTFail("service \(s) lost on path \(path): \(what)", file: file, line: line)
        }
        for k in scenario.events.indices where a.eventMonths(k, path: path) != b.eventMonths(k, path: path) {
          XCTFail("event \(k) months on path \(path): \(what)", file: file, line: line)
        }
        for t in scenario.sponsorTiers.indices where a.finalSponsors(t, path: path) != b.finalSponsors(t, path: path) {
          XCTFail("tier \(t) sponsors on path \(path): \(what)", file: file, line: line)
        }
      }
    }
  }

  func testShippedScenariosGiveTheSameNumbersAtEveryLevel() throws {
    let folder = repositoryRoot.appendingPathComponent("scenarios")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted()
    XCTAssertGreaterThanOrEqual(files.count, 5)
    for file in files {
      let scenario = try ScenarioLoader().load(folder.appendingPathComponent(file).path)
      // 1,000 paths: three full blocks and a short one.
      assertSameNumbers(scenario, paths: 1000, seed: 20_261_124)
    }
  }

  /// No event kind (one set), one (two sets: selects), six (64 sets: gathers) and seven (products per lane).
  func testRareBranchesGiveTheSameNumbersAtEveryLevel() throws {
    let most = SimulationPlan.maximumTabulatedEvents
    for kinds in [0, 1, most, most + 1] {
      let scenario = try rareBranches(eventKinds: kinds)
      XCTAssertEqual(SimulationPlan(scenario).eventSetCount, kinds > most ? 0 : 1 << kinds)
      assertSameNumbers(scenario, paths: 777, seed: 3)
    }
  }

  private func rareBranches(eventKinds: Int) throws -> Scenario {
    // Two kinds change the sponsors' rates (fewer distinct rates keep the tables small), all change the rest.
    let events = (0..<eventKinds).map { k in
      """
      {"name": "E\(k)", "annualProbability": \(0.1 + 0.1 * Double(k)), "durationMonths": \(1 + 5 * k),
       "incomeMultiplier": \(0.7 + 0.1 * Double(k)), "sponsorRenewalMultiplier": \(k < 2 ? 0.6 + 0.1 * Double(k) : 1),
       "newSponsorMultiplier": \(k < 2 ? 0.5 + 0.2 * Double(k) : 1), "serviceLossMultiplier": \(1 + 4 * Double(k))}
      """
    }
    return try makeScenario(
      """
      {"name": "rare branches, \(eventKinds) event kinds", "years": 7, "reserve": {"initial": 900000, "floor": 250000, "annualReturn": 0.03},
       "factors": {"traffic": {"annualGrowth": 0.3, "annualVolatility": 0.2},
                   "inflation": {"annualGrowth": 0.02, "annualVolatility": 0.02},
                   "donations": {"annualGrowth": 0.0, "annualVolatility": 0.3}},
       "correlations": [{"between": ["traffic", "donations"], "rho": 0.4}],
       "income": [{"name": "donations", "annual": 400000, "factor": "donations"},
                  {"name": "grant", "annual": 50000, "fromYear": 2, "untilYear": 4}],
       "expenses": [{"name": "staff", "annual": 700000, "annualGrowth": 0.05},
                    {"name": "hosting", "annual": 40000, "factor": "inflation"},
                    {"name": "bandwidth", "annual": 30000, "factor": "traffic"}],
       "sponsorTiers": [
         {"name": "Many", "annualAmount": 1000, "count": 90, "renewalProbability": 0.9, "newPerYear": 20},
         {"name": "Few", "annualAmount": 50000, "count": 2, "renewalProbability": 0.6, "newPerYear": 0.5},
         {"name": "Crowd", "annualAmount": 100, "count": 60, "renewalProbability": 0.95, "newPerYear": 70}],
       "inKindServices": [
         {"name": "Certain", "monthlyValue": 3000, "scaling": "fixed", "annualLossProbability": 1,
          "noticeMonths": 0, "replacementCostFraction": 1, "annualReplacementProbability": 0.9},
         {"name": "CDN", "monthlyValue": 40000, "scaling": "traffic", "annualLossProbability": 0.3,
          "noticeMonths": 2, "replacementCostFraction": 0.7, "annualReplacementProbability": 0.6},
         {"name": "Never replaced", "monthlyValue": 5000, "scaling": "fixed", "annualLossProbability": 0.2,
          "noticeMonths": 1, "replacementCostFraction": 0.5, "annualReplacementProbability": 0}],
       "events": [\(events.joined(separator: ", "))]}
      """)
  }

  /// With more event kinds than the tables, the sponsors' rates are multiplied per lane: seven kinds active from
  /// month 1 to the horizon (annual probability 1) scale renewal by R = Π rₖ and arrivals by N = Π nₖ, so after
  /// the one year end of a two-year run count₂ = Binomial(n, p·R) + Poisson(λ·N), with mean n·p·R + λ·N and
  /// variance n·pR(1 − pR) + λN.
  func testPerLaneEventProductsDriveTheSponsorYearEnd() throws {
    let kinds = SimulationPlan.maximumTabulatedEvents + 1
    let events = (0..<kinds).map { k in
      """
      {"name": "E\(k)", "annualProbability": 1, "durationMonths": 1200,
       "sponsorRenewalMultiplier": \(k == 0 ? 0.5 : 1), "newSponsorMultiplier": \(k == 1 ? 3 : 1)}
      """
    }
    let scenario = try makeScenario(
      """
      {"name": "per-lane sponsors", "years": 2,
       "sponsorTiers": [{"name": "T", "annualAmount": 1200, "count": 200, "renewalProbability": 0.8, "newPerYear": 4}],
       "events": [\(events.joined(separator: ", "))]}
      """)
    XCTAssertEqual(SimulationPlan(scenario).eventSetCount, 0)
    let paths = 20000
    let result = Simulator(threads: 2, recordsDiagnostics: true).run(scenario, paths: paths, seed: 5)
    let counts = (0..<paths).map { Double(result.diagnostics!.finalSponsors(0, path: $0)) }
    let p = 0.8 * 0.5, lambda = 4.0 * 3
    let mean = 200 * p + lambda, variance = 200 * p * (1 - p) + lambda
    let sampleMean = counts.reduce(0, +) / Double(paths)
    XCTAssertEqual(sampleMean, mean, accuracy: 4 * (variance / Double(paths)).squareRoot())
  }
}

/// Sponsor counts are 64-bit: a tier that grows past 2³¹ − 1 sponsors keeps counting (it clamped before).
final class LargeSponsorCountTests: XCTestCase {
  func testCountsGrowPastThirtyTwoBits() throws {
    // Renewal 1 and 10⁵ × 1000 = 10⁸ new sponsors a year (an event active all along): after the 29 year ends of
    // a 30-year run, 10⁶ + Poisson(2.9·10⁹) sponsors, mean 2.901·10⁹ and standard deviation about 5.4·10⁴.
    let scenario = try makeScenario(
      """
      {"name": "many sponsors", "years": 30,
       "sponsorTiers": [{"name": "T", "annualAmount": 1, "count": 1000000, "renewalProbability": 1, "newPerYear": 100000}],
       "events": [{"name": "Boom", "annualProbability": 1, "durationMonths": 1200, "newSponsorMultiplier": 1000}]}
      """)
    let paths = 40
    let result = Simulator(threads: 2, recordsDiagnostics: true).run(scenario, paths: paths, seed: 2)
    let counts = (0..<paths).map { Double(result.diagnostics!.finalSponsors(0, path: $0)) }
    XCTAssertTrue(counts.allSatisfy { $0 > Double(Int32.max) })
    let expected = 1e6 + 29 * 1e8
    assertWithinStandardErrors(
      counts.reduce(0, +) / Double(paths), expected, standardError: (29 * 1e8 / Double(paths)).squareRoot(),
      "mean count")
  }
}
