import Foundation
import ReserveSimResults

/// Paired bootstrap intervals for differences of order statistics between two runs on common random numbers.
///
/// Path i of run A and path i of run B share their random numbers, so (a_i, b_i) is one paired observation.
/// Resample r weighs path i by w_ri ~ Poisson(1) (`PoissonWeights`: the Poisson bootstrap, the same weights for A and
/// B, which keeps the pairing) and computes the statistic g(q_c(b*)) − g(q_c(a*)), with q_c the weighted ⌈c·W_r⌉-th
/// smallest value of the resample (W_r = Σ_i w_ri). The 95% interval is the 2.5th and 97.5th percentiles of the
/// resampled differences (the percentile method). When a and b are equal the difference is 0 in every resample, so
/// the interval is exactly [0, 0].
///
/// Each path's weights come from its own address, so the resamples need not hold the paths side by side:
/// `ResampledQuantiles` finds every resample's q_c from passes over the paths in any order, in memory that does not
/// grow with them (a streamed `compare`), to the same numbers as over a run held whole.
public enum PairedBootstrap {
  /// Resamples used by `compare`: enough for a 95% percentile interval of a smooth statistic.
  public static let defaultResamples = 200
  /// The weights' seed, fixed so an interval never changes between runs of the same comparison.
  public static let defaultSeed: UInt64 = 0x5EED_0F_B007_5742

  /// The 95% percentile interval of g(q_c(b*)) − g(q_c(a*)) for each confidence c.
  /// - Parameters:
  ///   - a: per-path values of run A.
  ///   - b: per-path values of run B (same length, same path order).
  ///   - confidences: levels c in (0, 1].
  ///   - transform: g, applied to each order statistic before differencing (e.g. max(0, ·)).
  /// - Complexity: O(N) selections, then O(resamples × N) to add up the weights.
  public static func quantileDifferenceIntervals(
    a: [Double], b: [Double], confidences: [Double], resamples: Int = defaultResamples,
    seed: UInt64 = defaultSeed, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
    transform: (Double) -> Double = { $0 }
  ) -> [(lower: Double, upper: Double)] {
    let answers = resampleQuantiles(
      of: [a, b], confidences: confidences, resamples: resamples, seed: seed, threads: threads)
    return differenceIntervals(answers, confidences: confidences, transform: transform)
  }

  /// The percentile intervals of g(q_c(B*)) − g(q_c(A*)) from each resample's answers `[r][run][c]` of runs A and B.
  static func differenceIntervals(
    _ answers: [[[Double]]], confidences: [Double], transform: (Double) -> Double
  ) -> [(lower: Double, upper: Double)] {
    confidences.indices.map { c in interval95(answers.map { transform($0[1][c]) - transform($0[0][c]) }) }
  }

  /// The 2.5th and 97.5th percentiles of resampled statistics: the percentile method's 95% interval.
  public static func interval95(_ resampled: [Double]) -> (lower: Double, upper: Double) {
    let sorted = resampled.sorted()
    return (Quantiles.percentile(sorted: sorted, 0.025), Quantiles.percentile(sorted: sorted, 0.975))
  }

  /// Each resample's q_c of every run, `[r][run][confidence]`: runs on common random numbers (the same weights in
  /// every run, which keeps the pairing), each held whole, the weights added on `threads` threads (the answers are the
  /// same on any number).
  /// - Complexity: O(runs × confidences × N) for the windows, O(resamples × runs × confidences × N) to add up the
  ///   weights; memory O(runs × N) for the selections.
  public static func resampleQuantiles(
    of runs: [[Double]], confidences: [Double], resamples: Int = defaultResamples, seed: UInt64 = defaultSeed,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount
  ) -> [[[Double]]] {
    precondition(!runs.isEmpty && resamples >= 1)
    let n = runs[0].count
    precondition(n > 0 && runs.allSatisfy { $0.count == n })
    return answers(
      runs: runs.count, paths: n, confidences: confidences, resamples: resamples, seed: seed, threads: threads,
      orderStatistics: { ranks in runs.map { RunOutcome.orderStatistics($0, ranks: ranks) } },
      pass: { quantiles in
        var buffers: [UnsafeBufferPointer<Double>] = []
        func add(_ s: Int) {
          guard s < runs.count else { return quantiles.add(buffers, firstPath: 0) }
          runs[s].withUnsafeBufferPointer { buffer in
            buffers.append(buffer)
            add(s + 1)
            buffers.removeLast()
          }
        }
        add(0)
      })
  }

