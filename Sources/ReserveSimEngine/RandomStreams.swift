import Foundation

/// Where each random number of a path comes from: every draw has a fixed address
/// (path, month, stream, draw) fed to Philox4x32-10 as its counter, with the seed as its key.
///
/// So path i's numbers depend only on (seed, i) — the same on any thread count or block size, and a
/// run of 2N paths contains the first N paths unchanged (SPEC §8).
///
/// Counter words: c0 = path index, c1 = month (1-based; year-end draws use month 12y), c2 = stream,
/// c3 = draw number within the stream. Each call yields four 32-bit words.
package struct RandomStreams: Sendable {
  /// The streams, one per use; the low 24 bits carry an index (event kind, service, tier).
  public enum Stream: UInt32 {
    /// Four standard normals: the factor shocks ε(m), one per `Factor`, one word each (`Ziggurat`).
    case factorShocks = 0x0100_0000
    /// Index k = event kind, at the month its wait starts (month 1, or the month an occurrence ends): a 53-bit
    /// uniform (words 0–1) for the geometric wait until its next start.
    case eventStarts = 0x0200_0000
    /// Index s = service, at the month a donation period starts (month 1, or the month after a new donor is
    /// found): a 53-bit uniform (words 0–1) for the exponential loss clock, another (words 2–3) for the
    /// replacement wait after a loss.
    case serviceDraws = 0x0300_0000
    /// Year-end sponsor draws. Draw 0 at tier 2k's index: a 64-bit uniform (words 0–1) for tier 2k's transition
    /// table, another (words 2–3) for tier 2k + 1's. Draws 1, 2, 3, … at tier t's index, only when t's transition
    /// is not tabulated: two `UniformSequence`s of 53-bit uniforms, the renewals' Binomial(count, p) from words
    /// 0–1 and the arrivals' Poisson(λ) from words 2–3 of each draw. Inversion takes only draw 1's uniform;
    /// the rejection samplers go on to draws 2, 3, … as they need (BTRD about 1.4–1.6 uniforms a draw on average, PTRS about 2.25).
    case sponsorDraws = 0x0400_0000
    /// Index s = service, at the last month of its dated agreement (SPEC §12): a 53-bit uniform (words 0–1);
    /// the agreement is renewed when it is below the renewal probability.
    case agreementRenewals = 0x0500_0000
    /// At a month-end where the policy makes an appeal (SPEC §15): a 53-bit uniform (words 0–1); the appeal is
    /// answered when it is below the appeal's probability.
    case appeals = 0x0600_0000
    /// At month 0 (no month's), draw number = the parameter's key (`UncertainParameter.drawKey`): a 53-bit uniform
    /// (words 0–1) for the path's value of an uncertain parameter (SPEC §16).
    case parameterDraws = 0x0700_0000
    /// Index k = factor, at month m, draws 0, 1, 2, …: the ziggurat's retries for factor k's shock when the fast
    /// path refuses its word (`Ziggurat.normal`), about 1.5% of shocks.
    case factorShockRetries = 0x0800_0000
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

  /// A uniform in (0, 1) from 64 bits, with 53 bits of resolution.
  @inlinable @inline(__always)
  public static func unit53(_ hi: UInt32, _ lo: UInt32) -> Double {
    let bits = (UInt64(hi) << 21) ^ (UInt64(lo) >> 11)
    return (Double(bits & ((1 << 53) - 1)) + 0.5) * 0x1p-53
  }

  /// The factor shocks z(m) of one path: four independent standard normals, one per `Factor`, by the ziggurat
  /// (`Ziggurat.normal`) on the four words of the path's `factorShocks` address for month m, word k for factor k,
  /// retried from the `factorShockRetries` stream at index k.
  ///
  /// The reference for the kernel `rs_factor_normals`, which computes the same bits for a whole block of
  /// paths and months at once (vectorised; checked by a test at every instruction-set level).
  @inlinable
  public func factorShocks(path: UInt32, month: UInt32) -> (Double, Double, Double, Double) {
    let w = words(path: path, month: month, stream: .factorShocks)
    func normal(_ word: UInt32, _ k: UInt32) -> Double {
      Ziggurat.normal(word: word) { words(path: path, month: month, stream: .factorShockRetries, index: k, draw: $0) }
    }
    return (normal(w.0, 0), normal(w.1, 1), normal(w.2, 2), normal(w.3, 3))
  }
}

/// Successive 53-bit uniforms for one sampler at one address: the uniform from words 0–1 (or 2–3) of draw
/// 1, then of draw 2, 3, … at (path, month, stream | index).
///
/// Two samplers at the same address share the blocks without sharing numbers when one takes the low words and
/// the other the high ones (the year-end sponsor renewals and arrivals, `RandomStreams.Stream.sponsorDraws`).
package struct UniformSequence: Sendable {
  /// Which pair of a block's four words the sequence reads.
  public enum Words: Sendable {
    /// Words 0–1.
    case low
    /// Words 2–3.
    case high
  }

  @usableFromInline let streams: RandomStreams
  @usableFromInline let path: UInt32
  @usableFromInline let month: UInt32
  /// The stream with its index in the low bits (counter word c2).
  @usableFromInline let streamAndIndex: UInt32
  @usableFromInline let words: Words
  /// The draw number of the next uniform.
  @usableFromInline var draw: UInt32 = 1

  public init(
    _ streams: RandomStreams, path: UInt32, month: UInt32, stream: RandomStreams.Stream, index: UInt32 = 0,
    words: Words
  ) {
    self.streams = streams
    self.path = path
    self.month = month
    self.streamAndIndex = stream.rawValue | index
    self.words = words
  }

  /// The next uniform in (0, 1), `RandomStreams.unit53` of the chosen words of the next draw.
  @inlinable
  public mutating func next() -> Double {
    let w = Philox4x32.block(path, month, streamAndIndex, draw, key: streams.key0, streams.key1)
    draw &+= 1
    return words == .low ? RandomStreams.unit53(w.0, w.1) : RandomStreams.unit53(w.2, w.3)
  }
}
