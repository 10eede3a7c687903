import Foundation
import ReserveSim

/// The scenario files named on the command line: the only files the server reads (with their `extends`).
public struct ServedScenarios: Sendable {
  /// One served file.
  public struct Entry: Sendable {
    /// The name a request gives: the file name without `.json` (`pypi-today`).
    public var name: String
    /// The file as named on the command line.
    public var file: String
  }

  public let entries: [Entry]

  /// - Throws: `APIError` (400) when two files share a name.
  public init(files: [String]) throws {
    var entries: [Entry] = []
    for file in files {
      let base = URL(fileURLWithPath: file).lastPathComponent
      let name = base.hasSuffix(".json") ? String(base.dropLast(5)) : base
      if entries.contains(where: { $0.name == name }) {
        throw APIError.badRequest("two served files are named \(name): rename one")
      }
      entries.append(Entry(name: name, file: file))
    }
    self.entries = entries
  }

  /// The file a request's `scenario` names: a served file's name, or the file as named on the command line.
  /// - Throws: `APIError` (400) listing the served names.
  public func file(named name: String) throws -> String {
    if let entry = entries.first(where: { $0.name == name || $0.file == name }) { return entry.file }
    throw APIError.badRequest(
      "no served scenario is named \(ScenarioError.quoted(name)); served: "
        + entries.map(\.name).joined(separator: ", "))
  }
}
