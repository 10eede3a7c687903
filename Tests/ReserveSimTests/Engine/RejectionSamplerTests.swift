import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine

/// `Distributions.binomial` and `Distributions.poisson` beyond the inversion limits (BTRD, PTRS, and the binomial's
/// inversion at small means): moments, the whole mass function by a chi-square test, symmetry, edge cases, the
/// uniforms they take, and the bits they keep where inversion still applies.
final class RejectionSamplerTests: XCTestCase {
  /// The sequence a kernel lane would use at year end: path i, month 12, tier 0, words 0–1 or 2–3.
  private func sequence(_ streams: RandomStreams, path: Int, words: UniformSequence.Words) -> UniformSequence {
    UniformSequence(streams, path: UInt32(path), month: 12, stream: .sponsorDraws, words: words)
  }

  private func binomialDraws(n: Int64, p: Double, count: Int, seed: UInt64) -> [Int64] {
    let streams = RandomStreams(seed: seed)
    return (0..<count).map { i in
      var uniforms = sequence(streams, path: i, words: .low)
      return Distributions.binomial(trials: n, probability: p, uniforms: &uniforms)
    }
  }

  private func poissonDraws(lambda: Double, count: Int, seed: UInt64) -> [Int64] {
    let streams = RandomStreams(seed: seed)
    return (0..<count).map { i in
      var uniforms = sequence(streams, path: i, words: .high)
      return Distributions.poisson(mean: lambda, uniforms: &uniforms)
    }
  }

  /// Checks the sample mean and variance against μ and σ² within 4 standard errors.
  ///
  /// The mean's se is σ/√N. The sample variance s² has Var(s²) = (μ₄ − σ⁴·(N − 3)/(N − 1))/N with
  /// μ₄ = κ₄ + 3σ⁴, so se(s²) = √((κ₄ + 2σ⁴·N/(N − 1))/N) ≈ √((κ₄ + 2σ⁴)/N) (κ₄ the fourth cumulant).
  private func assertMoments(
    _ draws: [Int64], mean mu: Double, variance sigma2: Double, fourthCumulant kappa4: Double, _ what: String,
    file: StaticString = #filePath, line: UInt = #line
  ) {
    let n = Double(draws.count)
    // Differences from μ (exact in doubles for counts below 2⁵³) keep the sums accurate at n = 10⁹.
    let deviations = draws.map { Double($0) - mu }
    let meanDeviation = deviations.reduce(0, +) / n
    assertWithinStandardErrors(
      mu + meanDeviation, mu, standardError: (sigma2 / n).squareRoot(), "\(what) mean", file: file, line: line)
    let variance = deviations.reduce(0) { $0 + ($1 - meanDeviation) * ($1 - meanDeviation) } / (n - 1)
    let varianceSE = ((kappa4 + 2 * sigma2 * sigma2 * n / (n - 1)) / n).squareRoot()
    assertWithinStandardErrors(variance, sigma2, standardError: varianceSE, "\(what) variance", file: file, line: line)
  }

  func testBinomialMomentsBeyondInversion() {
    let cases: [(n: Int64, p: Double)] = [
      (513, 0.5), (513, 0.02), (513, 0.98), (1000, 0.3), (1_000_000, 0.999), (1_000_000, 0.5),
      (1_000_000, 2e-6), (1_000_000, 1 - 2e-6), (1_000_000_000, 0.5), (1_000_000_000, 0.3),
      (1_000_000_000, 1e-8), (1_000_000_000, 1 - 1e-8), (1_000_000_000, 1e-7), (1_000_000_000, 0.9999),
    ]
    for (index, (n, p)) in cases.enumerated() {
      let draws = binomialDraws(n: n, p: p, count: 40_000, seed: 100 + UInt64(index))
      XCTAssertTrue(draws.allSatisfy { (0...n).contains($0) }, "Binomial(\(n), \(p)) outside 0…n")
      let q = 1 - p, variance = Double(n) * p * q
      assertMoments(
        draws, mean: Double(n) * p, variance: variance, fourthCumulant: variance * (1 - 6 * p * q),
        "Binomial(\(n), \(p))")
    }
  }

