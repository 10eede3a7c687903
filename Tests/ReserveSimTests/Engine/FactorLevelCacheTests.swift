import XCTest

@testable import ReserveSimEngine

/// The factor levels a block's runs with sources switched off save and read back (`FactorLevelCache`).
final class FactorLevelCacheTests: XCTestCase {
  /// Two rows of three lanes over months 2 … 5; `step` writes month m's values and counts its calls.
  private final class Rows {
    let a = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    let b = UnsafeMutablePointer<Double>.allocate(capacity: 4)
    var steps = 0
    deinit {
      a.deallocate()
      b.deallocate()
    }
    func step(_ m: Int, way: Int) {
      steps += 1
      for lane in 0..<3 {
        a[lane] = Double(100 * way + 10 * m + lane)
        b[lane] = -Double(100 * way + 10 * m + lane)
      }
    }
    func clear() {
      a.update(repeating: .nan, count: 4)
      b.update(repeating: .nan, count: 4)
    }
  }

  private func runMonths(_ cache: FactorLevelCache, _ rows: Rows, way: Int) -> [[Double]] {
    var seen: [[Double]] = []
    for m in 2...5 {
      rows.clear()
      cache.month(m, way: way, lanes: 3) { rows.step(m, way: way) }
      seen.append(
        Array(UnsafeBufferPointer(start: rows.a, count: 3)) + Array(UnsafeBufferPointer(start: rows.b, count: 3)))
    }
    cache.finishRun(way: way)
    return seen
  }

  func testALaterRunOfTheSameWayReadsWhatTheFirstSaved() {
    let rows = Rows()
    let cache = FactorLevelCache(rows: [rows.a, rows.b], capacity: 4, months: 5)
    let first = runMonths(cache, rows, way: 1)
    XCTAssertEqual(rows.steps, 4)
    let again = runMonths(cache, rows, way: 1)
    XCTAssertEqual(rows.steps, 4, "no step: every month read back")
    XCTAssertEqual(again, first)
    _ = runMonths(cache, rows, way: 2)
    XCTAssertEqual(rows.steps, 8, "another way steps its own months")
    cache.startBlock()
    _ = runMonths(cache, rows, way: 1)
    XCTAssertEqual(rows.steps, 12, "a new block steps again")
  }

  func testAWayBeyondTheBudgetStepsEveryRun() {
    let rows = Rows()
    // One way's months: 4 months · 2 rows · 4 lanes · 8 bytes = 256 bytes.
    let cache = FactorLevelCache(rows: [rows.a, rows.b], capacity: 4, months: 5, budgetBytes: 256)
    let kept = runMonths(cache, rows, way: 0)
    let overBudget = runMonths(cache, rows, way: 3)
    XCTAssertEqual(rows.steps, 8)
    XCTAssertEqual(runMonths(cache, rows, way: 3), overBudget)
    XCTAssertEqual(rows.steps, 12, "the way over the budget stepped again")
    XCTAssertEqual(runMonths(cache, rows, way: 0), kept)
    XCTAssertEqual(rows.steps, 12, "the kept way read back")
  }
}
