import Foundation
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimResults

/// The paired bootstrap's weights against the Poisson(1) distribution, and its windowed answers against the sorted
/// walk of every resample.
final class PoissonBootstrapTests: XCTestCase {
  /// Each resample's weights of `paths` paths, `[r][j]`.
  private func weightTable(_ weights: PoissonWeights, paths: Int) -> [[Int]] {
    var table = [[Int]](repeating: [Int](repeating: 0, count: paths), count: weights.resamples)
    let w = UnsafeMutablePointer<UInt8>.allocate(capacity: weights.stride)
    defer { w.deallocate() }
    for j in 0..<paths {
      weights.weights(path: j, into: w)
      for r in 0..<weights.resamples { table[r][j] = Int(w[r]) }
    }
    return table
  }

  /// The answers as the definition reads: sort each run's values, walk up adding the resample's weights until they
  /// reach ⌈c·W_r⌉ (the sample's own quantile when W_r = 0).
  private func sortedWalk(_ runs: [[Double]], confidences: [Double], weights: PoissonWeights) -> [[[Double]]] {
    let n = runs[0].count
    let table = weightTable(weights, paths: n)
    return table.map { w in
      let total = w.reduce(0, +)
      return runs.map { values in
        let order = values.indices.sorted { values[$0] < values[$1] }
        return confidences.map { c in
          guard total > 0 else { return order.map { values[$0] }[Quantiles.ceilRank(c, of: n) - 1] }
          let target = Quantiles.ceilRank(c, of: total)
          var reached = 0
          for j in order {
            reached += w[j]
            if reached >= target { return values[j] }
          }
          preconditionFailure("the weights add up to W")
        }
      }
    }
  }

  func testTheThresholdsAreThePoissonDistributionFunction() {
    let thresholds = PoissonWeights.thresholds
    var cumulative = 0.0, factorial = 1.0
    for (k, threshold) in thresholds.enumerated() {
      if k > 0 { factorial *= Double(k) }
      cumulative += Foundation.exp(-1.0) / factorial
      XCTAssertEqual(Double(threshold), min(Double(UInt32.max), cumulative * 4_294_967_296), accuracy: 1.5, "T_\(k)")
      if k > 0 { XCTAssertGreaterThan(threshold, thresholds[k - 1]) }
    }
  }

  func testWeightsFollowPoissonOneIndependentlyAcrossResamplesAndPaths() {
    let weights = PoissonWeights(resamples: 200, seed: PairedBootstrap.defaultSeed)
    let paths = 5_000
    let table = weightTable(weights, paths: paths)
    let all = table.flatMap { $0 }
    let n = Double(all.count)
    // Mean and variance of Poisson(1) are both 1: the mean's standard error is 1/√n.
    let mean = Double(all.reduce(0, +)) / n
    XCTAssertEqual(mean, 1, accuracy: 4 / n.squareRoot())
    // χ² against the Poisson probabilities, k = 0 … 5 and 6 or more (6 degrees of freedom; 99.9% point 22.5).
    var counts = [Double](repeating: 0, count: 7)
    for w in all { counts[min(w, 6)] += 1 }
    var probability = Foundation.exp(-1.0), tail = 1.0, chiSquare = 0.0
    for k in 0..<6 {
      chiSquare += (counts[k] - n * probability) * (counts[k] - n * probability) / (n * probability)
      tail -= probability
      probability /= Double(k + 1)
    }
    chiSquare += (counts[6] - n * tail) * (counts[6] - n * tail) / (n * tail)
    XCTAssertLessThan(chiSquare, 22.5)
    // Neighbouring resamples of a path, and neighbouring paths of a resample, uncorrelated (standard error 1/√pairs).
    func correlation(_ pairs: [(Int, Int)]) -> Double {
      let m = Double(pairs.count)
      let meanX = Double(pairs.map(\.0).reduce(0, +)) / m, meanY = Double(pairs.map(\.1).reduce(0, +)) / m
      let covariance = pairs.map { (Double($0.0) - meanX) * (Double($0.1) - meanY) }.reduce(0, +) / m
      return covariance  // both variances are 1
    }
    let acrossResamples = (0..<199).flatMap { r in (0..<paths).map { (table[r][$0], table[r + 1][$0]) } }
    XCTAssertEqual(correlation(acrossResamples), 0, accuracy: 4 / Double(acrossResamples.count).squareRoot())
    let acrossPaths = (0..<200).flatMap { r in (0..<(paths - 1)).map { (table[r][$0], table[r][$0 + 1]) } }
    XCTAssertEqual(correlation(acrossPaths), 0, accuracy: 4 / Double(acrossPaths.count).squareRoot())
  }