  func testPoissonMomentsBeyondInversion() {
    for (index, lambda) in [500.5, 501, 600, 2_345.6, 1e5, 1e8, 1e10].enumerated() {
      let draws = poissonDraws(lambda: lambda, count: 40_000, seed: 200 + UInt64(index))
      XCTAssertTrue(draws.allSatisfy { $0 >= 0 }, "Poisson(\(lambda)) negative")
      assertMoments(draws, mean: lambda, variance: lambda, fourthCumulant: lambda, "Poisson(\(lambda))")
    }
  }

  /// Pearson's χ² of `draws` against the masses `mass(k)` on `support` (outside it the masses are below 1e−12
  /// in all, and a draw there counts in the edge bin): consecutive outcomes are grouped into bins expecting at
  /// least 40 draws each.
  private func chiSquare(_ draws: [Int64], support: ClosedRange<Int64>, mass: (Int64) -> Double) -> (
    statistic: Double, degrees: Int
  ) {
    let total = Double(draws.count)
    var upperEnds: [Int64] = [], expected: [Double] = []
    var running = 0.0
    for k in support {
      running += mass(k) * total
      if running >= 40 {
        upperEnds.append(k)
        expected.append(running)
        running = 0
      }
    }
    // The remainder joins the last bin, which reaches the end of the support.
    expected[expected.count - 1] += running
    upperEnds[upperEnds.count - 1] = support.upperBound
    var observed = [Double](repeating: 0, count: expected.count)
    for k in draws {
      let clamped = min(max(k, support.lowerBound), support.upperBound)
      var low = 0, high = upperEnds.count - 1
      while low < high {
        let middle = (low + high) / 2
        if upperEnds[middle] >= clamped { high = middle } else { low = middle + 1 }
      }
      observed[low] += 1
    }
    let sum = expected.reduce(0, +)
    var statistic = 0.0
    for (o, e) in zip(observed, expected) {
      let scaled = e * total / sum  // the masses outside the support, spread (≤ 1e−12 relative)
      statistic += (o - scaled) * (o - scaled) / scaled
    }
    return (statistic, expected.count - 1)
  }

  /// The upper 10⁻⁶ point of χ² with k degrees of freedom by Wilson–Hilferty: k(1 − 2/(9k) + z√(2/(9k)))³ with
  /// z = 4.753 (the normal's upper 10⁻⁶ point). A correct sampler fails this with probability about 10⁻⁶.
  private func chiSquareCriticalValue(degrees k: Int) -> Double {
    let a = 2 / (9 * Double(k))
    return Double(k) * pow(1 - a + 4.753 * a.squareRoot(), 3)
  }

  /// ln of the binomial mass by lgamma, independent of the sampler's saddle-point form.
  private func logBinomialMass(_ k: Int64, n: Int64, p: Double) -> Double {
    let (kd, nd) = (Double(k), Double(n))
    let logChoose: Double = lgamma(nd + 1) - lgamma(kd + 1) - lgamma(nd - kd + 1)
    return logChoose + kd * log(p) + (nd - kd) * log1p(-p)
  }

  private func binomialMass(_ k: Int64, n: Int64, p: Double) -> Double { exp(logBinomialMass(k, n: n, p: p)) }

  private func poissonMass(_ k: Int64, lambda: Double) -> Double {
    exp(-lambda + Double(k) * log(lambda) - lgamma(Double(k) + 1))
  }

