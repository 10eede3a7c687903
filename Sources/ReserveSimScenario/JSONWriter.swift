/// The one JSON writer of every output (`run --json`, the what-if commands, `check --json`, the notebook and the
/// summary it embeds): keys in a fixed, readable order (Foundation's encoder on Linux orders keys by hash, which
/// would make identical runs print differently), numbers always finite.
public indirect enum OrderedJSON: Equatable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case integer(Int)
  case string(String)
  /// Text already in JSON form (e.g. a 64-bit integer that a Double would round).
  case raw(String)
  case array([OrderedJSON])
  case object([(String, OrderedJSON)])

  public static func == (a: OrderedJSON, b: OrderedJSON) -> Bool { a.text() == b.text() }

  /// Pretty-printed text, two-space indent.
  public func text(indent: Int = 0) -> String {
    let pad = String(repeating: "  ", count: indent + 1)
    let close = String(repeating: "  ", count: indent)
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .integer(let i): return String(i)
    case .number(let x): return Self.number(x)
    case .string(let s): return JSONValue.quote(s)
    case .raw(let text): return text
    case .array(let items):
      if items.isEmpty { return "[]" }
      if items.allSatisfy(\.isScalar) { return "[" + items.map { $0.text() }.joined(separator: ", ") + "]" }
      return "[\n" + items.map { pad + $0.text(indent: indent + 1) }.joined(separator: ",\n") + "\n" + close + "]"
    case .object(let fields):
      if fields.isEmpty { return "{}" }
      return "{\n"
        + fields.map { pad + JSONValue.quote($0.0) + ": " + $0.1.text(indent: indent + 1) }.joined(separator: ",\n")
        + "\n" + close + "}"
    }
  }

  var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  /// Shortest round-trip form; whole numbers without a decimal point. ±∞ is written as ±1.7976931348623157e+308
  /// (the summaries clamp and warn before this; the writer never prints a non-number), NaN as null.
  static func number(_ value: Double) -> String {
    guard !value.isNaN else { return "null" }
    let x = min(max(value, -.greatestFiniteMagnitude), .greatestFiniteMagnitude)
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
  }
}
