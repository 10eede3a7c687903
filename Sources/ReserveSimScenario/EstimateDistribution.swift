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
  package init(json: JSONValue, range: NumberRange, isWholeNumber: Bool) throws(Problem) {
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
  package struct Problem: Error {
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

  package static func json(_ form: Form) -> JSONValue {
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

}
