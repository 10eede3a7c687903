import Foundation
import ReserveSimEngine
import ReserveSimScenario

/// A first-order sensitivity index with its 95% interval.
///
/// An index is a share of variance, so it lies in [0, 1]; the estimator, after its bias correction, can land a
/// little outside (below 0 for an estimate that does not matter). One rule for every output (text, `--json`, CSV,
/// report, notebook): the index and both ends of its interval are clamped to [0, 1], and a negative zero is 0, so
/// no output shows "−0.00" or a share below nothing.
public struct SensitivityIndex: Sendable, Equatable {
  public var index: Double
  public var lower: Double
  public var upper: Double

  public init(index: Double, lower: Double, upper: Double) {
    self.index = index
    self.lower = lower
    self.upper = upper
  }

  /// The estimate S ± halfWidth, each end clamped to [0, 1] (see the type's rule).
  public init(estimate: Double, halfWidth: Double) {
    self.init(
      index: Self.share(estimate), lower: Self.share(estimate - halfWidth), upper: Self.share(estimate + halfWidth))
  }

  /// x clamped to [0, 1], with −0 and anything below 0 as +0.
  public static func share(_ x: Double) -> Double { x > 0 ? Swift.min(1, x) : 0 }
}

/// How much of an answer's variance one uncertain estimate explains (SPEC §16).
public struct UncertainEstimateRank: Sendable {
  public var parameter: UncertainParameter
  /// S for Y = 1 when the path is ruined within the horizon (nil when no path or every path is ruined).
  public var ruin: SensitivityIndex?
  /// S for Y = the path's need (nil when the needs do not vary or overflow).
  public var need: SensitivityIndex?
}

/// First-order sensitivity indices S = Var(E[Y | θ]) / Var(Y) of each uncertain estimate θ, from the paths' own
/// (θ, Y) pairs (SPEC §16), by the given-data estimator of Plischke (2010, "EASI"), as SALib's `rbd_fast` computes
/// it:
/// 1. order the paths by θ, then take every second one upwards and the rest downwards, so that Y becomes a
///    periodic function of θ's rank;
/// 2. S̃ = 2·Σ_{k=1…M} |F_k|² / (N·Σ (y − ȳ)²) with F_k = Σ_j y_j e^{−2πijk/N}, the share of Y's variance
///    at the first M = 10 harmonics (Parseval: Σ_{k=1…N−1} |F_k|² = N·Σ (y − ȳ)²);
/// 3. S = S̃ − λ/(1 − λ)·(1 − S̃) with λ = 2M/N removes the noise's expected share of those harmonics (Tissot and
///    Prieur 2012's bias correction).
///
/// The bias left is of order 1/N plus the part of E[Y | θ] beyond M harmonics (a step in E[Y | θ] keeps about
/// 95% of its variance in 10 harmonics, so such an S is slightly low). The interval comes from the same estimator
/// on K = 10 disjoint subsamples (path mod 10; group mod 10 when estimates are drawn per group of paths, SPEC §22),
/// each with its own correction: S ± t₀.₉₇₅,₉ · sd(S₁…S₁₀)/√10.
/// Paths are ordered by the uniform behind θ (θ = F⁻¹(u) is monotone in u), so ties of whole-number fields are
/// broken at random, independently of Y.
public enum UncertaintyRanking {
  /// M, the harmonics counted.
  public static let harmonics = 10
  /// K, the subsamples behind the interval.
  public static let subsamples = 10
  /// t₀.₉₇₅ with K − 1 = 9 degrees of freedom.
  static let tQuantile = 2.262157162740992

  /// The paths the ranking reads: the run's first 2²⁰ = 1,048,576 (all of a smaller run; whole groups when estimates
  /// are drawn per group). Past that the indices' intervals (±0.002 or so) are far narrower than any difference a
  /// ranking shows, while every further path would cost memory (issue #23: a streamed run keeps these paths' need
  /// and ruin, 9 bytes a path, and nothing else per path) and time (the ranking sorts its paths per estimate).
  public static let samplePaths = 1 << 20

  /// The paths of a run of `paths` the ranking reads: min(paths, `limit`), rounded down to whole groups of `inner`.
  public static func sampleCount(of paths: Int, inner: Int = 1, limit: Int = samplePaths) -> Int {
    Swift.min(paths, limit) / inner * inner
  }

