/// Philox4x32-10, the counter-based generator of Salmon et al., "Parallel Random Numbers: As Easy as
/// 1, 2, 3" (SC'11), as in Random123.
///
/// A pure function of a 128-bit counter and a 64-bit key: ten rounds of
/// (hi, lo) = M·x products mixed with the other words and the key, the key bumped by the Weyl constants
/// between rounds. No state, so any path's numbers can be computed on any thread in any order.
package enum Philox4x32 {
  @usableFromInline static let m0: UInt32 = 0xD251_1F53
  @usableFromInline static let m1: UInt32 = 0xCD9E_8D57
  @usableFromInline static let w0: UInt32 = 0x9E37_79B9
  @usableFromInline static let w1: UInt32 = 0xBB67_AE85

  /// Four 32-bit outputs for `counter` under `key`.
  @inlinable @inline(__always)
  public static func block(
    _ c0: UInt32, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32, key k0: UInt32, _ k1: UInt32
  ) -> (UInt32, UInt32, UInt32, UInt32) {
    var x0 = c0, x1 = c1, x2 = c2, x3 = c3
    var key0 = k0, key1 = k1
    for round in 0..<10 {
      if round > 0 {
        key0 &+= w0
        key1 &+= w1
      }
      let p0 = UInt64(m0) &* UInt64(x0)
      let p1 = UInt64(m1) &* UInt64(x2)
      let hi0 = UInt32(truncatingIfNeeded: p0 >> 32), lo0 = UInt32(truncatingIfNeeded: p0)
      let hi1 = UInt32(truncatingIfNeeded: p1 >> 32), lo1 = UInt32(truncatingIfNeeded: p1)
      x0 = hi1 ^ x1 ^ key0
      x1 = lo1
      x2 = hi0 ^ x3 ^ key1
      x3 = lo0
    }
    return (x0, x1, x2, x3)
  }
}

extension Philox4x32 {
  /// Four blocks at once, for counters that differ only in their first word (four consecutive paths):
  /// lane j of each result is `block(c0[j], c1, c2, c3, key:)`.
  @inlinable @inline(__always)
  public static func blocks(
    _ c0: SIMD4<UInt32>, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32, key k0: UInt32, _ k1: UInt32
  ) -> (SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>) {
    var x0 = c0
    var x1 = SIMD4<UInt32>(repeating: c1)
    var x2 = SIMD4<UInt32>(repeating: c2)
    var x3 = SIMD4<UInt32>(repeating: c3)
    var key0 = k0, key1 = k1
    let multiplier0 = SIMD4<UInt64>(repeating: UInt64(m0))
    let multiplier1 = SIMD4<UInt64>(repeating: UInt64(m1))
    for round in 0..<10 {
      if round > 0 {
        key0 &+= w0
        key1 &+= w1
      }
      let p0 = SIMD4<UInt64>(truncatingIfNeeded: x0) &* multiplier0
      let p1 = SIMD4<UInt64>(truncatingIfNeeded: x2) &* multiplier1
      let hi0 = SIMD4<UInt32>(truncatingIfNeeded: p0 &>> 32), lo0 = SIMD4<UInt32>(truncatingIfNeeded: p0)
      let hi1 = SIMD4<UInt32>(truncatingIfNeeded: p1 &>> 32), lo1 = SIMD4<UInt32>(truncatingIfNeeded: p1)
      x0 = hi1 ^ x1 ^ SIMD4(repeating: key0)
      x1 = lo1
      x2 = hi0 ^ x3 ^ SIMD4(repeating: key1)
      x3 = lo0
    }
    return (x0, x1, x2, x3)
  }
}
