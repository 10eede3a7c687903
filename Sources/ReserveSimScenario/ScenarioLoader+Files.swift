import Foundation

/// What `check` asks of a file beyond loading it: whether it is a JSON Schema rather than a scenario, and where an
/// assertion is written in it (for CI annotations).
extension ScenarioLoader {
  /// Whether `file` is a JSON Schema document (its `$schema` names a json-schema.org meta-schema, as
  /// scenarios/schema.json does) rather than a scenario, so that `check scenarios/*.json` checks the scenarios.
  public static func isJSONSchema(_ file: String) -> Bool {
    guard case .object(let fields)? = try? readJSON(file), case .string(let schema)? = fields["$schema"] else {
      return false
    }
    return schema.contains("json-schema.org")
  }

  /// The line of `assertion`'s `"name": …` after `"assertions"` in `file`, for annotations; `nil` when it is
  /// not written there (an `--assert`, or an assertion inherited through `extends`).
  public static func line(in file: String, of assertion: Assertion) -> Int? {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
    let wanted = "\"name\":" + JSONValue.string(assertion.name).jsonText.replacingOccurrences(of: " ", with: "")
    var inAssertions = false
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let squeezed = line.replacingOccurrences(of: " ", with: "")
      if squeezed.contains("\"assertions\":") { inAssertions = true }
      if inAssertions && squeezed.contains(wanted) { return index + 1 }
    }
    return nil
  }
}
