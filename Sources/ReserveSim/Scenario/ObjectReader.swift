import Foundation

/// Reads the fields of one JSON object, tracking which were used so that any other key is reported.
///
/// Every accessor checks type and range and throws a `ScenarioError` whose path names the field, so a
/// typo or an out-of-range value never silently changes a model.
struct ObjectReader {
  let fields: [String: JSONValue]
  let path: JSONPath
  private(set) var known: [String] = []

  init(_ value: JSONValue, at path: JSONPath) throws {
    guard case .object(let fields) = value else {
      throw ScenarioError(file: nil, path: path, message: "expected an object, found \(value.kindDescription)")
    }
    self.fields = fields
    self.path = path
  }

  private mutating func take(_ key: String) -> JSONValue? {
    known.append(key)
    if case .null? = fields[key] { return nil }
    return fields[key]
  }

  func error(_ key: String, _ message: String) -> ScenarioError {
    ScenarioError(file: nil, path: path.appending(key), message: message)
  }

  /// Keys longer than this are not compared with the known fields, and are shown cut to this length.
  static let longestSuggestedKey = 64

  /// Reports the first key (in sorted order) that is not a field of this object.
  func rejectUnknownKeys() throws {
    for key in fields.keys.sorted() where !known.contains(key) {
      // A key too long to be a typo of a field gets no suggestion (the edit distance would take seconds) and is
      // shown cut short.
      let isLong = key.count > Self.longestSuggestedKey
      let shown = isLong ? String(key.prefix(Self.longestSuggestedKey)) + "… (\(key.count) characters)" : key
      var message = "unknown field '\(shown)'"
      if !isLong, let suggestion = closestMatch(to: key, among: known) { message += " (did you mean '\(suggestion)'?)" }
      message += "; allowed here: " + known.sorted().joined(separator: ", ")
      throw ScenarioError(file: nil, path: path.appending(shown), message: message)
    }
  }

  mutating func has(_ key: String) -> Bool {
    if case .null? = fields[key] { return false }
    return fields[key] != nil
  }

  mutating func value(_ key: String) -> JSONValue? { take(key) }

  mutating func string(_ key: String) throws -> String? {
    guard let value = take(key) else { return nil }
    guard case .string(let s) = value else { throw error(key, "expected a string, found \(value.kindDescription)") }
    return s
  }

  mutating func requiredString(_ key: String) throws -> String {
    guard let s = try string(key) else { throw error(key, "is required (a string)") }
    guard !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw error(key, "must not be empty") }
    return s
  }

  /// A finite number in `range`; `nil` when absent. Where the range is a fraction (`acceptsPercent`), a
  /// percentage string such as "4%" or "-10%" is read as the fraction (0.04, −0.1).
  mutating func number(_ key: String, in range: NumberRange = .any) throws -> Double? {
    guard let value = take(key) else { return nil }
    let x: Double
    switch value {
    case .number(let number):
      x = number
    case .string(let text) where range.acceptsPercent && text.hasSuffix("%"):
      guard let fraction = CompactNumber.fraction(text.replacingOccurrences(of: " ", with: "")) else {
        throw error(key, "expected a number such as 0.05 or a percentage such as \"5%\", found \"\(text)\"")
      }
      x = fraction
    default:
      let hint = range.acceptsPercent ? " (a fraction such as 0.05, or \"5%\")" : ""
      throw error(key, "expected a number\(hint), found \(value.kindDescription)")
    }
    guard x.isFinite else { throw error(key, "expected a finite number") }
    guard range.contains(x) else {
      var message = "must be \(range), found \(JSONValue.format(x))"
      // 85 where a fraction up to 1 belongs was almost surely meant as 85%.
      if range.acceptsPercent, range.upper == 1, x > 1, x <= 100 {
        message += "; for \(JSONValue.format(x))% write \(JSONValue.format(x / 100)) or \"\(JSONValue.format(x))%\""
      }
      throw error(key, message)
    }
    return x
  }

  /// A whole number in `range`; `nil` when absent.
  mutating func integer(_ key: String, in range: NumberRange = .any) throws -> Int? {
    guard let x = try number(key, in: range) else { return nil }
    // Beyond 2⁵³ doubles skip whole numbers: such a number cannot be read exactly.
    guard abs(x) <= 9_007_199_254_740_991 else {
      throw error(key, "must be at most 9007199254740991 in size (2⁵³ − 1), found \(JSONValue.format(x))")
    }
    guard x == x.rounded() else {
      throw error(key, "expected a whole number, found \(JSONValue.format(x))")
    }
    return Int(x)
  }

  mutating func array(_ key: String) throws -> [JSONValue]? {
    guard let value = take(key) else { return nil }
    guard case .array(let items) = value else { throw error(key, "expected a list, found \(value.kindDescription)") }
    return items
  }
}

