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
    do {
      self.init(steps: try Self.steps(of: text))
    } catch {
      throw ScenarioError(file: "--set", path: .root, message: "\(ScenarioError.quoted(text)): \(error.reason)")
    }
  }

  /// Why a text is not a path, or a path cannot be set.
  struct Problem: Error {
    var reason: String
  }

  static func steps(of text: String) throws(Problem) -> [Step] {
    func bad(_ why: String) -> Problem { Problem(reason: why) }
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
    return steps
  }

  /// The JSON path this path names in `document` (list items named by `[name]` turned into their index), or
  /// `nil` when a named item is not there.
  public func jsonPath(in document: JSONValue) -> JSONPath? {
    var path = JSONPath.root
    var current: JSONValue? = document
    for step in steps {
      switch (step, current) {
      case (.key(let k), .object(let fields)?):
        path = path.appending(k)
        current = fields[k]
      case (.key(let k), _):
        path = path.appending(k)
        current = nil
      case (.index(let i), let node):
        path = path.appending(i)
        if case .array(let items)? = node, i < items.count { current = items[i] } else { current = nil }
      case (.named(let n), .array(let items)?):
        guard let index = items.firstIndex(where: { Self.name(of: $0) == n }) else { return nil }
        path = path.appending(index)
        current = items[index]
      case (.named, _):
        return nil
      }
    }
    return path
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
    do {
      return try set(newValue, in: document, from: 0)
    } catch {
      throw ScenarioError(file: "--set", path: .root, message: "\(ScenarioError.quoted(description)): \(error.reason)")
    }
  }

  func set(_ newValue: JSONValue, in node: JSONValue, from position: Int) throws(Problem) -> JSONValue {
    guard position < steps.count else { return newValue }
    let step = steps[position]
    let prefix = ScenarioPath(steps: Array(steps[..<position]))
    let here = prefix.steps.isEmpty ? "the scenario" : prefix.description
    func fail(_ message: String) -> Problem { Problem(reason: message) }
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
        var message = "no item named \(ScenarioError.quoted(name)) in \(here)"
        if let guess = closestMatch(to: name, among: names) {
          message += " (did you mean \(ScenarioError.quoted(guess))?)"
        }
        if !names.isEmpty { message += "; names: " + names.map(ScenarioError.quoted).joined(separator: ", ") }
        throw fail(message)
      }
      items[index] = try set(newValue, in: items[index], from: position + 1)
      return .array(items)
    }
  }

  package static func name(of item: JSONValue) -> String? {
    if case .object(let fields) = item, case .string(let name)? = fields["name"] { return name }
    return nil
  }
}

/// One `--set PATH=VALUE` edit. VALUE is read, in this order, as
/// - JSON (`0.2`, `true`, `null`, `"text"`, `[1,2]`, `{"initial": 5}`);
/// - a compact number as `--assert` writes them (`1.5M`, `2_000_000`, `15%`; see `CompactNumber`);
/// - otherwise, when it does not start like a number or JSON (a digit, `-`, `+`, `.`, `[`, `{`, `"`) and is not
///   `NaN` or `Infinity`, as a plain string, so `scaling=traffic` works unquoted.
/// Anything else (`1e400`, `NaN`, `[1,2`, `3 little pigs`) is an error that says why it is not valid JSON.
/// `extends` cannot be set: it is resolved before the edits apply.
public struct ScenarioOverride: Sendable, CustomStringConvertible {
  public var path: ScenarioPath
  public var value: JSONValue
  /// The argument as the user would type it, for messages: `--set 'reserve.initial=2e6'`.
  public var argument: String

  public init(path: ScenarioPath, value: JSONValue) {
    self.path = path
    self.value = value
    argument = ScenarioError.commandLine("--set", "\(path)=\(value.jsonText)")
  }

  /// Parses `PATH=VALUE`, given to `option` (`--set`, `--set-b`).
  /// - Throws: `ScenarioError` that quotes the argument and says what is wrong.
  public init(parsing text: String, option: String) throws {
    let argument = ScenarioError.commandLine(option, text)
    self.argument = argument
    func bad(_ why: String) -> ScenarioError { ScenarioError(argument: argument, message: why) }
    guard let equals = text.firstIndex(of: "=") else {
      throw bad("expected PATH=VALUE, e.g. reserve.initial=2000000")
    }
    do {
      path = ScenarioPath(steps: try ScenarioPath.steps(of: String(text[..<equals])))
    } catch {
      throw bad("the path \(ScenarioError.quoted(String(text[..<equals]))): \(error.reason)")
    }
    if path.steps.first == .key("extends") {
      throw bad(
        "extends cannot be changed with --set: it is resolved before the edits apply; write a file that extends "
          + "the base instead")
    }
    let raw = String(text[text.index(after: equals)...])
    do {
      value = try Self.value(raw)
      // A percentage set on a field that takes one ("annualGrowth=150%") stays the text, so that the decoder reads
      // it as it reads "150%" in a file: a large value written as a percentage is meant and gives no warning.
      let trimmed = raw.trimmingCharacters(in: .whitespaces)
      if case .number = value, trimmed.hasSuffix("%"), Self.acceptsPercent(at: path) {
        value = .string(trimmed)
      }
    } catch {
      throw bad(error.reason)
    }
  }

  /// `init(parsing:)` for `--set`, as a function value (`texts.map(ScenarioOverride.init(parsing:))`).
  public init(parsing text: String) throws { try self.init(parsing: text, option: "--set") }

  /// Whether the field `path` ends in takes a percentage string (`ScenarioFields`: probabilities, shares, rates).
  static func acceptsPercent(at path: ScenarioPath) -> Bool {
    var pattern = ""
    for step in path.steps {
      switch step {
      case .key(let key): pattern += (pattern.isEmpty ? "" : ".") + key
      case .index, .named: pattern += "[]"
      }
    }
    return ScenarioFields.field(at: pattern)?.acceptsPercent ?? false
  }

  /// VALUE read as described on the type.
  static func value(_ raw: String) throws(ScenarioPath.Problem) -> JSONValue {
    let failure: JSONParser.Failure
    let bytes = Array(raw.utf8)
    do {
      return try JSONParser.parse(bytes)
    } catch {
      failure = error
    }
    let trimmed = raw.trimmingCharacters(in: .whitespaces)
    if let x = CompactNumber.value(trimmed) { return .number(x) }
    let word = trimmed.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+-"))
    let looksLikeJSON = trimmed.first.map { "0123456789-+.[{\"".contains($0) } ?? false
    guard looksLikeJSON || ["nan", "inf", "infinity"].contains(word) else { return .string(raw) }
    let column = JSONParser.lineAndColumn(of: failure.offset, in: bytes).column
    throw ScenarioPath.Problem(
      reason: "the value is neither valid JSON nor a number such as 1.5M or 15%: at character \(column), "
        + "\(failure.message) (to set text that starts like this, write it in double quotes)")
  }

  public var description: String { "\(path)=\(value.jsonText)" }

  /// Applies the edit; the path must name a field the model knows (checked by validation afterwards).
  /// - Throws: `ScenarioError` naming the argument when a list item on the path is not there.
  public func apply(to document: JSONValue) throws -> JSONValue {
    do {
      return try path.set(value, in: document, from: 0)
    } catch {
      throw ScenarioError(argument: argument, message: error.reason)
    }
  }
}
