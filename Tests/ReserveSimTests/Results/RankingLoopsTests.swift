import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimResults

/// The uncertainty ranking's loops in C (SPEC §16): the Fourier terms equal the Swift reference bit for bit at every
/// instruction-set level and are the discrete Fourier transform they stand for; the gather puts every output where
/// the ranking's order and subsamples say.
final class RankingLoopsTests: XCTestCase {
  override func tearDown() {
    VectorKernels.use(VectorKernels.supportedLevel)
    super.tearDown()
  }

  /// n values: a 0/1 output and a continuous one, as ruin and need.
  private func outputs(_ n: Int) -> ([Double], [Double]) {
    var generator = SplitMix64(seed: UInt64(n))
    let ruin = (0..<n).map { _ in generator.index(below: 3) == 0 ? 1.0 : 0.0 }
    let need = (0..<n).map { i in Double(generator.index(below: 1_000_000)) * 1.5 + Double(i % 7) }
    return (ruin, need)
  }

  func testTheKernelEqualsTheReferenceAtEveryLevel() {
    let levels = VectorKernels.Level.allCases.filter { $0.rawValue <= VectorKernels.supportedLevel.rawValue }
    // Odd and even counts, and more than one restart of the rotation (every 4096 terms).
    for n in [23, 400, 4_097, 10_001] {
      let (ruin, need) = outputs(n)
      let means = [ruin.reduce(0, +) / Double(n), need.reduce(0, +) / Double(n)]
      ruin.withUnsafeBufferPointer { r in
        need.withUnsafeBufferPointer { y in
          let expected = UncertaintyRanking.fourierTermsReference([r, y], means: means)
          let single = UncertaintyRanking.fourierTermsReference([y], means: [means[1]])
          for level in levels {
            VectorKernels.use(level)
            let found = VectorKernels.fourierTerms([r, y], means: means)
            for o in 0..<2 {
              XCTAssertEqual(found[o].re.map(\.bitPattern), expected[o].re.map(\.bitPattern), "n \(n), \(level)")
              XCTAssertEqual(found[o].im.map(\.bitPattern), expected[o].im.map(\.bitPattern), "n \(n), \(level)")
            }
            let one = VectorKernels.fourierTerms([y], means: [means[1]])
            XCTAssertEqual(one.count, 1)
            XCTAssertEqual(one[0].re.map(\.bitPattern), single[0].re.map(\.bitPattern), "n \(n), \(level), one")
            XCTAssertEqual(one[0].im.map(\.bitPattern), expected[1].im.map(\.bitPattern), "n \(n), \(level), one")
          }
        }
      }
    }
  }

  func testTheTermsAreTheDiscreteFourierTransformOfTheRearrangedValues() {
    // F_k = Σ_j (y[source(j)] − ȳ)·e^{−2πijk/N}, summed directly with cos and sin of each angle.
    let n = 9_001
    let (_, need) = outputs(n)
    let mean = need.reduce(0, +) / Double(n)
    let upward = (n + 1) / 2
    let found = need.withUnsafeBufferPointer { VectorKernels.fourierTerms([$0], means: [mean]) }[0]
    for k in 1...10 {
      var re = 0.0, im = 0.0, scale = 0.0
      for j in 0..<n {
        let v = need[j < upward ? 2 * j : 2 * (n - j) - 1] - mean
        let angle = -2 * Double.pi * Double(j * k % n) / Double(n)
        re += v * cos(angle)
        im += v * sin(angle)
        scale += abs(v)
      }
      // The rotation's rounding grows by a few ulps a step over at most 4096 steps: far below 1e-9 of Σ|v|.
      XCTAssertEqual(found.re[k - 1], re, accuracy: 1e-9 * scale, "k \(k)")
      XCTAssertEqual(found.im[k - 1], im, accuracy: 1e-9 * scale, "k \(k)")
    }
  }

  func testTheGatherPlacesEachPathsOutputsInOrderAndInItsSubsample() {
    // 1,003 paths in a shuffled order, in groups of 7 (subsample ⌊path / 7⌋ mod 10), two outputs side by side.
    let n = 1_003, inner = 7, subsamples = 10
    var generator = SplitMix64(seed: 5)
    var order = Array(0..<n)
    for i in stride(from: n - 1, to: 0, by: -1) { order.swapAt(i, generator.index(below: i + 1)) }
    let items = order.map { UInt64(generator.index(below: 1 << 30)) << 32 | UInt64($0) }
    let outputs = (0..<2 * n).map { Double($0) * 0.5 }
    var sizes = [Int](repeating: 0, count: subsamples)
    for path in 0..<n { sizes[path / inner % subsamples] += 1 }
    var starts = [0]
    for size in sizes { starts.append(starts.last! + size) }
    for outputCount in [1, 2] {
      for level in VectorKernels.Level.allCases where level.rawValue <= VectorKernels.supportedLevel.rawValue {
        VectorKernels.use(level)
        var whole = [[Double]](repeating: [Double](repeating: .nan, count: n), count: outputCount)
        var split = whole
        // The reference: the Swift loop the kernel replaced.
        var expectedWhole = whole, expectedSplit = split
        var next = starts
        for (position, item) in items.enumerated() {
          let path = Int(item & 0xFFFF_FFFF)
          let g = path / inner % subsamples
          for o in 0..<outputCount {
            expectedWhole[o][position] = outputs[path * outputCount + o]
            expectedSplit[o][next[g]] = outputs[path * outputCount + o]
          }
          next[g] += 1
        }
        items.withUnsafeBufferPointer { items in
          outputs.withUnsafeBufferPointer { outputs in
            let wholePointers = (0..<outputCount).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: n) }
            let splitPointers = (0..<outputCount).map { _ in UnsafeMutablePointer<Double>.allocate(capacity: n) }
            defer { for p in wholePointers + splitPointers { p.deallocate() } }
            VectorKernels.gatherInOrder(
              items, outputs: outputs, count: outputCount, inner: inner, subsamples: subsamples, starts: starts,
              whole: wholePointers, split: splitPointers)
            for o in 0..<outputCount {
              whole[o] = Array(UnsafeBufferPointer(start: wholePointers[o], count: n))
              split[o] = Array(UnsafeBufferPointer(start: splitPointers[o], count: n))
            }
          }
        }
        XCTAssertEqual(whole, expectedWhole, "\(outputCount) outputs, \(level)")
        XCTAssertEqual(split, expectedSplit, "\(outputCount) outputs, \(level)")
      }
    }
  }
}
