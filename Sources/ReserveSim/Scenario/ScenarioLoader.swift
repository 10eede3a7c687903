import Foundation

/// Reads scenario files: file → JSON → `extends` chain merged (RFC 7386) → overrides applied → validated
/// `Scenario`. Composition happens before validation, so the composed document is checked as a whole.
public struct ScenarioLoader {
  /// Edits applied to the composed document before validation (for `--set`), in order.
  public var overrides: [(path: String, apply: (JSONValue) throws -> JSONValue)]

  public init(overrides: [(path: String, apply: (JSONValue) throws -> JSONValue)] = []) {
    self.overrides = overrides
  }

  /// Loads, composes and validates one file.
  /// - Throws: `ScenarioError` naming the file, the JSON path and the problem.
  public func load(_ file: String) throws -> Scenario {
    let document = try composedDocument(file)
    do {
      return try Scenario(json: document)
    } catch let error as ScenarioError {
      throw error.inFile(file)
    }
  }

  /// The file's document with its `extends` chain resolved and the overrides applied.
  public func composedDocument(_ file: String) throws -> JSONValue {
    var document = try Self.resolveExtends(file, chain: [])
    for override in overrides {
      do {
        document = try override.apply(document)
      } catch let error as ScenarioError {
        throw error.inFile(file)
      }
    }
    return document
  }

  /// Reads a file as JSON, with a message that names the file when it cannot be read or parsed.
  public static func readJSON(_ file: String) throws -> JSONValue {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
      throw ScenarioError(file: file, path: .root, message: "no such file")
    }
    guard !isDirectory.boolValue else {
      throw ScenarioError(file: file, path: .root, message: "is a folder, not a scenario file")
    }
    guard let data = FileManager.default.contents(atPath: file) else {
      throw ScenarioError(file: file, path: .root, message: "cannot be read (check its permissions)")
    }
    return try JSONValue.parse(data, file: file)
  }

  /// Follows `extends` (relative to the extending file) and merges each file onto its base.
  static func resolveExtends(_ file: String, chain: [String]) throws -> JSONValue {
    let canonical = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
    if chain.contains(canonical) {
      throw ScenarioError(
        file: file, path: JSONPath.root.appending("extends"),
        message: "files extend each other in a cycle: "
          + (chain + [canonical]).map { ($0 as NSString).lastPathComponent }.joined(separator: " → "))
    }
    let document = try readJSON(file)
    guard case .object(let fields) = document else {
      throw ScenarioError(
        file: file, path: .root, message: "expected a scenario object, found \(document.kindDescription)")
    }
    guard let extends = fields["extends"], extends != .null else { return document }
    guard case .string(let base) = extends else {
      throw ScenarioError(
        file: file, path: JSONPath.root.appending("extends"),
        message: "expected a file name, found \(extends.kindDescription)")
    }
    let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
    let basePath = base.hasPrefix("/") ? base : directory.appendingPathComponent(base).path
    let baseDocument: JSONValue
    do {
      baseDocument = try resolveExtends(basePath, chain: chain + [canonical])
    } catch var error as ScenarioError
      where error.file == basePath && error.path == .root && !FileManager.default.fileExists(atPath: basePath)
    {
      error = ScenarioError(
        file: file, path: JSONPath.root.appending("extends"),
        message: "base file \"\(base)\" not found (looked for \(basePath))")
      throw error
    }
    var patch = fields
    patch.removeValue(forKey: "extends")
    return MergePatch.apply(.object(patch), to: baseDocument)
  }
}
