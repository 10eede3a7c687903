import Foundation

/// An uncertain estimate written in place of a number (SPEC §16): what the user wrote, and the distribution it
/// stands for on the field it is written in.
///
/// - `{"range": [a, b]}` is a 90% interval: a logit-normal with 5th and 95th percentiles a and b on a field limited
///   to [0, 1] when 0 < a < b < 1; otherwise a lognormal with those percentiles when 0 < a < b; otherwise a normal.
///   The normal and the lognormal are truncated to the field's valid range (conditioned on it, which is what
///   drawing again until inside does), and `truncatedMass` says how much of them it cuts off.
/// - `{"uniform": [a, b]}`, `{"triangular": [low, mode, high]}`, `{"beta": [α, β]}` (fields in [0, 1] only).
///
/// Every family is drawn by inversion, x = F⁻¹(u) for one uniform u, so a draw is monotone in its uniform.
public struct EstimateDistribution: Sendable, Equatable {
  /// The form as written.
  public enum Form: Sendable, Equatable {
    case range(Double, Double)
    case uniform(Double, Double)
    case triangular(low: Double, mode: Double, high: Double)
    case beta(alpha: Double, beta: Double)
  }

  /// The family a form resolves to on its field.
  public enum Family: Sendable, Equatable {
    /// logit X ~ N(μ, σ²).
    case logitNormal(mu: Double, sigma: Double)
    /// ln X ~ N(μ, σ²).
    case logNormal(mu: Double, sigma: Double)
    case normal(mu: Double, sigma: Double)
    case uniform(Double, Double)
    case triangular(low: Double, mode: Double, high: Double)
    case beta(alpha: Double, beta: Double)
  }

  public let form: Form
  public let family: Family

  /// A beta's quantile table (nil for the other families).
  let betaTable: BetaQuantileTable?
  /// The field's valid range the draws are kept to (only a `range`'s normal or lognormal can reach past it).
  public let lower: Double?
  public let upper: Double?
  /// Whether draws are rounded to the nearest whole number.
  public let isWholeNumber: Bool
  /// The family's probability below `lower` and above `upper`; the draws are conditioned on lying between.
  let cut: (below: Double, above: Double)

  /// z₀.₉₅ = Φ⁻¹(0.95): a range's ends are μ ∓ z₀.₉₅·σ in the family's scale.
  static let z95 = 1.6448536269514722

  /// The keys a distribution object may have (exactly one of them).
  public static let keys = ["range", "uniform", "triangular", "beta"]

  /// Whether every draw is the same number (a uniform [x, x] or a triangular [x, x, x]).
  public var isPoint: Bool {
    switch form {
    case .uniform(let a, let b): return a == b
    case .triangular(let low, _, let high): return low == high
    case .range, .beta: return false
    }
  }

  /// The share of the family's probability outside the field's range that truncation removes.
  public var truncatedMass: Double { cut.below + cut.above }

  public static func == (a: Self, b: Self) -> Bool {
    a.form == b.form && a.family == b.family && a.lower == b.lower && a.upper == b.upper
      && a.isWholeNumber == b.isWholeNumber
  }

