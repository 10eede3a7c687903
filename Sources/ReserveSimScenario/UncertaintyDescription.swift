import Foundation

/// What the distributions of a file mean, in numbers (SPEC §16): `validate` prints each one's family and its 5th,
/// 50th and 95th percentiles, so the writer sees what "range [a, b]" turned into.
public enum UncertaintyDescription {
  /// One line per uncertain parameter: `path: range [a, b] → lognormal, 5% a · 50% m · 95% b`, and a note when a
  /// range's normal or lognormal is truncated to the field's valid range.
  /// - Parameter inner: paths per group of shared draws (SPEC §22), nil when each path draws its own.
  public static func lines(_ parameters: [UncertainParameter], inner: Int? = nil) -> [String] {
    guard !parameters.isEmpty else { return [] }
    let who = inner.map { "each group of \($0) paths draws its own" } ?? "each path draws its own"
    var lines = ["\(parameters.count) uncertain estimate\(parameters.count == 1 ? "" : "s") (\(who)):"]
    for parameter in parameters {
      let d = parameter.distribution
      let written = d.json.jsonText
      var line = "\(parameter.path): \(written) → \(d.familyName)"
      let p = [0.05, 0.5, 0.95].map { JSONValue.format(significant(d.percentile($0))) }
      line += ", 5% \(p[0]) · 50% \(p[1]) · 95% \(p[2])"
      if d.isWholeNumber { line += " (rounded to whole numbers)" }
      if d.truncatedMass > 1e-12 {
        line += String(
          format: "; truncated to the field's range, which cuts off %.3g%% of it (drawn again until inside)",
          d.truncatedMass * 100)
      }
      lines.append(line)
    }
    return lines
  }

  /// x to 6 significant digits, for display.
  static func significant(_ x: Double) -> Double {
    guard x != 0, x.isFinite else { return x }
    return Double(String(format: "%.6g", x)) ?? x
  }
}
