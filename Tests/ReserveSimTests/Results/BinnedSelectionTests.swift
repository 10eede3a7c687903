import Foundation
import XCTest

@testable import ReserveSimResults

/// `BinnedSelection` returns the element of the ascending sort (by `RadixSort`'s key order) at every wanted rank,
/// and the ascending sums of the largest values, whatever the data and however small the budget.
final class BinnedSelectionTests: XCTestCase {
  /// Runs a selection over `values` read in pieces of `piece`, pass after pass, and checks every rank and sum
  /// against the sorted array. With `sample`, pass 1 speculates after counting the first `sample` values (as a
  /// streamed run does after its first chunk). Returns the passes it took.
  @discardableResult
  private func check(
    _ values: [Double], ranks: [Int], tailStarts: [Int] = [], histogramBytes: Int, collectedBytes: Int, piece: Int = 37,
    sample: Int? = nil, file: StaticString = #filePath, line: UInt = #line
  ) -> Int {
    let selection = BinnedSelection(
      [BinnedSelection.Request(count: values.count, ranks: ranks, tailStarts: tailStarts)],
      histogramBytes: histogramBytes, collectedBytes: collectedBytes)
    func read(_ body: (UnsafeBufferPointer<Double>) -> Void) {
      values.withUnsafeBufferPointer { all in
        for start in stride(from: 0, to: all.count, by: piece) {
          body(UnsafeBufferPointer(rebasing: all[start..<min(all.count, start + piece)]))
        }
      }
    }
    if let sample {
      values.withUnsafeBufferPointer { all in
        let first = UnsafeBufferPointer(rebasing: all[..<sample])
        selection.count(0, first)
        selection.speculate()
        selection.keep(0, first)
        for start in stride(from: sample, to: all.count, by: piece) {
          let part = UnsafeBufferPointer(rebasing: all[start..<min(all.count, start + piece)])
          selection.count(0, part)
          selection.keep(0, part)
        }
      }
    } else {
      read { selection.count(0, $0) }
    }
    selection.finishCounting { _ in nil }
    while !selection.isDone {
      selection.planPass()
      read { selection.collect(0, $0) }
      selection.finishPass()
      XCTAssertLessThan(selection.passes, 40, "the passes never end", file: file, line: line)
      if selection.passes >= 40 { break }
    }
    let sorted = RadixSort.sorted(values)
    for rank in ranks {
      XCTAssertEqual(
        selection.orderStatistic(0, rank: rank).bitPattern, sorted[rank].bitPattern, "rank \(rank)", file: file,
        line: line)
    }
    for (start, mean) in zip(tailStarts, selection.tailMeans(0)) {
      var expected = TailMean(count: values.count - start)
      for v in sorted[start...] { expected.add(v) }
      XCTAssertEqual(mean.sum.bitPattern, expected.sum.bitPattern, "sum from \(start)", file: file, line: line)
      XCTAssertEqual(mean.mean.bitPattern, expected.mean.bitPattern, "mean from \(start)", file: file, line: line)
    }
    return selection.passes
  }

  private func allRanks(_ n: Int) -> [Int] { Array(0..<n) }

  func testRandomValuesAtEveryRankWithATinyBudget() {
    var generator = SplitMix64(seed: 3)
    let values = (0..<3_000).map { _ in Double(generator.next() % 1_000_000) / 7 - 50_000 }
    let passes = check(
      values, ranks: allRanks(values.count).filter { $0 % 13 == 0 }, tailStarts: [2_700, 2_850, 2_970],
      histogramBytes: 64, collectedBytes: 512)
    XCTAssertGreaterThan(passes, 2, "a budget of 64 values cannot hold a bin: refinement")
  }

  func testSeveralGroupsOfSumsEachAddFromItsOwnStart() {
    // Fine bins and a budget of 300 values: the worst 2,000 values come in several groups, and the sums from 19,000
    // and 19,800 begin in later groups than the first (the first groups add nothing to them).
    var generator = SplitMix64(seed: 17)
    let values = (0..<20_000).map { _ in Double(generator.next() % 10_000_000) * 0.25 }
    let passes = check(
      values, ranks: [0, 9_999, 18_000, 19_999], tailStarts: [18_000, 19_000, 19_800], histogramBytes: 1 << 18,
      collectedBytes: 300 * 8)
    XCTAssertGreaterThan(passes, 3, "several groups of sums, one a pass")
  }

  func testSpeculationFromAFirstSampleResolvesEverythingInPassOne() {
    // 2,000 of 30,000 random values place every rank; a generous budget keeps the values near each place.
    var generator = SplitMix64(seed: 19)
    let values = (0..<30_000).map { _ in Double(generator.next() % 1_000_000) / 3 - 100_000 }
    let ranks = [1_499, 1_500, 7_499, 15_000, 22_499, 28_499, 28_500, 29_999]
    let passes = check(
      values, ranks: ranks, tailStarts: [27_000, 28_500, 29_700], histogramBytes: 1 << 16, collectedBytes: 1 << 20,
      sample: 2_000)
    XCTAssertEqual(passes, 1)
    // The same values ascending: the first sample places every rank among the smallest values, speculation keeps
    // the wrong ones, and the later passes find the same figures. (With sums wanted, the range from their start up
    // would take in every value here — within the budget, so pass 1 would still resolve it all.)
    let ascending = RadixSort.sorted(values)
    let later = check(ascending, ranks: ranks, histogramBytes: 1 << 16, collectedBytes: 1 << 20, sample: 2_000)
    XCTAssertGreaterThan(later, 1)
    let withSums = check(
      ascending, ranks: ranks, tailStarts: [27_000], histogramBytes: 1 << 16, collectedBytes: 1 << 20, sample: 2_000)
    XCTAssertEqual(withSums, 1)
    // Ties and a budget too small to speculate on everything.
    let ties = values.map { ($0 / 20_000).rounded() }
    check(ties, ranks: ranks, tailStarts: [27_000], histogramBytes: 1 << 10, collectedBytes: 3_000 * 8, sample: 3_000)
  }