  /// Reads a distribution object written on a field with valid range `range`.
  /// - Throws: `Problem` saying what is wrong (the caller adds file and path).
  init(json: JSONValue, range: NumberRange, isWholeNumber: Bool) throws(Problem) {
    guard case .object(let members) = json, members.count == 1, let (key, value) = members.first,
      Self.keys.contains(key)
    else {
      throw Problem(
        "expected a number or a distribution: one of {\"range\": [a, b]}, {\"uniform\": [a, b]}, "
          + "{\"triangular\": [low, mode, high]}, {\"beta\": [alpha, beta]}")
    }
    let arity = key == "triangular" ? 3 : 2
    guard case .array(let items) = value, items.count == arity else {
      throw Problem("\(key) takes a list of \(arity) numbers")
    }
    var numbers: [Double] = []
    for item in items {
      switch item {
      case .number(let x) where x.isFinite: numbers.append(x)
      case .string(let text):
        guard let x = CompactNumber.fraction(text.filter { !$0.isWhitespace }) else {
          throw Problem("\(key) takes numbers, found \(ScenarioError.quoted(text))")
        }
        numbers.append(x)
      default: throw Problem("\(key) takes numbers, found \(item.kindDescription)")
      }
    }
    func shown(_ x: Double) -> String { JSONValue.format(x) }
    func inside(_ x: Double, _ what: String) throws(Problem) {
      guard range.contains(x) else {
        throw Problem("\(key)'s \(what) must be \(range) like the field, found \(shown(x))")
      }
    }
    let unitInterval = (range.lower ?? -.infinity) >= 0 && (range.upper ?? .infinity) <= 1
    switch key {
    case "range":
      let (a, b) = (numbers[0], numbers[1])
      guard a < b else { throw Problem("range [a, b] needs a < b, found [\(shown(a)), \(shown(b))]") }
      try inside(a, "low end")
      try inside(b, "high end")
      form = .range(a, b)
      if unitInterval && a > 0 && b < 1 {
        let (la, lb) = (Foundation.log(a / (1 - a)), Foundation.log(b / (1 - b)))
        family = .logitNormal(mu: (la + lb) / 2, sigma: (lb - la) / (2 * Self.z95))
      } else if a > 0 {
        let (la, lb) = (Foundation.log(a), Foundation.log(b))
        family = .logNormal(mu: (la + lb) / 2, sigma: (lb - la) / (2 * Self.z95))
      } else {
        family = .normal(mu: (a + b) / 2, sigma: (b - a) / (2 * Self.z95))
      }
    case "uniform":
      let (a, b) = (numbers[0], numbers[1])
      guard a <= b else { throw Problem("uniform [a, b] needs a ≤ b, found [\(shown(a)), \(shown(b))]") }
      try inside(a, "low end")
      try inside(b, "high end")
      form = .uniform(a, b)
      family = .uniform(a, b)
    case "triangular":
      let (low, mode, high) = (numbers[0], numbers[1], numbers[2])
      guard low <= mode, mode <= high else {
        throw Problem(
          "triangular [low, mode, high] needs low ≤ mode ≤ high, found [\(shown(low)), \(shown(mode)), \(shown(high))]")
      }
      try inside(low, "low end")
      try inside(high, "high end")
      form = .triangular(low: low, mode: mode, high: high)
      family = .triangular(low: low, mode: mode, high: high)
    default:
      let (alpha, beta) = (numbers[0], numbers[1])
      guard alpha > 0, beta > 0 else {
        throw Problem("beta [alpha, beta] needs both positive, found [\(shown(alpha)), \(shown(beta))]")
      }
      guard range.contains(Double.leastNonzeroMagnitude), range.contains(1 - 0x1p-53), unitInterval else {
        throw Problem("beta is for fields between 0 and 1; this field must be \(range)")
      }
      form = .beta(alpha: alpha, beta: beta)
      family = .beta(alpha: alpha, beta: beta)
    }
    lower = range.lower
    upper = range.upper
    self.isWholeNumber = isWholeNumber
    if case .beta(let alpha, let beta) = family {
      betaTable = BetaQuantileTable(alpha: alpha, beta: beta)
    } else {
      betaTable = nil
    }
    let resolved = family
    let below = range.lower.map { Self.cdf(resolved, $0) } ?? 0
    let above = range.upper.map { 1 - Self.cdf(resolved, $0) } ?? 0
    cut = (below, above)
    guard cut.below + cut.above < 1 - 1e-9 else {
      throw Problem("the distribution lies outside the field's range (\(range))")
    }
  }

  /// A problem with a distribution object, in words.
  struct Problem: Error {
    let message: String
    init(_ message: String) { self.message = message }
  }

  /// The draw for uniform u ∈ (0, 1): F⁻¹ of u mapped into the part of the family inside the field's range,
  /// rounded for whole-number fields.
  public func value(at u: Double) -> Double {
    let p = cut.below + u * (1 - cut.below - cut.above)
    var x = betaTable?.quantile(p) ?? Self.quantile(family, p)
    if let lower, x < lower { x = lower }
    if let upper, x > upper { x = upper }
    return isWholeNumber ? x.rounded(.toNearestOrAwayFromZero) : x
  }

  /// The least and the greatest value a path can draw: the values at the extreme 53-bit uniforms, 2⁻⁵⁴ and
  /// 1 − 2⁻⁵⁴ (`RandomStreams.unit53`'s range).
  public var drawnExtremes: (least: Double, greatest: Double) { (value(at: 0x1p-54), value(at: 1 - 0x1p-54)) }

