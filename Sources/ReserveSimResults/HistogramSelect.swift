/// Percentiles of many doubles in two passes and no copy: a histogram of the top 16 bits of each value's
/// order-preserving key (`RadixSort.key`: sign, exponent and 4 mantissa bits) finds the bucket that holds each
/// order statistic needed, a second pass gathers those buckets' values side by side, and within a bucket the next
/// key bits narrow it down before `Quantiles.select` finds the order statistic (`select`).
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
    // The buckets' values gathered side by side into one buffer, bucket after bucket (bucket k's at
    // start[k] ..< start[k + 1]).
    let buckets = Array(Set(bucketOfRank.values.map(\.bucket))).sorted()
    var slotOfBucket = [Int8](repeating: -1, count: 1 << bucketBits)
    var start = [0]
    for (slot, bucket) in buckets.enumerated() {
      slotOfBucket[bucket] = Int8(slot)
      start.append(start[slot] + Int(counts[bucket]))
    }
    let gathered = UnsafeMutableBufferPointer<Double>.allocate(capacity: start[buckets.count])
    defer { gathered.deallocate() }
    var cursor = Array(start.dropLast())
    slotOfBucket.withUnsafeBufferPointer { slotOfBucket in
      cursor.withUnsafeMutableBufferPointer { cursor in
        for v in values {
          let slot = Int(slotOfBucket[Int(RadixSort.key(v) >> shift)])
          if slot >= 0 {
            gathered[cursor[slot]] = v
            cursor[slot] += 1
          }
        }
      }
    }

    func orderStatistic(_ rank: Int) -> Double {
      let (bucket, below) = bucketOfRank[rank]!
      let slot = Int(slotOfBucket[bucket])
      let members = UnsafeMutableBufferPointer(rebasing: gathered[start[slot]..<start[slot + 1]])
      return Self.select(members, rank - below, keyBitsAbove: bucketBits)
    }
    return ps.map { Quantiles.percentile($0, of: n, orderStatistic: orderStatistic) }
  }

  /// Values in a bucket above this many are narrowed by their next key bits before the selection.
  static let refinedCount = 4_096
  static let refineBits = 12

  /// The k-th smallest (0-based) of `members`, which share their keys' top `keyBitsAbove` bits: a large bucket is
  /// first narrowed by a histogram of the next `refineBits` key bits to the part that holds rank k (one pass, where the
  /// selection's partitions took several over the whole bucket: the years' balances put tens of thousands of values
  /// in a bucket at 1M paths), then `Quantiles.select`. Keys order values as numbers do within a bucket (values
  /// of one sign), so the answer is the selection's over the whole bucket.
  static func select(_ members: UnsafeMutableBufferPointer<Double>, _ k: Int, keyBitsAbove: Int) -> Double {
    guard members.count > refinedCount && keyBitsAbove + refineBits <= 64 else {
      return Quantiles.select(members, k)
    }
    let shift = UInt64(64 - keyBitsAbove - refineBits), mask = UInt64(1 << refineBits - 1)
    var counts = [Int32](repeating: 0, count: 1 << refineBits)
    counts.withUnsafeMutableBufferPointer { counts in
      for v in members { counts[Int(RadixSort.key(v) >> shift & mask)] += 1 }
    }
    var part = 0, below = 0
    while below + Int(counts[part]) <= k {
      below += Int(counts[part])
      part += 1
    }
    // The part's values moved to the front of the bucket (their order does not matter to the selection).
    var kept = 0
    for i in members.indices where Int(RadixSort.key(members[i]) >> shift & mask) == part {
      members.swapAt(kept, i)
      kept += 1
    }
    return select(
      UnsafeMutableBufferPointer(rebasing: members[0..<kept]), k - below, keyBitsAbove: keyBitsAbove + refineBits)
  }
}
