import ReserveSimResults

/// Paired bootstrap intervals for differences of order statistics between two runs on common random numbers.
///
/// Path i of run A and path i of run B share their random numbers, so (a_i, b_i) is one paired observation.
/// Each resample draws N path indices with replacement (the same indices for A and B, which keeps the
/// pairing) and computes the statistic g(q_c(b*)) − g(q_c(a*)), with q_c the ⌈cN⌉-th smallest value of the
/// resample. The 95% interval is the 2.5th and 97.5th percentiles of the resampled differences (the
/// percentile method). When a and b are equal the difference is 0 in every resample, so the interval is
/// exactly [0, 0].
public enum PairedBootstrap {
  /// Resamples used by `compare`: enough for a 95% percentile interval of a smooth statistic.
  public static let defaultResamples = 200
  /// The generator's seed, fixed so an interval never changes between runs of the same comparison.
  public static let defaultSeed: UInt64 = 0x5EED_0F_B007_5742

  /// The 95% percentile interval of g(q_c(b*)) − g(q_c(a*)) for each confidence c.
  /// - Parameters:
  ///   - a: per-path values of run A.
  ///   - b: per-path values of run B (same length, same path order).
  ///   - confidences: levels c in (0, 1].
  ///   - transform: g, applied to each order statistic before differencing (e.g. max(0, ·)).
  /// - Complexity: O(N log N) to order the paths, then O(resamples × N).
  public static func quantileDifferenceIntervals(
    a: [Double], b: [Double], confidences: [Double], resamples: Int = defaultResamples,
    seed: UInt64 = defaultSeed, transform: (Double) -> Double = { $0 }
  ) -> [(lower: Double, upper: Double)] {
    var differences = [[Double]](repeating: [], count: confidences.count)
    resampleQuantiles(of: [a, b], confidences: confidences, resamples: resamples, seed: seed) { quantiles in
      for c in confidences.indices {
        differences[c].append(transform(quantiles[1][c]) - transform(quantiles[0][c]))
      }
    }
    return differences.map(interval95)
  }

  /// The 2.5th and 97.5th percentiles of resampled statistics: the percentile method's 95% interval.
  public static func interval95(_ resampled: [Double]) -> (lower: Double, upper: Double) {
    let sorted = resampled.sorted()
    return (Quantiles.percentile(sorted: sorted, 0.025), Quantiles.percentile(sorted: sorted, 0.975))
  }

  /// Calls `body` once per resample with q_c of every run on it, `quantiles[run][confidence]`: runs on common
  /// random numbers resampled together (the same path indices in every run, which keeps the pairing).
  ///
  /// A resample is held as counts w_j (how often path j was drawn). With the paths ordered once per run, q_c of the
  /// resample is found by walking that order and adding up counts until they reach ⌈cN⌉ — one pass per run serves
  /// every confidence, so no resample is ever sorted or copied.
  /// - Complexity: O(runs × N log N) to order the paths, then O(resamples × runs × N); memory O(runs × N).
  public static func resampleQuantiles(
    of runs: [[Double]], confidences: [Double], resamples: Int = defaultResamples, seed: UInt64 = defaultSeed,
    _ body: ([[Double]]) -> Void
  ) {
    precondition(!runs.isEmpty && resamples >= 1)
    let n = runs[0].count
    precondition(n > 0 && n <= Int(Int32.max) && runs.allSatisfy { $0.count == n })
    let ranks = confidences.map { Quantiles.ceilRank($0, of: n) }
    // Confidences in increasing rank, so one walk finds them all.
    let byRank = ranks.indices.sorted { ranks[$0] < ranks[$1] }
    let orders = runs.map { values in (0..<Int32(n)).sorted { values[Int($0)] < values[Int($1)] } }
    var generator = SplitMix64(seed: seed)
    var counts = [Int32](repeating: 0, count: n)
    var quantiles = [[Double]](repeating: [Double](repeating: 0, count: confidences.count), count: runs.count)

    func walk(_ order: [Int32], _ values: [Double], into quantiles: inout [Double]) {
      var cumulative = 0
      var next = 0
      for j in order {
        cumulative += Int(counts[Int(j)])
        while next < byRank.count && cumulative >= ranks[byRank[next]] {
          quantiles[byRank[next]] = values[Int(j)]
          next += 1
        }
        if next == byRank.count { return }
      }
    }

    for _ in 0..<resamples {
      for j in 0..<n { counts[j] = 0 }
      for _ in 0..<n { counts[generator.index(below: n)] += 1 }
      for r in runs.indices { walk(orders[r], runs[r], into: &quantiles[r]) }
      body(quantiles)
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
    let n = Double(a.count)
    let mean = Double(onlyB - onlyA) / n
    let sumOfSquares = Double(onlyB + onlyA)
    let variance = a.count > 1 ? max(0, (sumOfSquares - n * mean * mean) / (n - 1)) : 0
    let half = ConfidenceIntervals.z95 * (variance / n).squareRoot()
    return (mean, mean - half, mean + half)
  }
}
