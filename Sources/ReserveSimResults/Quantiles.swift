import Foundation

/// Order statistics and percentiles over Monte Carlo samples.
public enum Quantiles {
  /// ⌈c·N⌉, robust to the rounding of c·N in binary (0.95 × 100 is 95, not 96), clamped to 1…N.
  public static func ceilRank(_ c: Double, of n: Int) -> Int {
    let x = c * Double(n)
    return min(n, max(1, Int((x - 1e-9 * max(1, x)).rounded(.up))))
  }

  /// ⌊x⌋ robust to binary rounding of x (10 × (1 − 0.9) is 10, not 9).
  public static func floorCount(_ x: Double) -> Int { Int((x + 1e-9 * max(1, abs(x))).rounded(.down)) }

  /// The k-th smallest (1-based) of an ascending array.
  @inlinable
  public static func orderStatistic(_ sorted: [Double], rank k: Int) -> Double {
    sorted[min(sorted.count, max(1, k)) - 1]
  }

  /// PERCENTILE.INC / NumPy's default "linear" percentile of an ascending array: with h = (N − 1)·p,
  /// x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) (0-based).
  public static func percentile(sorted: [Double], _ p: Double) -> Double {
    precondition(!sorted.isEmpty)
    let h = Double(sorted.count - 1) * p
    let lower = Int(h.rounded(.down))
    let upper = min(lower + 1, sorted.count - 1)
    return sorted[lower] + (h - Double(lower)) * (sorted[upper] - sorted[lower])
  }

  /// The 0-based ranks PERCENTILE.INC reads for p of N values: with h = (N − 1)·p, ⌊h⌋, and ⌊h⌋ + 1 when h has a
  /// fraction (nil otherwise).
  package static func percentileRanks(_ p: Double, of n: Int) -> (lower: Int, upper: Int?) {
    let h = Double(n - 1) * p
    let lower = Int(h.rounded(.down))
    return (lower, lower + 1 < n && h > Double(lower) ? lower + 1 : nil)
  }

  /// PERCENTILE.INC from its order statistics: x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]), `orderStatistic` giving the
  /// 0-based ranks of `percentileRanks`.
  package static func percentile(_ p: Double, of n: Int, orderStatistic: (Int) -> Double) -> Double {
    let (lower, upper) = percentileRanks(p, of: n)
    let a = orderStatistic(lower)
    guard let upper else { return a }
    return a + (Double(n - 1) * p - Double(lower)) * (orderStatistic(upper) - a)
  }

  /// The same percentiles as `percentile(sorted:_:)` without sorting: selection in expected O(N) per
  /// percentile. `values` is reordered.
  public static func percentiles(selecting values: inout [Double], _ ps: [Double]) -> [Double] {
    precondition(!values.isEmpty)
    let n = values.count
    return values.withUnsafeMutableBufferPointer { buffer in
      ps.map { p in
        let h = Double(n - 1) * p
        let lower = Int(h.rounded(.down))
        let a = select(buffer, lower)
        guard lower + 1 < n, h > Double(lower) else { return a }
        // The next order statistic is the least element right of position `lower`.
        var b = Double.infinity
        for i in (lower + 1)..<n where buffer[i] < b { b = buffer[i] }
        return a + (h - Double(lower)) * (b - a)
      }
    }
  }

  /// Places the k-th smallest (0-based) at index k with smaller-or-equal values before it and
  /// larger-or-equal after it (Hoare partition around a median of three); returns it.
  @discardableResult
  public static func select(_ a: UnsafeMutableBufferPointer<Double>, _ k: Int) -> Double {
    var low = 0, high = a.count - 1
    while high > low {
      let mid = low + (high - low) / 2
      // Median of three to a[mid].
      if a[mid] < a[low] { a.swapAt(mid, low) }
      if a[high] < a[low] { a.swapAt(high, low) }
      if a[high] < a[mid] { a.swapAt(high, mid) }
      let pivot = a[mid]
      var i = low, j = high
      while i <= j {
        while a[i] < pivot { i += 1 }
        while a[j] > pivot { j -= 1 }
        if i <= j {
          a.swapAt(i, j)
          i += 1
          j -= 1
        }
      }
      if k <= j {
        high = j
      } else if k >= i {
        low = i
      } else {
        return a[k]
      }
    }
    return a[k]
  }
}