  /// The ranking of every uncertain estimate of the run from its first `sampleCount(of:)` paths, largest need index
  /// first (ties by ruin index, then file order); indices clamped to [0, 1] (`SensitivityIndex`).
  /// - Parameter limit: the most paths read (`samplePaths`; tests pass fewer).
  public static func rank(_ result: SimulationResult, limit: Int = samplePaths) -> [UncertainEstimateRank] {
    let parameters = result.scenario.uncertainParameters
    guard let draws = result.parameterDraws else {
      return parameters.map { UncertainEstimateRank(parameter: $0, ruin: nil, need: nil) }
    }
    let n = sampleCount(of: result.paths, inner: draws.inner, limit: limit)
    let ruined = result.firstRuinMonth.prefix(n).map { $0 > 0 ? 1.0 : 0.0 }
    return rank(parameters, draws: draws, ruined: ruined, needs: Array(result.requiredReserve.prefix(n)))
  }

  /// The ranking of `parameters` from the (θ, Y) pairs of entries 0 ..< n of `draws`, with Y = `ruined` (1 or 0) and
  /// Y = `needs` (n values each).
  package static func rank(
    _ parameters: [UncertainParameter], draws: ParameterDraws, ruined: [Double], needs: [Double]
  ) -> [UncertainEstimateRank] {
    let n = ruined.count
    guard !parameters.isEmpty, n >= 4 * harmonics * subsamples else {
      return parameters.map { UncertainEstimateRank(parameter: $0, ruin: nil, need: nil) }
    }
    let columns: [[Double]] = needs.allSatisfy(\.isFinite) ? [ruined, needs] : [ruined]
    // The outputs side by side per path: [path · count + o].
    var sideBySide = [Double](repeating: 0, count: n * columns.count)
    for (o, column) in columns.enumerated() {
      for path in 0..<n { sideBySide[path * columns.count + o] = column[path] }
    }
    let outputs = sideBySide
    let count = columns.count
    let workers = Swift.min(parameters.count, ProcessInfo.processInfo.activeProcessorCount)
    var ranks = [UncertainEstimateRank?](repeating: nil, count: parameters.count)
    ranks.withUnsafeMutableBufferPointer { slots in
      let output = slots
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        // Each worker reuses one set of buffers for its parameters.
        let space = Workspace(paths: n, outputs: count, inner: draws.inner)
        for j in stride(from: worker, to: parameters.count, by: workers) {
          let key = parameters[j].drawKey
          // The top 32 bits of each path's uniform order the paths as θ; the path index breaks ties.
          draws.orders(key: key, count: n, into: space.order)
          for i in 0..<n { space.items[i] = UInt64(space.order[i]) << 32 | UInt64(i) }
          space.sortItems()
          let found = outputs.withUnsafeBufferPointer { space.indices(of: $0, count: count) }
          output[j] = UncertainEstimateRank(
            parameter: parameters[j], ruin: found[0], need: found.count > 1 ? found[1] : nil)
        }
      }
    }
    // Ties (estimates clamped to 0 among them) keep the file's order.
    func key(_ rank: UncertainEstimateRank, _ position: Int) -> (Double, Double, Int) {
      (rank.need?.index ?? -.infinity, rank.ruin?.index ?? -.infinity, -position)
    }
    return ranks.map { $0! }.enumerated().sorted { key($0.element, $0.offset) > key($1.element, $1.offset) }.map(
      \.element)
  }

  /// One worker's buffers: the paths' (key, index) words and their scratch, and each output in θ order, whole and
  /// by subsample.
  final class Workspace {
    let n: Int
    let items: UnsafeMutableBufferPointer<UInt64>
    /// The bits that order the paths by the current parameter.
    let order: UnsafeMutablePointer<UInt32>
    let scratch: UnsafeMutableBufferPointer<UInt64>
    let whole: [UnsafeMutableBufferPointer<Double>]
    let split: [UnsafeMutableBufferPointer<Double>]
    /// Where subsample g starts in `split` (g = 0 … K).
    let offsets: [Int]
    /// Paths per group of shared estimates (SPEC §22): path i falls in subsample ⌊i / inner⌋ mod K.
    let inner: Int

    init(paths n: Int, outputs: Int, inner: Int = 1) {
      self.n = n
      self.inner = inner
      items = .allocate(capacity: n)
      order = .allocate(capacity: n)
      scratch = .allocate(capacity: n)
      whole = (0..<outputs).map { _ in .allocate(capacity: n) }
      split = (0..<outputs).map { _ in .allocate(capacity: n) }
      var sizes = [Int](repeating: 0, count: subsamples)
      for group in 0..<(n + inner - 1) / inner { sizes[group % subsamples] += min(inner, n - group * inner) }
      var offsets = [0]
      for size in sizes { offsets.append(offsets.last! + size) }
      self.offsets = offsets
    }

    deinit {
      items.deallocate()
      order.deallocate()
      scratch.deallocate()
      for buffer in whole + split { buffer.deallocate() }
    }

    /// Sorts `items` by their high 32 bits (the key), stably: a least-significant-digit radix sort of four 8-bit
    /// digits, so equal keys keep index order. One pass counts all four digits; four passes place the words.
    func sortItems() {
      let starts = UnsafeMutablePointer<Int>.allocate(capacity: 4 * 256)
      defer { starts.deallocate() }
      starts.initialize(repeating: 0, count: 4 * 256)
      for item in items {
        let key = Int(truncatingIfNeeded: item >> 32)
        starts[key & 0xFF] += 1
        starts[256 + ((key >> 8) & 0xFF)] += 1
        starts[512 + ((key >> 16) & 0xFF)] += 1
        starts[768 + ((key >> 24) & 0xFF)] += 1
      }
      // Each digit's counts become the first slot of each value.
      for d in 0..<4 {
        var total = 0
        for b in 0..<256 {
          let count = starts[d * 256 + b]
          starts[d * 256 + b] = total
          total += count
        }
      }
      var from = items.baseAddress!, to = scratch.baseAddress!
      for d in 0..<4 {
        let next = starts + d * 256
        let shift = UInt64(32 + 8 * d)
        for i in 0..<n {
          let item = from[i]
          let digit = Int(truncatingIfNeeded: (item >> shift) & 0xFF)
          to[next[digit]] = item
          next[digit] += 1
        }
        swap(&from, &to)
      }
      // Four passes: the sorted words are back in `items`.
    }

    /// S of each output with the paths in the order of `items`, and its subsample interval; nil for an output that
    /// does not vary.
    func indices(of outputs: UnsafeBufferPointer<Double>, count: Int) -> [SensitivityIndex?] {
      // One pass gathers every output in θ order, whole and into its path's subsample (path mod K); the outputs
      // of a path sit side by side (outputs[path · count + o]), so each path costs one cache line, fetched ahead.
      VectorKernels.gatherInOrder(
        UnsafeBufferPointer(items), outputs: outputs, count: count, inner: inner, subsamples: subsamples,
        starts: offsets, whole: whole.prefix(count).map(\.baseAddress!), split: split.prefix(count).map(\.baseAddress!))
      let wholeIndex = firstOrder(whole.prefix(count).map { UnsafeBufferPointer($0) })
      let partIndices = (0..<subsamples).map { g in
        firstOrder(
          split.prefix(count).map { UnsafeBufferPointer(rebasing: $0[offsets[g]..<offsets[g + 1]]) })
      }
      return (0..<count).map { o in
        guard let index = wholeIndex[o] else { return nil }
        let estimates = partIndices.compactMap { $0[o] }
        guard estimates.count == subsamples else { return nil }
        let mean = estimates.reduce(0, +) / Double(subsamples)
        let variance = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsamples - 1)
        let halfWidth = tQuantile * (variance / Double(subsamples)).squareRoot()
        return SensitivityIndex(estimate: index, halfWidth: halfWidth)
      }
    }
  }

  /// The bias-corrected EASI estimate of S for each output of `outputs` (all of one length, already in θ order);
  /// nil for one that does not vary. The outputs share the ordering and the Fourier terms e^{−2πijk/N}.
  static func firstOrder(_ outputs: [UnsafeBufferPointer<Double>]) -> [Double?] {
    guard let n = outputs.first?.count, n > 2 * harmonics + 1 else { return outputs.map { _ in nil } }
    let means = outputs.map { $0.reduce(0, +) / Double(n) }
    // One running sum each (a sum kept in the array went through memory at every term: a third of the ranking).
    let sumSquares = zip(outputs, means).map { values, mean in
      var sum = 0.0
      for v in values { sum += (v - mean) * (v - mean) }
      return sum
    }
    let terms = VectorKernels.fourierTerms(outputs, means: means)
    let lambda = 2 * Double(harmonics) / Double(n)
    return outputs.indices.map { o in
      guard sumSquares[o] > 0 else { return nil }
      let (re, im) = terms[o]
      let reLo = SIMD8<Double>(re[0..<8]), imLo = SIMD8<Double>(im[0..<8])
      let reHi = SIMD2<Double>(re[8..<10]), imHi = SIMD2<Double>(im[8..<10])
      let power = (reLo * reLo + imLo * imLo).sum() + (reHi * reHi + imHi * imHi).sum()
      let raw = 2 * power / (Double(n) * sumSquares[o])
      return raw - lambda / (1 - lambda) * (1 - raw)
    }
  }

  /// The reference for `VectorKernels.fourierTerms` (tests compare them bit for bit): F_k for k = 1…8 and 9…10 as
  /// vectors, by rotating e^{−2πijk/N} one step a term, restarted exactly every 4096 terms.
  package static func fourierTermsReference(
    _ outputs: [UnsafeBufferPointer<Double>], means: [Double]
  ) -> [(re: [Double], im: [Double])] {
    let n = outputs[0].count
    let count = outputs.count
    // Every second output upwards, then the others downwards: position j reads source(j).
    let upward = (n + 1) / 2
    func source(_ j: Int) -> Int { j < upward ? 2 * j : 2 * (n - j) - 1 }
    typealias Lo = SIMD8<Double>
    typealias Hi = SIMD2<Double>
    let kLo = Lo(1, 2, 3, 4, 5, 6, 7, 8), kHi = Hi(9, 10)
    let base = -2 * Double.pi / Double(n)
    func cosSin<V: SIMD>(_ angles: V) -> (V, V) where V.Scalar == Double {
      var c = V(), s = V()
      for i in angles.indices { (c[i], s[i]) = (Foundation.cos(angles[i]), Foundation.sin(angles[i])) }
      return (c, s)
    }
    let (stepCosLo, stepSinLo) = cosSin(kLo * base), (stepCosHi, stepSinHi) = cosSin(kHi * base)
    var reLo = [Lo](repeating: Lo(), count: count), imLo = reLo
    var reHi = [Hi](repeating: Hi(), count: count), imHi = reHi
    var cLo = Lo(), sLo = Lo(), cHi = Hi(), sHi = Hi()
    for j in 0..<n {
      if j & 4095 == 0 {
        var anglesLo = Lo(), anglesHi = Hi()
        for i in 0..<8 { anglesLo[i] = base * Double((j * (i + 1)) % n) }
        for i in 0..<2 { anglesHi[i] = base * Double((j * (i + 9)) % n) }
        (cLo, sLo) = cosSin(anglesLo)
        (cHi, sHi) = cosSin(anglesHi)
      }
      let at = source(j)
      for o in 0..<count {
        let v = outputs[o][at] - means[o]
        reLo[o] += v * cLo
        imLo[o] += v * sLo
        reHi[o] += v * cHi
        imHi[o] += v * sHi
      }
      (cLo, sLo) = (cLo * stepCosLo - sLo * stepSinLo, cLo * stepSinLo + sLo * stepCosLo)
      (cHi, sHi) = (cHi * stepCosHi - sHi * stepSinHi, cHi * stepSinHi + sHi * stepCosHi)
    }
    return (0..<count).map { o in
      ((0..<8).map { reLo[o][$0] } + [reHi[o][0], reHi[o][1]], (0..<8).map { imLo[o][$0] } + [imHi[o][0], imHi[o][1]])
    }
  }
}

