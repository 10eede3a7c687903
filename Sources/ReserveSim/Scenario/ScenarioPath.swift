import Foundation

/// A path into a scenario document in the `--set` syntax: dotted keys, list items by index or by
/// `name` — `reserve.initial`, `income[0].annual`, `inKindServices[CDN].annualLossProbability`.
public struct ScenarioPath: Hashable, Sendable, CustomStringConvertible {
  public enum Step: Hashable, Sendable {
    case key(String)
    case index(Int)
    case named(String)
  }

  public var steps: [Step]
  /// The text the path was parsed from (or rendered to).
  public var description: String

  public init(steps: [Step]) {
    self.steps = steps
    var text = ""
    for step in steps {
      switch step {
      case .key(let k): text += text.isEmpty ? k : "." + k
      case .index(let i): text += "[\(i)]"
      case .named(let n): text += "[\(n)]"
      }
    }
    description = text
  }

  /// Parses `a.b[0].c` / `list[Name].field`.
  /// - Throws: `ScenarioError` (file "--set") when the text is not a path.
  public init(parsing text: String) throws {
    func bad(_ why: String) -> ScenarioError { ScenarioError(file: "--set", path: .root, message: "\(text): \(why)") }
    var steps: [Step] = []
    var rest = Substring(text)
    guard !rest.isEmpty else { throw bad("empty path") }
    while !rest.isEmpty {
      if rest.first == "[" {
        guard let close = rest.firstIndex(of: "]") else { throw bad("missing ']'") }
        let inner = String(rest[rest.index(after: rest.startIndex)..<close])
        guard !inner.isEmpty else { throw bad("empty '[]'") }
        guard !steps.isEmpty else { throw bad("a path starts with a field name") }
        if let index = Int(inner), index >= 0 { steps.append(.index(index)) } else { steps.append(.named(inner)) }
        rest = rest[rest.index(after: close)...]
        if rest.first == "." { rest = rest.dropFirst() }
      } else {
        let end = rest.firstIndex(where: { $0 == "." || $0 == "[" }) ?? rest.endIndex
        let key = String(rest[..<end])
        guard !key.isEmpty else { throw bad("empty field name") }
        steps.append(.key(key))
        rest = rest[end...]
        if rest.first == "." {
          rest = rest.dropFirst()
          guard !rest.isEmpty else { throw bad("ends with '.'") }
        }
      }
    }
    self.init(steps: steps)
  }

  /// The value at this path, or `nil` when there is none.
  public func value(in document: JSONValue) -> JSONValue? {
    var current = document
    for step in steps {
      switch (step, current) {
      case (.key(let k), .object(let fields)):
        guard let next = fields[k] else { return nil }
        current = next
      case (.index(let i), .array(let items)):
        guard i < items.count else { return nil }
        current = items[i]
      case (.named(let n), .array(let items)):
        guard let item = items.first(where: { Self.name(of: $0) == n }) else { return nil }
        current = item
      default:
        return nil
      }
    }
    return current
  }

  /// The document with `newValue` at this path. Missing objects along the way are created; list items must
  /// exist (by index or by name).
  /// - Throws: `ScenarioError` (file "--set") naming the path and why it cannot be set.
  public func setting(_ newValue: JSONValue, in document: JSONValue) throws -> JSONValue {
    try set(newValue, in: document, from: 0)
  }

  private func set(_ newValue: JSONValue, in node: JSONValue, from position: Int) throws -> JSONValue {
    guard position < steps.count else { return newValue }
    let step = steps[position]
    let prefix = ScenarioPath(steps: Array(steps[..<position]))
    let here = prefix.steps.isEmpty ? "the scenario" : prefix.description
    func fail(_ message: String) -> ScenarioError {
      ScenarioError(file: "--set", path: .root, message: "\(description): \(message)")
    }
    switch step {
    case .key(let key):
      var fields: [String: JSONValue]
      switch node {
      case .object(let existing): fields = existing
      case .null: fields = [:]
      default: throw fail("\(here) is \(node.kindDescription), not an object with fields")
      }
      fields[key] = try set(newValue, in: fields[key] ?? .null, from: position + 1)
      return .object(fields)
    case .index(let index):
      guard case .array(var items) = node else { throw fail("\(here) is not a list") }
      guard index < items.count else { throw fail("\(here) has \(items.count) item(s); there is no [\(index)]") }
      items[index] = try set(newValue, in: items[index], from: position + 1)
      return .array(items)
    case .named(let name):
      guard case .array(var items) = node else { throw fail("\(here) is not a list") }
      guard let index = items.firstIndex(where: { Self.name(of: $0) == name }) else {
        let names = items.compactMap(Self.name(of:))
        var message = "no item named \"\(name)\" in \(here)"
        if let guess = closestMatch(to: name, among: names) { message += " (did you mean \"\(guess)\"?)" }
        if !names.isEmpty { message += "; names: " + names.joined(separator: ", ") }
        throw fail(message)
      }
      items[index] = try set(newValue, in: items[index], from: position + 1)
      return .array(items)
    }
  }

  static func name(of item: JSONValue) -> String? {
    if case .object(let fields) = item, case .string(let name)? = fields["name"] { return name }
    return nil
  }
}

/// One `--set PATH=VALUE` edit: VALUE is read as JSON (`0.2`, `true`, `"text"`, `[1,2]`); text that is not
/// JSON is taken as a string, so `scaling=traffic` works unquoted.
public struct ScenarioOverride: Sendable, CustomStringConvertible {
  public var path: ScenarioPath
  public var value: JSONValue

  public init(path: ScenarioPath, value: JSONValue) {
    self.path = path
    self.value = value
  }

  /// Parses `PATH=VALUE`.
  public init(parsing text: String) throws {
    guard let equals = text.firstIndex(of: "=") else {
      throw ScenarioError(
        file: "--set", path: .root, message: "\(text): expected PATH=VALUE, e.g. reserve.initial=2000000")
    }
    path = try ScenarioPath(parsing: String(text[..<equals]))
    let raw = String(text[text.index(after: equals)...])
    if let parsed = try? JSONValue.parse(Data(raw.utf8), file: "--set") {
      value = parsed
    } else {
      value = .string(raw)
    }
  }

  public var description: String { "\(path)=\(value.jsonText)" }

  /// Applies the edit; the path must name a field the model knows (checked by validation afterwards).
  public func apply(to document: JSONValue) throws -> JSONValue { try path.setting(value, in: document) }
}

extension ScenarioLoader {
  /// A loader that applies `overrides` in order to each composed document before validation.
  public init(overrides: [ScenarioOverride]) {
    self.init(overrides: overrides.map { override in (override.path.description, override.apply(to:)) })
  }
}
