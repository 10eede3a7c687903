import Foundation
import ReserveSimScenario

/// 95% Monte Carlo confidence intervals for the estimates a run reports.
public enum ConfidenceIntervals {
  /// The normal quantile for a two-sided 95% interval.
  public static let z95 = 1.959963984540054

  /// Wilson score interval for a proportion of `successes` in `n` trials:
  /// (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n).
  /// At p̂ = 0 the lower bound is exactly 0 and at p̂ = 1 the upper bound exactly 1 (the formula's values,
  /// which rounding would otherwise nudge off the end: a verdict against "at most 0" depends on it).
  public static func wilson(successes: Int, trials n: Int, z: Double = z95) -> (lower: Double, upper: Double) {
    let nn = Double(n)
    let p = Double(successes) / nn
    let z2 = z * z
    let centre = p + z2 / (2 * nn)
    let half = z * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
    let denominator = 1 + z2 / nn
    let lower = successes == 0 ? 0 : max(0, (centre - half) / denominator)
    let upper = successes == n ? 1 : min(1, (centre + half) / denominator)
    return (lower, upper)
  }

  /// Ranks (1-based) of the order statistics that bracket the c-quantile of N samples with 95% confidence,
  /// from the normal approximation to the Binomial(N, c) count of samples below the quantile:
  /// ⌊Nc − z√(Nc(1−c))⌋ and ⌈Nc + z√(Nc(1−c))⌉, clamped to 1…N.
  public static func quantileRanks(confidence c: Double, samples n: Int, z: Double = z95) -> (lower: Int, upper: Int) {
    let nn = Double(n)
    let spread = z * (nn * c * (1 - c)).squareRoot()
    let lower = Int((nn * c - spread).rounded(.down))
    let upper = Int((nn * c + spread).rounded(.up))
    return (min(n, max(1, lower)), min(n, max(1, upper)))
  }

  /// t₀.₉₇₅ with ν degrees of freedom, the half-width factor of a 95% interval from ν + 1 independent means.
  ///
  /// For t > 0, P(T > t) = ½·I_{ν/(ν+t²)}(ν/2, ½), so t = √(ν(1 − x)/x) with x = I⁻¹(0.05; ν/2, ½).
  public static func t975(degreesOfFreedom nu: Int) -> Double {
    precondition(nu >= 1)
    let v = Double(nu)
    let x = IncompleteBeta.inverse(0.05, v / 2, 0.5)
    return (v * (1 - x) / x).squareRoot()
  }
}
