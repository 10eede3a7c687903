import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine

/// The ziggurat's tables, each of its branches, and the distribution of the normals the engine draws.
final class ZigguratTests: XCTestCase {
  private func f(_ x: Double) -> Double { Foundation.exp(-x * x / 2) }

  /// Every layer has the same area v = r·f(r) + ∫ᵣ^∞ f, the heights are f of the edges, the top closes at f(0) = 1.
  func testLayersHaveEqualAreasAndCloseAtTheTop() {
    let w = Ziggurat.width, h = Ziggurat.height, r = Ziggurat.r
    XCTAssertEqual(w[1], r)
    XCTAssertEqual(w[256], 0)
    XCTAssertEqual(h[256], 1)
    let v = r * f(r) + (Double.pi / 2).squareRoot() * erfc(r / 2.0.squareRoot())
    XCTAssertEqual(w[0] * f(r), v, accuracy: 1e-15)
    for i in 0...256 { XCTAssertEqual(h[i], f(w[i]), accuracy: 2e-16, "height \(i)") }
    for i in 1..<256 {
      XCTAssertLessThan(w[i + 1], w[i])
      XCTAssertEqual(w[i] * (h[i + 1] - h[i]) / v, 1, accuracy: 1e-12, "area of layer \(i)")
    }
  }

  /// Each branch on crafted words: the fast path, the wedge (accepted, or refused and a new proposal), the tail.
  func testEachBranchOnCraftedWords() {
    let noRetry: (UInt32) -> (UInt32, UInt32, UInt32, UInt32) = { _ in
      XCTFail("the fast path needs no retry")
      return (0, 0, 0, 0)
    }
    // Layer 10, u = (0x4000_0000 + 128)·2⁻³¹ ≈ ½: x = u·w₁₀, well inside w₁₁.
    let word: UInt32 = 0x4000_0000 | 10
    let expected = (Double(0x4000_0000 + 128) * 0x1p-31) * Ziggurat.width[10]
    XCTAssertEqual(Ziggurat.normal(word: word, retry: noRetry), expected)
    // The sign bit gives the mirror image.
    XCTAssertLessThan(Ziggurat.normal(word: 0xC000_0000 | 10, retry: noRetry), 0)

    // The top layer (255) always goes to the wedge: with u_b near 0 the point lies low, under the density.
    let top: UInt32 = 0x7fff_ff00 | 255
    var draws: [UInt32] = []
    let low = Ziggurat.normal(word: top) { j in
      draws.append(j)
      return (0, 0, 0, 0)
    }
    XCTAssertEqual(draws, [0])
    XCTAssertEqual(low, (Double(0x7fff_ff00 + 128) * 0x1p-31) * Ziggurat.width[255])
    // With u_b near 1 the point lies above the density at x ≈ w₂₅₅: refused, and word a (layer 10) proposes anew.
    draws = []
    let again = Ziggurat.normal(word: top) { j in
      draws.append(j)
      return (word, .max, 0, 0)
    }
    XCTAssertEqual(draws, [0])
    XCTAssertEqual(again, expected)

    // Layer 0 beyond r: the tail, r + t with t = −ln(u_b)/r, kept when −2 ln(u_c) > t²; a refused try takes the next
    // draw. Draw 0: u_b tiny, so t is large and u_c = ½ refuses it; draw 1: u_b = u_c = ½ is accepted.
    let base: UInt32 = 0x7fff_ff00
    draws = []
    let tail = Ziggurat.normal(word: base) { j in
      draws.append(j)
      return j == 0 ? (0, 0, 0x8000_0000, 0) : (0, 0x8000_0000, 0x8000_0000, 0)
    }
    XCTAssertEqual(draws, [0, 1])
    let half = RandomStreams.unit(0x8000_0000)
    XCTAssertEqual(tail, Ziggurat.r + -VectorMath.log(half) / Ziggurat.r)
    XCTAssertGreaterThan(tail, Ziggurat.r)
    let mirrored = Ziggurat.normal(word: 0x8000_0000) { _ in (0, 0x8000_0000, 0x8000_0000, 0) }
    XCTAssertEqual(mirrored, -tail)
  }

  /// The engine's normals (the C kernel, 2²¹ of them: paths × months × factors) against the standard normal:
  /// Kolmogorov–Smirnov at α = 0.001, the tail beyond r and beyond 4, the variance and the fourth moment, each
  /// within four standard errors.
  func testTheKernelsNormalsAreStandardNormal() {
    let streams = RandomStreams(seed: 20_261_206)
    let lanes = 2048, months = 2...257, rows = months.count * lanes
    var z = [Double](repeating: 0, count: 4 * rows)
    z.withUnsafeMutableBufferPointer {
      VectorKernels.factorNormals(
        streams, firstPath: 0, lanes: lanes, months: months, into: $0.baseAddress!, monthStride: lanes,
        factorStride: rows)
    }
    let n = Double(z.count)
    let sorted = z.sorted()
    var d = 0.0
    for (i, x) in sorted.enumerated() {
      let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
      d = max(d, abs(cdf - Double(i) / n), abs(Double(i + 1) / n - cdf))
    }
    XCTAssertLessThan(d, 1.949 / n.squareRoot(), "Kolmogorov–Smirnov distance")

    for threshold in [Ziggurat.r, 4.0] {
      let p = erfc(threshold / 2.0.squareRoot())
      let count = Double(z.filter { abs($0) > threshold }.count)
      assertWithinStandardErrors(count / n, p, standardError: (p * (1 - p) / n).squareRoot(), "P(|Z| > \(threshold))")
    }
    let (mean, se) = meanAndStandardError(z)
    assertWithinStandardErrors(mean, 0, standardError: se, "mean")
    let second = z.reduce(0) { $0 + $1 * $1 } / n
    assertWithinStandardErrors(second, 1, standardError: (2 / n).squareRoot(), "E[Z²]")
    // Var(Z⁴) = E[Z⁸] − 9 = 105 − 9.
    let fourth = z.reduce(0) { $0 + $1 * $1 * $1 * $1 } / n
    assertWithinStandardErrors(fourth, 3, standardError: (96 / n).squareRoot(), "E[Z⁴]")
    // Neighbouring factors of a path are independent.
    let pairs = (0..<rows).reduce(0.0) { $0 + z[$1] * z[rows + $1] } / Double(rows)
    assertWithinStandardErrors(pairs, 0, standardError: 1 / Double(rows).squareRoot(), "E[Z₀Z₁]")
  }
}
