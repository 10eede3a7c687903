import Foundation
import ReserveSim
import ReserveSimExport
import ReserveSimResults
import ReserveSimScenario
import XCTest

@testable import ReserveSimEngine

/// Same file, seed and path count ⇒ identical output on any thread count; 2N paths contain the first N.
final class ReproducibilityTests: XCTestCase {
  private func baseline() throws -> Scenario {
    let url = repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json")
    var scenario = try ScenarioLoader().load(url.path)
    scenario.years = 4
    return scenario
  }

  func testThreadCountDoesNotChangeAnyNumber() throws {
    let scenario = try baseline()
    let one = Simulator(threads: 1).run(scenario, paths: 1500, seed: 99)
    let three = Simulator(threads: 3).run(scenario, paths: 1500, seed: 99)
    XCTAssertTrue(one.requiredReserve == three.requiredReserve, "needs differ")
    XCTAssertTrue(one.yearEndBalance == three.yearEndBalance, "balances differ")
    XCTAssertTrue(one.firstRuinMonth == three.firstRuinMonth, "ruin months differ")
    XCTAssertTrue(one.yearlyFlowMeans == three.yearlyFlowMeans, "yearly flows differ")
    XCTAssertEqual(try SummaryJSON.encode(RunSummary(one)), try SummaryJSON.encode(RunSummary(three)))
  }

  /// The workers take blocks in turn from one queue: whichever takes it, every block is run exactly once.
  func testTheBlockQueueHandsOutEveryBlockOnce() {
    let blocks = 10_000
    let queue = BlockQueue(blocks: blocks)
    let lock = NSLock()
    var taken = [Int](repeating: 0, count: blocks)
    DispatchQueue.concurrentPerform(iterations: 4) { _ in
      var mine: [Int] = []
      while let block = queue.next() { mine.append(block) }
      lock.lock()
      for block in mine { taken[block] += 1 }
      lock.unlock()
    }
    XCTAssertEqual(taken, [Int](repeating: 1, count: blocks))
    XCTAssertNil(queue.next(), "an empty queue stays empty")
  }

  func testEveryInstructionSetLevelGivesTheSameNumbers() throws {
    let scenario = try baseline()
    defer { VectorKernels.use(VectorKernels.supportedLevel) }
    let levels = VectorKernels.Level.allCases.filter { $0.rawValue <= VectorKernels.supportedLevel.rawValue }
    // The reference is the baseline on one thread; every level, the baseline included, is compared with it on
    // two, so at least one comparison runs even on a CPU with the baseline level only.
    XCTAssertEqual(levels.first, .baseline)
    VectorKernels.use(.baseline)
    let reference = Simulator(threads: 1).run(scenario, paths: 900, seed: 17)
    for level in levels {
      XCTAssertEqual(VectorKernels.use(level), level)
      let result = Simulator(threads: 2).run(scenario, paths: 900, seed: 17)
      XCTAssertTrue(result.requiredReserve == reference.requiredReserve, "needs differ at \(level)")
      XCTAssertTrue(result.yearEndBalance == reference.yearEndBalance, "balances differ at \(level)")
      XCTAssertTrue(result.yearlyFlowMeans == reference.yearlyFlowMeans, "yearly flows differ at \(level)")
    }
  }

  func testDoublingThePathsKeepsTheFirstPathsUnchanged() throws {
    let scenario = try baseline()
    let n = 700
    let small = Simulator(threads: 2).run(scenario, paths: n, seed: 5)
    let large = Simulator(threads: 2).run(scenario, paths: 2 * n, seed: 5)
    XCTAssertTrue(small.requiredReserve == Array(large.requiredReserve[..<n]), "needs differ")
    XCTAssertTrue(small.firstRuinMonth == Array(large.firstRuinMonth[..<n]), "ruin months differ")
    for year in 1...scenario.years {
      XCTAssertTrue(
        small.balances(year: year) == Array(large.balances(year: year)[..<n]), "balances differ in year \(year)")
    }
  }

  func testTheSeedMatters() throws {
    let scenario = try baseline()
    let a = Simulator(threads: 2).run(scenario, paths: 300, seed: 1)
    let b = Simulator(threads: 2).run(scenario, paths: 300, seed: 2)
    XCTAssertTrue(a.requiredReserve != b.requiredReserve)
  }
}
