/// The numeric parameters of a scenario document that what-if analyses vary, and the rules that keep a
/// varied value valid.
///
/// A parameter is a number in the composed document, named in the `--set` syntax (list items by `[name]`,
/// or by `[index]` in lists without names, such as `correlations[0].rho`). Left out: `years` and
/// `simulation.*` (settings, not assumptions), `assertions.*` (thresholds of checks, not inputs of the
/// model), and numbers that are not written in the file (defaults).
public enum ScenarioParameters {
  /// Whole-number fields: a varied value is rounded.
  public static let integerFields: Set<String> = [
    "count", "noticeMonths", "durationMonths", "fromYear", "untilYear", "ends", "renewalYears", "afterMonths",
    "cooldownMonths", "month",
  ]
  /// Top-level keys with no parameters to vary.
  static let excludedRoots: Set<String> = ["years", "simulation", "assertions", "$schema", "extends"]
  /// Top-level keys in the order of the scenario format (SPEC §0), for a stable, readable parameter order.
  static let rootOrder = [
    "reserve", "factors", "correlations", "income", "expenses", "sponsorTiers", "inKindServices", "events",
  ]

  /// Every numeric parameter of `document` with its value, in file-format order (keys alphabetical below
  /// the top level, list items in list order).
  public static func all(in document: JSONValue) -> [(path: ScenarioPath, value: Double)] {
    guard case .object(let fields) = document else { return [] }
    let roots = fields.keys.filter { !excludedRoots.contains($0) }.sorted {
      (rootOrder.firstIndex(of: $0) ?? rootOrder.count, $0) < (rootOrder.firstIndex(of: $1) ?? rootOrder.count, $1)
    }
    var found: [(ScenarioPath, Double)] = []
    for key in roots { collect(fields[key]!, at: [.key(key)], into: &found) }
    return found
  }

  private static func collect(
    _ node: JSONValue, at steps: [ScenarioPath.Step], into found: inout [(ScenarioPath, Double)]
  ) {
    switch node {
    case .number(let x):
      found.append((ScenarioPath(steps: steps), x))
    case .object(let fields):
      for key in fields.keys.sorted() { collect(fields[key]!, at: steps + [.key(key)], into: &found) }
    case .array(let items):
      for (index, item) in items.enumerated() {
        let step = ScenarioPath.name(of: item).map(ScenarioPath.Step.named) ?? .index(index)
        collect(item, at: steps + [step], into: &found)
      }
    case .null, .bool, .string:
      break
    }
  }

  /// The field a path ends in (`annualLossProbability` for `inKindServices[CDN].annualLossProbability`).
  public static func field(of path: ScenarioPath) -> String? {
    for step in path.steps.reversed() { if case .key(let key) = step { return key } }
    return nil
  }

  /// Whether the field holds a whole number.
  public static func isInteger(_ path: ScenarioPath) -> Bool { field(of: path).map(integerFields.contains) ?? false }

  /// The range a field's values must stay in for `document` to remain valid, as far as the field and its
  /// siblings decide it — the decoder's ranges (a test sets every parameter of the shipped files to each end of
  /// its range and decodes the result): probabilities [0, 1], correlations strictly inside (−1, 1), counts 0 … 10⁶, months and
  /// durations within their bounds, a line's `fromYear` … `untilYear` within 1 … horizon and in order, a
  /// one-off's month within the horizon, `restoreMonths` at least `belowMonths`.
  public static func validRange(of path: ScenarioPath, in document: JSONValue) -> ClosedRange<Double> {
    let field = field(of: path) ?? ""
    let parent = path.steps.dropLast().last.flatMap { step -> String? in
      if case .key(let key) = step { return key } else { return nil }
    }
    let horizonMonths = 12 * Double(years(in: document))
    if field.hasSuffix("Probability") || field == "probability" || field == "expenseMultiplier" { return 0...1 }
    if field.hasSuffix("Multiplier") { return 0...1000 }
    switch field {
    // Strictly inside (−1, 1): ±1 ties two factors into one, which the decoder rejects.
    case "rho": return -0.999_999...0.999_999
    case "count": return 0...1e6
    case "newPerYear": return 0...1e5
    case "noticeMonths", "afterMonths", "minimumMonths": return 0...1200
    case "durationMonths", "cooldownMonths": return 1...1200
    case "renewalYears": return 1...100
    case "ends": return 1...1e9
    case "month": return 1...horizonMonths
    case "annualGrowth", "annualReturn": return -0.999_999...10
    case "annualVolatility": return 0...5
    case "replacementCostFraction", "costFraction": return 0...100
    case "annual", "annualAmount", "monthlyValue", "migrationCost": return 0...1e12
    case "amount": return parent == "appeal" ? 0...1e12 : -1e15...1e15
    case "initial", "floor": return -1e15...1e15
    case "belowMonths":
      // A cuts trigger stays at or under its restore threshold.
      let restore = ScenarioPath(steps: path.steps.dropLast() + [.key("restoreMonths")])
      guard parent == "cuts", case .number(let upper)? = restore.value(in: document) else { return 0...1200 }
      return 0...min(1200, max(0, upper))
    case "restoreMonths":
      let below = ScenarioPath(steps: path.steps.dropLast() + [.key("belowMonths")])
      guard case .number(let trigger)? = below.value(in: document) else { return 0...1200 }
      return min(1200, max(0, trigger))...1200
    case "fromYear", "untilYear":
      let horizon = Double(years(in: document))
      let sibling = ScenarioPath(steps: path.steps.dropLast() + [.key(field == "fromYear" ? "untilYear" : "fromYear")])
      guard case .number(let other)? = sibling.value(in: document) else { return 1...horizon }
      return field == "fromYear" ? 1...max(1, min(horizon, other)) : min(horizon, max(1, other))...horizon
    default: return -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
    }
  }

  /// `value` made valid for the field: rounded when the field is whole, then clamped into its range.
  public static func valid(_ value: Double, for path: ScenarioPath, in document: JSONValue) -> Double {
    let range = validRange(of: path, in: document)
    let rounded = isInteger(path) ? value.rounded() : value
    return min(range.upperBound, max(range.lowerBound, rounded))
  }

  /// `document` with the number `value` at `path`.
  public static func setting(_ value: Double, at path: ScenarioPath, in document: JSONValue) throws -> JSONValue {
    try path.setting(.number(value), in: document)
  }

  /// The horizon written in a document (for the year ranges), 1 when absent or not a number.
  public static func years(in document: JSONValue) -> Int {
    if case .object(let fields) = document, case .number(let years)? = fields["years"] { return max(1, Int(years)) }
    return 1
  }
}
