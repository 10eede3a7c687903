import Foundation
import ReserveSim
import ReserveSimAnalysis
import ReserveSimEngine
import XCTest
import _ReserveSimKernels

/// The year end of a tier whose rates differ between paths (SPEC §16): the C kernel `rs_roll_over_lanes` draws
/// exactly what the engine's samplers (`Distributions.binomial` and `.poisson` on the same `UniformSequence`s)
/// draw, at every instruction-set level, and leaves the counts and means past inversion to them.
final class SponsorLanesTests: XCTestCase {
  override func tearDown() {
    VectorKernels.use(VectorKernels.supportedLevel)
    super.tearDown()
  }

  func testKernelDrawsWhatTheSamplersDraw() {
    let lanes = 200, tier: Int32 = 3, month: Int32 = 24, firstPath: UInt32 = 1_000_003
    let streams = RandomStreams(seed: 0xC0FFEE)
    var generator = TestGenerator(SplitMix64(seed: 20_261_128))
    // Counts up to 600 and means up to 600 (some past the inversion limits of 512 and 500), rates from 0 to 1.2
    // (products of 1 or more are certain renewals), factors as events make them.
    let counts = (0..<lanes).map { _ in Int64.random(in: 0...600, using: &generator) }
    let renewal = (0..<lanes).map { lane in lane % 17 == 0 ? 0 : Double.random(in: 0...1.2, using: &generator) }
    let arrivals = (0..<lanes).map { lane in lane % 13 == 0 ? 0 : Double.random(in: 0...600, using: &generator) }
    let renewalFactor = (0..<lanes).map { _ in [1, 0.85, 1.3].randomElement(using: &generator)! }
    let arrivalFactor = (0..<lanes).map { _ in [1, 0.5].randomElement(using: &generator)! }
    for level in VectorKernels.Level.allCases where level.rawValue <= VectorKernels.supportedLevel.rawValue {
      VectorKernels.use(level)
      let rows = Int(tier) + 1
      var sponsors = [Int64](repeating: 0, count: rows * lanes)
      var fallback = [UInt8](repeating: 0, count: rows * lanes)
      for lane in 0..<lanes {
        sponsors[Int(tier) * lanes + lane] = counts[lane]
        fallback[Int(tier) * lanes + lane] = 1
      }
      var scratch = [UInt64](repeating: 0, count: 2 * lanes)
      var work = [Double](repeating: 0, count: 6 * lanes)
      scratch.withUnsafeMutableBufferPointer { scratch in
        var at = rs_block_month(
          key0: streams.key0, key1: streams.key1, firstPath: firstPath, lanes: Int32(lanes), month: month,
          stride: lanes, scratch: scratch.baseAddress)
        rs_roll_over_lanes(&at, tier, renewal, arrivals, renewalFactor, arrivalFactor, &work, &sponsors, &fallback)
      }
      for lane in 0..<lanes {
        let n = counts[lane]
        let lambda = arrivals[lane] * arrivalFactor[lane]
        let cell = Int(tier) * lanes + lane
        guard n <= 512 && lambda <= 500 else {
          XCTAssertEqual(fallback[cell], 1, "lane \(lane) is left to the rejection samplers")
          XCTAssertEqual(sponsors[cell], n)
          continue
        }
        let path = firstPath + UInt32(lane)
        var renewals = UniformSequence(
          streams, path: path, month: UInt32(month), stream: .sponsorDraws, index: UInt32(tier), words: .low)
        var joins = UniformSequence(
          streams, path: path, month: UInt32(month), stream: .sponsorDraws, index: UInt32(tier), words: .high)
        let expected =
          Distributions.binomial(
            trials: n, probability: min(1, renewal[lane] * renewalFactor[lane]), uniforms: &renewals)
          + Distributions.poisson(mean: lambda, uniforms: &joins)
        XCTAssertEqual(sponsors[cell], expected, "lane \(lane) at \(level): n \(n), λ \(lambda)")
        XCTAssertEqual(fallback[cell], 0)
      }
    }
  }
}

/// The library's fixed-seed SplitMix64 as a `RandomNumberGenerator`, for test inputs.
struct TestGenerator: RandomNumberGenerator {
  var source: SplitMix64
  init(_ source: SplitMix64) { self.source = source }
  mutating func next() -> UInt64 { source.next() }
}
