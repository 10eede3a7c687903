import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimResults

/// The uncertainty ranking's Fourier terms (SPEC §16) from the C kernel equal the Swift reference bit for bit at every
/// instruction-set level, and the terms are the discrete Fourier transform they stand for.
final class FourierTermsTests: XCTestCase {
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
}