  /// The q-quantile of the drawn values (before rounding for whole-number fields it is F⁻¹; after, rounded).
  public func percentile(_ q: Double) -> Double { value(at: q) }

  /// The value that stands for the distribution where one number is needed (the median of a range, a
  /// uniform's midpoint, a triangular's mode, a beta's mean): what one-at-a-time sensitivity moves.
  public var centre: Double {
    switch form {
    case .range: return value(at: 0.5)
    case .uniform(let a, let b): return (a + b) / 2
    case .triangular(_, let mode, _): return mode
    case .beta(let alpha, let beta): return alpha / (alpha + beta)
    }
  }

  /// The written form moved so that its centre is `x`: a range scaled (lognormal, logit-normal: in that scale)
  /// or shifted (normal), a uniform or triangular shifted, a beta with the same α + β and mean x.
  public func form(centredOn x: Double) -> Form {
    switch (form, family) {
    case (.range(let a, let b), .logNormal):
      let ratio = x / centre
      return .range(a * ratio, b * ratio)
    case (.range(let a, let b), .logitNormal(let mu, _)):
      let shift = Foundation.log(x / (1 - x)) - mu
      func moved(_ p: Double) -> Double { 1 / (1 + Foundation.exp(-(Foundation.log(p / (1 - p)) + shift))) }
      return .range(moved(a), moved(b))
    case (.range(let a, let b), _):
      return .range(a + x - (a + b) / 2, b + x - (a + b) / 2)
    case (.uniform(let a, let b), _):
      return .uniform(a + x - (a + b) / 2, b + x - (a + b) / 2)
    case (.triangular(let low, let mode, let high), _):
      return .triangular(low: low + x - mode, mode: x, high: high + x - mode)
    case (.beta(let alpha, let beta), _):
      return .beta(alpha: x * (alpha + beta), beta: (1 - x) * (alpha + beta))
    }
  }

  /// The form as JSON, as written.
  public var json: JSONValue { Self.json(form) }

  static func json(_ form: Form) -> JSONValue {
    switch form {
    case .range(let a, let b): return .object(["range": .array([.number(a), .number(b)])])
    case .uniform(let a, let b): return .object(["uniform": .array([.number(a), .number(b)])])
    case .triangular(let low, let mode, let high):
      return .object(["triangular": .array([.number(low), .number(mode), .number(high)])])
    case .beta(let alpha, let beta): return .object(["beta": .array([.number(alpha), .number(beta)])])
    }
  }

  /// The family in words ("logit-normal", "lognormal", "normal", "uniform", "triangular", "beta").
  public var familyName: String {
    switch family {
    case .logitNormal: return "logit-normal"
    case .logNormal: return "lognormal"
    case .normal: return "normal"
    case .uniform: return "uniform"
    case .triangular: return "triangular"
    case .beta: return "beta"
    }
  }

  // MARK: Distribution functions

  /// F(x) of a family.
  static func cdf(_ family: Family, _ x: Double) -> Double {
    switch family {
    case .logitNormal(let mu, let sigma):
      if x <= 0 { return 0 }
      if x >= 1 { return 1 }
      return normalCDF((Foundation.log(x / (1 - x)) - mu) / sigma)
    case .logNormal(let mu, let sigma):
      return x <= 0 ? 0 : normalCDF((Foundation.log(x) - mu) / sigma)
    case .normal(let mu, let sigma):
      return normalCDF((x - mu) / sigma)
    case .uniform(let a, let b):
      if x < a { return 0 }
      if x >= b { return 1 }
      return (x - a) / (b - a)
    case .triangular(let low, let mode, let high):
      if x <= low { return 0 }
      if x >= high { return 1 }
      if x <= mode { return (x - low) * (x - low) / ((high - low) * (mode - low)) }
      return 1 - (high - x) * (high - x) / ((high - low) * (high - mode))
    case .beta(let alpha, let beta):
      if x <= 0 { return 0 }
      if x >= 1 { return 1 }
      return IncompleteBeta.regularized(x, alpha, beta)
    }
  }