  func testManyTiesAndAllEqualValuesResolveByTheirKeyAlone() {
    // 5,000 equal values never fit 16 kept values: the bin is refined down to its 64 bits, which are the value.
    check(
      [Double](repeating: 42.5, count: 5_000), ranks: [0, 2_499, 4_999], tailStarts: [4_000],
      histogramBytes: 64, collectedBytes: 128)
    var generator = SplitMix64(seed: 5)
    let ties = (0..<4_000).map { _ in Double(generator.next() % 4) }
    check(
      ties, ranks: [0, 999, 1_000, 1_999, 2_000, 3_999], tailStarts: [3_600], histogramBytes: 64,
      collectedBytes: 256)
  }

  func testNegativesZerosAndInfinitiesInKeyOrder() {
    var generator = SplitMix64(seed: 11)
    var values = (0..<2_000).map { _ in (Double(generator.next() % 2_001) - 1_000) * 1e-3 }
    values += [-.infinity, .infinity, -0.0, 0.0, -.greatestFiniteMagnitude, .greatestFiniteMagnitude, -1e-300]
    check(values, ranks: allRanks(values.count), tailStarts: [1_800], histogramBytes: 256, collectedBytes: 800)
  }

  func testNaNsSortByTheirKeyAsRunSummaryTakesThem() {
    // RunSummary's radix sort puts a NaN at its key: the summary then shows it as the largest double.
    var values = (0..<500).map { Double($0) }
    values += [.nan, .nan, -Double.nan]
    check(values, ranks: [0, 1, 250, 501, 502], tailStarts: [450], histogramBytes: 128, collectedBytes: 400)
  }

  func testAGenerousBudgetTakesTwoPasses() {
    var generator = SplitMix64(seed: 13)
    let values = (0..<10_000).map { _ in Double(generator.next() >> 11) * 0x1p-53 }
    let passes = check(
      values, ranks: [499, 2_499, 4_999, 7_499, 9_499], tailStarts: [9_000],
      histogramBytes: 1 << 20, collectedBytes: 1 << 20)
    XCTAssertEqual(passes, 2, "the wanted bins and the tail fit at once")
  }

  /// `selectPassByPass` (the driver `solve` and `attribute reserve@C` stream through) reads the values chunk by chunk
  /// pass after pass, numbering the passes 1, 2, … and saying before each whether another may follow, and ends with
  /// the sort's element at every rank of every variable, with speculation or without, with a tight budget or a
  /// generous one.
  func testTheDriverNumbersItsPassesAndEndsWithTheSortsElements() {
    var generator = SplitMix64(seed: 29)
    let a = (0..<6_000).map { _ in Double(generator.next() >> 11) * 0x1p-53 }
    let b = (0..<6_000).map { _ in -Double(generator.next() >> 40) }  // many ties
    let ranks = [0, 299, 2_999, 5_699, 5_999]
    for (speculates, collectedBytes, expectedPasses) in [(false, 1 << 20, 2), (true, 1 << 20, 1), (true, 600, nil)] {
      let selection = BinnedSelection(
        [BinnedSelection.Request(count: a.count, ranks: ranks), BinnedSelection.Request(count: b.count, ranks: ranks)],
        histogramBytes: 1 << 12, collectedBytes: collectedBytes)
      var numbers: [Int] = [], followed: [Bool] = []
      selection.selectPassByPass(speculates: speculates) { number, more, eachChunk in
        numbers.append(number)
        followed.append(more)
        a.withUnsafeBufferPointer { a in
          b.withUnsafeBufferPointer { b in
            for start in stride(from: 0, to: a.count, by: 1_000) {
              let range = start..<min(a.count, start + 1_000)
              eachChunk { body in
                body(0, UnsafeBufferPointer(rebasing: a[range]))
                body(1, UnsafeBufferPointer(rebasing: b[range]))
              }
            }
          }
        }
      }
      let label = "speculates \(speculates), \(collectedBytes) bytes"
      XCTAssertEqual(numbers, Array(1...numbers.count), label)
      XCTAssertFalse(followed.dropLast().contains(false), "only the last pass may say none follows: \(label)")
      if let expectedPasses { XCTAssertEqual(numbers.count, expectedPasses, label) }
      if !speculates { XCTAssertGreaterThan(numbers.count, 1, label) }
      for (v, values) in [a, b].enumerated() {
        let sorted = RadixSort.sorted(values)
        for rank in ranks {
          XCTAssertEqual(
            selection.orderStatistic(v, rank: rank).bitPattern, sorted[rank].bitPattern,
            "variable \(v) rank \(rank): \(label)")
        }
      }
    }
  }
}
