import ReserveSimEngine

/// Each group's share of paths that ran out (or fell below the minimum) by each year end, when estimates are drawn
/// per group (SPEC §22).
///
/// The paths of group j = ⌊i / n⌋ share one set of estimates θ_j, so they are not independent of each other; the
/// J groups are. Intervals are therefore computed over the groups' shares p_j: p̄ with standard error sd(p_j)/√J and
/// the 95% interval p̄ ± t₀.₉₇₅,J−1 · sd(p_j)/√J, variances over J − 1.
public struct GroupShares: Sendable, Equatable {
  /// Paths per group, n.
  public let inner: Int
  /// Groups, J.
  public let groups: Int
  public let years: Int
  /// Paths of group j whose first month falls in or before year y, cumulative: `counts[(y − 1)·J + j]`.
  let counts: [Int32]

  /// The groups' cumulative counts from each path's first month (1-based; 0 for never).
  /// - Complexity: O(N + J × years).
  init(firstMonths: [Int32], inner: Int, years: Int) {
    let groups = firstMonths.count / inner
    var counts = [Int32](repeating: 0, count: groups * years)
    Self.count(firstMonths[...], firstPath: 0, inner: inner, groups: groups, into: &counts)
    self.init(inner: inner, groups: groups, years: years, countsInYear: counts)
  }

  /// From each group's count of first months in year y (not cumulative), `countsInYear[(y − 1)·J + j]`.
  init(inner: Int, groups: Int, years: Int, countsInYear: [Int32]) {
    self.inner = inner
    self.groups = groups
    self.years = years
    var counts = countsInYear
    for year in 1..<max(1, years) {
      for j in 0..<groups { counts[year * groups + j] += counts[(year - 1) * groups + j] }
    }
    self.counts = counts
  }

  /// Adds the first months (1-based; 0 for never) of paths `firstPath ..< firstPath + firstMonths.count` to each
  /// group's count in their year, `counts[(y − 1)·J + j]`.
  static func count(
    _ firstMonths: ArraySlice<Int32>, firstPath: Int, inner: Int, groups: Int, into counts: inout [Int32]
  ) {
    for (offset, month) in firstMonths.enumerated() where month > 0 {
      counts[(Int(month) - 1) / 12 * groups + (firstPath + offset) / inner] += 1
    }
  }

  /// The groups' shares p_j within `years` years.
  public func shares(withinYears years: Int) -> [Double] {
    let base = (years - 1) * groups
    return (0..<groups).map { Double(counts[base + $0]) / Double(inner) }
  }

  /// The share of all paths within `years` years, with its standard error sd(p_j)/√J and the interval
  /// p̄ ± t₀.₉₇₅,J−1 · sd(p_j)/√J (clamped to [0, 1]).
  public func proportion(withinYears years: Int) -> RunSummary.Proportion {
    let shares = shares(withinYears: years)
    var total = 0
    for j in 0..<groups { total += Int(counts[(years - 1) * groups + j]) }
    let mean = Double(total) / Double(groups * inner)
    let standardError = (Self.variance(shares, mean: mean) / Double(groups)).squareRoot()
    let half = ConfidenceIntervals.t975(degreesOfFreedom: groups - 1) * standardError
    return RunSummary.Proportion(
      value: mean, standardError: standardError, lower: max(0, mean - half), upper: min(1, mean + half))
  }

  /// How much the share within `years` years moves with the estimates (SPEC §22's "how sure"): the inner noise
  /// mean(p_j(1 − p_j))/(n − 1) removed from Var(p_j), and the percentiles of the shrunk shares
  /// p̄ + (p_j − p̄)·sd_epi/sd(p_j).
  public func spread(withinYears years: Int) -> NestedSummary.Spread {
    let shares = shares(withinYears: years)
    let mean = shares.reduce(0, +) / Double(groups)
    let variance = Self.variance(shares, mean: mean)
    var noise = 0.0
    for p in shares { noise += p * (1 - p) }
    noise /= Double(groups) * Double(inner - 1)
    let epistemic = max(0, variance - noise).squareRoot()
    let shrink = variance > 0 ? epistemic / variance.squareRoot() : 0
    let shrunk = shares.map { mean + ($0 - mean) * shrink }.sorted()
    return NestedSummary.Spread(
      p5: Quantiles.percentile(sorted: shrunk, 0.05), p50: Quantiles.percentile(sorted: shrunk, 0.5),
      p95: Quantiles.percentile(sorted: shrunk, 0.95), sdEpistemic: epistemic, groupVariance: variance,
      innerNoiseVariance: noise)
  }

  /// Σ (x − mean)² / (J − 1).
  static func variance(_ values: [Double], mean: Double) -> Double {
    guard values.count > 1 else { return 0 }
    var sum = 0.0
    for x in values { sum += (x - mean) * (x - mean) }
    return sum / Double(values.count - 1)
  }
}