  /// F⁻¹(p) of a family, p ∈ [0, 1].
  static func quantile(_ family: Family, _ p: Double) -> Double {
    switch family {
    case .logitNormal(let mu, let sigma):
      return 1 / (1 + Foundation.exp(-(mu + sigma * normalQuantile(p))))
    case .logNormal(let mu, let sigma):
      return Foundation.exp(mu + sigma * normalQuantile(p))
    case .normal(let mu, let sigma):
      return mu + sigma * normalQuantile(p)
    case .uniform(let a, let b):
      return a + p * (b - a)
    case .triangular(let low, let mode, let high):
      let split = high > low ? (mode - low) / (high - low) : 0.5
      if p <= split { return low + ((high - low) * (mode - low) * p).squareRoot() }
      return high - ((high - low) * (high - mode) * (1 - p)).squareRoot()
    case .beta(let alpha, let beta):
      return IncompleteBeta.inverse(p, alpha, beta)
    }
  }

  /// Φ(z) = erfc(−z/√2)/2.
  static func normalCDF(_ z: Double) -> Double { 0.5 * Foundation.erfc(-z / 2.0.squareRoot()) }

  /// Φ⁻¹(p) by Wichura's algorithm AS 241 (PPND16, relative error about 10⁻¹⁶); ∓∞ at p = 0 and 1.
  static func normalQuantile(_ p: Double) -> Double {
    if p <= 0 { return -.infinity }
    if p >= 1 { return .infinity }
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      return q * a241(r) / b241(r)
    }
    var r = (-Foundation.log(q < 0 ? p : 1 - p)).squareRoot()
    let x: Double
    if r <= 5 {
      r -= 1.6
      x = c241(r) / d241(r)
    } else {
      r -= 5
      x = e241(r) / f241(r)
    }
    return q < 0 ? -x : x
  }

  // The rational functions of AS 241 (Wichura 1988, Applied Statistics 37(3), 477–484), in Horner form.
  @inline(__always) private static func a241(_ x: Double) -> Double {
    (((((((2.5090809287301226727e3) * x + 3.3430575583588128105e4) * x + 6.7265770927008700853e4) * x
      + 4.5921953931549871457e4) * x + 1.3731693765509461125e4) * x + 1.9715909503065514427e3) * x
      + 1.3314166789178437745e2) * x + 3.3871328727963666080e0
  }
  @inline(__always) private static func b241(_ x: Double) -> Double {
    (((((((5.2264952788528545610e3) * x + 2.8729085735721942674e4) * x + 3.9307895800092710610e4) * x
      + 2.1213794301586595867e4) * x + 5.3941960214247511077e3) * x + 6.8718700749205790830e2) * x
      + 4.2313330701600911252e1) * x + 1
  }
  @inline(__always) private static func c241(_ x: Double) -> Double {
    (((((((7.74545014278341407640e-4) * x + 2.27238449892691845833e-2) * x + 2.41780725177450611770e-1) * x
      + 1.27045825245236838258e0) * x + 3.64784832476320460504e0) * x + 5.76949722146069140550e0) * x
      + 4.63033784615654529590e0) * x + 1.42343711074968357734e0
  }
  @inline(__always) private static func d241(_ x: Double) -> Double {
    (((((((1.05075007164441684324e-9) * x + 5.47593808499534494600e-4) * x + 1.51986665636164571966e-2) * x
      + 1.48103976427480074590e-1) * x + 6.89767334985100004550e-1) * x + 1.67638483018380384940e0) * x
      + 2.05319162663775882187e0) * x + 1
  }
  @inline(__always) private static func e241(_ x: Double) -> Double {
    (((((((2.01033439929228813265e-7) * x + 2.71155556874348757815e-5) * x + 1.24266094738807843860e-3) * x
      + 2.65321895265761230930e-2) * x + 2.96560571828504891230e-1) * x + 1.78482653991729133580e0) * x
      + 5.46378491116411436990e0) * x + 6.65790464350110377720e0
  }
  @inline(__always) private static func f241(_ x: Double) -> Double {
    (((((((2.04426310338993978564e-15) * x + 1.42151175831644588870e-7) * x + 1.84631831751005468180e-5) * x
      + 7.86869131145613259100e-4) * x + 1.48753612908506148525e-2) * x + 1.36929880922735805310e-1) * x
      + 5.99832206555887937690e-1) * x + 1
  }
}

/// The regularized incomplete beta function I_x(α, β) and its inverse.
enum IncompleteBeta {
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
  static func inverse(_ p: Double, _ alpha: Double, _ beta: Double) -> Double {
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
