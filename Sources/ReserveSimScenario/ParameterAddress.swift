/// A rule between a field and others that narrows its range beyond the table's own (the decoder checks each; the
/// what-if analyses clamp into the narrowed range). Declared on the field's row in `ScenarioFields`.
package enum FieldLimit: Sendable, Equatable {
  /// `years`: one-off months within the horizon, assertions' `withinYears` at most `years`.
  case horizon
  /// A money line's `fromYear`: at most its `untilYear` (the what-if range also keeps it within the horizon).
  case firstYear
  /// A money line's `untilYear`: at least its `fromYear` (the what-if range also keeps it within the horizon).
  case lastYear
  /// A one-off's `month`: within the horizon.
  case month
  /// `policy.cuts.belowMonths`: at most `restoreMonths` (which follows it when the file leaves it out).
  case cutsTrigger
  /// `policy.cuts.restoreMonths`: at least `belowMonths`.
  case cutsRestore
  /// An assertion's `withinYears`: at most `years`.
  case assertionYears
  /// A correlation's `rho`: −1 … 1 here, the matrix positive definite (for every value distributions can take).
  case correlation
  /// An agreement's `renewalProbability`: above 0 only with a `renewalYears` (there is no default term).
  case renewalTerm
}

/// A numeric field of a scenario, named by a `--set` path (`inKindServices[CDN].annualLossProbability`,
/// `policy.cuts.belowMonths`, `correlations[0].rho`), resolved once against a decoded `Scenario` into a key path that
/// reads and writes the `Scenario` value directly: list items are found (by name or index) when the address is made,
/// so reading and writing use no JSON and no string keys.
///
/// Writing checks what the decoder checks for that field: the table's range (with the decoder's messages, the
/// percentage hint included), and the rules between fields (`FieldLimit`), by the same functions the decoder calls.
/// A whole-number field is rounded. A field written as a distribution (SPEC §16) reads as the distribution's centre;
/// writing a number replaces the distribution by the number, `write(_:to:)` with a distribution replaces it.
public struct ParameterAddress: @unchecked Sendable, CustomStringConvertible {
  /// The path as given.
  public let path: ScenarioPath
  /// The path with list items named as the decoder names them (`[name]`, or `[index]` where items have no name): the
  /// `path` of an `UncertainParameter` on this field.
  public let canonicalPath: ScenarioPath
  /// Where the field stands in the document (list items by index), for messages.
  public let jsonPath: JSONPath
  /// The field's row in `ScenarioFields`.
  public let field: ScenarioField
  /// The position of the innermost list item on the path (0 outside lists).
  public let item: Int
  /// The engine's per-lane parameter a distribution on the field feeds; `nil` where the field takes none.
  package let lane: LaneParameter?
  let slot: Slot
  /// Key paths to the objects the field's rules read: the money line, the expense cuts, the correlation list.
  let line: WritableKeyPath<Scenario, MoneyLine>?
  let cuts: WritableKeyPath<Scenario, ExpenseCuts>?

  /// The key path to the number, by the kind of value the model stores.
  enum Slot {
    case number(WritableKeyPath<Scenario, Double>)
    case optionalNumber(WritableKeyPath<Scenario, Double?>)
    case wholeNumber(WritableKeyPath<Scenario, Int>)
    case optionalWholeNumber(WritableKeyPath<Scenario, Int?>)
    case seed(WritableKeyPath<Scenario, UInt64>)
  }

  public var description: String { path.description }

