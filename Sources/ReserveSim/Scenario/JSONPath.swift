/// A location inside a JSON document, written as `$.inKindServices[0].noticeMonths`.
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
      case .key(let k): text += "." + k
      case .index(let i): text += "[\(i)]"
      }
    }
    return text
  }
}