extension UncertaintyRanking {
  /// An index and its interval as percentages: "2.4% (2.3–2.6%)", shares below 10% with one decimal; "—" when the
  /// output does not vary.
  public static func percentWithInterval(_ value: SensitivityIndex?) -> String {
    guard let value else { return "—" }
    func percent(_ x: Double) -> String {
      let share = SensitivityIndex.share(x) * 100
      return String(format: share < 10 ? "%.1f" : "%.0f", share)
    }
    return "\(percent(value.index))% (\(percent(value.lower))–\(percent(value.upper))%)"
  }

  /// "What matters most to pin down" as a text table — rank, estimate, share of the spread in the reserve needed
  /// and in running out, with 95% intervals — of the first `limit` estimates, and a line for the rest.
  public static func table(_ ranks: [UncertainEstimateRank], limit: Int = .max) -> [String] {
    let shown = ranks.prefix(limit)
    let width = Swift.min(60, Swift.max(8, shown.map(\.parameter.path.description.count).max() ?? 8)) + 2
    func pad(_ text: String, _ width: Int) -> String {
      let cut = text.count > width - 2 ? String(text.prefix(width - 3)) + "…" : text
      return cut + String(repeating: " ", count: Swift.max(1, width - cut.count))
    }
    var lines = [pad("rank", 6) + pad("estimate", width) + pad("reserve needed", 22) + "running out"]
    for (position, rank) in shown.enumerated() {
      lines.append(
        pad(String(position + 1), 6) + pad(rank.parameter.path.description, width)
          + pad(percentWithInterval(rank.need), 22) + percentWithInterval(rank.ruin))
    }
    if ranks.count > shown.count {
      lines.append("… and \(ranks.count - shown.count) more (reservesim sensitivity FILE --global lists them all)")
    }
    return lines
  }

  /// What the numbers mean, in plain words, for under a heading "What matters most to pin down".
  public static let explanation =
    "The share of the spread in the reserve needed and in running out that each estimate written as a range "
    + "explains on its own (first-order index, 95% interval). Research the top ones first; an interval reaching 0 "
    + "means this many paths cannot tell it from an estimate that does not matter."

  /// The heading and the explanation as text lines (for the terminal).
  public static let introduction = [
    "What matters most to pin down: the share of the spread in the reserve needed and in running out that each",
    "estimate written as a range explains on its own (first-order index, 95% interval). Research the top ones first;",
    "an interval reaching 0 means this many paths cannot tell it from an estimate that does not matter.",
  ].joined(separator: "\n")
}