/// An allowed interval for a number, described in words for error messages.
struct NumberRange: CustomStringConvertible {
  var lower: Double?
  var lowerInclusive = true
  var upper: Double?
  var upperInclusive = true
  /// Whether the field is a fraction (a probability, a rate, a share), which a percentage string may give.
  var acceptsPercent = false

  static let any = NumberRange()
  static let nonNegative = NumberRange(lower: 0)
  static let positive = NumberRange(lower: 0, lowerInclusive: false)
  static let probability = NumberRange(lower: 0, upper: 1, acceptsPercent: true)
  /// A growth rate or return: above −100%, at most +1000% a year.
  static let growth = NumberRange(lower: -1, lowerInclusive: false, upper: 10, acceptsPercent: true)
  /// A volatility per year: 0 to 500%.
  static let volatility = NumberRange(lower: 0, upper: 5, acceptsPercent: true)
  /// A share of a service's value: 0 to 10,000%.
  static let valueShare = NumberRange(lower: 0, upper: 100, acceptsPercent: true)
  /// A confidence level, strictly between 0 and 1.
  static let confidence = NumberRange(
    lower: 0, lowerInclusive: false, upper: 1, upperInclusive: false, acceptsPercent: true)
  /// An amount of money per year or per month: 0 to a trillion (beyond that the sums lose their cents).
  static let amount = NumberRange(lower: 0, upper: 1e12)
  /// A reserve or floor: ± a quadrillion.
  static let balance = NumberRange(lower: -1e15, upper: 1e15)
  /// An event's multiplier: 0 to 1000.
  static let multiplier = NumberRange(lower: 0, upper: 1000)
  static func atLeast(_ x: Double) -> NumberRange { NumberRange(lower: x) }
  static func between(_ a: Double, _ b: Double) -> NumberRange { NumberRange(lower: a, upper: b) }

  func contains(_ x: Double) -> Bool {
    if let lower, lowerInclusive ? x < lower : x <= lower { return false }
    if let upper, upperInclusive ? x > upper : x >= upper { return false }
    return true
  }

  var description: String {
    switch (lower, upper) {
    case (nil, nil): return "a number"
    case (let a?, nil):
      return lowerInclusive ? "at least \(JSONValue.format(a))" : "greater than \(JSONValue.format(a))"
    case (nil, let b?): return upperInclusive ? "at most \(JSONValue.format(b))" : "less than \(JSONValue.format(b))"
    case (let a?, let b?):
      let open = lowerInclusive ? "[" : "("
      let close = upperInclusive ? "]" : ")"
      return "in \(open)\(JSONValue.format(a)), \(JSONValue.format(b))\(close)"
    }
  }
}

/// The candidate nearest to `word` by edit distance, if it is close enough to be a likely typo.
func closestMatch(to word: String, among candidates: [String]) -> String? {
  let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
  guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
  return best.1 <= max(2, word.count / 4) ? best.0 : nil
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a), b = Array(b)
  if a.isEmpty { return b.count }
  var previous = Array(0...b.count)
  for i in 1...a.count {
    var current = [i] + Array(repeating: 0, count: b.count)
    for j in 1...max(1, b.count) where !b.isEmpty {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.count]
}
