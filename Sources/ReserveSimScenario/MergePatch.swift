/// JSON Merge Patch (RFC 7386): objects merge key by key, `null` deletes a key, and any other value
/// (arrays included) replaces the target whole.
public enum MergePatch {
  public static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
    guard case .object(let patchFields) = patch else { return patch }
    var result: [String: JSONValue]
    if case .object(let targetFields) = target { result = targetFields } else { result = [:] }
    for (key, value) in patchFields {
      if value == .null {
        result.removeValue(forKey: key)
      } else {
        result[key] = apply(value, to: result[key] ?? .null)
      }
    }
    return .object(result)
  }
}
