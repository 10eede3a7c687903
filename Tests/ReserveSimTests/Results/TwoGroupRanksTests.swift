import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimResults

/// `TwoGroupRanks` gives group A's mid-rank sum in the pooled sample and each group's order statistics exactly as
/// sorting all the values would, whatever the ties and however small the budget.
final class TwoGroupRanksTests: XCTestCase {
  /// Runs `TwoGroupRanks` over the values in pieces, pass after pass, and checks the rank sum and every wanted rank
  /// against the sort. Returns the passes it took.
  @discardableResult
  private func check(
    _ values: [Double], inA: [Bool], histogramBytes: Int, collectedBytes: Int, piece: Int = 41,
    file: StaticString = #filePath, line: UInt = #line
  ) -> Int {
    let ranks = TwoGroupRanks(histogramBytes: histogramBytes)
    func read(_ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Bool>) -> Void) {
      values.withUnsafeBufferPointer { all in
        inA.withUnsafeBufferPointer { groups in
          for start in stride(from: 0, to: all.count, by: piece) {
            let range = start..<min(all.count, start + piece)
            body(UnsafeBufferPointer(rebasing: all[range]), UnsafeBufferPointer(rebasing: groups[range]))
          }
        }
      }
    }
    let a = zip(values, inA).filter(\.1).map(\.0).sorted(), b = zip(values, inA).filter { !$0.1 }.map(\.0).sorted()
    let wantedA = [0, a.count / 2, a.count - 1], wantedB = [0, b.count / 3, b.count - 1]
    read { ranks.count($0, inA: $1) }
    ranks.finishCounting(wantedA: wantedA, wantedB: wantedB)
    var passes = 1
    while !ranks.isDone {
      passes += 1
      var room = collectedBytes / TwoGroupRanks.keptBytes
      ranks.planPass(room: &room)
      read { ranks.collect($0, inA: $1) }
      ranks.finishPass()
      XCTAssertLessThan(passes, 20, "the passes end", file: file, line: line)
      if passes >= 20 { return passes }
    }
    // The sort: mid-ranks of the pooled values (equal values share the mean of their ranks).
    let pooled = zip(values, inA).sorted { $0.0 < $1.0 }
    var rankSum = 0.0
    var i = 0
    while i < pooled.count {
      var j = i
      while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
      for k in i...j where pooled[k].1 { rankSum += Double(i + j) / 2 + 1 }
      i = j + 1
    }
    XCTAssertEqual(ranks.rankSum, rankSum, file: file, line: line)
    for rank in wantedA {
      XCTAssertEqual(ranks.orderStatistic(inA: true, rank: rank), a[rank], "A rank \(rank)", file: file, line: line)
    }
    for rank in wantedB {
      XCTAssertEqual(ranks.orderStatistic(inA: false, rank: rank), b[rank], "B rank \(rank)", file: file, line: line)
    }
    return passes
  }

  func testContinuousValuesWithATinyBudgetRefineToTheSort() {
    var generator = SplitMix64(seed: 7)
    let values = (0..<3_000).map { _ in 1 + Double(generator.next() % 1_000_000) / 7_919 }
    let inA = values.map { $0 > 60 ? generator.next() % 3 != 0 : generator.next() % 9 == 0 }
    let passes = check(values, inA: inA, histogramBytes: 1 << 12, collectedBytes: 1 << 9)
    XCTAssertGreaterThan(passes, 2, "bins refined before their keys fit")
    // With room for every pending bin, one later pass.
    XCTAssertEqual(check(values, inA: inA, histogramBytes: 1 << 16, collectedBytes: 1 << 20), 2)
  }

  func testTiesZeroOneValuesAndSignsNeedNoKeys() {
    var generator = SplitMix64(seed: 8)
    // Yes/no values: every bin holds one key, so pass 1 settles everything.
    let flags = (0..<2_000).map { _ in Double(generator.next() % 4 == 0 ? 1 : 0) }
    let groups = flags.map { $0 == 1 ? generator.next() % 10 < 9 : generator.next() % 10 == 0 }
    XCTAssertEqual(check(flags, inA: groups, histogramBytes: 1 << 9, collectedBytes: 1 << 6), 1)
    // Whole numbers with many ties, negative values and −0 (equal to +0).
    let counts = (0..<2_500).map { _ in Double(Int(generator.next() % 41) - 20) }.map { $0 == 0 ? -0.0 : $0 }
    let mixed = counts.enumerated().map { i, x in i % 5 == 0 ? 0.0 : x }
    check(
      mixed, inA: mixed.map { $0 < 3 ? generator.next() % 2 == 0 : generator.next() % 7 == 0 },
      histogramBytes: 1 << 9, collectedBytes: 1 << 7)
  }

  func testOneValueEverywhere() {
    let values = [Double](repeating: 2.5, count: 500)
    XCTAssertEqual(
      check(values, inA: values.indices.map { $0 % 3 == 0 }, histogramBytes: 1 << 9, collectedBytes: 64), 1)
  }
}