  /// Resolves `path` against `scenario`.
  /// - Throws: `ScenarioError` (file "--set") naming the path: a field the format does not have (with a "did you
  ///   mean"), a list item that is not there, a field that holds no number, or an optional object (an agreement, a
  ///   policy's cuts) the scenario does not have.
  public init(_ path: ScenarioPath, in scenario: Scenario) throws {
    func fail(_ reason: String) -> ScenarioError {
      ScenarioError(file: "--set", path: .root, message: "\(ScenarioError.quoted(path.description)): \(reason)")
    }
    var object = ScenarioFields.root
    var keyPath: AnyKeyPath = \Scenario.self
    var jsonPath = JSONPath.root
    var canonical: [ScenarioPath.Step] = []
    var item = 0
    var factor: Factor?
    var isExpense = false
    var line: WritableKeyPath<Scenario, MoneyLine>?
    var cuts: WritableKeyPath<Scenario, ExpenseCuts>?
    var position = 0
    let steps = path.steps
    while true {
      let here = canonical.isEmpty ? "the scenario" : ScenarioPath(steps: canonical).description
      guard position < steps.count else { throw fail("\(here) is an object, not a number: name one of its fields") }
      guard case .key(let key) = steps[position] else { throw fail("\(here) is not a list") }
      guard let row = object.field(key) else {
        let known = object.fields.map(\.key)
        var message = "unknown field '\(shortened(key))'"
        if let guess = closestMatch(to: key, among: known) { message += " (did you mean '\(guess)'?)" }
        throw fail(message + " in \(here); fields here: " + known.sorted().joined(separator: ", "))
      }
      position += 1
      canonical.append(.key(key))
      jsonPath = jsonPath.appending(key)
      if object.name == ScenarioFields.factors.name { factor = Factor(rawValue: key) }
      guard let model = row.model, model.kind != .text else {
        throw fail("\(row.key) holds \(row.type.words), not a number")
      }
      guard let next = keyPath.appending(path: model.path) else { preconditionFailure("ScenarioFields: \(key)") }
      if model.isNumber {
        guard position == steps.count else {
          throw fail("\(ScenarioPath(steps: canonical)) is a number, not an object")
        }
        guard let slot = Slot(next) else { preconditionFailure("ScenarioFields: the key path of \(key)") }
        self.path = path
        canonicalPath = ScenarioPath(steps: canonical)
        self.jsonPath = jsonPath
        field = row
        self.item = item
        self.slot = slot
        self.line = line
        self.cuts = cuts
        lane = row.lane.map { LaneParameter($0, factor?.index ?? item, isExpense: isExpense) }
        return
      }
      let definition = row.type.objectDefinitions.first!.0
      switch model.kind {
      case .object:
        keyPath = next
      case .optionalObject:
        guard let value = scenario[keyPath: next], model.isPresent!(value) else {
          throw fail("the scenario has no \(ScenarioPath(steps: canonical)) to change (write it in the file first)")
        }
        keyPath = next.appending(path: model.unwrap!)!
      case .list:
        let items = model.items!(scenario[keyPath: next]!)
        guard position < steps.count else { throw fail("\(ScenarioPath(steps: canonical)) is a list, not a number") }
        let index: Int
        switch steps[position] {
        case .index(let i):
          guard i < items.count else {
            throw fail("\(ScenarioPath(steps: canonical)) has \(items.count) item(s); there is no [\(i)]")
          }
          index = i
        case .named(let name):
          guard let i = items.firstIndex(where: { $0.name == name }) else {
            let names = items.compactMap(\.name)
            var message = "no item named \(ScenarioError.quoted(name)) in \(ScenarioPath(steps: canonical))"
            if let guess = closestMatch(to: name, among: names) {
              message += " (did you mean \(ScenarioError.quoted(guess))?)"
            }
            if !names.isEmpty { message += "; names: " + names.map(ScenarioError.quoted).joined(separator: ", ") }
            throw fail(message)
          }
          index = i
        case .key(let key):
          throw fail("\(ScenarioPath(steps: canonical)) is a list: name an item ([name] or [index]), not .\(key)")
        }
        position += 1
        item = index
        isExpense = next == \Scenario.expenses as AnyKeyPath
        canonical.append(items[index].name.map(ScenarioPath.Step.named) ?? .index(index))
        jsonPath = jsonPath.appending(index)
        keyPath = next.appending(path: model.item!(index))!
        object = ScenarioFields.object(named: items[index].definition ?? definition)!
      default:
        preconditionFailure("ScenarioFields: \(key)")
      }
      if model.kind != .list { object = ScenarioFields.object(named: definition)! }
      if object.name == ScenarioFields.moneyLine.name { line = keyPath as? WritableKeyPath<Scenario, MoneyLine> }
      if object.name == ScenarioFields.cuts.name { cuts = keyPath as? WritableKeyPath<Scenario, ExpenseCuts> }
    }
  }

  /// Parses `text` (`--set` path syntax) and resolves it against `scenario`.
  public init(parsing text: String, in scenario: Scenario) throws {
    try self.init(ScenarioPath(parsing: text), in: scenario)
  }

  /// Whether the field holds a whole number (a count, months, years, a month number).
  public var isWholeNumber: Bool { [.wholeNumber, .month].contains(field.type) }

  // MARK: Reading

