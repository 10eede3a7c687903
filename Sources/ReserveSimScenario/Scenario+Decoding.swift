/// Decoding a composed scenario document into validated model types (SPEC §0–§9).
///
/// The ranges and defaults of the fields are `ScenarioFields`' (each reader is given its object's entry); what
/// is decided here is the structure, the checks between fields and the messages for missing required fields.
/// `untilYear` left out means the horizon.
extension Scenario {
  /// Largest seed a file can hold exactly (JSON numbers are doubles).
  public static let maximumFileSeed = ScenarioFields.simulation.field("seed")!.upperBound!.value
  /// Largest path count accepted (path indices are 32-bit counters of the random generator).
  public static let maximumPaths = Int(ScenarioFields.simulation.field("paths")!.upperBound!.value)

  /// Builds and validates a scenario from a composed JSON document.
  /// - Throws: `ScenarioError` naming the JSON path and the problem (its `file` is left `nil`).
  public init(json written: JSONValue) throws {
    // SPEC §16: distributions are read first and stand at their centres while the rest is decoded.
    let (json, uncertain) = try UncertainParameter.extract(from: written)
    let root = JSONPath.root
    var reader = try ObjectReader(json, at: root, as: ScenarioFields.root)
    _ = try reader.string("$schema")
    _ = try reader.string("extends")
    name = try reader.requiredString("name")
    description = try reader.string("description")
    sources = try Self.strings(reader.array("sources"), at: root.appending("sources"))
    currency = try reader.string("currency") ?? reader.field("currency").defaultValue!.text!
    guard currency.count == 3, currency.allSatisfy({ ("A"..."Z").contains($0) }) else {
      throw reader.error("currency", "expected a three-letter currency code such as \"USD\", found \"\(currency)\"")
    }
    start = try reader.string("start")
    if let start, CalendarMonth.yearAndMonth(start) == nil {
      throw reader.error("start", "expected a month as \"YYYY-MM\", found \"\(start)\"")
    }
    guard reader.has("years") else { throw reader.error("years", "is required (a whole number of years, 1 to 100)") }
    years = try reader.integer("years")!

    simulation = try Self.simulation(reader.value("simulation"), at: root.appending("simulation"))
    reserve = try Self.reserve(reader.value("reserve"), at: root.appending("reserve"))
    factors = try Self.factors(reader.value("factors"), at: root.appending("factors"))
    correlations = try Self.list(reader.array("correlations"), at: root.appending("correlations"), named: false) {
      try Self.correlation($0, at: $1)
    }
    let years = self.years
    income = try Self.list(reader.array("income"), at: root.appending("income")) {
      try Self.moneyLine($0, at: $1, years: years)
    }
    expenses = try Self.list(reader.array("expenses"), at: root.appending("expenses")) {
      try Self.moneyLine($0, at: $1, years: years)
    }
    sponsorTiers = try Self.list(reader.array("sponsorTiers"), at: root.appending("sponsorTiers")) {
      try Self.sponsorTier($0, at: $1)
    }
    let start = self.start
    inKindServices = try Self.list(reader.array("inKindServices"), at: root.appending("inKindServices")) {
      try Self.service($0, at: $1, start: start)
    }
    events = try Self.list(reader.array("events"), at: root.appending("events")) { try Self.event($0, at: $1) }
    let months = 12 * years
    oneOffs = try Self.list(reader.array("oneOffs"), at: root.appending("oneOffs")) {
      try Self.oneOff($0, at: $1, start: start, horizon: months)
    }
    let expenseLines = expenses.map(\.name)
    policy = try reader.value("policy").map {
      try Self.policy($0, at: root.appending("policy"), expenseLines: expenseLines)
    }
    let hasMinimum = policy?.minimumMonths != nil
    assertions = try Self.list(reader.array("assertions"), at: root.appending("assertions")) {
      try Self.assertion($0, at: $1, years: years, hasMinimum: hasMinimum)
    }
    try reader.rejectUnknownKeys()
    warnings = ScenarioFields.warnings(in: json)
    uncertainParameters = uncertain
    try checkCorrelations()
    // What follows another field when left out, for later edits through a `ParameterAddress`.
    func isWritten(_ steps: [ScenarioPath.Step]) -> Bool {
      ScenarioPath(steps: steps).value(in: json).map { $0 != .null } ?? false
    }
    notes.restoreFollowsTrigger =
      policy?.cuts != nil && !isWritten([.key("policy"), .key("cuts"), .key("restoreMonths")])
    notes.withinYearsFollowsHorizon = Set(
      assertions.indices.filter {
        assertions[$0].hasHorizon
          && !isWritten([.key("assertions"), .index($0), .key("withinYears")])
      })
  }

  private static func strings(_ items: [JSONValue]?, at path: JSONPath) throws -> [String] {
    try (items ?? []).enumerated().map { index, item in
      guard case .string(let s) = item else {
        throw ScenarioError(
          file: nil, path: path.appending(index), message: "expected a string, found \(item.kindDescription)")
      }
      return s
    }
  }

