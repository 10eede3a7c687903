import Foundation

/// Hörmann's transformed rejection samplers for large binomial and Poisson parameters.
///
/// Both draw k = ⌊(2a/uₛ + b)·u + c⌋ from u uniform on (−½, ½), uₛ = ½ − |u|: the inverse of a hat
/// h(x) ∝ a/(½ − |u(x)|)² + b that lies above the mass function near its mode. A second uniform v accepts k
/// at once inside a box where the hat is known to be below the masses, and otherwise when
/// v·α/(a/uₛ² + b) ≤ f(k) (BTRD: f(k)/f(m), m the mode). On average BTRD takes about 1.4–1.6 uniforms a draw
/// and PTRS about 2.25 (measured from n = 513 to 2⁴⁰ and λ = 501 to 10¹²), so the cost does not grow with n or λ.
///
/// The final test compares logarithms of masses computed in the saddle-point form of C. Loader ("Fast and
/// accurate computation of binomial probabilities", 2000): ln f = −σ − D + ½ ln(…), with σ the Stirling
/// correction and D(x, M) = x ln(x/M) + M − x summed by its series near M, so the log-mass is accurate to about
/// 1e−15 even at n = 10⁹ (where differences of terms like (n + 1)·ln(…) would leave errors near 1e−7).
extension Distributions {
  /// BTRD (Hörmann 1993, algorithm BTRD) for p ≤ ½ and np ≥ `minimumRejectionMean`.
  ///
  /// Setup: m = ⌊(n + 1)p⌋, r = p/q, b = 1.15 + 2.53√(npq), a = −0.0873 + 0.0248b + 0.01p, c = np + ½,
  /// α = (2.83 + 5.1/b)√(npq), v_r = 0.92 − 4.2/b. Step 1 returns at once from one uniform v ≤ 0.86·v_r;
  /// step 2 draws u (or reflects v into the tails); steps 3.0–3.4 reject k outside 0…n, evaluate f(k)/f(m)
  /// by its ratios (n + 1)r/i − r when |k − m| ≤ 15, else try the squeeze t ± ρ of ln f(k)/f(m) around
  /// −(k − m)²/(2npq), and only then the exact log-mass ratio.
  @usableFromInline
  static func binomialByRejection(trials n: Int64, probability p: Double, uniforms: inout UniformSequence) -> Int64 {
    let trials = Double(n), q = 1 - p
    let variance = trials * p * q
    let deviation = variance.squareRoot()
    let mode = Int64((Double(n + 1) * p).rounded(.down))
    let odds = p / q, scaledOdds = Double(n + 1) * odds
    let b = 1.15 + 2.53 * deviation
    let a = -0.0873 + 0.0248 * b + 0.01 * p
    let c = trials * p + 0.5
    let alpha = (2.83 + 5.1 / b) * deviation
    let boxHeight = 0.92 - 4.2 / b  // v_r
    while true {
      // 1. Inside the box of the hat's centre: accept from one uniform.
      var v = uniforms.next()
      if v <= 0.86 * boxHeight {
        let u = v / boxHeight - 0.43
        let k = ((2 * a / (0.5 - Swift.abs(u)) + b) * u + c).rounded(.down)
        if k >= 0 && k <= trials { return Int64(k) }
        continue
      }
      // 2. Outside it: a fresh u, or v's position reflected into the hat's tails beside the box.
      var u: Double
      if v >= boxHeight {
        u = uniforms.next() - 0.5
      } else {
        u = v / boxHeight - 0.93
        u = (u < 0 ? -0.5 : 0.5) - u
        v = uniforms.next() * boxHeight
      }
      // 3.0 The candidate and v scaled to the height of the mass at the mode.
      let shortfall = 0.5 - Swift.abs(u)
      let candidate = ((2 * a / shortfall + b) * u + c).rounded(.down)
      guard candidate >= 0 && candidate <= trials else { continue }
      let k = Int64(candidate)
      v *= alpha / (a / (shortfall * shortfall) + b)
      let distance = Swift.abs(k - mode)
      if distance <= 15 {
        // 3.1 f(k)/f(m) as the product of f(i)/f(i − 1) = (n + 1)r/i − r.
        var ratio = 1.0
        if mode < k {
          for i in (mode + 1)...k { ratio *= scaledOdds / Double(i) - odds }
        } else if mode > k {
          for i in (k + 1)...mode { v *= scaledOdds / Double(i) - odds }
        }
        if v <= ratio { return k }
        continue
      }
      // 3.2 Squeeze: ln f(k)/f(m) lies within ρ of t = −(k − m)²/(2npq).
      let logV = Foundation.log(v)
      let d = Double(distance)
      let rho = (d / variance) * (((d / 3 + 0.625) * d + 1.0 / 6) / variance + 0.5)
      let t = -d * d / (2 * variance)
      if logV < t - rho { return k }
      if logV > t + rho { continue }
      // 3.3–3.4 The exact ratio.
      let logRatio =
        logBinomialMass(k, trials: n, probability: p) - logBinomialMass(mode, trials: n, probability: p)
      if logV <= logRatio { return k }
    }
  }

