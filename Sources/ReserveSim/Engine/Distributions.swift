import Foundation

/// Exact discrete samplers by inversion of the CDF, each fed by uniforms from fixed stream addresses.
///
/// Large parameters are split into chunks (Binomial(n, p) = Σ Binomial(nᵢ, p); Poisson(λ) = Σ Poisson(λᵢ))
/// so that the first probability mass never underflows; each chunk takes its own uniform.
@_spi(Engine) public enum Distributions {
  /// Trials per binomial chunk: with p ≤ ½, (1 − p)^512 ≥ 2⁻⁵¹², far from underflow.
  public static let binomialChunk = 512
  /// Mean per Poisson chunk: e^(−500) ≈ 7e−218, far from underflow.
  public static let poissonChunk = 500.0

  /// Binomial(n, p) from uniform u by inversion (n ≤ `binomialChunk`): the least x with
  /// Σ_{k≤x} C(n,k) pᵏ(1−p)ⁿ⁻ᵏ ≥ u, walking the masses up from (1 − p)ⁿ by the ratio p(n−k)/((1−p)(k+1)).
  /// For p > ½ it counts failures instead (n − Binomial(n, 1 − p) with 1 − u), so (1 − p)ⁿ ≥ 2⁻⁵¹².
  @inlinable
  public static func binomialChunk(trials n: Int, probability p: Double, uniform u: Double) -> Int {
    binomialChunk(
      trials: n, probability: p, logProbability: VectorMath.log(p), logFailure: VectorMath.log(1 - p), uniform: u)
  }

  /// The same, with ln p and ln(1 − p) given (a tier's are computed once per run).
  @inlinable
  public static func binomialChunk(
    trials n: Int, probability p: Double, logProbability: Double, logFailure: Double, uniform u: Double
  ) -> Int {
    if n <= 0 || p <= 0 { return 0 }
    if p >= 1 { return n }
    // Invert on the side with success probability ≤ ½; for p > ½ count the failures with 1 − u.
    let flipped = p > 0.5
    let success = flipped ? 1 - p : p
    let target = flipped ? 1 - u : u
    let ratio = success / (1 - success)
    var mass = VectorMath.exp(Double(n) * (flipped ? logProbability : logFailure))
    var cumulative = mass
    var x = 0
    while target > cumulative && x < n {
      mass *= ratio * Double(n - x) / Double(x + 1)
      x += 1
      cumulative += mass
    }
    return flipped ? n - x : x
  }

  /// Poisson(λ) from uniform u by inversion (λ ≤ `poissonChunk`).
  @inlinable
  public static func poissonChunk(mean lambda: Double, uniform u: Double) -> Int {
    poissonChunk(mean: lambda, massAtZero: VectorMath.exp(-lambda), uniform: u)
  }

  /// The same, with e^(−λ) given.
  @inlinable
  public static func poissonChunk(mean lambda: Double, massAtZero: Double, uniform u: Double) -> Int {
    if lambda <= 0 { return 0 }
    var mass = massAtZero
    var cumulative = mass
    var x = 0
    while u > cumulative {
      x += 1
      mass *= lambda / Double(x)
      cumulative += mass
      if mass < 1e-300 && Double(x) > lambda { break }
    }
    return x
  }
}
