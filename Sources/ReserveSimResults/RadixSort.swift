/// Ascending sort of doubles by their bits: least-significant-digit radix sort, six passes of 11 bits.
///
/// A double's bit pattern b maps to an unsigned key that orders like the number: b with the sign bit set for
/// b ≥ +0, and ~b (all bits flipped) for negative numbers; −0 sorts just before +0 (equal as numbers).
/// Expects no NaNs (needs and balances are finite).
package enum RadixSort {
  static let digitBits = 11
  static let passes = 6  // 6 · 11 ≥ 64
  static let buckets = 1 << digitBits

  /// `values` in ascending order.
  /// - Complexity: O(N) time (six passes and one count), O(N) extra memory.
  package static func sorted(_ values: [Double]) -> [Double] {
    if values.count < 2 { return values }
    var keys = values.map(key)
    sortKeys(&keys, carrying: nil)
    return keys.map(value)
  }

  /// `values` in ascending order, with the group ⌊i / inner⌋ of each value's index i beside it (equal values keep
  /// index order): the order in which group bootstraps walk the paths (SPEC §22).
  /// - Complexity: O(N) time, O(N) extra memory.
  package static func sortedWithGroups(_ values: [Double], inner: Int) -> (values: [Double], groups: [UInt32]) {
    var keys = values.map(key)
    var groups = (0..<values.count).map { UInt32($0 / inner) }
    if values.count > 1 {
      groups.withUnsafeMutableBufferPointer { sortKeys(&keys, carrying: $0) }
    }
    return (keys.map(value), groups)
  }

  /// Sorts `keys` ascending, stably, moving `payload[i]` with `keys[i]` when given.
  private static func sortKeys(_ keys: inout [UInt64], carrying payload: UnsafeMutableBufferPointer<UInt32>?) {
    let n = keys.count
    var scratch = [UInt64](repeating: 0, count: n)
    var payloadScratch = [UInt32](repeating: 0, count: payload == nil ? 0 : n)
    let mask = UInt64(buckets - 1)
    var counts = [Int](repeating: 0, count: buckets * passes)
    counts.withUnsafeMutableBufferPointer { counts in
      for k in keys {
        for pass in 0..<passes { counts[pass * buckets + Int((k >> UInt64(pass * digitBits)) & mask)] += 1 }
      }
    }
    var sortedInKeys = true
    keys.withUnsafeMutableBufferPointer { keys in
      scratch.withUnsafeMutableBufferPointer { scratch in
        payloadScratch.withUnsafeMutableBufferPointer { payloadScratch in
          var source = keys, target = scratch
          var sourcePayload = payload, targetPayload = payload.map { _ in payloadScratch }
          var offsets = [Int](repeating: 0, count: buckets)
          for pass in 0..<passes {
            let shift = UInt64(pass * digitBits)
            // A digit all keys share moves nothing.
            if counts[pass * buckets + Int((source[0] >> shift) & mask)] == n { continue }
            var total = 0
            for digit in 0..<buckets {
              offsets[digit] = total
              total += counts[pass * buckets + digit]
            }
            offsets.withUnsafeMutableBufferPointer { offsets in
              if let from = sourcePayload, let to = targetPayload {
                for i in 0..<n {
                  let k = source[i]
                  let digit = Int((k >> shift) & mask)
                  target[offsets[digit]] = k
                  to[offsets[digit]] = from[i]
                  offsets[digit] += 1
                }
              } else {
                for k in source {
                  let digit = Int((k >> shift) & mask)
                  target[offsets[digit]] = k
                  offsets[digit] += 1
                }
              }
            }
            swap(&source, &target)
            swap(&sourcePayload, &targetPayload)
          }
          sortedInKeys = source.baseAddress == keys.baseAddress
          if !sortedInKeys, let payload, let from = sourcePayload {
            _ = payload.update(fromContentsOf: from)
          }
        }
      }
    }
    if !sortedInKeys { keys = scratch }
  }

  @inline(__always)
  package static func key(_ x: Double) -> UInt64 {
    let bits = x.bitPattern
    return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
  }

  @inline(__always)
  package static func value(_ key: UInt64) -> Double {
    Double(bitPattern: key >> 63 == 1 ? key & ~(1 << 63) : ~key)
  }
}
