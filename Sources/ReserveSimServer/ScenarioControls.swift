import ReserveSim

/// The page's controls for one scenario: every number the file sets that `--set` can address, grouped under the
/// titles of the report's assumption tables (`AssumptionTables`), with the file's value and a slider range.
public enum ScenarioControls {
  /// The group of a top-level key, in the page's order.
  static let groups: [(title: String, roots: [String])] = [
    ("Reserve and horizon", ["reserve"]),
    ("Income", ["income"]),
    ("Expenses", ["expenses"]),
    ("Sponsor tiers", ["sponsorTiers"]),
    ("Donated services and their agreements", ["inKindServices"]),
    ("One-off items", ["oneOffs"]),
    ("Events", ["events"]),
    ("The organisation's responses", ["policy"]),
    ("Random drivers (markets)", ["factors", "correlations"]),
  ]

  /// The controls as JSON: `[{"title", "controls": [{"path", "value", "min", "max", "step", "integer", "unit",
  /// "label"}]}]`.
  public static func json(_ loaded: LoadedScenario) -> OrderedJSON {
    var byGroup: [String: [OrderedJSON]] = [:]
    for (path, value) in ScenarioParameters.all(in: loaded.document) {
      guard let address = try? ParameterAddress(path, in: loaded.scenario), case .key(let root) = path.steps.first
      else { continue }
      let title = groups.first { $0.roots.contains(root) }?.title ?? "Other"
      let valid = ScenarioParameters.validRange(of: address, in: loaded.scenario)
      let (low, high) = sliderRange(value, valid: valid, integer: address.isWholeNumber)
      // A distribution written as its ends (`{"range": [0.6, 0.93]}`) gets one slider per end.
      var ends: [(String, OrderedJSON)] = []
      if case .object(let fields)? = node(at: path, in: loaded.document), fields.count == 1,
        let (kind, list) = fields.first, case .array(let items) = list
      {
        let numbers = items.compactMap { item -> Double? in
          if case .number(let x) = item { return x } else { return nil }
        }
        ends = [("distribution", .string(kind)), ("ends", .array(numbers.map(OrderedJSON.number)))]
      }
      let control: [(String, OrderedJSON)] =
        ends + [
          ("path", .string(path.description)), ("value", .number(value)), ("min", .number(low)),
          ("max", .number(high)), ("integer", .bool(address.isWholeNumber)),
          ("unit", address.field.unit.map(OrderedJSON.string) ?? .null), ("label", .string(address.field.label)),
        ]
      byGroup[title, default: []].append(.object(control))
    }
    let titles = groups.map(\.title) + ["Other"]
    return .array(
      titles.compactMap { title in
        byGroup[title].map { .object([("title", .string(title)), ("controls", .array($0))]) }
      })
  }

  /// The node of `document` at `path`.
  static func node(at path: ScenarioPath, in document: JSONValue) -> JSONValue? {
    var node = document
    for step in path.steps {
      switch (step, node) {
      case (.key(let key), .object(let fields)): guard let next = fields[key] else { return nil }; node = next
      case (.index(let index), .array(let items)) where items.indices.contains(index): node = items[index]
      case (.named(let name), .array(let items)):
        guard let next = items.first(where: { ScenarioPath.name(of: $0) == name }) else { return nil }
        node = next
      default: return nil
      }
    }
    return node
  }

  /// A slider's ends: the field's valid range where it is narrow (a probability, a month), else 0 (or the
  /// range's low end) to three times the value, kept inside the valid range.
  static func sliderRange(_ value: Double, valid: ClosedRange<Double>, integer: Bool) -> (Double, Double) {
    let wide = max(abs(value) * 3, integer ? 12 : 1)
    var low = max(valid.lowerBound, value < 0 ? -wide : 0)
    var high = min(valid.upperBound, wide)
    if valid.upperBound - valid.lowerBound <= wide { (low, high) = (valid.lowerBound, valid.upperBound) }
    low = min(low, value)
    high = max(high, value)
    return integer ? (low.rounded(.up), high.rounded(.down)) : (low, high)
  }
}