  /// The field's value in `scenario`: the centre of its distribution when it is written as one (SPEC §16), `nil`
  /// when the field is optional and not given (a line's `fromYear`, `policy.minimumMonths`).
  public func value(in scenario: Scenario) -> Double? {
    if let distribution = distribution(in: scenario) { return distribution.centre }
    switch slot {
    case .number(let path): return scenario[keyPath: path]
    case .optionalNumber(let path): return scenario[keyPath: path]
    case .wholeNumber(let path): return Double(scenario[keyPath: path])
    case .optionalWholeNumber(let path): return scenario[keyPath: path].map(Double.init)
    case .seed(let path): return Double(scenario[keyPath: path])
    }
  }

  /// The distribution the field is written as in `scenario`, if any.
  public func distribution(in scenario: Scenario) -> EstimateDistribution? {
    uncertainIndex(in: scenario).map { scenario.uncertainParameters[$0].distribution }
  }

  private func uncertainIndex(in scenario: Scenario) -> Int? {
    guard let lane else { return nil }
    return scenario.uncertainParameters.firstIndex { $0.lane == lane }
  }

  // MARK: Writing

  /// `scenario` with `value` in the field (rounded for a whole-number field); a distribution there is replaced by
  /// the number.
  /// - Throws: `ScenarioError` naming the field's JSON path with the decoder's message, when the value is out of the
  ///   field's range or breaks a rule between fields.
  public func setting(_ value: Double, in scenario: Scenario) throws -> Scenario {
    var copy = scenario
    try write(value, to: &copy)
    return copy
  }

  /// Writes `value` into `scenario` (see `setting(_:in:)`); on a throw, `scenario` is unchanged.
  public func write(_ value: Double, to scenario: inout Scenario) throws {
    let x = isWholeNumber ? value.rounded() : value
    try check(x, in: scenario)
    var edited = scenario
    store(x, in: &edited)
    if let index = uncertainIndex(in: edited) { edited.uncertainParameters.remove(at: index) }
    try checkRules(in: &edited)
    scenario = edited
  }

  /// Writes `distribution` into `scenario`: the field holds its median, as the decoder stores it, and the
  /// distribution replaces the field's (or is added after the others). A distribution of one value is that number.
  /// - Throws: `ScenarioError` when the field takes no distribution or a rule between fields is broken (the
  ///   distribution itself was checked against the field's range when it was made).
  public func write(_ distribution: EstimateDistribution, to scenario: inout Scenario) throws {
    guard let lane else {
      throw ScenarioError(
        file: nil, path: jsonPath,
        message:
          "\(field.key) cannot be a distribution yet: it is a number here (the fields that take a distribution are "
          + "listed in docs/model.md §16)")
    }
    let median = distribution.value(at: 0.5)
    guard !distribution.isPoint else { return try write(median, to: &scenario) }
    try check(median, in: scenario)
    var edited = scenario
    store(median, in: &edited)
    let parameter = UncertainParameter(
      path: canonicalPath, pattern: ScenarioParameterPattern.of(canonicalPath), item: item, lane: lane,
      distribution: distribution)
    if let index = uncertainIndex(in: edited) {
      edited.uncertainParameters[index] = parameter
    } else {
      edited.uncertainParameters.append(parameter)
    }
    try checkRules(in: &edited)
    scenario = edited
  }

  /// The range the field's values must stay in, in `scenario`: the table's (as the decoder reads the field) narrowed
  /// by the rules between fields (`FieldLimit`).
  package func decoderRange(in scenario: Scenario) -> NumberRange {
    switch field.limit {
    case .assertionYears: return .between(1, Double(scenario.years))
    // ±1 pass the field's check so that the matrix check says why they cannot be (as the decoder does).
    case .correlation: return .between(-1, 1)
    default: return field.range ?? .any
    }
  }

  private func check(_ x: Double, in scenario: Scenario) throws {
    func fail(_ message: String) -> ScenarioError { ScenarioError(file: nil, path: jsonPath, message: message) }
    guard x.isFinite else { throw fail("expected a finite number") }
    if let problem = decoderRange(in: scenario).problem(with: x, for: field) { throw fail(problem) }
    if isWholeNumber, abs(x) > ScenarioFields.largestWholeNumber {
      throw fail("must be at most 9007199254740991 in size (2⁵³ − 1), found \(JSONValue.format(x))")
    }
  }

