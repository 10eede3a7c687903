import Foundation
import ReserveSimEngine

/// What a `RunSummary` reads from a run's paths: counts by year, means, the year-end balances' percentiles and the
/// needs' order statistics and tail means — made either from one result holding every path (`init(_:)`) or by a
/// run streamed in chunks (`StreamedRun`), the same numbers bit for bit.
package struct PathStatistics: Sendable {
  package var paths: Int
  /// SPEC §7's formula, or SPEC §15's search.
  package var requiredReserveMethod: RequiredReserveMethod
  /// Paths ruined by the end of each year, cumulative.
  package var ruinedPathsByYear: [Int]
  /// Paths below the minimum by the end of each year, cumulative; empty without a minimum.
  package var belowMinimumPathsByYear: [Int]
  /// Each year's balance percentiles (PERCENTILE.INC) and mean over paths (summed in path order), as computed:
  /// not yet shown through `RunSummary.finite`.
  package var balanceByYear: [RunSummary.YearBalance]
  /// `SimulationResult.yearlyFlowMeans` and `policyActivityMeans`.
  package var yearlyFlowMeans: [Double]
  package var policyActivityMeans: [Double]
  /// The needs, as the summary shows them (through `finite` when `needsOverflowed`).
  package var needs: Ranked
  /// The needs for the minimum, nil without a minimum.
  package var minimumNeeds: Ranked?
  /// SPEC §21's runway after each service's loss, nil when not recorded.
  package var runwayAfterLoss: [RunwayAfterLoss]?

  /// One variable's order statistics and tail means.
  package struct Ranked: Sendable {
    package var orderStatistics: OrderStatistics
    /// Whether a value was beyond ±1.8e308 or undefined (the summary warns).
    package var overflowed: Bool
    /// The mean of the worst max(1, ⌊(1−c)N⌋) values by confidence c, for the confidences asked for.
    package var tailMeans: [Double: Double]
    /// All values ascending, when one result held them (kept in the summary for further quantiles); else empty.
    package var sorted: [Double] = []

    /// From all values ascending (already through `finite` when `overflowed`).
    init(sorted: [Double], overflowed: Bool, shortfallConfidences: [Double]) {
      orderStatistics = OrderStatistics(sorted: sorted)
      self.overflowed = overflowed
      self.sorted = sorted
      var means: [Double: Double] = [:]
      for c in shortfallConfidences {
        let worst = RunSummary.worstCount(c, of: sorted.count)
        var mean = TailMean(count: worst)
        for value in sorted[(sorted.count - worst)...] { mean.add(value) }
        means[c] = mean.mean
      }
      tailMeans = means
    }

    package init(orderStatistics: OrderStatistics, overflowed: Bool, tailMeans: [Double: Double]) {
      self.orderStatistics = orderStatistics
      self.overflowed = overflowed
      self.tailMeans = tailMeans
    }
  }

  /// Ascending values shown as `finite` when the largest is not finite or any is NaN (an amount beyond the largest
  /// double, or ∞ − ∞, is shown as the largest double).
  private static func ranked(_ sorted: [Double], shortfallConfidences: [Double]) -> Ranked {
    guard sorted.last.map({ !$0.isFinite }) ?? false || sorted.contains(where: \.isNaN) else {
      return Ranked(sorted: sorted, overflowed: false, shortfallConfidences: shortfallConfidences)
    }
    return Ranked(
      sorted: sorted.map { RunSummary.finite($0, undefined: .greatestFiniteMagnitude) }, overflowed: true,
      shortfallConfidences: shortfallConfidences)
  }
}

extension PathStatistics {
  /// The statistics of a result holding every path: the needs (and the needs for the minimum) sorted (`RadixSort`),
  /// the runway after each service's loss tallied and the years' balance percentiles selected (`HistogramSelect`),
  /// spread over the cores, the longest tasks (the sorts) first so that no core is left with one alone at the end.
  /// - Complexity: O(paths × years) time; O(paths) memory besides the result's.
  package init(_ result: SimulationResult, shortfallConfidences: [Double]) {
    let n = result.paths
    let years = result.scenario.years
    paths = n
    requiredReserveMethod = result.requiredReserveMethod
    ruinedPathsByYear = RunSummary.cumulativeByYear(firstMonths: result.firstRuinMonth, years: years)
    belowMinimumPathsByYear = RunSummary.cumulativeByYear(firstMonths: result.belowMinimumMonth, years: years)

    let needs = result.requiredReserve
    var sortedNeeds: [Double] = [], sortedMinimumNeeds: [Double]?
    var runway: [RunwayAfterLoss]?
    var balances = [RunSummary.YearBalance?](repeating: nil, count: years)
    balances.withUnsafeMutableBufferPointer { balances in
      result.yearEndBalance.withUnsafeBufferPointer { yearEnd in
        let slots = balances
        DispatchQueue.concurrentPerform(iterations: years + 3) { task in
          switch task {
          case 0:
            sortedNeeds = RadixSort.sorted(needs)
            return
          case 1:
            if !result.minimumNeed.isEmpty { sortedMinimumNeeds = RadixSort.sorted(result.minimumNeed) }
            return
          case 2:
            runway = RunwayAfterLoss.all(result)
            return
          default: break
          }
          let year = task - 2
          let values = UnsafeBufferPointer(rebasing: yearEnd[(year - 1) * n..<year * n])
          var sum = 0.0
          for v in values { sum += v }
          let p = HistogramSelect.percentiles(of: values, RunSummary.balancePercentiles)
          slots[year - 1] = RunSummary.YearBalance(
            year: year, p5: p[0], p25: p[1], p50: p[2], p75: p[3], p95: p[4], mean: sum / Double(n))
        }
      }
    }
    balanceByYear = balances.map { $0! }
    self.needs = Self.ranked(sortedNeeds, shortfallConfidences: shortfallConfidences)
    minimumNeeds = sortedMinimumNeeds.map { Self.ranked($0, shortfallConfidences: []) }
    yearlyFlowMeans = result.yearlyFlowMeans
    policyActivityMeans = result.policyActivityMeans
    runwayAfterLoss = runway
  }
}

/// The k-th smallest of N values for the ranks an output reads: from all of them ascending, or from the ranks a
/// streamed run selected.
package struct OrderStatistics: Sendable {
  /// N.
  package let count: Int
  private let sorted: [Double]
  private let selected: [Int: Double]

  /// From all values ascending.
  package init(sorted: [Double]) {
    count = sorted.count
    self.sorted = sorted
    selected = [:]
  }

  /// From the values at some ranks (1-based).
  package init(count: Int, values: [Int: Double]) {
    self.count = count
    sorted = []
    selected = values
  }

  /// The k-th smallest (1-based, clamped to 1…N), as `Quantiles.orderStatistic`.
  package func value(rank k: Int) -> Double {
    let rank = min(count, max(1, k))
    if !sorted.isEmpty { return sorted[rank - 1] }
    guard let value = selected[rank] else { preconditionFailure("rank \(rank) of \(count) was not selected") }
    return value
  }
}
