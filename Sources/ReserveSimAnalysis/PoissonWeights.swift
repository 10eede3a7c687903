import ReserveSimEngine

/// The weights of the paired bootstrap's resamples (`PairedBootstrap`): path j counts w_rj times in resample r,
/// with every w_rj an independent Poisson(1) draw — the Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al.,
/// "Estimating uncertainty for massive data streams", Google 2012), which resamples N paths with replacement in the
/// limit and, unlike drawing N indices in sequence, gives each path its weights from its own address.
///
/// w_rj comes from Philox4x32-10 under the bootstrap's seed: resample r = 16g + 4i + l reads word i of the block at
/// counter (4g + l, j mod 2³², ⌊j / 2³²⌋, "BOOT"), and turns that word u into the least k with u < T_k, where
/// T_k = ⌊2³² · P(X ≤ k)⌋ for X ~ Poisson(1): inversion, so P(w = k) is the Poisson probability to within 2⁻³²
/// (k ≤ 12; X past 12, 6·10⁻¹¹ in all, is a weight of 13, drawn with probability 2⁻³²). The same weights on every
/// machine and thread.
struct PoissonWeights: Sendable {
  /// Resamples per path.
  let resamples: Int
  private let key0: UInt32
  private let key1: UInt32

  /// T_0 … T_12: a word below T_k gives a weight of at most k.
  static let thresholds: [UInt32] = {
    var probability = 0.367_879_441_171_442_33  // e⁻¹ = P(X = 0)
    var cumulative = probability
    var thresholds: [UInt32] = []
    for k in 0..<13 {
      thresholds.append(UInt32(min(Double(UInt32.max), (cumulative * 4_294_967_296).rounded(.down))))
      probability /= Double(k + 1)
      cumulative += probability
    }
    return thresholds
  }()

  /// Room for one path's weights: the resamples rounded up to whole Philox groups of 16.
  var stride: Int { (resamples + 15) / 16 * 16 }

  init(resamples: Int, seed: UInt64) {
    precondition(resamples >= 1)
    self.resamples = resamples
    key0 = UInt32(truncatingIfNeeded: seed)
    key1 = UInt32(truncatingIfNeeded: seed >> 32)
  }

  /// Writes w_rj of path `path` at `out[r]` for r in 0..<`stride` (the last group's extra weights too).
  func weights(path: Int, into out: UnsafeMutablePointer<UInt8>) {
    let low = UInt32(truncatingIfNeeded: path), high = UInt32(truncatingIfNeeded: path >> 32)
    let lanes = SIMD4<UInt32>(0, 1, 2, 3)
    Self.thresholds.withUnsafeBufferPointer { thresholds in
      /// Word i of the group's four blocks, one block a lane, inverted into resamples 16·group + 4i … + 3.
      func invert(_ word: SIMD4<UInt32>, into at: UnsafeMutablePointer<UInt8>) {
        var weight = SIMD4<UInt32>(repeating: 0)
        for threshold in thresholds {
          weight &+= SIMD4<UInt32>(repeating: 0).replacing(with: 1, where: word .>= SIMD4(repeating: threshold))
        }
        for l in 0..<4 { at[l] = UInt8(truncatingIfNeeded: weight[l]) }
      }
      for group in 0..<(stride / 16) {
        let words = Philox4x32.blocks(lanes &+ UInt32(4 * group), low, high, 0x424F_4F54, key: key0, key1)
        let at = out + 16 * group
        invert(words.0, into: at)
        invert(words.1, into: at + 4)
        invert(words.2, into: at + 8)
        invert(words.3, into: at + 12)
      }
    }
  }
}
