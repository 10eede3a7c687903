import ReserveSim
import ReserveSimEngine
import XCTest

/// Philox4x32-10 against the Random123 known-answer vectors, and the samplers built on it.
final class PhiloxTests: XCTestCase {
  func testKnownAnswerVectors() {
    // Random123 kat_vectors: "philox4x32 10 CTR[4] KEY[2] → OUT[4]".
    let zero = Philox4x32.block(0, 0, 0, 0, key: 0, 0)
    XCTAssertTrue(zero == (0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
    let ones = Philox4x32.block(.max, .max, .max, .max, key: .max, .max)
    XCTAssertTrue(ones == (0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
    let pi = Philox4x32.block(0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344, key: 0xa409_3822, 0x299f_31d0)
    XCTAssertTrue(pi == (0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
  }

  func testUniformsHaveTheRightMeanAndVariance() {
    let streams = RandomStreams(seed: 42)
    var values: [Double] = []
    for path in 0..<50_000 {
      let w = streams.words(path: UInt32(path), month: 3, stream: .serviceDraws)
      values += [w.0, w.1, w.2, w.3].map(RandomStreams.unit)
    }
    let (mean, se) = meanAndStandardError(values)
    assertWithinStandardErrors(mean, 0.5, standardError: se, "uniform mean")
    let variance = values.reduce(0) { $0 + ($1 - 0.5) * ($1 - 0.5) } / Double(values.count)
    // Var of (U − ½)² is 1/80 − 1/144 = 1/180.
    assertWithinStandardErrors(
      variance, 1.0 / 12, standardError: (1.0 / 180 / Double(values.count)).squareRoot(), "uniform variance")
    XCTAssertTrue(values.allSatisfy { $0 > 0 && $0 < 1 })
  }

  func testBoxMullerNormalsAreStandardAndUncorrelated() {
    let streams = RandomStreams(seed: 9)
    var a: [Double] = [], b: [Double] = []
    for path in 0..<40_000 {
      let z = streams.factorShocks(path: UInt32(path), month: 2)
      a += [z.0, z.2]
      b += [z.1, z.3]
    }
    let n = Double(a.count)
    let (mean, se) = meanAndStandardError(a + b)
    assertWithinStandardErrors(mean, 0, standardError: se, "normal mean")
    let variance = (a + b).reduce(0) { $0 + $1 * $1 } / (2 * n)
    // Var of Z² is 2.
    assertWithinStandardErrors(variance, 1, standardError: (2 / (2 * n)).squareRoot(), "normal variance")
    let correlation = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / n
    assertWithinStandardErrors(correlation, 0, standardError: 1 / n.squareRoot(), "pair correlation")
  }

  func testFourLanePhiloxEqualsOneLane() {
    let streams = RandomStreams(seed: 77)
    for first in stride(from: UInt32(0), to: 4000, by: 4) {
      let four = Philox4x32.blocks(
        SIMD4(first, first + 1, first + 2, first + 3), 9, 0x0100_0000, 0, key: streams.key0, streams.key1)
      for lane in 0..<4 {
        let one = streams.words(path: first + UInt32(lane), month: 9, stream: .factorShocks)
        XCTAssertTrue(one == (four.0[lane], four.1[lane], four.2[lane], four.3[lane]))
      }
    }
  }

  func testDifferentAddressesGiveDifferentWords() {
    let streams = RandomStreams(seed: 1)
    let a = streams.words(path: 1, month: 2, stream: .eventStarts)
    let b = streams.words(path: 1, month: 2, stream: .serviceDraws)
    let c = streams.words(path: 2, month: 2, stream: .eventStarts)
    XCTAssertFalse(a == b)
    XCTAssertFalse(a == c)
    XCTAssertFalse(RandomStreams(seed: 2).words(path: 1, month: 2, stream: .eventStarts) == a)
  }
}
