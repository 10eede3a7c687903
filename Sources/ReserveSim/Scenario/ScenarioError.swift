/// A problem with a scenario file that a person can act on: which file, where in it, and what is wrong.
///
/// Every bad input (missing file, malformed JSON, unknown or mistyped field, out-of-range value) becomes
/// one of these; the command line prints its `description` on one line and exits with code 2.
public struct ScenarioError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The file the problem is in, as the user named it (or `nil` for a command-line value).
  public var file: String?
  /// Where in the (composed) document the problem is.
  public var path: JSONPath
  /// What was expected and what was found.
  public var message: String

  public init(file: String?, path: JSONPath, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  public var description: String {
    let place = path.components.isEmpty ? "" : "\(path): "
    if let file { return "\(file): \(place)\(message)" }
    return "\(place)\(message)"
  }

  /// The same error, attributed to `file` if it has no file yet.
  public func inFile(_ file: String) -> ScenarioError {
    var copy = self
    if copy.file == nil { copy.file = file }
    return copy
  }
}
