import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimEngine

/// `compare` of a policy file with itself under other policy numbers: one simulation, each policy's needs searched
/// and its ruin replayed from each path's own reserve, must give the comparison of the two runs, bit for bit.
final class CompareReplayTests: XCTestCase {
  private static let policyFile = repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path

  /// The shipped policy file (its reserve a range: each path's own B₀) against itself with the cuts at 4 months'
  /// cover and a larger appeal: the replayed comparison equals the comparison of two runs, every figure, on 1 and 2
  /// threads and with a partial last block; and B's figures differ from A's, so the replay did not hand A's over.
  func testAComparisonOfPolicyNumbersEqualsTheComparisonOfTwoRuns() throws {
    let a = try ScenarioLoader().load(Self.policyFile)
    var b = a
    b.policy?.cuts?.belowMonths = 4
    b.policy?.appeal?.amount = 300_000
    let paths = 700
    for threads in [1, 2] {
      let simulator = Simulator(threads: threads)
      let runs = Comparison(
        a: simulator.run(a, paths: paths, seed: 2026), b: simulator.run(b, paths: paths, seed: 2026),
        threads: threads)
      let replayed = try XCTUnwrap(
        try Comparison.replayed(
          a, b, paths: paths, seed: 2026, simulator: simulator, bytes: StreamingBudget().onePassBytes))
      XCTAssertEqual(replayed.ruinProbability, runs.ruinProbability, "\(threads) threads")
      XCTAssertEqual(replayed.requiredReserve, runs.requiredReserve, "\(threads) threads")
      XCTAssertEqual(replayed.notes, runs.notes)
      XCTAssertNotEqual(runs.ruinProbability.a, runs.ruinProbability.b)
      XCTAssertNotEqual(runs.requiredReserve.map(\.value.a), runs.requiredReserve.map(\.value.b))
    }
  }

  /// A file without a policy against itself holding another reserve: the replayed comparison (B's balance beside
  /// A's on one simulation) equals the comparison of two runs; the ruin differs, the reserves needed do not.
  func testAComparisonOfReservesEqualsTheComparisonOfTwoRuns() throws {
    let runs = try replayedEqualsTwoRuns { $0.reserve.initial = 3e6 }
    XCTAssertNotEqual(runs.ruinProbability.a, runs.ruinProbability.b)
  }

  /// A file without a policy against itself with staff costs growing faster and a larger reserve: B's cash flows
  /// beside A's on one simulation; the comparison equals that of two runs, and the reserves needed differ.
  func testAComparisonOfBudgetsEqualsTheComparisonOfTwoRuns() throws {
    let runs = try replayedEqualsTwoRuns { b in
      b.expenses[0].annualGrowth = 0.15
      b.reserve.initial = 2e6
    }
    XCTAssertNotEqual(runs.requiredReserve.first?.value.a, runs.requiredReserve.first?.value.b)
  }

  /// Asserts that `pypi-2020-baseline` compared with itself edited by `edit`, replayed on one simulation, gives
  /// the comparison of two runs (700 paths, 2 threads); returns the latter.
  private func replayedEqualsTwoRuns(_ edit: (inout Scenario) -> Void) throws -> Comparison {
    let a = try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json").path)
    var b = a
    edit(&b)
    let (paths, simulator) = (700, Simulator(threads: 2))
    let runs = Comparison(
      a: simulator.run(a, paths: paths, seed: 2026), b: simulator.run(b, paths: paths, seed: 2026), threads: 2)
    let replayed = try XCTUnwrap(
      try Comparison.replayed(
        a, b, paths: paths, seed: 2026, simulator: simulator, bytes: StreamingBudget().onePassBytes))
    XCTAssertEqual(replayed.ruinProbability, runs.ruinProbability)
    XCTAssertEqual(replayed.requiredReserve, runs.requiredReserve)
    XCTAssertEqual(replayed.notes, runs.notes)
    return runs
  }

  /// Not replayed: a B that differs in a budget line beside a policy, or whose policy drops a response; nor when the
  /// four doubles a path do not fit the bytes given.
  func testWhatIsNotReplayed() throws {
    let a = try ScenarioLoader().load(Self.policyFile)
    let simulator = Simulator(threads: 2)
    let paths = 300
    func replayed(_ b: Scenario, bytes: Int = StreamingBudget().onePassBytes) throws -> Comparison? {
      try Comparison.replayed(a, b, paths: paths, seed: 2026, simulator: simulator, bytes: bytes)
    }
    var budget = a
    budget.expenses[0].annual *= 1.1
    XCTAssertNil(try replayed(budget))
    var noAppeal = a
    noAppeal.policy?.appeal = nil
    XCTAssertNil(try replayed(noAppeal))
    XCTAssertNil(try replayed(a, bytes: 4 * paths * 8 - 1))
    XCTAssertNotNil(try replayed(a, bytes: 4 * paths * 8))
  }
}
