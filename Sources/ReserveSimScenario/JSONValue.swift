import Foundation

/// A JSON document held as plain values, so that scenario files can be composed (`extends`, `--set`)
/// and decoded with precise error paths before any model type is built.
public enum JSONValue: Equatable, Sendable {
  case null
  case bool(Bool)
  case number(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  /// A short word for the kind of value, as a treasurer would read it in an error message.
  public var kindDescription: String {
    switch self {
    case .null: return "null"
    case .bool: return "a true/false value"
    case .number: return "a number"
    case .string: return "a string"
    case .array: return "a list"
    case .object: return "an object"
    }
  }

  /// The value as compact JSON text (keys sorted), for messages and round trips.
  public var jsonText: String {
    switch self {
    case .null: return "null"
    case .bool(let b): return b ? "true" : "false"
    case .number(let x): return JSONValue.format(x)
    case .string(let s): return JSONValue.quote(s)
    case .array(let items): return "[" + items.map(\.jsonText).joined(separator: ",") + "]"
    case .object(let fields):
      return "{"
        + fields.keys.sorted().map { JSONValue.quote($0) + ":" + fields[$0]!.jsonText }.joined(separator: ",")
        + "}"
    }
  }

  package static func format(_ x: Double) -> String {
    // Whole numbers up to 2⁵³ without a decimal point; everything else in Swift's shortest round-trip form.
    if x.isFinite, x == x.rounded(), abs(x) <= 9_007_199_254_740_992 { return String(Int64(x)) }
    return "\(x)"
  }

  package static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}

extension JSONValue: Decodable {
  public init(from decoder: Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let b = try? container.decode(Bool.self) {
      self = .bool(b)
    } else if let x = try? container.decode(Double.self) {
      self = .number(x)
    } else if let s = try? container.decode(String.self) {
      self = .string(s)
    } else if let a = try? container.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }
}

extension JSONValue {
  /// Parses JSON text strictly (RFC 8259, no duplicate keys, no trailing commas, finite numbers; see
  /// `JSONParser`). Linear in the length of the text.
  /// - Throws: `ScenarioError` naming `file`, the line and column, the JSON path and what is wrong.
  public static func parse(_ data: Data, file: String) throws -> JSONValue {
    let bytes = [UInt8](data)
    do {
      return try JSONParser.parse(bytes)
    } catch {
      throw scenarioError(error, in: bytes, file: file)
    }
  }

  /// The parser's failure as a message a person can act on, with line:column resolved in `bytes`.
  static func scenarioError(_ failure: JSONParser.Failure, in bytes: [UInt8], file: String?) -> ScenarioError {
    let (line, column) = JSONParser.lineAndColumn(of: failure.offset, in: bytes)
    var message = failure.message
    if let first = failure.firstOffset {
      let (firstLine, firstColumn) = JSONParser.lineAndColumn(of: first, in: bytes)
      message +=
        " (first at \(firstLine):\(firstColumn)); JSON readers disagree on which copy counts, so give each key once"
    } else {
      message = "malformed JSON: " + message
    }
    return ScenarioError(file: file, path: failure.path, message: message, line: line, column: column)
  }
}
