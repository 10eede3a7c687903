import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimEngine

/// `sensitivity`: the base and the variants that move only the policy's numbers or the initial reserve take their
/// outcomes from one simulation (`RunOutcome.replaying`); every other variant runs on its own. The analysis must be
/// the one that runs every variant, bit for bit.
final class SensitivityReplayTests: XCTestCase {
  private static func file(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("scenarios/\(name).json").path
  }

  /// The analysis of `name` over `parameters` that runs every variant, after checking that the one with replays has
  /// the same base, parameters and simulations, and that its progress never goes back; with the variants replayed
  /// (the base's among them) and those run on their own.
  private func analysesAlike(_ name: String, _ parameters: [String]) throws -> (
    everyRun: SensitivityAnalysis, replayed: Int, ranAlone: Int
  ) {
    let document = try ScenarioLoader().loadWithDocument(Self.file(name)).document
    let parameters = try parameters.map { try ScenarioPath(parsing: $0) }
    let (paths, seed) = (500, UInt64(2026))
    let simulator = Simulator(threads: 2)
    func outcome(_ scenario: Scenario, _ confidences: [Double]) -> RunOutcome {
      RunOutcome(simulator.run(scenario, paths: paths, seed: seed), confidences: confidences)
    }
    let everyRun = try SensitivityAnalysis(document: document, parameters: parameters, outcome: outcome)
    var replayedCount = 0, ranAlone = 0, reports: [Int] = []
    let replayed = try SensitivityAnalysis(
      document: document, parameters: parameters,
      outcome: { scenario, confidences in
        ranAlone += 1
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
    XCTAssertEqual(reports, reports.sorted(), "the runs done never go back")
    XCTAssertEqual(reports.last, everyRun.simulations)
    return (everyRun, replayedCount, ranAlone)
  }

  func testReplayedPolicyVariantsGiveTheAnalysisThatRunsEveryVariant() throws {
    let (everyRun, replayed, ranAlone) = try analysesAlike(
      "pypi-today-policy", ["policy.cuts.belowMonths", "policy.appeal.amount", "reserve.annualReturn"])
    // The base and the four policy variants replayed; the reserve's two returns ran on their own.
    XCTAssertEqual(replayed, 5)
    XCTAssertEqual(ranAlone, 2)
    let moved = everyRun.parameters.filter {
      $0.path.hasPrefix("policy.") && $0.requiredReserveLow != $0.requiredReserveHigh
    }
    XCTAssertFalse(moved.isEmpty, "a policy number moves the reserve at 95%")
  }

  /// A file without a policy: the reserve's variants (its initial amount, floor and return) and the money side's (the
  /// lines' amounts and growth, a tier's amount, a service's value) join the base's simulation; a notice period's
  /// run alone.
  func testReplayedReserveVariantsGiveTheAnalysisThatRunsEveryVariant() throws {
    let (everyRun, replayed, ranAlone) = try analysesAlike(
      "pypi-2020-baseline",
      [
        "reserve.initial", "reserve.annualReturn", "inKindServices[CDN].noticeMonths",
        "expenses[Infrastructure staff].annualGrowth", "income[0].annual", "sponsorTiers[Visionary].annualAmount",
        "inKindServices[CDN].monthlyValue",
      ])
    XCTAssertEqual(replayed, 13)
    XCTAssertEqual(ranAlone, 2)
    let staff = try XCTUnwrap(everyRun.parameters.first { $0.path == "expenses[Infrastructure staff].annualGrowth" })
    XCTAssertNotEqual(staff.requiredReserveLow, staff.requiredReserveHigh, "the staff's growth moves the reserve")
    let reserve = try XCTUnwrap(everyRun.parameters.first { $0.path == "reserve.initial" })
    XCTAssertNotEqual(reserve.ruinProbabilityLow, reserve.ruinProbabilityHigh, "the reserve moves the ruin")
  }
}
