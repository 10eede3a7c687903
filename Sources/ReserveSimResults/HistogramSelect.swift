/// Percentiles of many doubles in two passes and no copy: a histogram of the top 16 bits of each value's
/// order-preserving key (`RadixSort.key`: sign, exponent and 4 mantissa bits) finds the bucket that holds each
/// order statistic needed, a second pass gathers those buckets' values, and `Quantiles.select` finds the order
/// statistics within them.
///
/// The same numbers as `Quantiles.percentile(sorted:_:)` (PERCENTILE.INC): with h = (N − 1)·p, the
/// ⌊h⌋-th value (0-based) plus (h − ⌊h⌋) times the step to the next one. Quickselect over the whole array
/// (`Quantiles.percentiles(selecting:_:)`) took about 18 ns a value for five percentiles; this takes about 4.
enum HistogramSelect {
  static let bucketBits = 16
  /// Fewer values than this go to `Quantiles.percentiles(selecting:_:)` instead.
  static let smallCount = 1 << 14

  /// The percentiles `ps` (each in [0, 1]) of `values`, which is not changed. Fewer than `smallCount` values are
  /// copied and selected in the copy.
  /// - Complexity: O(N + 2¹⁶) time; O(2¹⁶) memory plus the values in the buckets that hold the order statistics.
  static func percentiles(of values: UnsafeBufferPointer<Double>, _ ps: [Double]) -> [Double] {
    let n = values.count
    precondition(n > 0)
    // Below this, clearing and scanning the 2¹⁶ buckets costs more than selecting in a copy.
    if n < smallCount {
      var copy = Array(values)
      return Quantiles.percentiles(selecting: &copy, ps)
    }
    let shift = UInt64(64 - bucketBits)
    // The 0-based ranks the percentiles need: ⌊h⌋, and ⌊h⌋ + 1 when h has a fraction.
    let ranks = ps.flatMap { p in
      let (lower, upper) = Quantiles.percentileRanks(p, of: n)
      return [lower] + (upper.map { [$0] } ?? [])
    }
    let wanted = Array(Set(ranks)).sorted()

    var counts = [Int32](repeating: 0, count: 1 << bucketBits)
    counts.withUnsafeMutableBufferPointer { counts in
      for v in values { counts[Int(RadixSort.key(v) >> shift)] += 1 }
    }
    // The bucket of each wanted rank and the values below that bucket.
    var bucketOfRank: [Int: (bucket: Int, below: Int)] = [:]
    var below = 0, next = 0
    for bucket in 0..<counts.count where next < wanted.count {
      let count = Int(counts[bucket])
      while next < wanted.count && wanted[next] < below + count {
        bucketOfRank[wanted[next]] = (bucket, below)
        next += 1
      }
      below += count
    }
    let buckets = Array(Set(bucketOfRank.values.map(\.bucket))).sorted()
    var slotOfBucket = [Int8](repeating: -1, count: 1 << bucketBits)
    var members = buckets.map { bucket in
      var values: [Double] = []
      values.reserveCapacity(Int(counts[bucket]))
      return values
    }
    for (slot, bucket) in buckets.enumerated() { slotOfBucket[bucket] = Int8(slot) }
    slotOfBucket.withUnsafeBufferPointer { slotOfBucket in
      for v in values {
        let slot = slotOfBucket[Int(RadixSort.key(v) >> shift)]
        if slot >= 0 { members[Int(slot)].append(v) }
      }
    }

    func orderStatistic(_ rank: Int) -> Double {
      let (bucket, below) = bucketOfRank[rank]!
      let slot = Int(slotOfBucket[bucket])
      return members[slot].withUnsafeMutableBufferPointer { Quantiles.select($0, rank - below) }
    }
    return ps.map { Quantiles.percentile($0, of: n, orderStatistic: orderStatistic) }
  }
}
