import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimEngine

/// `sensitivity` of a policy file: the base and the variants that move only the policy's numbers take their outcomes
/// from one simulation with each policy replayed (`RunOutcome.replaying`); every other variant runs on its own. The
/// analysis must be the one that runs every variant, bit for bit.
final class SensitivityReplayTests: XCTestCase {
  private static let policyFile = repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path

  func testReplayedPolicyVariantsGiveTheAnalysisThatRunsEveryVariant() throws {
    let document = try ScenarioLoader().loadWithDocument(Self.policyFile).document
    let parameters = try ["policy.cuts.belowMonths", "policy.appeal.amount", "reserve.annualReturn"].map {
      try ScenarioPath(parsing: $0)
    }
    let (paths, seed) = (500, UInt64(2026))
    let simulator = Simulator(threads: 2)
    func outcome(_ scenario: Scenario, _ confidences: [Double]) -> RunOutcome {
      RunOutcome(simulator.run(scenario, paths: paths, seed: seed), confidences: confidences)
    }
    let everyRun = try SensitivityAnalysis(document: document, parameters: parameters, outcome: outcome)
    var replayedCount = 0, ranAlone: [Scenario] = [], reports: [Int] = []
    let replayed = try SensitivityAnalysis(
      document: document, parameters: parameters,
      outcome: { scenario, confidences in
        ranAlone.append(scenario)
        return outcome(scenario, confidences)
      },
      replayed: { base, variants, confidences in
        replayedCount = variants.count
        return try RunOutcome.replaying(
          simulator: simulator, paths: paths, seed: seed, bytes: StreamingBudget().onePassBytes, cancellation: nil,
          progress: nil)(base, variants, confidences)
      },
      progress: { done, _ in reports.append(done) })
    XCTAssertEqual(replayed.base, everyRun.base)
    XCTAssertEqual(replayed.parameters, everyRun.parameters)
    XCTAssertEqual(replayed.simulations, everyRun.simulations)
    // The base and the four policy variants replayed; the reserve's two returns ran on their own.
    XCTAssertEqual(replayedCount, 5)
    XCTAssertEqual(ranAlone.count, 2)
    XCTAssertEqual(reports, reports.sorted(), "the runs done never go back")
    XCTAssertEqual(reports.last, everyRun.simulations)
    let moved = everyRun.parameters.filter {
      $0.path.hasPrefix("policy.") && $0.requiredReserveLow != $0.requiredReserveHigh
    }
    XCTAssertFalse(moved.isEmpty, "a policy number moves the reserve at 95%")
  }
}
