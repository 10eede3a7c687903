import ReserveSim
import XCTest

/// The inversion samplers give the binomial and Poisson moments, also across chunks.
final class DistributionTests: XCTestCase {
  private func uniforms(_ count: Int, seed: UInt64) -> [Double] {
    let streams = RandomStreams(seed: seed)
    return (0..<count).map { i in
      let w = streams.words(path: UInt32(i), month: 12, stream: .sponsorDraws)
      return RandomStreams.unit53(w.0, w.1)
    }
  }

  func testBinomialChunkMomentsOnBothSidesOfOneHalf() {
    for (n, p) in [(20, 0.3), (50, 0.85), (512, 0.5), (7, 0.999)] {
      let draws = uniforms(40_000, seed: UInt64(n)).map {
        Double(Distributions.binomialChunk(trials: n, probability: p, uniform: $0))
      }
      let (mean, se) = meanAndStandardError(draws)
      assertWithinStandardErrors(mean, Double(n) * p, standardError: se, "Binomial(\(n), \(p)) mean")
      let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
      let expected = Double(n) * p * (1 - p)
      // se of the sample variance ≈ √((μ₄ − σ⁴)/N), with the binomial μ₄ = npq(1 + 3(n − 2)pq).
      let fourth = expected * (1 + 3 * Double(n - 2) * p * (1 - p))
      let varianceSE = ((fourth - expected * expected) / Double(draws.count)).squareRoot()
      assertWithinStandardErrors(variance, expected, standardError: varianceSE, "Binomial(\(n), \(p)) variance")
    }
    XCTAssertEqual(Distributions.binomialChunk(trials: 10, probability: 1, uniform: 0.3), 10)
    XCTAssertEqual(Distributions.binomialChunk(trials: 10, probability: 0, uniform: 0.3), 0)
  }

  func testPoissonChunkMoments() {
    for lambda in [0.4, 3.0, 40.0, 500.0] {
      let draws = uniforms(40_000, seed: UInt64(lambda * 10)).map {
        Double(Distributions.poissonChunk(mean: lambda, uniform: $0))
      }
      let (mean, se) = meanAndStandardError(draws)
      assertWithinStandardErrors(mean, lambda, standardError: se, "Poisson(\(lambda)) mean")
      let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
      // Poisson μ₄ = λ(1 + 3λ).
      let varianceSE = ((lambda * (1 + 3 * lambda) - lambda * lambda) / Double(draws.count)).squareRoot()
      assertWithinStandardErrors(variance, lambda, standardError: varianceSE, "Poisson(\(lambda)) variance")
    }
  }
}

/// The tabulated sponsor draws return exactly what the samplers return.
final class SponsorInversionTablesTests: XCTestCase {
  func testTablesMatchTheSamplersDrawForDraw() {
    let streams = RandomStreams(seed: 3)
    for (p, lambda) in [(0.85, 0.4), (0.3, 3.0), (0.5, 40.0), (0.999, 480.0), (0.05, 0.0)] {
      let tables = SponsorInversionTables(renewalProbability: p, newPerYear: lambda)
      for i in 0..<3000 {
        let w = streams.words(path: UInt32(i), month: 12, stream: .sponsorDraws)
        let u = RandomStreams.unit53(w.0, w.1), v = RandomStreams.unit53(w.2, w.3)
        let n = i % (SponsorInversionTables.maximumCount + 1)
        XCTAssertEqual(
          tables.renewals(of: n, uniform: u), Distributions.binomialChunk(trials: n, probability: p, uniform: u),
          "Binomial(\(n), \(p)) at u = \(u)")
        if lambda > 0 {
          XCTAssertEqual(
            tables.arrivals(uniform: v), Distributions.poissonChunk(mean: lambda, uniform: v), "Poisson(\(lambda))")
        }
      }
      // The extremes of the uniform.
      XCTAssertEqual(
        tables.renewals(of: 64, uniform: 1 - 0x1p-53),
        Distributions.binomialChunk(trials: 64, probability: p, uniform: 1 - 0x1p-53))
      if lambda > 0 {
        XCTAssertEqual(
          tables.arrivals(uniform: 1 - 0x1p-53), Distributions.poissonChunk(mean: lambda, uniform: 1 - 0x1p-53))
      }
    }
  }
}
