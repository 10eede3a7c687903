import Foundation

/// Exact discrete samplers, each fed by uniforms from fixed stream addresses.
///
/// Small parameters are sampled by inversion of the CDF from one uniform (n ≤ `maximumInversionTrials`,
/// λ ≤ `maximumInversionMean`: at most that many steps); larger ones by Hörmann's transformed rejection, whose
/// expected number of uniforms is bounded whatever n or λ: BTRD for the binomial (W. Hörmann, "The generation
/// of binomial random variates", J. Stat. Comput. Simul. 46, 1993) and PTRS for the Poisson (W. Hörmann, "The
/// transformed rejection method for generating Poisson random variables", Insurance: Math. & Econ. 12, 1993).
/// Counts are 64-bit.
package enum Distributions {
  /// Most trials sampled by inversion: with p ≤ ½, (1 − p)^512 ≥ 2⁻⁵¹², far from underflow.
  public static let maximumInversionTrials: Int64 = 512
  /// Largest mean sampled by inversion: e^(−500) ≈ 7e−218, far from underflow.
  public static let maximumInversionMean = 500.0
  /// Below this mean n·min(p, 1 − p) the binomial is inverted at any n (BTRD's constants hold from 10 on): with
  /// p ≤ ½, (1 − p)ⁿ = e^(n·ln(1 − p)) ≥ e^(−2 ln 2 · np) > e^(−14) then, and the walk takes about np steps.
  public static let minimumRejectionMean = 10.0

  /// Binomial(n, p): by inversion from the first uniform when n ≤ `maximumInversionTrials` or the mean on the
  /// side with success probability ≤ ½ is below `minimumRejectionMean`, else by BTRD. Above
  /// `maximumInversionTrials` both count the side with probability ≤ ½ from the same uniforms, so there
  /// Binomial(n, p) = n − Binomial(n, 1 − p) draw by draw (where 1 − (1 − p) = p in doubles).
  /// - Complexity: expected O(1) uniforms and O(min(n, 512) + min(np, 10)) steps.
  @inlinable
  public static func binomial(trials n: Int64, probability p: Double, uniforms: inout UniformSequence) -> Int64 {
    if n <= 0 || p <= 0 { return 0 }
    if p >= 1 { return n }
    if n <= maximumInversionTrials {
      return binomialByInversion(trials: n, probability: p, uniform: uniforms.next())
    }
    let flipped = p > 0.5
    let success = flipped ? 1 - p : p
    let x: Int64
    if Double(n) * success < minimumRejectionMean {
      x = binomialByInversionWithSmallMean(trials: n, probability: success, uniform: uniforms.next())
    } else {
      x = binomialByRejection(trials: n, probability: success, uniforms: &uniforms)
    }
    return flipped ? n - x : x
  }

  /// Poisson(λ): by inversion from the first uniform when λ ≤ `maximumInversionMean`, else by PTRS.
  /// - Complexity: expected O(1) uniforms and O(min(λ, 500)) steps.
  @inlinable
  public static func poisson(mean lambda: Double, uniforms: inout UniformSequence) -> Int64 {
    if !(lambda > 0) { return 0 }
    if lambda <= maximumInversionMean {
      return poissonByInversion(mean: lambda, massAtZero: VectorMath.exp(-lambda), uniform: uniforms.next())
    }
    return poissonByRejection(mean: lambda, uniforms: &uniforms)
  }

  /// Binomial(n, p) from uniform u by inversion (n ≤ `maximumInversionTrials`): the least x with
  /// Σ_{k≤x} C(n,k) pᵏ(1−p)ⁿ⁻ᵏ ≥ u, walking the masses up from (1 − p)ⁿ by the ratio p(n−k)/((1−p)(k+1)).
  /// For p > ½ it counts failures instead (n − Binomial(n, 1 − p) with 1 − u), so (1 − p)ⁿ ≥ 2⁻⁵¹².
  @inlinable
  public static func binomialByInversion(trials n: Int64, probability p: Double, uniform u: Double) -> Int64 {
    binomialByInversion(
      trials: n, probability: p, logProbability: VectorMath.log(p), logFailure: VectorMath.log(1 - p), uniform: u)
  }

  /// The same, with ln p and ln(1 − p) given.
  @inlinable
  public static func binomialByInversion(
    trials n: Int64, probability p: Double, logProbability: Double, logFailure: Double, uniform u: Double
  ) -> Int64 {
    if n <= 0 || p <= 0 { return 0 }
    if p >= 1 { return n }
    // Invert on the side with success probability ≤ ½; for p > ½ count the failures with 1 − u.
    let flipped = p > 0.5
    let success = flipped ? 1 - p : p
    let target = flipped ? 1 - u : u
    let ratio = success / (1 - success)
    var mass = VectorMath.exp(Double(n) * (flipped ? logProbability : logFailure))
    var cumulative = mass
    var x: Int64 = 0
    while target > cumulative && x < n {
      mass *= ratio * Double(n - x) / Double(x + 1)
      x += 1
      cumulative += mass
    }
    return flipped ? n - x : x
  }

  /// Binomial(n, p) by inversion from u for any n when p ≤ ½ and np < `minimumRejectionMean`: the same walk
  /// from (1 − p)ⁿ > e^(−14), stopped once the masses beyond the mean have underflowed (the cumulative sum can
  /// fall short of u by rounding, and the walk must not go on towards n).
  @inlinable
  static func binomialByInversionWithSmallMean(trials n: Int64, probability p: Double, uniform u: Double) -> Int64 {
    let ratio = p / (1 - p)
    var mass = VectorMath.exp(Double(n) * Foundation.log1p(-p))
    var cumulative = mass
    var x: Int64 = 0
    while u > cumulative && x < n {
      mass *= ratio * Double(n - x) / Double(x + 1)
      x += 1
      cumulative += mass
      if mass < 1e-300 && Double(x) > Double(n) * p { break }
    }
    return x
  }

  /// Poisson(λ) from uniform u by inversion (λ ≤ `maximumInversionMean`).
  @inlinable
  public static func poissonByInversion(mean lambda: Double, uniform u: Double) -> Int64 {
    poissonByInversion(mean: lambda, massAtZero: VectorMath.exp(-lambda), uniform: u)
  }

  /// The same, with e^(−λ) given.
  @inlinable
  public static func poissonByInversion(mean lambda: Double, massAtZero: Double, uniform u: Double) -> Int64 {
    if lambda <= 0 { return 0 }
    var mass = massAtZero
    var cumulative = mass
    var x: Int64 = 0
    while u > cumulative {
      x += 1
      mass *= lambda / Double(x)
      cumulative += mass
      if mass < 1e-300 && Double(x) > lambda { break }
    }
    return x
  }

}