  func testBinomialFrequenciesMatchTheMassFunction() {
    let cases: [(n: Int64, p: Double)] = [(1000, 0.3), (513, 0.04), (100_000, 0.999), (1_000_000_000, 0.5)]
    for (index, (n, p)) in cases.enumerated() {
      let draws = binomialDraws(n: n, p: p, count: 100_000, seed: 300 + UInt64(index))
      let mean = Double(n) * p, sd = (mean * (1 - p)).squareRoot()
      let low = Int64(max(0, (mean - 8 * sd - 10).rounded(.down)))
      let high = Int64(min(Double(n), (mean + 8 * sd + 10).rounded(.up)))
      let (statistic, degrees) = chiSquare(draws, support: low...high) { binomialMass($0, n: n, p: p) }
      XCTAssertGreaterThan(degrees, 10)
      XCTAssertLessThan(
        statistic, chiSquareCriticalValue(degrees: degrees), "Binomial(\(n), \(p)): χ² on \(degrees) degrees")
    }
  }

  func testPoissonFrequenciesMatchTheMassFunction() {
    for (index, lambda) in [600.0, 501, 40_000].enumerated() {
      let draws = poissonDraws(lambda: lambda, count: 100_000, seed: 400 + UInt64(index))
      let sd = lambda.squareRoot()
      let low = Int64(max(0, (lambda - 8 * sd - 10).rounded(.down)))
      let high = Int64((lambda + 8 * sd + 10).rounded(.up))
      let (statistic, degrees) = chiSquare(draws, support: low...high) { poissonMass($0, lambda: lambda) }
      XCTAssertGreaterThan(degrees, 10)
      XCTAssertLessThan(
        statistic, chiSquareCriticalValue(degrees: degrees), "Poisson(\(lambda)): χ² on \(degrees) degrees")
    }
  }

  /// Binomial(n, p) = n − Binomial(n, 1 − p) draw by draw (where 1 − (1 − p) = p in doubles): with the same
  /// uniforms above 512 trials (rejection, or inversion at small means, on the side with p ≤ ½), and with
  /// u ↔ 1 − u under today's inversion up to 512.
  func testSymmetryBetweenSuccessesAndFailures() {
    let streams = RandomStreams(seed: 9)
    for (n, p) in [(Int64(5_000), 0.25), (1_000_000_000, 0.375), (2_000, 0.001953125)] {
      XCTAssertEqual(1 - (1 - p), p)
      for i in 0..<2_000 {
        var a = sequence(streams, path: i, words: .low), b = sequence(streams, path: i, words: .low)
        XCTAssertEqual(
          Distributions.binomial(trials: n, probability: p, uniforms: &a),
          n - Distributions.binomial(trials: n, probability: 1 - p, uniforms: &b), "n \(n), p \(p), path \(i)")
      }
    }
    for u in stride(from: 0.0005, to: 1, by: 0.001) {
      XCTAssertEqual(
        Distributions.binomialByInversion(trials: 300, probability: 0.25, uniform: u),
        300 - Distributions.binomialByInversion(trials: 300, probability: 0.75, uniform: 1 - u))
    }
  }

  func testEdgeCases() {
    let streams = RandomStreams(seed: 3)
    for n: Int64 in [0, 1, 512, 513, 1_000_000_000] {
      var uniforms = sequence(streams, path: 1, words: .low)
      XCTAssertEqual(Distributions.binomial(trials: n, probability: 0, uniforms: &uniforms), 0)
      XCTAssertEqual(Distributions.binomial(trials: n, probability: 1, uniforms: &uniforms), n)
      XCTAssertEqual(Distributions.binomial(trials: n, probability: 1.5, uniforms: &uniforms), n)
    }
    var uniforms = sequence(streams, path: 1, words: .high)
    XCTAssertEqual(Distributions.binomial(trials: 0, probability: 0.5, uniforms: &uniforms), 0)
    XCTAssertEqual(Distributions.binomial(trials: -4, probability: 0.5, uniforms: &uniforms), 0)
    XCTAssertEqual(Distributions.poisson(mean: 0, uniforms: &uniforms), 0)
    XCTAssertEqual(Distributions.poisson(mean: -1, uniforms: &uniforms), 0)
    XCTAssertEqual(Distributions.poisson(mean: .nan, uniforms: &uniforms), 0)
    // None of those took a uniform.
    XCTAssertEqual(uniforms.draw, 1)
  }

