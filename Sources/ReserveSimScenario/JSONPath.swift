/// A location inside a JSON document, written as `$.inKindServices[0].noticeMonths`; a key that is not a plain
/// name (empty, or with spaces, dots, brackets, quotes or control characters) is written quoted: `$["a.b"]`.
public struct JSONPath: Hashable, Sendable, CustomStringConvertible {
  public enum Component: Hashable, Sendable {
    case key(String)
    case index(Int)
  }

  public var components: [Component]

  public static let root = JSONPath(components: [])

  public init(components: [Component]) { self.components = components }

  public func appending(_ key: String) -> JSONPath { JSONPath(components: components + [.key(key)]) }
  public func appending(_ index: Int) -> JSONPath { JSONPath(components: components + [.index(index)]) }

  public var description: String {
    var text = "$"
    for component in components {
      switch component {
      case .key(let k): text += Self.isPlainName(k) ? "." + k : "[" + ScenarioError.quoted(k) + "]"
      case .index(let i): text += "[\(i)]"
      }
    }
    return text
  }

  /// Letters, digits, `_` and `$`, not starting with a digit: a key that reads unambiguously after a dot.
  static func isPlainName(_ key: String) -> Bool {
    guard let first = key.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
    return key.unicodeScalars.allSatisfy { scalar in
      ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
        || scalar == "$"
    }
  }
}
