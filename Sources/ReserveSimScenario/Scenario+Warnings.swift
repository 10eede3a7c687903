/// A value that is valid but probably not what the author meant: a number above 1 (more than 100%) in a field
/// where that is allowed, a rate or a share, when a whole number was likely typed for a percentage
/// (`"annualGrowth": 2` meant as 2%), or a percentage string in a multiplier (`"expenseMultiplier": "40%"`, which
/// could mean keep 40% or cut 40%: the warning says which it was read as). The command line prints them on stderr; `run --strict`,
/// `validate --strict` and `check` refuse the file. A percentage string (`"200%"`) in a rate or share says the large
/// value is meant and is never warned about.
public struct ScenarioWarning: Sendable, Equatable, CustomStringConvertible {
  public var path: JSONPath
  public var message: String
  public var description: String { "\(path): \(message)" }
}

/// What was noticed while a scenario was read. Not part of the model: scenarios that differ only in their notes
/// are equal.
struct ReadingNotes: Sendable, Equatable {
  var warnings: [ScenarioWarning] = []
  /// Whether `policy.cuts.restoreMonths` was left out, so that it follows `belowMonths` (for `ParameterAddress`).
  var restoreFollowsTrigger = false
  /// The assertions whose `withinYears` was left out, so that it follows `years`.
  var withinYearsFollowsHorizon: Set<Int> = []
  static func == (_: ReadingNotes, _: ReadingNotes) -> Bool { true }
}

extension Scenario {
  /// The warnings found when the scenario was read from its document (see `ScenarioWarning`), in the
  /// format's order of fields.
  public var warnings: [ScenarioWarning] {
    get { notes.warnings }
    set { notes.warnings = newValue }
  }
}

extension ScenarioFields {
  /// The warnings for a valid composed document: every number written above 1 in a field whose table entry
  /// `warnsAboveOne` (growth rates, volatilities, returns, cost fractions), naming the likely intended value.
  static func warnings(in document: JSONValue) -> [ScenarioWarning] {
    var found: [ScenarioWarning] = []
    func visit(_ value: JSONValue, as object: ScenarioObject, at path: JSONPath) {
      guard case .object(let fields) = value else { return }
      for field in object.fields {
        guard let item = fields[field.key] else { continue }
        let fieldPath = path.appending(field.key)
        if case .number(let x) = item, field.warnsAboveOne, x > 1 {
          found.append(ScenarioWarning(path: fieldPath, message: likelyPercentage(x, field: field)))
        }
        if case .string(let text) = item, field.unit == "multiplier", field.acceptsPercent,
          let x = CompactNumber.fraction(text.filter { !$0.isWhitespace })
        {
          found.append(ScenarioWarning(path: fieldPath, message: multiplierPercentage(text, x)))
        }
        switch (field.type, item) {
        case (.object(let name), _):
          if let child = Self.object(named: name) { visit(item, as: child, at: fieldPath) }
        case (.list(.object(let name)), .array(let items)):
          guard let child = Self.object(named: name) else { continue }
          for (index, element) in items.enumerated() { visit(element, as: child, at: fieldPath.appending(index)) }
        default:
          break
        }
      }
    }
    visit(document, as: root, at: .root)
    return found
  }

  /// A percentage written for a multiplier is ambiguous ("40%" of the amount, or 40% off it): what it was read as,
  /// and how to write the other. "is "40%", read as the multiplier 0.4: the amounts are kept at 40% (a 60% cut); for
  /// a 40% cut write 0.6 or "60%"".
  static func multiplierPercentage(_ text: String, _ x: Double) -> String {
    let kept = JSONValue.format(x * 100), cut = JSONValue.format((1 - x) * 100)
    return "is \(ScenarioError.quoted(text)), read as the multiplier \(JSONValue.format(x)): the amounts are kept at "
      + "\(kept)% (a \(cut)% cut); for a \(kept)% cut write \(JSONValue.format(1 - x)) or \"\(cut)%\""
  }

  /// "is 2, i.e. +200% a year; if you meant 2%, write 0.02 or "2%"".
  static func likelyPercentage(_ x: Double, field: ScenarioField) -> String {
    let shown = JSONValue.format(x)
    let sign = (field.lowerBound?.value ?? 0) < 0 ? "+" : ""
    let unit = field.unit ?? ""
    let per =
      unit.hasPrefix("fraction per year")
      ? "a year" : unit.hasPrefix("fraction ") ? String(unit.dropFirst("fraction ".count)) : unit
    let percent = JSONValue.format(x * 100)
    return "is \(shown), i.e. \(sign)\(percent)% \(per); if you meant \(shown)%, write \(JSONValue.format(x / 100)) "
      + "or \"\(shown)%\" (or write \"\(percent)%\" if \(sign)\(percent)% is meant)"
  }
}