  func testTheWindowedAnswersEqualTheSortedWalk() {
    var generator = SplitMix64(seed: 11)
    // Ties (values on a coarse grid, many of them 0 as needs are) and a second run on the same paths.
    let a = (0..<3000).map { _ in max(0, Double(generator.next() % 400) - 150) * 1000 }
    let b = a.map { $0 + Double(generator.next() % 3) * 1000 }
    let confidences = [0.05, 0.5, 0.9, 0.99, 1]
    let weights = PoissonWeights(resamples: 40, seed: 3)
    let expected = sortedWalk([a, b], confidences: confidences, weights: weights)
    XCTAssertEqual(
      PairedBootstrap.resampleQuantiles(of: [a, b], confidences: confidences, resamples: 40, seed: 3), expected)
    // The confidences in another order: the windows are taken in the order of their low ends, whatever it is.
    let shuffled = [0.9, 1, 0.05, 0.99, 0.5]
    XCTAssertEqual(
      PairedBootstrap.resampleQuantiles(of: [a, b], confidences: shuffled, resamples: 40, seed: 3),
      sortedWalk([a, b], confidences: shuffled, weights: weights))
  }

  func testAFewPathsWithResamplesOfNoWeightAtAll() {
    // With 3 paths a resample weighs nothing with probability e⁻³: its answer is the sample's own quantile.
    let a = [5.0, -2, 9], b = [1.0, 1, 4]
    let weights = PoissonWeights(resamples: 200, seed: 7)
    let table = weightTable(weights, paths: 3)
    XCTAssertTrue(table.contains { $0.reduce(0, +) == 0 }, "no resample without weight: the case is not tested")
    let expected = sortedWalk([a, b], confidences: [0.5, 0.9], weights: weights)
    XCTAssertEqual(PairedBootstrap.resampleQuantiles(of: [a, b], confidences: [0.5, 0.9], seed: 7), expected)
  }

  func testAWindowTooNarrowSaysSoAndTheWholeRangeResolvesEveryResample() {
    var generator = SplitMix64(seed: 12)
    let values = (0..<2000).map { _ in Double(generator.next() % 1_000_000) }
    let sorted = values.sorted()
    let weights = PoissonWeights(resamples: 50, seed: 5)
    let median = sorted[999]
    func answers(low: Double, high: Double) -> [[[Double]]]? {
      let quantiles = ResampledQuantiles(
        weights: weights, confidences: [0.5], sample: [[median]],
        windows: [[ResampledQuantiles.Window(low: low, high: high)]], threads: 2)
      values.withUnsafeBufferPointer { quantiles.add([$0], firstPath: 0) }
      return quantiles.answers()
    }
    XCTAssertNil(answers(low: median, high: median))
    XCTAssertNil(answers(low: sorted[0], high: sorted[990]), "answers above the window")
    XCTAssertNil(answers(low: sorted[1010], high: sorted[1999]), "answers below the window")
    let expected = sortedWalk([values], confidences: [0.5], weights: weights)
    XCTAssertEqual(answers(low: sorted[0], high: sorted[1999]), expected)
    XCTAssertEqual(answers(low: sorted[900], high: sorted[1100]), expected)
  }

  func testPathsAddedInChunksAndOnAnyThreadsGiveTheAnswersOfOneArray() {
    var generator = SplitMix64(seed: 13)
    let a = (0..<20_000).map { _ in Double(generator.next() % 100_000) }
    let b = a.map { $0 * 1.5 }
    let confidences = [0.5, 0.95]
    let whole = PairedBootstrap.resampleQuantiles(
      of: [a, b], confidences: confidences, resamples: 30, seed: 9, threads: 1)
    // In chunks, on three threads: the same answers.
    let chunked = PairedBootstrap.answers(
      runs: 2, paths: a.count, confidences: confidences, resamples: 30, seed: 9, threads: 3,
      orderStatistics: { ranks in [a, b].map { RunOutcome.orderStatistics($0, ranks: ranks) } },
      pass: { quantiles in
        for start in stride(from: 0, to: a.count, by: 7_000) {
          let range = start..<min(a.count, start + 7_000)
          a[range].withUnsafeBufferPointer { x in
            b[range].withUnsafeBufferPointer { y in quantiles.add([x, y], firstPath: start) }
          }
        }
      })
    XCTAssertEqual(chunked, whole)
  }
}
