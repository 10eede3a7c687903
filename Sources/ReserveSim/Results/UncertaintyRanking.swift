import Foundation

/// A first-order sensitivity index with its 95% interval.
public struct SensitivityIndex: Sendable, Equatable {
  public var index: Double
  public var lower: Double
  public var upper: Double
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
/// on K = 10 disjoint subsamples (path mod 10), each with its own correction: S ± t₀.₉₇₅,₉ · sd(S₁…S₁₀)/√10.
/// Paths are ordered by the uniform behind θ (θ = F⁻¹(u) is monotone in u), so ties of whole-number fields are
/// broken at random, independently of Y.
public enum UncertaintyRanking {
  /// M, the harmonics counted.
  public static let harmonics = 10
  /// K, the subsamples behind the interval.
  public static let subsamples = 10
  /// t₀.₉₇₅ with K − 1 = 9 degrees of freedom.
  static let tQuantile = 2.262157162740992

  /// The ranking of every uncertain estimate of the run, largest need index first (ties by ruin index).
  public static func rank(_ result: SimulationResult) -> [UncertainEstimateRank] {
    let parameters = result.scenario.uncertainParameters
    guard !parameters.isEmpty, result.paths >= 4 * harmonics * subsamples else {
      return parameters.map { UncertainEstimateRank(parameter: $0, ruin: nil, need: nil) }
    }
    let n = result.paths
    let streams = RandomStreams(seed: result.seed)
    let ruined = result.firstRuinMonth.map { $0 > 0 ? 1.0 : 0.0 }
    let needs = result.requiredReserve
    let needsUsable = needs.allSatisfy(\.isFinite)
    var ranks = [UncertainEstimateRank?](repeating: nil, count: parameters.count)
    ranks.withUnsafeMutableBufferPointer { slots in
      let output = slots
      DispatchQueue.concurrentPerform(iterations: parameters.count) { j in
        let parameter = parameters[j]
        // The top 32 bits of each path's uniform order the paths as θ; the path index breaks ties.
        var keys = [UInt32](repeating: 0, count: n)
        for i in 0..<n {
          keys[i] = streams.words(path: UInt32(truncatingIfNeeded: i), month: 0, stream: .parameterDraws, draw: parameter.drawKey).0
        }
        let order = sortedIndices(keys)
        output[j] = UncertainEstimateRank(
          parameter: parameter, ruin: index(of: ruined, in: order), need: needsUsable ? index(of: needs, in: order) : nil)
      }
    }
    func key(_ rank: UncertainEstimateRank) -> (Double, Double) {
      (rank.need?.index ?? -.infinity, rank.ruin?.index ?? -.infinity)
    }
    return ranks.map { $0! }.sorted { key($0) > key($1) }
  }

  /// S of outputs `y` with the paths in θ order `order`, and its subsample interval; nil when Y does not vary.
  static func index(of y: [Double], in order: [Int32]) -> SensitivityIndex? {
    var ordered = order.map { y[Int($0)] }
    guard let first = ordered.first, ordered.contains(where: { $0 != first }) else { return nil }
    let whole = firstOrder(&ordered)
    var estimates: [Double] = []
    for group in 0..<subsamples {
      var part: [Double] = []
      part.reserveCapacity(order.count / subsamples + 1)
      for i in order where Int(i) % subsamples == group { part.append(y[Int(i)]) }
      if let value = firstOrder(&part) { estimates.append(value) }
    }
    guard let whole, estimates.count == subsamples else { return nil }
    let mean = estimates.reduce(0, +) / Double(subsamples)
    let variance = estimates.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsamples - 1)
    let halfWidth = tQuantile * (variance / Double(subsamples)).squareRoot()
    return SensitivityIndex(index: whole, lower: whole - halfWidth, upper: whole + halfWidth)
  }