  /// PTRS (Hörmann 1993) for λ ≥ 10: b = 0.931 + 2.53√λ, a = −0.059 + 0.02483b, α = 1.1239 + 1.1328/(b − 3.4),
  /// v_r = 0.9277 − 3.6224/(b − 2); k = ⌊(2a/uₛ + b)u + λ + 0.43⌋ is accepted at once when uₛ ≥ 0.07 and
  /// v ≤ v_r, rejected when k < 0 or (uₛ < 0.013 and v > uₛ), and otherwise accepted when
  /// ln(v·α/(a/uₛ² + b)) ≤ ln(e^(−λ) λᵏ/k!).
  @usableFromInline
  static func poissonByRejection(mean lambda: Double, uniforms: inout UniformSequence) -> Int64 {
    let b = 0.931 + 2.53 * lambda.squareRoot()
    let a = -0.059 + 0.02483 * b
    let alpha = 1.1239 + 1.1328 / (b - 3.4)
    let boxHeight = 0.9277 - 3.6224 / (b - 2)  // v_r
    while true {
      let u = uniforms.next() - 0.5
      let v = uniforms.next()
      let shortfall = 0.5 - Swift.abs(u)
      let candidate = ((2 * a / shortfall + b) * u + lambda + 0.43).rounded(.down)
      if shortfall >= 0.07 && v <= boxHeight { return Int64(candidate) }
      // Candidates beyond 2⁶² have masses that underflow to 0 long before: rejected like any other.
      if candidate < 0 || candidate > 0x1p62 || (shortfall < 0.013 && v > shortfall) { continue }
      let k = Int64(candidate)
      if Foundation.log(v * alpha / (a / (shortfall * shortfall) + b)) <= logPoissonMass(k, mean: lambda) {
        return k
      }
    }
  }

  /// ln f(j) for Binomial(n, p), f(j) = C(n, j) pʲ(1 − p)ⁿ⁻ʲ: for 0 < j < n,
  /// σ(n) − σ(j) − σ(n − j) − D(j, np) − D(n − j, n(1 − p)) + ½ ln(n/(2π j (n − j))).
  static func logBinomialMass(_ j: Int64, trials n: Int64, probability p: Double) -> Double {
    let trials = Double(n)
    if j <= 0 { return trials * Foundation.log1p(-p) }
    if j >= n { return trials * Foundation.log(p) }
    let successes = Double(j), failures = Double(n - j)
    return stirlingCorrection(n) - stirlingCorrection(j) - stirlingCorrection(n - j)
      - deviance(successes, from: trials * p) - deviance(failures, from: trials * (1 - p))
      + 0.5 * Foundation.log(trials / (successes * failures)) - halfLogTwoPi
  }

  /// ln(e^(−λ) λᵏ/k!) = −σ(k) − D(k, λ) − ½ ln(2πk) for k ≥ 1, and −λ at k = 0.
  static func logPoissonMass(_ k: Int64, mean lambda: Double) -> Double {
    if k <= 0 { return -lambda }
    return -stirlingCorrection(k) - deviance(Double(k), from: lambda) - 0.5 * Foundation.log(Double(k))
      - halfLogTwoPi
  }

  /// ½ ln 2π.
  static let halfLogTwoPi = 0.918_938_533_204_672_7

  /// D(x, M) = x ln(x/M) + M − x ≥ 0 (M > 0), the deviance of a count x from a mean M. Near M, with
  /// v = (x − M)/(x + M): ln(x/M) = 2 artanh v, so D = (x − M)·v + 2x·(v³/3 + v⁵/5 + …), summed until the
  /// terms no longer change it (|v| < 0.1: at most about eight terms), free of the cancellation of the direct form.
  static func deviance(_ x: Double, from mean: Double) -> Double {
    let difference = x - mean
    guard Swift.abs(difference) < 0.1 * (x + mean) else {
      return x > 0 ? x * Foundation.log(x / mean) + mean - x : mean
    }
    let v = difference / (x + mean)
    let vSquared = v * v
    var sum = difference * v
    var power = 2 * x * v
    var odd = 1.0
    while true {
      power *= vSquared
      odd += 2
      let next = sum + power / odd
      if next == sum { return sum }
      sum = next
    }
  }

  /// σ(j) = ln j! − [(j + ½) ln j − j + ½ ln 2π], Stirling's correction (j ≥ 1): exactly from ln Γ up to 15,
  /// above by its series 1/(12j) − 1/(360j³) + 1/(1260j⁵) − 1/(1680j⁷) + 1/(1188j⁹) (next term < 2e−16 there).
  static func stirlingCorrection(_ j: Int64) -> Double {
    let x = Double(j)
    if j <= 15 { return Foundation.lgamma(x + 1) - (x + 0.5) * Foundation.log(x) + x - halfLogTwoPi }
    let y = 1 / (x * x)
    return (1.0 / 12 - y * (1.0 / 360 - y * (1.0 / 1260 - y * (1.0 / 1680 - y / 1188)))) / x
  }
}
