import XCTest

@testable import ReserveSimResults

/// The streamed bootstrap over groups (SPEC §22, issue #23) gives `GroupedNeeds.bootstrapIntervals`' intervals bit
/// for bit, however its passes are cut into chunks and however few needs it may keep.
final class GroupBootstrapSelectionTests: XCTestCase {
  private let confidences = [0.5, 0.75, 0.9, 0.95, 0.99]

  /// Feeds `needs` to a selection in chunks of `chunk` until it is done.
  /// - Returns: its intervals and the passes it took.
  private func streamed(_ needs: [Double], inner: Int, chunk: Int, collectLimit: Int) -> (
    intervals: [(lower: Double, upper: Double)], passes: Int
  ) {
    let selection = GroupBootstrapSelection(
      paths: needs.count, inner: inner, confidences: confidences,
      weights: GroupBootstrapSelection.Weights(groups: needs.count / inner), collectLimit: collectLimit)
    var passes = 0
    while selection.stage != .done {
      passes += 1
      needs.withUnsafeBufferPointer { all in
        for start in stride(from: 0, to: needs.count, by: chunk) {
          selection.add(UnsafeBufferPointer(rebasing: all[start..<min(needs.count, start + chunk)]), firstPath: start)
        }
      }
      selection.finishPass()
      XCTAssertLessThanOrEqual(passes, 7, "16 bits, then 8 a level up to 64")
    }
    return (selection.intervals(), passes)
  }

  private func assertSame(
    _ needs: [Double], inner: Int, file: StaticString = #filePath, line: UInt = #line
  ) {
    let expected = GroupedNeeds(needs: needs, inner: inner).bootstrapIntervals(confidences: confidences)
    var passCounts: [Int] = []
    for (chunk, limit) in [(needs.count, needs.count), (7, 1_000), (inner + 1, 40), (64, 1)] {
      let (found, passes) = streamed(needs, inner: inner, chunk: chunk, collectLimit: limit)
      passCounts.append(passes)
      XCTAssertEqual(found.count, expected.count, file: file, line: line)
      for (f, e) in zip(found, expected) {
        XCTAssertEqual(f.lower.bitPattern, e.lower.bitPattern, "chunk \(chunk), limit \(limit)", file: file, line: line)
        XCTAssertEqual(f.upper.bitPattern, e.upper.bitPattern, "chunk \(chunk), limit \(limit)", file: file, line: line)
      }
    }
    XCTAssertEqual(passCounts[0], 2, "everything kept: one pass to count, one to collect", file: file, line: line)
    XCTAssertGreaterThan(passCounts[3], 2, "one need kept at most: deeper levels", file: file, line: line)
  }

  func testRandomNeedsGiveTheSortedWalksIntervals() {
    var generator = SplitMix64(seed: 42)
    // Needs over many binades, both signs, as a run's are: a lognormal-like spread around zero.
    let needs = (0..<3_000).map { _ -> Double in
      let u = Double(generator.next() >> 11) / Double(1 << 53)
      let scale = Double(generator.next() % 40)
      return (u - 0.3) * 1_000 * (1 + scale * scale * scale)
    }
    assertSame(needs, inner: 100)
  }

  func testTiesZerosAndOverflowsGiveTheSortedWalksIntervals() {
    // Few distinct values (ties across groups and bins), ±0, and overflowed needs shown as the largest finite one.
    var generator = SplitMix64(seed: 7)
    let palette: [Double] = [-0.0, 0, 5, 5, 5, 1e6, 1e6 + 1, .infinity, -.infinity, .nan, 2.5e7]
    let needs = (0..<2_400).map { _ in palette[generator.index(below: palette.count)] }
    assertSame(needs, inner: 120)
  }

  func testGroupsWithVeryDifferentNeedsGiveTheSortedWalksIntervals() {
    // Each group's needs sit in its own range, so resampling groups moves each answer across many bins.
    var generator = SplitMix64(seed: 3)
    let needs = (0..<2_000).map { path -> Double in
      let group = Double(path / 100)
      return group * group * 10_000 + Double(generator.next() % 1_000)
    }
    assertSame(needs, inner: 100)
  }
}