  /// Inversion takes draw 1's uniform only, as the chunked samplers did for one chunk (counts ≤ 512, means ≤ 500),
  /// so today's files give the same bits; the sequence then moves on to draws 2, 3, ….
  func testInversionKeepsTheFirstUniform() {
    let streams = RandomStreams(seed: 11)
    for path in 0..<500 {
      let w1 = streams.words(path: UInt32(path), month: 12, stream: .sponsorDraws, index: 3, draw: 1)
      let w2 = streams.words(path: UInt32(path), month: 12, stream: .sponsorDraws, index: 3, draw: 2)
      var low = UniformSequence(streams, path: UInt32(path), month: 12, stream: .sponsorDraws, index: 3, words: .low)
      var high = UniformSequence(
        streams, path: UInt32(path), month: 12, stream: .sponsorDraws, index: 3, words: .high)
      let n = Int64(1 + path % 512), p = [0.1, 0.5, 0.93][path % 3], lambda = 0.5 + Double(path)
      XCTAssertEqual(
        Distributions.binomial(trials: n, probability: p, uniforms: &low),
        Distributions.binomialByInversion(trials: n, probability: p, uniform: RandomStreams.unit53(w1.0, w1.1)))
      XCTAssertEqual(
        Distributions.poisson(mean: lambda, uniforms: &high),
        Distributions.poissonByInversion(mean: lambda, uniform: RandomStreams.unit53(w1.2, w1.3)))
      XCTAssertEqual(low.next(), RandomStreams.unit53(w2.0, w2.1))
      XCTAssertEqual(high.next(), RandomStreams.unit53(w2.2, w2.3))
    }
  }

  /// The uniforms a draw takes do not grow with n or λ: the mean over 20,000 draws stays below 3 at every size
  /// (about 1.4–1.6 for BTRD, which often accepts from one uniform, and 2.25 for PTRS, which takes pairs).
  func testUniformsPerDrawDoNotGrow() {
    let streams = RandomStreams(seed: 5)
    for n: Int64 in [513, 100_000, 1_000_000_000, 1 << 40] {
      var used = 0
      for i in 0..<20_000 {
        var uniforms = sequence(streams, path: i, words: .low)
        _ = Distributions.binomial(trials: n, probability: 0.4, uniforms: &uniforms)
        used += Int(uniforms.draw) - 1
      }
      XCTAssertLessThan(Double(used) / 20_000, 3, "Binomial(\(n), 0.4)")
    }
    for lambda in [501.0, 1e5, 1e8, 1e12] {
      var used = 0
      for i in 0..<20_000 {
        var uniforms = sequence(streams, path: i, words: .high)
        _ = Distributions.poisson(mean: lambda, uniforms: &uniforms)
        used += Int(uniforms.draw) - 1
      }
      XCTAssertLessThan(Double(used) / 20_000, 3, "Poisson(\(lambda))")
    }
  }

  /// The sampler's log-masses (saddle-point form) against lgamma's where lgamma is still exact enough.
  func testLogMassesAgreeWithLogGamma() {
    for (n, p) in [(Int64(1000), 0.3), (513, 0.02), (40_000, 0.5)] {
      for k in stride(from: Int64(0), through: n, by: Int(max(1, n / 97))) {
        let exact = logBinomialMass(k, n: n, p: p)
        XCTAssertEqual(
          Distributions.logBinomialMass(k, trials: n, probability: p), exact, accuracy: 1e-9 * max(1, abs(exact)),
          "n \(n), p \(p), k \(k)")
      }
    }
    for lambda in [600.0, 12_345.5] {
      for k in stride(from: Int64(0), through: Int64(3 * lambda), by: 37) {
        let exact = -lambda + Double(k) * log(lambda) - lgamma(Double(k) + 1)
        XCTAssertEqual(
          Distributions.logPoissonMass(k, mean: lambda), exact, accuracy: 1e-9 * max(1, abs(exact)),
          "λ \(lambda), k \(k)")
      }
    }
  }
}
