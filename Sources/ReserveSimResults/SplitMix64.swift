/// SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): a
/// 64-bit state advanced by the golden-ratio increment and mixed by two multiply–xorshift rounds.
///
/// Used only to resample path indices for bootstrap intervals, so those intervals are reproducible: the
/// same seed gives the same resamples on every machine and Swift version (no standard-library algorithm
/// sits between the generator and the indices).
public struct SplitMix64: Sendable {
  public private(set) var state: UInt64

  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform integer in 0 ..< n, by Lemire's multiply-and-reject ("Fast random integer generation in an
  /// interval", 2019): the high word of x·n, redrawing x when the low word falls in the biased zone
  /// below 2⁶⁴ mod n.
  public mutating func index(below n: Int) -> Int {
    precondition(n > 0)
    let range = UInt64(n)
    var product = next().multipliedFullWidth(by: range)
    if product.low < range {
      let threshold = (0 &- range) % range
      while product.low < threshold { product = next().multipliedFullWidth(by: range) }
    }
    return Int(product.high)
  }
}
