import Foundation

/// Where each random number of a path comes from: every draw has a fixed address
/// (path, month, stream, draw) fed to Philox4x32-10 as its counter, with the seed as its key.
///
/// So path i's numbers depend only on (seed, i) — the same on any thread count or block size, and a
/// run of 2N paths contains the first N paths unchanged (SPEC §8).
///
/// Counter words: c0 = path index, c1 = month (1-based; year-end draws use month 12y), c2 = stream,
/// c3 = draw number within the stream. Each call yields four 32-bit words.
public struct RandomStreams: Sendable {
  /// The streams, one per use; the low 24 bits carry an index (event kind / 4, service / 4, tier).
  public enum Stream: UInt32 {
    /// Four standard normals: the factor shocks ε(m), one per `Factor`.
    case factorShocks = 0x0100_0000
    /// One uniform word per event kind (kind k uses word k % 4 of stream index k / 4).
    case eventStarts = 0x0200_0000
    /// One uniform word per service and month: the loss draw while donated, the replacement draw while paid.
    case serviceDraws = 0x0300_0000
    /// Year-end sponsor draws of a tier: words 0–1 a 53-bit uniform for renewals, words 2–3 for arrivals.
    case sponsorDraws = 0x0400_0000
  }

  public let key0: UInt32
  public let key1: UInt32

  public init(seed: UInt64) {
    key0 = UInt32(truncatingIfNeeded: seed)
    key1 = UInt32(truncatingIfNeeded: seed >> 32)
  }

  @inlinable @inline(__always)
  public func words(path: UInt32, month: UInt32, stream: Stream, index: UInt32 = 0, draw: UInt32 = 0)
    -> (UInt32, UInt32, UInt32, UInt32)
  {
    Philox4x32.block(path, month, stream.rawValue | index, draw, key: key0, key1)
  }

  /// A uniform in (0, 1) from 32 bits: (x + ½)·2⁻³².
  @inlinable @inline(__always)
  public static func unit(_ x: UInt32) -> Double { (Double(x) + 0.5) * 0x1p-32 }

  /// Four uniforms in (0, 1) from four words; the same values as `unit` lane by lane.
  @inlinable @inline(__always)
  public static func unit(_ x: SIMD4<UInt32>) -> SIMD4<Double> { (SIMD4<Double>(x) + 0.5) * 0x1p-32 }

  /// A uniform in (0, 1) from 64 bits, with 53 bits of resolution.
  @inlinable @inline(__always)
  public static func unit53(_ hi: UInt32, _ lo: UInt32) -> Double {
    let bits = (UInt64(hi) << 21) ^ (UInt64(lo) >> 11)
    return (Double(bits & ((1 << 53) - 1)) + 0.5) * 0x1p-53
  }

  /// The factor shocks z(m) of four consecutive paths: four independent standard normals per path, one per
  /// `Factor`, by the Box–Muller transform z = √(−2 ln u₁)·(cos 2πu₂, sin 2πu₂) on the four words of the
  /// path's `factorShocks` address for month m. Result k holds factor k's normal for the four paths.
  @inlinable @inline(__always)
  public func factorShocks(firstPath: UInt32, month: UInt32)
    -> (SIMD4<Double>, SIMD4<Double>, SIMD4<Double>, SIMD4<Double>)
  {
    let paths = SIMD4<UInt32>(repeating: firstPath) &+ SIMD4<UInt32>(0, 1, 2, 3)
    let w = Philox4x32.blocks(paths, month, Stream.factorShocks.rawValue, 0, key: key0, key1)
    let r0 = VectorMath.squareRoot(-2 * VectorMath.log(Self.unit(w.0)))
    let r1 = VectorMath.squareRoot(-2 * VectorMath.log(Self.unit(w.2)))
    let a = VectorMath.cosSin2Pi(Self.unit(w.1))
    let b = VectorMath.cosSin2Pi(Self.unit(w.3))
    return (r0 * a.cos, r0 * a.sin, r1 * b.cos, r1 * b.sin)
  }
}
