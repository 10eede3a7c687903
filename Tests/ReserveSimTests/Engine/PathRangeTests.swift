import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimScenario

/// The prefix property (SPEC §8) through the engine's path ranges: a run of paths a..<b followed by b..<c is
/// the run of a..<c, path by path, whatever the block boundaries and thread counts.
final class PathRangeTests: XCTestCase {
  private func stochasticScenario() throws -> Scenario {
    let text = #"""
      {"name": "Range", "years": 3, "reserve": {"initial": 200000, "annualReturn": 0.02},
       "factors": {"traffic": {"annualGrowth": 0.3, "annualVolatility": 0.2}, "donations": {"annualVolatility": 0.1}},
       "correlations": [{"between": ["traffic", "donations"], "rho": 0.4}],
       "income": [{"name": "Donations", "annual": 300000, "factor": "donations"}],
       "expenses": [{"name": "Staff", "annual": 350000, "annualGrowth": 0.05}],
       "sponsorTiers": [{"name": "Gold", "annualAmount": 50000, "count": 2, "renewalProbability": 0.8, "newPerYear": 0.5}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 20000, "scaling": "traffic", "annualLossProbability": 0.2,
                           "noticeMonths": 2, "replacementCostFraction": 0.6, "annualReplacementProbability": 0.3}],
       "events": [{"name": "Downturn", "annualProbability": 0.2, "durationMonths": 6, "incomeMultiplier": 0.7}]}
      """#
    return try Scenario(json: JSONValue.parse(Data(text.utf8), file: "range"))
  }

  func testRangesConcatenateToTheFullRun() throws {
    let scenario = try stochasticScenario()
    // 700 = 2 blocks + 188 paths; the cuts fall inside blocks on purpose.
    let full = Simulator(threads: 2).run(scenario, paths: 700, seed: 42)
    let parts = [0..<100, 100..<357, 357..<700].map { Simulator(threads: 1).run(scenario, pathRange: $0, seed: 42) }
    XCTAssertEqual(parts.map(\.paths), [100, 257, 343])
    let joined = parts.dropFirst().reduce(parts[0]) { $0.appending($1) }
    XCTAssertEqual(joined.paths, 700)
    XCTAssertEqual(joined.requiredReserve, full.requiredReserve)
    XCTAssertEqual(joined.firstRuinMonth, full.firstRuinMonth)
    XCTAssertEqual(joined.yearEndBalance, full.yearEndBalance)
    for (a, b) in zip(joined.yearlyFlowMeans, full.yearlyFlowMeans) {
      XCTAssertEqual(a, b, accuracy: 1e-9 * max(1, abs(b)), "path-weighted means agree up to rounding")
    }
  }

  func testARangeFromZeroIsTheRun() throws {
    let scenario = try stochasticScenario()
    let run = Simulator(threads: 2).run(scenario, paths: 300, seed: 9)
    let range = Simulator(threads: 2).run(scenario, pathRange: 0..<300, seed: 9)
    XCTAssertEqual(range.requiredReserve, run.requiredReserve)
    XCTAssertEqual(range.yearEndBalance, run.yearEndBalance)
    XCTAssertEqual(range.firstRuinMonth, run.firstRuinMonth)
    XCTAssertEqual(range.yearlyFlowMeans, run.yearlyFlowMeans, "same blocks, same order: same sums")
  }

  func testExtendSimulatesOnlyTheNewPaths() throws {
    let scenario = try stochasticScenario()
    let simulator = Simulator(threads: 2)
    let small = simulator.run(scenario, paths: 256, seed: 7)
    let extended = simulator.extend(small, toPaths: 1024)
    let direct = simulator.run(scenario, paths: 1024, seed: 7)
    XCTAssertEqual(extended.requiredReserve, direct.requiredReserve)
    XCTAssertEqual(extended.yearEndBalance, direct.yearEndBalance)
    XCTAssertEqual(Array(extended.requiredReserve.prefix(256)), small.requiredReserve)
    XCTAssertEqual(simulator.extend(small, toPaths: 100).paths, 256, "never shrinks")
  }
}
