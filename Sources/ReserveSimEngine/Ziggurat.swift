import _ReserveSimKernels

/// Standard normals by the ziggurat of Marsaglia and Tsang (J. Stat. Software 5(8), 2000), 256 layers: one 32-bit
/// word a normal on the fast path (98.5% of words), and a few more words for the rest. The reference for the
/// vectorised kernel (`rs_factor_normals`, `Ziggurat.h`), operation for operation.
///
/// The density f(x) = exp(−x²/2) on x ≥ 0 is covered by 256 layers of equal area v: layer i ≥ 1 is the rectangle
/// [0, wᵢ] × [f(wᵢ), f(wᵢ₊₁)], layer 0 the base strip [0, r] × [0, f(r)] with the tail beyond r = w₁, as if it were
/// a rectangle of width w₀ = v/f(r); w₂₅₆ = 0. The edges are generated once in 40-digit arithmetic
/// (scripts/generate-ziggurat.py, ZigguratTables.h), r chosen so that the top layer closes exactly.
///
/// A word gives layer i = its low 8 bits and u = ((the word with those bits cleared, as a signed 32-bit integer)
/// + 128)·2⁻³¹, an odd multiple of 2⁻²⁴ in (−1, 1), so x = u·wᵢ is uniform over the layer's width, either sign.
/// - |x| < wᵢ₊₁: x lies under the next layer's edge, so under the density: accepted (the fast path).
/// - Else, with the retry words (a, b, c, d) of draw j = 0, 1, … and uₖ = (k + ½)·2⁻³²:
///   - layer 0 (the tail, Marsaglia 1964): t = −ln(u_b)/r, y = −ln(u_c), until 2y > t² (a draw a try); ±(r + t);
///   - layer i ≥ 1 (the wedge): x is accepted when f(wᵢ) + u_b·(f(wᵢ₊₁) − f(wᵢ)) < exp(−x²/2) (the point lies
///     under the density); else word a is a new proposal, from the fast path on.
///
/// Exact for the standard normal, up to the tables' rounding to doubles and the words' 2³² values.
package enum Ziggurat {
  /// w₀ … w₂₅₆, the layers' right edges.
  @usableFromInline static let width = UnsafeBufferPointer(start: rs_ziggurat_widths(), count: 257)
  /// f(w₀) … f(w₂₅₆).
  @usableFromInline static let height = UnsafeBufferPointer(start: rs_ziggurat_heights(), count: 257)
  /// r = w₁, where the tail begins.
  @usableFromInline static let r = rs_ziggurat_r()

  /// The fast path on one word: x = u·wᵢ, and whether it is accepted (|x| < wᵢ₊₁).
  @inlinable @inline(__always)
  static func fast(_ word: UInt32) -> (x: Double, accepted: Bool) {
    let layer = Int(word & 255)
    let u = Double(Int32(bitPattern: word & 0xffff_ff00) + 128) * 0x1p-31
    let x = u * width[layer]
    return (x, abs(x) < width[layer + 1])
  }

  /// One standard normal from `word`, with `retry(j)` the four words of retry draw j when the fast path refuses.
  @inlinable
  public static func normal(word: UInt32, retry: (UInt32) -> (UInt32, UInt32, UInt32, UInt32)) -> Double {
    var word = word
    var draw: UInt32 = 0
    while true {
      let (x, accepted) = fast(word)
      if accepted { return x }
      let layer = Int(word & 255)
      var w = retry(draw)
      draw += 1
      if layer == 0 {
        while true {
          let t = -VectorMath.log(RandomStreams.unit(w.1)) / r
          let y = -VectorMath.log(RandomStreams.unit(w.2))
          if y + y > t * t { return x < 0 ? -(r + t) : r + t }
          w = retry(draw)
          draw += 1
        }
      }
      let below = height[layer], above = height[layer + 1]
      if below + RandomStreams.unit(w.1) * (above - below) < VectorMath.exp(-0.5 * x * x) { return x }
      word = w.0
    }
  }
}
