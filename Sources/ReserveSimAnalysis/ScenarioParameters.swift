import ReserveSimScenario

/// The numeric parameters of a scenario document that what-if analyses vary, and the rules that keep a
/// varied value valid.
///
/// A parameter is a number in the composed document, named in the `--set` syntax (list items by `[name]`,
/// or by `[index]` in lists without names, such as `correlations[0].rho`). Left out: `years` and
/// `simulation.*` (settings, not assumptions), `assertions.*` (thresholds of checks, not inputs of the
/// model), and numbers that are not written in the file (defaults).
public enum ScenarioParameters {
  /// Whole-number fields (by key): a varied value is rounded. From the table of fields (`ScenarioFields`): its
  /// whole numbers and month numbers.
  public static let integerFields: Set<String> = Set(
    ScenarioFields.all.filter { [.wholeNumber, .month].contains($0.field.type) }.map(\.field.key))
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
      // A distribution (SPEC §16) is one parameter, at its centre.
      let path = ScenarioPath(steps: steps)
      if let distribution = distribution(node, at: path) {
        found.append((path, distribution.centre))
        return
      }
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

  /// The table's JSON path pattern of a parameter: list items, named or by index, as `[]`
  /// (`inKindServices[].agreement.ends` for `inKindServices[CDN].agreement.ends`).
  public static func pattern(of path: ScenarioPath) -> String { ScenarioParameterPattern.of(path) }

  /// The table's entry for the parameter's field, if the format has one there.
  public static func tableField(of path: ScenarioPath) -> ScenarioField? { ScenarioFields.field(at: pattern(of: path)) }

  /// Whether the field holds a whole number.
  public static func isInteger(_ path: ScenarioPath) -> Bool {
    guard let type = tableField(of: path)?.type else { return false }
    return type == .wholeNumber || type == .month
  }

  /// How far inside an open bound a varied value stays: a millionth, relative to the bound when it is large.
  static func inside(_ bound: Double) -> Double { 1e-6 * max(1, abs(bound)) }

  /// The range a field's values must stay in for `scenario` to remain valid: the table's range for the field
  /// (an open bound moved a millionth inside, a whole number without an upper bound kept to 2⁵³ − 1), narrowed by
  /// the rule its row declares with its siblings (`FieldLimit`) — a line's `fromYear` … `untilYear` within 1 …
  /// horizon and in order, a one-off's month within the horizon, a cuts trigger at most its `restoreMonths` (where
  /// the file gives it) and `restoreMonths` at least the trigger. A test sets every parameter of the shipped files
  /// to each end of its range and decodes the result.
  public static func validRange(of address: ParameterAddress, in scenario: Scenario) -> ClosedRange<Double> {
    let table = address.field
    var lower = -Double.greatestFiniteMagnitude
    var upper = Double.greatestFiniteMagnitude
    if let (bound, inclusive) = table.lowerBound { lower = inclusive ? bound : bound + inside(bound) }
    if let (bound, inclusive) = table.upperBound { upper = inclusive ? bound : bound - inside(bound) }
    if address.isWholeNumber { upper = min(upper, ScenarioFields.largestWholeNumber) }
    let horizon = Double(scenario.years)
    let siblings = address.siblings(in: scenario)
    switch table.limit {
    case .firstYear:
      upper = max(lower, min(horizon, siblings.untilYear.map(Double.init) ?? horizon))
    case .lastYear:
      lower = min(horizon, max(lower, siblings.fromYear.map(Double.init) ?? lower))
      upper = horizon
    case .month:
      upper = min(upper, 12 * horizon)
    case .cutsTrigger:
      if let restore = siblings.restoreMonths { upper = min(upper, max(lower, restore)) }
    case .cutsRestore:
      if let below = siblings.belowMonths { lower = min(upper, max(lower, below)) }
    case .horizon, .assertionYears, .correlation, .renewalTerm, nil:
      break
    }
    return lower...max(lower, upper)
  }

  /// `value` made valid for the field: rounded when the field is whole, then clamped into its range.
  public static func valid(_ value: Double, for address: ParameterAddress, in scenario: Scenario) -> Double {
    let range = validRange(of: address, in: scenario)
    let rounded = address.isWholeNumber ? value.rounded() : value
    return min(range.upperBound, max(range.lowerBound, rounded))
  }

  /// `scenario` with the number `value` in the field at `address`; where the field holds a distribution (SPEC §16),
  /// the distribution moved so that its centre is `value` (its spread kept, its ends kept inside the field's range).
  /// - Throws: `ScenarioError` when the value makes the scenario invalid (the decoder's message).
  public static func setting(_ value: Double, at address: ParameterAddress, in scenario: Scenario) throws -> Scenario {
    var edited = scenario
    guard let distribution = address.distribution(in: scenario) else {
      try address.write(value, to: &edited)
      return edited
    }
    let range = validRange(of: address, in: scenario)
    func inside(_ x: Double) -> Double { min(range.upperBound, max(range.lowerBound, x)) }
    let moved: EstimateDistribution.Form
    switch distribution.form(centredOn: value) {
    case .range(let a, let b): moved = .range(inside(a), inside(b))
    case .uniform(let a, let b): moved = .uniform(inside(a), inside(b))
    case .triangular(let low, let mode, let high):
      moved = .triangular(low: inside(low), mode: inside(mode), high: inside(high))
    case .beta(let alpha, let beta): moved = .beta(alpha: alpha, beta: beta)
    }
    // Moved against a bound of the field, a distribution may lose its spread (or its form: a lognormal cannot be
    // centred on a negative number): it is then the number itself.
    let field = address.field
    guard
      let valid = try? EstimateDistribution(
        json: EstimateDistribution.json(moved), range: field.range ?? .any, isWholeNumber: field.type == .wholeNumber),
      !valid.isPoint
    else {
      try address.write(value, to: &edited)
      return edited
    }
    try address.write(valid, to: &edited)
    return edited
  }

  /// The distribution written at `path`, when `node` is one on a numeric field of the format.
  static func distribution(_ node: JSONValue, at path: ScenarioPath) -> EstimateDistribution? {
    guard case .object(let members) = node, members.count == 1, let key = members.keys.first,
      EstimateDistribution.keys.contains(key), let field = tableField(of: path), field.type.isNumeric
    else { return nil }
    return try? EstimateDistribution(json: node, range: field.range ?? .any, isWholeNumber: field.type == .wholeNumber)
  }
}