  /// Decodes each item of a list; with `named`, also checks that names are unique.
  private static func list<T>(
    _ items: [JSONValue]?, at path: JSONPath, named: Bool = true, _ decode: (JSONValue, JSONPath) throws -> T
  ) throws -> [T] {
    var seen: [String: Int] = [:]
    return try (items ?? []).enumerated().map { index, item in
      let itemPath = path.appending(index)
      let decoded = try decode(item, itemPath)
      if named, case .object(let fields) = item, case .string(let name)? = fields["name"] {
        if let first = seen[name] {
          throw ScenarioError(
            file: nil, path: itemPath.appending("name"),
            message:
              "duplicate name \"\(shortened(name))\" (also at \(path.appending(first))); names within a list must be unique"
          )
        }
        seen[name] = index
      }
      return decoded
    }
  }

  private static func simulation(_ value: JSONValue?, at path: JSONPath) throws -> SimulationSettings {
    guard let value else { return SimulationSettings() }
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.simulation)
    var settings = SimulationSettings()
    try reader.decode(into: &settings) { reader, settings, key in
      guard key == "nested" else { return false }
      settings.nested = try reader.value("nested").map { try Self.nested($0, at: path.appending("nested")) }
      return true
    }
    try reader.rejectUnknownKeys()
    // Whether the run's path count makes whole groups is checked where it is known (`RunPipeline`'s compile stage:
    // `--paths` may change it).
    return settings
  }

  /// `simulation.nested` (SPEC §22).
  private static func nested(_ value: JSONValue, at path: JSONPath) throws -> NestedDraws {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.nested)
    var nested = NestedDraws(inner: 0)
    try reader.decode(into: &nested)
    try reader.rejectUnknownKeys()
    return nested
  }

  private static func reserve(_ value: JSONValue?, at path: JSONPath) throws -> ReservePolicy {
    guard let value else { return ReservePolicy() }
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.reserve)
    var policy = ReservePolicy()
    try reader.decode(into: &policy)
    try reader.rejectUnknownKeys()
    return policy
  }

  private static func factorName(_ value: JSONValue, at path: JSONPath) throws -> Factor {
    let names = Factor.allCases.map(\.rawValue)
    guard case .string(let name) = value else {
      throw ScenarioError(
        file: nil, path: path,
        message: "expected a factor name (\(names.joined(separator: ", "))), found \(value.kindDescription)")
    }
    guard let factor = Factor(rawValue: name) else {
      var message = "unknown factor \"\(shortened(name))\""
      if let guess = closestMatch(to: name, among: names) { message += " (did you mean \"\(guess)\"?)" }
      throw ScenarioError(file: nil, path: path, message: message + "; known factors: " + names.joined(separator: ", "))
    }
    return factor
  }

  private static func factors(_ value: JSONValue?, at path: JSONPath) throws -> [Factor: FactorDynamics] {
    guard let value else { return [:] }
    guard case .object(let fields) = value else {
      throw ScenarioError(file: nil, path: path, message: "expected an object, found \(value.kindDescription)")
    }
    var result: [Factor: FactorDynamics] = [:]
    for key in fields.keys.sorted() {
      let factor = try factorName(.string(key), at: path.appending(shortened(key)))
      // null, like a factor left out, keeps the factor at exactly 1.
      if fields[key] == .null { continue }
      var reader = try ObjectReader(fields[key]!, at: path.appending(key), as: ScenarioFields.factor)
      var dynamics = FactorDynamics()
      try reader.decode(into: &dynamics)
      try reader.rejectUnknownKeys()
      result[factor] = dynamics
    }
    return result
  }

  private static func correlation(_ value: JSONValue, at path: JSONPath) throws -> Correlation {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.correlation)
    guard let between = try reader.array("between") else {
      throw reader.error("between", "is required (two factor names)")
    }
    guard between.count == 2 else {
      throw reader.error("between", "expected exactly two factor names, found \(between.count)")
    }
    let first = try factorName(between[0], at: path.appending("between").appending(0))
    let second = try factorName(between[1], at: path.appending("between").appending(1))
    guard first != second else { throw reader.error("between", "names the same factor twice") }
    // ±1 (outside the table's open range) pass here so that the matrix check says why they cannot be.
    let rho = try reader.requiredNumber("rho", "a correlation strictly between -1 and 1", in: .between(-1, 1))
    try reader.rejectUnknownKeys()
    return Correlation(first: first, second: second, rho: rho)
  }

  private static func moneyLine(_ value: JSONValue, at path: JSONPath, years: Int) throws -> MoneyLine {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.moneyLine)
    var line = MoneyLine(name: "", annual: 0)
    try reader.decode(into: &line) { reader, line, key in
      switch key {
      case "name": line.name = try reader.requiredString("name")
      case "factor": line.factor = try reader.value("factor").map { try factorName($0, at: path.appending("factor")) }
      default: return false
      }
      return true
    }
    if let problem = MoneyLine.yearsProblem(from: line.fromYear, until: line.untilYear) {
      throw reader.error("untilYear", problem)
    }
    try reader.rejectUnknownKeys()
    return line
  }

  private static func sponsorTier(_ value: JSONValue, at path: JSONPath) throws -> SponsorTier {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.sponsorTier)
    var tier = SponsorTier(name: "", annualAmount: 0, count: 0)
    try reader.decode(into: &tier, custom: Self.name)
    try reader.rejectUnknownKeys()
    return tier
  }

  private static func service(_ value: JSONValue, at path: JSONPath, start: String?) throws -> InKindService {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.inKindService)
    var service = InKindService(name: "", monthlyValue: 0, annualLossProbability: 0)
    try reader.decode(into: &service) { reader, service, key in
      switch key {
      case "name": service.name = try reader.requiredString("name")
      case "scaling":
        service.scaling = ServiceScaling(rawValue: reader.field("scaling").defaultValue!.text!)!
        if let text = try reader.string("scaling") {
          guard let parsed = ServiceScaling(rawValue: text) else {
            throw reader.error("scaling", "expected \"traffic\" or \"fixed\", found \"\(text)\"")
          }
          service.scaling = parsed
        }
      case "agreement":
        service.agreement = try reader.value("agreement").map {
          try Self.agreement($0, at: path.appending("agreement"), start: start)
        }
      case "mitigation":
        service.mitigation = try reader.value("mitigation").map {
          try Self.mitigation($0, at: path.appending("mitigation"))
        }
      default: return false
      }
      return true
    }
    try reader.rejectUnknownKeys()
    return service
  }

  /// For `ObjectReader.decode`: the item's `name`, required and not blank; every other field from the table.
  private static func name<Item: NamedItem>(_ reader: inout ObjectReader, _ item: inout Item, _ key: String) throws
    -> Bool
  {
    guard key == "name" else { return false }
    item.name = try reader.requiredString("name")
    return true
  }

  private static func event(_ value: JSONValue, at path: JSONPath) throws -> EventKind {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.event)
    var event = EventKind(name: "", annualProbability: 0, durationMonths: 1)
    try reader.decode(into: &event, custom: Self.name)
    try reader.rejectUnknownKeys()
    return event
  }

  private static func assertion(_ value: JSONValue, at path: JSONPath, years: Int, hasMinimum: Bool) throws
    -> Assertion
  {
    // Every kind has a name and a metric; the metric decides which kind's fields are read.
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.ruinProbabilityAssertion)
    let name = try reader.requiredString("name")
    guard let metricName = try reader.string("metric") else {
      throw reader.error(
        "metric",
        "is required (\"ruinProbability\", \"requiredReserve\", \"belowMinimum\" or \"requiredReserveForMinimum\")")
    }
    let metric: Assertion.Metric
    let atMost: Double
    switch metricName {
    case "ruinProbability":
      let within = try reader.integer("withinYears", in: .between(1, Double(years))) ?? years
      atMost = try reader.requiredNumber("atMost", "a probability in [0, 1]")
      metric = .ruinProbability(withinYears: within)
    case "belowMinimum":
      reader.object = ScenarioFields.belowMinimumAssertion
      guard hasMinimum else {
        throw reader.error(
          "metric", "\"belowMinimum\" needs the board's minimum: give policy.minimumMonths in the scenario")
      }
      let within = try reader.integer("withinYears", in: .between(1, Double(years))) ?? years
      atMost = try reader.requiredNumber("atMost", "a probability in [0, 1]")
      metric = .belowMinimum(withinYears: within)
    case "requiredReserve":
      reader.object = ScenarioFields.requiredReserveAssertion
      let confidence = try reader.requiredNumber("confidence", "a level in (0, 1)")
      atMost = try reader.requiredNumber("atMost", "an amount")
      metric = .requiredReserve(confidence: confidence)
    case "requiredReserveForMinimum":
      reader.object = ScenarioFields.requiredReserveForMinimumAssertion
      guard hasMinimum else {
        throw reader.error(
          "metric",
          "\"requiredReserveForMinimum\" needs the board's minimum: give policy.minimumMonths in the scenario")
      }
      let confidence = try reader.requiredNumber("confidence", "a level in (0, 1)")
      atMost = try reader.requiredNumber("atMost", "an amount")
      metric = .requiredReserveForMinimum(confidence: confidence)
    default:
      throw reader.error(
        "metric",
        "expected \"ruinProbability\", \"requiredReserve\", \"belowMinimum\" or \"requiredReserveForMinimum\", "
          + "found \"\(metricName)\"")
    }
    try reader.rejectUnknownKeys()
    return Assertion(name: name, metric: metric, atMost: atMost)
  }
}

/// A list item whose `name` the decoder reads (`Scenario.name(_:_:_:)`).
protocol NamedItem { var name: String { get set } }
extension SponsorTier: NamedItem {}
extension EventKind: NamedItem {}
