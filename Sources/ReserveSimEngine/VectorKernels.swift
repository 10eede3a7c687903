import _ReserveSimKernels

/// The engine's wide inner loops — the factor normals, the factors' log random walks and their `exp` — run
/// by C kernels (`_ReserveSimKernels`) compiled for several instruction sets, the best one chosen at start-up.
///
/// Each kernel repeats the Swift reference (`RandomStreams.factorShocks`, `VectorMath.exp`) operation for
/// operation, without fused multiply-adds, so every level gives the same bits: results never depend on the
/// machine. Swift cannot compile one function for several instruction sets and pick at run time, and the
/// portable build (SSE2 on x86-64) runs these loops two doubles at a time instead of eight.
///
/// `RESERVESIM_VECTOR_LEVEL=baseline|avx2|avx512` in the environment caps the level (for measurements).
package enum VectorKernels {
  /// An instruction-set level of the kernels.
  public enum Level: Int32, CaseIterable, Sendable, CustomStringConvertible {
    /// The target's baseline (SSE2 on x86-64; the only level elsewhere).
    case baseline = 0
    /// AVX2, four doubles at a time.
    case avx2 = 1
    /// AVX-512 (F, DQ, VL, BW), eight doubles at a time.
    case avx512 = 2

    public var description: String {
      switch self {
      case .baseline: "baseline"
      case .avx2: "avx2"
      case .avx512: "avx512"
      }
    }
  }

  /// The highest level this CPU supports.
  public static var supportedLevel: Level { Level(rawValue: rs_kernels_supported_level()) ?? .baseline }

  /// The level in use.
  public static var level: Level { Level(rawValue: rs_kernels_level()) ?? .baseline }

  /// Uses `level`, or the highest supported below it, and returns the level chosen. Not while a simulation runs.
  @discardableResult
  public static func use(_ level: Level) -> Level { Level(rawValue: rs_kernels_set_level(level.rawValue)) ?? .baseline }

  /// The factor shocks z of paths `firstPath ..< firstPath + lanes` for `months`: factor k of month m and lane j
  /// goes to `out[k·factorStride + (m − months.lowerBound)·monthStride + j]`, with the bits of
  /// `streams.factorShocks(path: firstPath + j, month: m)`.
  public static func factorNormals(
    _ streams: RandomStreams, firstPath: Int, lanes: Int, months: ClosedRange<Int>,
    into out: UnsafeMutablePointer<Double>, monthStride: Int, factorStride: Int
  ) {
    rs_factor_normals(
      streams.key0, streams.key1, UInt32(truncatingIfNeeded: firstPath), Int32(lanes), Int32(months.lowerBound),
      Int32(months.upperBound), out, monthStride, factorStride)
  }

  /// One month of a factor's log random walk, x ← x + (drift + sd·ε) lane by lane, then level = `VectorMath.exp`(x)
  /// when `level` is given. `epsilon` is not read when sd is 0.
  public static func advanceFactor(
    logLevel: UnsafeMutablePointer<Double>, epsilon: UnsafePointer<Double>, drift: Double, sd: Double,
    level: UnsafeMutablePointer<Double>?, lanes: Int
  ) {
    rs_advance_factor(logLevel, epsilon, drift, sd, level, Int32(lanes))
  }

  /// out = `VectorMath.exp`(a + b) lane by lane.
  public static func expOfSum(
    _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, lanes: Int
  ) {
    rs_exp_of_sum(a, b, out, Int32(lanes))
  }

  /// The uncertainty ranking's Fourier terms (SPEC §16, `UncertaintyRanking.firstOrder`): for k = 1 … 10,
  /// F_k = Σ_j (y[source(j)] − mean)·e^{−2πijk/n}, source(j) = 2j for j < ⌈n/2⌉ and 2(n − j) − 1 after, of one or two
  /// outputs of n values (`rs_fourier_terms`).
  /// - Returns: per output, (Re F_1…F_10, Im F_1…F_10).
  package static func fourierTerms(
    _ outputs: [UnsafeBufferPointer<Double>], means: [Double]
  ) -> [(re: [Double], im: [Double])] {
    precondition((1...2).contains(outputs.count) && means.count == outputs.count)
    let n = outputs[0].count
    precondition(outputs.allSatisfy { $0.count == n })
    var terms = [Double](repeating: 0, count: 40)
    rs_fourier_terms(
      outputs[0].baseAddress, outputs.count > 1 ? outputs[1].baseAddress : nil, means[0],
      means.count > 1 ? means[1] : 0, Int64(n), &terms)
    return outputs.indices.map { o in (Array(terms[o * 20..<o * 20 + 10]), Array(terms[o * 20 + 10..<o * 20 + 20])) }
  }

  /// The uncertainty ranking's gather (`rs_gather_in_order`): output o of the path in each word's low 32 bits
  /// (outputs[path · count + o]) to whole[o] at the word's position and to split[o] at the next slot of the path's
  /// subsample ⌊path / inner⌋ mod `subsamples`, whose slots start at `starts[g]`.
  package static func gatherInOrder(
    _ items: UnsafeBufferPointer<UInt64>, outputs: UnsafeBufferPointer<Double>, count: Int, inner: Int,
    subsamples: Int, starts: [Int], whole: [UnsafeMutablePointer<Double>], split: [UnsafeMutablePointer<Double>]
  ) {
    precondition((1...2).contains(count) && whole.count == count && split.count == count)
    precondition(outputs.count >= items.count * count && starts.count >= subsamples)
    var next = starts.prefix(subsamples).map(Int64.init)
    rs_gather_in_order(
      items.baseAddress, Int64(items.count), outputs.baseAddress, Int32(count), Int64(inner), Int32(subsamples), &next,
      whole[0], count > 1 ? whole[1] : nil, split[0], count > 1 ? split[1] : nil)
  }
}