  private func store(_ x: Double, in scenario: inout Scenario) {
    switch slot {
    case .number(let path): scenario[keyPath: path] = x
    case .optionalNumber(let path): scenario[keyPath: path] = x
    case .wholeNumber(let path):
      // A month past 2³¹ − 1 is kept there, as the decoder keeps it.
      scenario[keyPath: path] = field.type == .month ? Int(Swift.min(x, Double(Int32.max))) : Int(x)
    case .optionalWholeNumber(let path): scenario[keyPath: path] = Int(x)
    case .seed(let path): scenario[keyPath: path] = UInt64(x)
    }
  }

  /// The rules between fields that the write may break, by the decoder's functions and messages; fields that follow
  /// this one when the file leaves them out (`restoreMonths`, an assertion's `withinYears`) follow it here too.
  private func checkRules(in scenario: inout Scenario) throws {
    switch field.limit {
    case nil:
      return
    case .horizon:
      for index in scenario.assertions.indices
      where scenario.notes.withinYearsFollowsHorizon.contains(index) {
        scenario.assertions[index].withinYears = scenario.years
      }
      try scenario.checkHorizonRules()
    case .firstYear, .lastYear:
      let line = scenario[keyPath: self.line!]
      if let problem = MoneyLine.yearsProblem(from: line.fromYear, until: line.untilYear) {
        throw ScenarioError(file: nil, path: jsonPath.parent.appending("untilYear"), message: problem)
      }
    case .month:
      try scenario.checkHorizonRules()
    case .cutsTrigger, .cutsRestore:
      if field.limit == .cutsTrigger && scenario.notes.restoreFollowsTrigger {
        scenario[keyPath: cuts!].restoreMonths = scenario[keyPath: cuts!].belowMonths
      }
      if field.limit == .cutsRestore { scenario.notes.restoreFollowsTrigger = false }
      let cuts = scenario[keyPath: self.cuts!]
      if let problem = ExpenseCuts.restoreProblem(below: cuts.belowMonths, restore: cuts.restoreMonths) {
        throw ScenarioError(file: nil, path: jsonPath.parent.appending("restoreMonths"), message: problem)
      }
    case .assertionYears:
      scenario.notes.withinYearsFollowsHorizon.remove(item)
    case .correlation:
      try scenario.checkCorrelations()
    case .renewalTerm:
      try scenario.checkRenewalTerms()
    }
  }
}

extension ParameterAddress.Slot {
  init?(_ path: AnyKeyPath) {
    if let path = path as? WritableKeyPath<Scenario, Double> {
      self = .number(path)
    } else if let path = path as? WritableKeyPath<Scenario, Double?> {
      self = .optionalNumber(path)
    } else if let path = path as? WritableKeyPath<Scenario, Int> {
      self = .wholeNumber(path)
    } else if let path = path as? WritableKeyPath<Scenario, Int?> {
      self = .optionalWholeNumber(path)
    } else if let path = path as? WritableKeyPath<Scenario, UInt64> {
      self = .seed(path)
    } else {
      return nil
    }
  }
}

/// The table's JSON path pattern of a `--set` path: list items, named or by index, as `[]`.
package enum ScenarioParameterPattern {
  package static func of(_ path: ScenarioPath) -> String {
    var pattern = ""
    for step in path.steps {
      switch step {
      case .key(let key): pattern += (pattern.isEmpty ? "" : ".") + key
      case .index, .named: pattern += "[]"
      }
    }
    return pattern
  }
}

extension JSONPath {
  /// The path without its last component.
  var parent: JSONPath { JSONPath(components: components.dropLast()) }
}

extension ScenarioField.ValueType {
  /// The kind of value, in words, for messages.
  var words: String {
    switch self {
    case .number, .wholeNumber, .month: return "a number"
    case .text, .name, .factorName, .choice, .constant: return "text"
    case .list: return "a list"
    case .object: return "an object"
    }
  }
}

extension ParameterAddress {
  /// The fields the address' rule (`FieldLimit`) compares it with, as the scenario holds them: a money line's years
  /// (`nil` when not written), the cuts' thresholds (`restoreMonths` `nil` when it follows `belowMonths`).
  package func siblings(in scenario: Scenario) -> (
    fromYear: Int?, untilYear: Int?, belowMonths: Double?, restoreMonths: Double?
  ) {
    let line = line.map { scenario[keyPath: $0] }
    let cuts = cuts.map { scenario[keyPath: $0] }
    return (
      line?.fromYear, line?.untilYear, cuts?.belowMonths,
      scenario.notes.restoreFollowsTrigger ? nil : cuts?.restoreMonths
    )
  }
}
