import Foundation

/// Reads the fields of one JSON object, tracking which were used so that any other key is reported.
///
/// Every accessor checks type and range and throws a `ScenarioError` whose path names the field, so a
/// typo or an out-of-range value never silently changes a model. Ranges, defaults and whether a percentage
/// string may stand for a fraction come from the object's entry in `ScenarioFields`.
struct ObjectReader {
  let fields: [String: JSONValue]
  let path: JSONPath
  /// The object's description in `ScenarioFields`.
  var object: ScenarioObject
  private(set) var known: [String] = []

  init(_ value: JSONValue, at path: JSONPath, as object: ScenarioObject) throws {
    guard case .object(let fields) = value else {
      throw ScenarioError(file: nil, path: path, message: "expected an object, found \(value.kindDescription)")
    }
    self.fields = fields
    self.path = path
    self.object = object
  }

  private mutating func take(_ key: String) -> JSONValue? {
    known.append(key)
    if case .null? = fields[key] { return nil }
    return fields[key]
  }

  func error(_ key: String, _ message: String) -> ScenarioError {
    ScenarioError(file: nil, path: path.appending(key), message: message)
  }

  /// The table's entry for `key`; every key the decoder reads is in the table (a test reads every one).
  func field(_ key: String) -> ScenarioField {
    guard let field = object.field(key) else {
      preconditionFailure(
        "ScenarioFields has no field \(key) in \(object.name.isEmpty ? "the top level" : object.name)")
    }
    return field
  }