  /// Each resample's answers, `[r][run][confidence]`, from windows around the sample's quantiles, widened eightfold
  /// until every answer falls inside them (`ResampledQuantiles`).
  /// - Parameters:
  ///   - orderStatistics: each run's values at the given 1-based ranks, `[run][rank]`.
  ///   - pass: adds every path of every run to the `ResampledQuantiles` it is given.
  ///   - threads: the most threads adding the weights.
  ///   - margin: the windows' first half-width (tests narrow it to make them widen).
  static func answers(
    runs: Int, paths: Int, confidences: [Double], resamples: Int, seed: UInt64, threads: Int,
    margin: WindowMargin = .init(),
    orderStatistics: (_ ranks: [Int]) throws -> [[Double]], pass: (ResampledQuantiles) throws -> Void
  ) rethrows -> [[[Double]]] {
    let weights = PoissonWeights(resamples: resamples, seed: seed)
    var widening = 1
    while true {
      let ranks = self.ranks(confidences: confidences, paths: paths, widening: widening, margin: margin)
      let values = try orderStatistics(ranks)
      let quantiles = ResampledQuantiles(
        weights: weights, confidences: confidences,
        sample: values.map { run in confidences.indices.map { run[3 * $0] } },
        windows: values.map { run in
          confidences.indices.map { ResampledQuantiles.Window(low: run[3 * $0 + 1], high: run[3 * $0 + 2]) }
        }, threads: threads)
      try pass(quantiles)
      if let answers = quantiles.answers() { return answers }
      widening *= 8
    }
  }

  /// How far a window reaches on each side of the sample's quantile: ⌈deviations·√(c(1−c)N)⌉ + ranks.
  struct WindowMargin: Sendable {
    /// A resample's answer moves by about √(c(1−c)N) ranks: ten standard deviations.
    var deviations = 10.0
    /// Room for the few paths of an extreme confidence.
    var ranks = 20
  }

  /// For each confidence c: the rank ⌈cN⌉ of the sample's quantile and the ranks of its window's ends, widening ·
  /// `margin` below and above (clamped to 1…N).
  static func ranks(confidences: [Double], paths n: Int, widening: Int, margin: WindowMargin = .init()) -> [Int] {
    confidences.flatMap { c -> [Int] in
      let rank = Quantiles.ceilRank(c, of: n)
      let spread = (c * (1 - c) * Double(n)).squareRoot()
      let margin = widening.multipliedReportingOverflow(
        by: Int((margin.deviations * spread).rounded(.up)) + margin.ranks)
      let reach = margin.overflow ? n : min(n, margin.partialValue)
      return [rank, max(1, rank - reach), min(n, rank + reach)]
    }
  }
}

/// The paired normal interval for a difference of proportions on common random numbers.
///
/// With per-path indicators r_A,i and r_B,i (1 = the event happened on path i), the paired differences
/// d_i = r_B,i − r_A,i have mean d̄ = p_B − p_A and sample standard deviation
/// s = √((Σd_i² − N·d̄²)/(N − 1)); the 95% interval is d̄ ± 1.96·s/√N. Paths on which both runs agree
/// contribute d_i = 0, which is why common random numbers make this interval narrow.
public enum PairedProportion {
  /// d̄ and its 95% interval; exactly (0, 0, 0) when the indicators agree on every path.
  public static func difference(a: [Bool], b: [Bool]) -> (difference: Double, lower: Double, upper: Double) {
    precondition(a.count == b.count && !a.isEmpty)
    var onlyB = 0, onlyA = 0
    for i in a.indices where a[i] != b[i] {
      if b[i] { onlyB += 1 } else { onlyA += 1 }
    }
    return difference(onlyA: onlyA, onlyB: onlyB, paths: a.count)
  }

  /// d̄ and its 95% interval from the counts of paths where only A's event happened and only B's, of `paths`.
  public static func difference(
    onlyA: Int, onlyB: Int, paths: Int
  ) -> (difference: Double, lower: Double, upper: Double) {
    precondition(paths > 0)
    let n = Double(paths)
    let mean = Double(onlyB - onlyA) / n
    let sumOfSquares = Double(onlyB + onlyA)
    let variance = paths > 1 ? max(0, (sumOfSquares - n * mean * mean) / (n - 1)) : 0
    let half = ConfidenceIntervals.z95 * (variance / n).squareRoot()
    return (mean, mean - half, mean + half)
  }
}
