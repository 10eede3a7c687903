import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimEngine

/// `sweep` over the numbers of a policy that responds to the balance, or over the initial reserve: one simulation of
/// the file, each point read from it (its horizon needs searched under its policy, its ruin replayed from its own
/// reserve), must give every point's own run's outcome.
final class SweepReplayTests: XCTestCase {
  private static let policyFile = repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path

  /// A sweep of the shipped policy file (its reserve a range: each path's own B₀) over the cuts' threshold and the
  /// appeal's amount, replayed, equals the sweep that runs every point, row by row; the replays are asked for once,
  /// and the outcomes differ between points.
  func testASweepOverPolicyNumbersEqualsOneRunPerPoint() throws {
    let base = try ScenarioLoader().load(Self.policyFile)
    let axes = try ["policy.cuts.belowMonths=2:6:3", "policy.appeal.amount=0:400000:2"].map {
      try XCTUnwrap(SweepAxis(parsing: $0))
    }
    let (paths, simulator) = (600, Simulator(threads: 2))
    let one = try sweepsAlike(base, axes, paths: paths, simulator: simulator)
    XCTAssertGreaterThan(Set(one.rows.map(\.outcome.ruinedPaths)).count, 1)
    XCTAssertGreaterThan(Set(one.rows.map { $0.outcome.requiredReserve[0] }).count, 1)
    // Below two doubles a path for one point beside a row's copy, the replays decline.
    let small = RunOutcome.replaying(
      simulator: simulator, paths: paths, seed: 2026, bytes: 3 * paths * 8 - 1, cancellation: nil, progress: nil)
    XCTAssertNil(try small(base, [base], RunSummary.defaultReserveConfidences))
    XCTAssertNotNil(
      try RunOutcome.replaying(
        simulator: simulator, paths: paths, seed: 2026, bytes: 3 * paths * 8, cancellation: nil, progress: nil)(
          base, [base], RunSummary.defaultReserveConfidences))
  }

  /// A sweep of the initial reserve (a board's "what if we held $X?") of a file without a policy whose reserve is a
  /// range (each point's range moved, or a number at 0), replayed on one simulation, equals the sweep that runs
  /// every point; the needs do not move with the reserve, the ruin does.
  func testASweepOverTheReserveEqualsOneRunPerPoint() throws {
    let base = try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path)
    let axes = [try XCTUnwrap(SweepAxis(parsing: "reserve.initial=0:3e6:4"))]
    let one = try sweepsAlike(base, axes, paths: 600, simulator: Simulator(threads: 2))
    XCTAssertEqual(Set(one.rows.map(\.outcome.ruinedPaths)).count, 4)
  }

  /// A file without a policy swept over its staff's growth and its reserve: every point replayed beside one
  /// simulation, each point's row that of its own run.
  func testASweepOverABudgetLineEqualsOneRunPerPoint() throws {
    let base = try ScenarioLoader().load(
      repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json").path)
    let axes = try ["expenses[Infrastructure staff].annualGrowth=0.06:0.18:3", "reserve.initial=1e6:3e6:2"].map {
      try XCTUnwrap(SweepAxis(parsing: $0))
    }
    let one = try sweepsAlike(base, axes, paths: 600, simulator: Simulator(threads: 2))
    XCTAssertEqual(Set(one.rows.map(\.outcome.ruinedPaths)).count, 6)
  }

  /// A lever on a budget line of a file with a policy (whose responses read the lines) is not replayed.
  func testABudgetLineIsNotReplayed() throws {
    let base = try ScenarioLoader().load(Self.policyFile)
    let axes = [try XCTUnwrap(SweepAxis(parsing: "expenses[Infrastructure staff (4)].annual=400000:500000:2"))]
    let sweep = try Sweep(
      scenario: base, axes: axes,
      outcome: { scenario, confidences in
        RunOutcome(Simulator(threads: 2).run(scenario, paths: 300, seed: 2026), confidences: confidences)
      },
      replayed: { _, _, _ in
        XCTFail("a budget line's sweep was replayed")
        return nil
      })
    XCTAssertEqual(sweep.rows.count, 2)
  }

  /// The sweep of `base` over `axes` that runs every point, after checking that the sweep replayed on one simulation
  /// (`RunOutcome.replaying`, asked for once, no point run on its own) has the same rows, value for value.
  private func sweepsAlike(_ base: Scenario, _ axes: [SweepAxis], paths: Int, simulator: Simulator) throws -> Sweep {
    let one = try Sweep(scenario: base, axes: axes) { simulator.run($0, paths: paths, seed: 2026) }
    let replaying = RunOutcome.replaying(
      simulator: simulator, paths: paths, seed: 2026, bytes: StreamingBudget().onePassBytes, cancellation: nil,
      progress: nil)
    var asked = 0
    let replayed = try Sweep(
      scenario: base, axes: axes,
      outcome: { _, _ in
        XCTFail("a point ran on its own")
        return one.rows[0].outcome
      },
      replayed: { base, points, confidences in
        asked += 1
        return try replaying(base, points, confidences)
      })
    XCTAssertEqual(asked, 1)
    XCTAssertEqual(replayed.rows.map(\.values), one.rows.map(\.values))
    XCTAssertEqual(replayed.rows.map(\.outcome), one.rows.map(\.outcome))
    return one
  }
}