  /// Reports the first key (in sorted order) that is not a field of this object.
  func rejectUnknownKeys() throws {
    for key in fields.keys.sorted() where !known.contains(key) {
      // A key too long to be a typo of a field gets no suggestion (the edit distance would take seconds) and is
      // shown cut short.
      let shown = shortened(key)
      var message = "unknown field '\(shown)'"
      if let suggestion = closestMatch(to: key, among: known) { message += " (did you mean '\(suggestion)'?)" }
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

  /// A finite number in the table's range for `key`, or in `range` where other fields narrow it; `nil` when
  /// absent. Where the table gives the field a scale (a probability, a share, a rate), a percentage string such
  /// as "4%" or "-10 %" is read as the fraction (0.04, −0.1), and a number out of range that reads as a
  /// percentage (85 for a probability) names the value that was likely meant.
  mutating func number(_ key: String, in range: NumberRange? = nil) throws -> Double? {
    let field = self.field(key)
    let range = range ?? field.range ?? .any
    guard let value = take(key) else { return nil }
    let x: Double
    var percentText: String?
    switch value {
    case .number(let number):
      x = number
    case .string(let text) where field.acceptsPercent && text.trimmingCharacters(in: .whitespaces).hasSuffix("%"):
      guard let fraction = CompactNumber.fraction(text.filter { !$0.isWhitespace }) else {
        throw error(
          key, "expected a number such as 0.05 or a percentage such as \"5%\", found \(ScenarioError.quoted(text))")
      }
      x = fraction
      percentText = text
    case .string(let text) where text.trimmingCharacters(in: .whitespaces).hasSuffix("%"):
      // A percentage where the field counts something else (months, money, a multiplier): say what it counts.
      let unit = field.unit ?? "a plain number"
      let found = "found the percentage \(ScenarioError.quoted(text))"
      if unit.contains("month") {
        throw error(key, "expected a number of \(unit), \(found): a percentage is not a month count")
      }
      throw error(key, "expected a number (\(unit)), \(found): this field takes no percentage")
    default:
      let hint = field.acceptsPercent ? " (a fraction such as 0.05, or a percentage such as \"5%\")" : ""
      throw error(key, "expected a number\(hint), found \(value.kindDescription)")
    }
    guard x.isFinite else { throw error(key, "expected a finite number") }
    if let problem = range.problem(with: x, for: field, percentText: percentText) { throw error(key, problem) }
    return x
  }

  /// The number, or the table's default when absent.
  mutating func numberOrDefault(_ key: String) throws -> Double {
    if let x = try number(key) { return x }
    guard let fallback = field(key).defaultNumber else { preconditionFailure("ScenarioFields gives \(key) no default") }
    return fallback
  }

  /// A required number (in `range` where given, else the table's): "is required (`what`)" when absent.
  mutating func requiredNumber(_ key: String, _ what: String, in range: NumberRange? = nil) throws -> Double {
    guard has(key) else { throw error(key, "is required (\(what))") }
    return try number(key, in: range)!
  }

  /// A whole number in the table's range for `key` (or `range`); `nil` when absent.
  mutating func integer(_ key: String, in range: NumberRange? = nil) throws -> Int? {
    guard let x = try number(key, in: range) else { return nil }
    // Beyond 2⁵³ doubles skip whole numbers: such a number cannot be read exactly.
    guard abs(x) <= ScenarioFields.largestWholeNumber else {
      throw error(key, "must be at most 9007199254740991 in size (2⁵³ − 1), found \(JSONValue.format(x))")
    }
    guard x == x.rounded() else {
      throw error(key, "expected a whole number, found \(JSONValue.format(x))")
    }
    return Int(x)
  }

  /// The whole number, or the table's default when absent.
  mutating func integerOrDefault(_ key: String) throws -> Int {
    if let n = try integer(key) { return n }
    guard let fallback = field(key).defaultNumber else { preconditionFailure("ScenarioFields gives \(key) no default") }
    return Int(fallback)
  }

  /// Reads every field of the object into `model`, in the table's order: `custom` decodes the fields it knows
  /// (a name, a choice, a nested object, a required number with its own message, a rule between fields) and
  /// returns true for them; every other field is a number whose row declares its key path (`at:`), read with the
  /// row's range, default and percentage rule and stored through the key path. So a plain numeric field needs no
  /// decoding line: its row is enough.
  mutating func decode<Model>(
    into model: inout Model, custom: (inout ObjectReader, inout Model, String) throws -> Bool = { _, _, _ in false }
  ) throws {
    for field in object.fields where try !custom(&self, &model, field.key) {
      try decodeNumber(field, into: &model)
    }
  }

  /// Reads the numeric `field` and stores it through the row's key path: the default when absent, or `nil` for a
  /// field stored as an optional number.
  private mutating func decodeNumber<Model>(_ field: ScenarioField, into model: inout Model) throws {
    let key = field.key
    guard let at = field.model, at.isNumber else {
      preconditionFailure("ScenarioFields: \(key) of \(object.name) is not a number with a key path; decode it by hand")
    }
    func path<Value>(_: Value.Type) -> WritableKeyPath<Model, Value> {
      guard let path = at.path as? WritableKeyPath<Model, Value> else {
        preconditionFailure("ScenarioFields: the key path of \(key) does not start at \(Model.self)")
      }
      return path
    }
    if field.defaultNumber == nil, field.requirement == .always, !has(key) {
      throw error(key, "is required (\(field.type == .wholeNumber ? "a whole number" : "a number"))")
    }
    if case .with(let sibling) = field.requirement, !has(key) {
      // Without a default the field stays unset (nil), which means nothing while the sibling is absent.
      if has(sibling), let message = field.missingWithSibling { throw error(key, message) }
      known.append(key)
      return
    }
    switch at.kind {
    case .number: model[keyPath: path(Double.self)] = try numberOrDefault(key)
    case .wholeNumber: model[keyPath: path(Int.self)] = try integerOrDefault(key)
    case .seed: model[keyPath: path(UInt64.self)] = UInt64(try integerOrDefault(key))
    case .optionalNumber: model[keyPath: path(Double?.self)] = try number(key)
    case .optionalWholeNumber: model[keyPath: path(Int?.self)] = try integer(key)
    default: preconditionFailure("ScenarioFields: \(key)")
    }
  }

  mutating func array(_ key: String) throws -> [JSONValue]? {
    guard let value = take(key) else { return nil }
    guard case .array(let items) = value else { throw error(key, "expected a list, found \(value.kindDescription)") }
    return items
  }
}

/// An allowed interval for a number, described in words for error messages.
package struct NumberRange: CustomStringConvertible, Sendable, Equatable {
  var lower: Double?
  var lowerInclusive = true
  package var upper: Double?
  var upperInclusive = true

  package static let any = NumberRange()
  static let nonNegative = NumberRange(lower: 0)
  static let positive = NumberRange(lower: 0, lowerInclusive: false)
  static let probability = NumberRange(lower: 0, upper: 1)
  /// A growth rate or return: above −100%, at most +1000% a year.
  static let growth = NumberRange(lower: -1, lowerInclusive: false, upper: 10)
  /// An amount of money per year or per month: 0 to a trillion (beyond that the sums lose their cents).
  static let amount = NumberRange(lower: 0, upper: 1e12)
  /// A reserve or floor: ± a quadrillion.
  static let balance = NumberRange(lower: -1e15, upper: 1e15)
  /// An event's multiplier: 0 to 1000.
  static let multiplier = NumberRange(lower: 0, upper: 1000)
  static func atLeast(_ x: Double) -> NumberRange { NumberRange(lower: x) }
  static func between(_ a: Double, _ b: Double) -> NumberRange { NumberRange(lower: a, upper: b) }
  /// Strictly between `a` and `b`.
  static func openInterval(_ a: Double, _ b: Double) -> NumberRange {
    NumberRange(lower: a, lowerInclusive: false, upper: b, upperInclusive: false)
  }

  func contains(_ x: Double) -> Bool {
    if let lower, lowerInclusive ? x < lower : x <= lower { return false }
    if let upper, upperInclusive ? x > upper : x >= upper { return false }
    return true
  }

  package var description: String {
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

/// Words longer than this are not typos of a field or name: they get no suggestion (the edit distance of a
/// megabyte-long key would take seconds) and messages show them cut short.
let longestComparedWord = 64

/// `text` as shown in a message: whole when short, else its first `longestComparedWord` characters, "…" and its
/// length.
func shortened(_ text: String) -> String {
  guard text.count > longestComparedWord else { return text }
  return String(text.prefix(longestComparedWord)) + "… (\(text.count) characters)"
}

/// The candidate nearest to `word` by edit distance, if it is close enough to be a likely typo; `nil` for a word
/// longer than `longestComparedWord`.
package func closestMatch(to word: String, among candidates: [String]) -> String? {
  guard word.count <= longestComparedWord else { return nil }
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