  /// The bias-corrected EASI estimate of S for outputs already in θ order (rearranged in place); nil when they do
  /// not vary.
  static func firstOrder(_ y: inout [Double]) -> Double? {
    let n = y.count
    guard n > 2 * harmonics + 1 else { return nil }
    // Every second output upwards, then the others downwards.
    var periodic = [Double](repeating: 0, count: n)
    var position = 0
    for i in stride(from: 0, to: n, by: 2) {
      periodic[position] = y[i]
      position += 1
    }
    let odd = stride(from: 1, to: n, by: 2).reversed()
    for i in odd {
      periodic[position] = y[i]
      position += 1
    }
    let mean = periodic.reduce(0, +) / Double(n)
    var sumSquares = 0.0
    for v in periodic { sumSquares += (v - mean) * (v - mean) }
    guard sumSquares > 0 else { return nil }
    // F_k for k = 1…M by rotating e^{−2πijk/N}, restarted exactly every 4096 terms.
    var power = 0.0
    for k in 1...harmonics {
      var re = 0.0, im = 0.0
      let step = -2 * Double.pi * Double(k) / Double(n)
      let (stepCos, stepSin) = (Foundation.cos(step), Foundation.sin(step))
      var c = 1.0, s = 0.0
      for j in 0..<n {
        if j & 4095 == 0 {
          let angle = -2 * Double.pi * Double((j * k) % n) / Double(n)
          (c, s) = (Foundation.cos(angle), Foundation.sin(angle))
        }
        let v = periodic[j] - mean
        re += v * c
        im += v * s
        (c, s) = (c * stepCos - s * stepSin, c * stepSin + s * stepCos)
      }
      power += re * re + im * im
    }
    let raw = 2 * power / (Double(n) * sumSquares)
    let lambda = 2 * Double(harmonics) / Double(n)
    return raw - lambda / (1 - lambda) * (1 - raw)
  }

  /// The indices 0 ..< keys.count in ascending order of key (stable: equal keys keep index order), by a
  /// least-significant-digit radix sort of two 16-bit digits.
  static func sortedIndices(_ keys: [UInt32]) -> [Int32] {
    let n = keys.count
    var order = (0..<n).map { Int32($0) }
    var scratch = [Int32](repeating: 0, count: n)
    for shift in [UInt32(0), 16] {
      var counts = [Int](repeating: 0, count: 1 << 16 + 1)
      for i in 0..<n { counts[Int((keys[i] >> shift) & 0xFFFF) + 1] += 1 }
      for b in 1..<counts.count { counts[b] += counts[b - 1] }
      for i in order {
        let digit = Int((keys[Int(i)] >> shift) & 0xFFFF)
        scratch[counts[digit]] = i
        counts[digit] += 1
      }
      swap(&order, &scratch)
    }
    return order
  }
}

extension UncertaintyRanking {
  /// "What matters most to pin down", in plain words: one line per uncertain estimate, largest first, with the
  /// share of the spread in the reserve needed (and in ruin) it explains and the 95% interval.
  public static func plainWords(_ ranks: [UncertainEstimateRank]) -> [String] {
    func percent(_ x: Double) -> String {
      let share = Swift.max(0, x) * 100
      return String(format: share < 10 ? "%.1f%%" : "%.0f%%", share)
    }
    func share(_ value: SensitivityIndex?, of what: String) -> String {
      guard let value else { return "\(what): does not vary" }
      return "\(percent(value.index)) of \(what) (95%: \(percent(value.lower))–\(percent(value.upper)))"
    }
    return ranks.enumerated().map { position, rank in
      "\(position + 1). \(rank.parameter.path): " + share(rank.need, of: "the spread in the reserve needed") + "; "
        + share(rank.ruin, of: "the spread in running out")
    }
  }

  /// The sentence that introduces the ranking.
  public static let introduction =
    "What matters most to pin down: the share of the variance each estimate written as a range explains on its own "
    + "(first-order index, from the paths' own draws); research the top ones first."
}
