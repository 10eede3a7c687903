import Foundation

/// The regularized incomplete beta function I_x(α, β) and its inverse.
package enum IncompleteBeta {
  /// I_x(α, β) by its continued fraction (modified Lentz), on the side where it converges fast:
  /// I_x(α, β) = x^α (1 − x)^β / (α B(α, β)) · 1/(1 + d₁/(1 + d₂/(1 + …))) for x < (α + 1)/(α + β + 2), else
  /// 1 − I_{1−x}(β, α).
  static func regularized(_ x: Double, _ alpha: Double, _ beta: Double) -> Double {
    regularized(
      x, alpha, beta, logBeta: Foundation.lgamma(alpha) + Foundation.lgamma(beta) - Foundation.lgamma(alpha + beta))
  }

  /// I_x(α, β) with ln B(α, β) given (it is symmetric in α and β).
  static func regularized(_ x: Double, _ alpha: Double, _ beta: Double, logBeta: Double) -> Double {
    if x <= 0 { return 0 }
    if x >= 1 { return 1 }
    if x > (alpha + 1) / (alpha + beta + 2) { return 1 - regularized(1 - x, beta, alpha, logBeta: logBeta) }
    let logPowers: Double = alpha * Foundation.log(x) + beta * Foundation.log1p(-x)
    let logFront = logPowers - Foundation.log(alpha) - logBeta
    let tiny = 1e-300
    var c = 1.0
    var d = 1 - (alpha + beta) * x / (alpha + 1)
    if abs(d) < tiny { d = tiny }
    d = 1 / d
    var fraction = d
    for m in 1...10_000 {
      let m = Double(m)
      // Even step d_{2m} = m(β − m)x / ((α + 2m − 1)(α + 2m)), odd step d_{2m+1} = −(α + m)(α + β + m)x /
      // ((α + 2m)(α + 2m + 1)).
      let even: Double = m * (beta - m) * x / ((alpha + 2 * m - 1) * (alpha + 2 * m))
      let oddTop: Double = -(alpha + m) * (alpha + beta + m) * x
      let odd: Double = oddTop / ((alpha + 2 * m) * (alpha + 2 * m + 1))
      for numerator in [even, odd] {
        d = 1 + numerator * d
        if abs(d) < tiny { d = tiny }
        c = 1 + numerator / c
        if abs(c) < tiny { c = tiny }
        d = 1 / d
        fraction *= d * c
      }
      if abs(d * c - 1) < 1e-15 { break }
    }
    return Foundation.exp(logFront) * fraction
  }

  /// x with I_x(α, β) = p, by bisection to the last bit (about 60 steps; draws of a beta are cached per run).
  package static func inverse(_ p: Double, _ alpha: Double, _ beta: Double) -> Double {
    if p <= 0 { return 0 }
    if p >= 1 { return 1 }
    var low = 0.0, high = 1.0
    for _ in 0..<200 {
      let mid = (low + high) / 2
      if mid <= low || mid >= high { break }
      if regularized(mid, alpha, beta) < p { low = mid } else { high = mid }
    }
    return (low + high) / 2
  }
}

/// F⁻¹ of a beta distribution, fast enough to draw once per path: the quantiles at p = k/1024 (by bisection, once),
/// then for each p Newton's method from the table's bracket, kept inside it (bisection where a step leaves it), to
/// |ΔF| below 10⁻¹³.
final class BetaQuantileTable: Sendable {
  let alpha: Double, beta: Double
  /// ln B(α, β), for the density x^(α−1)(1 − x)^(β−1)/B(α, β).
  let logBeta: Double
  let knots: [Double]
  static let intervals = 1024

  init(alpha: Double, beta: Double) {
    self.alpha = alpha
    self.beta = beta
    logBeta = Foundation.lgamma(alpha) + Foundation.lgamma(beta) - Foundation.lgamma(alpha + beta)
    knots = (0...Self.intervals).map { IncompleteBeta.inverse(Double($0) / Double(Self.intervals), alpha, beta) }
  }

  func quantile(_ p: Double) -> Double {
    if p <= 0 { return 0 }
    if p >= 1 { return 1 }
    let position = p * Double(Self.intervals)
    let k = Swift.min(Self.intervals - 1, Int(position))
    var low = knots[k], high = knots[k + 1]
    var x = low + (high - low) * (position - Double(k))
    for _ in 0..<50 {
      let f = IncompleteBeta.regularized(x, alpha, beta, logBeta: logBeta) - p
      if abs(f) < 1e-13 { break }
      if f < 0 { low = x } else { high = x }
      let logDensity: Double = (alpha - 1) * Foundation.log(x) + (beta - 1) * Foundation.log1p(-x) - logBeta
      let next = x - f / Foundation.exp(logDensity)
      x = next > low && next < high ? next : (low + high) / 2
      if high - low <= 4 * Double.ulpOfOne * Swift.max(x, 1e-300) { break }
    }
    return x
  }
}
