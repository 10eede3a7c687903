/// Where a field of the format is stored in the model (`Scenario` and the types it holds): a Swift key path from the
/// Swift type of the field's object to the field's value, declared once on the field's row in `ScenarioFields`.
///
/// `ParameterAddress` composes them along a `--set` path (a list item resolved to its index) into one key path from
/// `Scenario` to the number. The key paths are type-erased here so that rows of different objects fit in one table;
/// the constructors are generic, so a row's key path always matches the kind of value it declares.
package struct ModelKeyPath: @unchecked Sendable {
  /// What the key path reaches.
  package enum Kind: Sendable, Equatable {
    /// `Double`, `Double?` (absent when not written), `Int`, `Int?`, `UInt64` (the seed).
    case number, optionalNumber, wholeNumber, optionalWholeNumber, seed
    /// An object that is always there, an optional one, or a list of objects.
    case object, optionalObject, list
    /// A value that is not a number (a choice, a factor, a list of names), read for display only (the report's
    /// assumption tables); `--set` cannot write it.
    case text
  }

  package let kind: Kind
  /// From the Swift type of the row's object to the value, the child object or the list.
  package let path: AnyKeyPath
  /// An optional object: from the optional to its value (`\T?.!`), and whether a value holds one.
  let unwrap: AnyKeyPath?
  let isPresent: (@Sendable (Any) -> Bool)?
  /// A list: the key path from the list to its item i, and each item's name (nil without one) and, for a list of a
  /// union of objects (assertions), the object definition of its branch.
  let item: (@Sendable (Int) -> AnyKeyPath)?
  let items: (@Sendable (Any) -> [(name: String?, definition: String?)])?
  /// The value in an object of the row's Swift type: a number (`Double`, `Int`, `UInt64`), the child object or
  /// list, or the text of a `.text` row; `nil` when an optional value is absent (or `object` is of another type).
  package let read: @Sendable (_ object: Any) -> Any?

  private init(
    _ kind: Kind, _ path: AnyKeyPath, read: @escaping @Sendable (Any) -> Any?, unwrap: AnyKeyPath? = nil,
    isPresent: (@Sendable (Any) -> Bool)? = nil, item: (@Sendable (Int) -> AnyKeyPath)? = nil,
    items: (@Sendable (Any) -> [(name: String?, definition: String?)])? = nil
  ) {
    self.kind = kind
    self.path = path
    self.read = read
    self.unwrap = unwrap
    self.isPresent = isPresent
    self.item = item
    self.items = items
  }

  private init<Root, Value>(_ kind: Kind, _ path: KeyPath<Root, Value>) {
    self.init(kind, path, read: { ($0 as? Root).map { $0[keyPath: path] } })
  }

  private init<Root, Value>(_ kind: Kind, _ path: KeyPath<Root, Value?>) {
    self.init(kind, path, read: { ($0 as? Root).flatMap { $0[keyPath: path] } })
  }

  static func number<Root>(_ path: WritableKeyPath<Root, Double>) -> Self { Self(.number, path) }
  static func optionalNumber<Root>(_ path: WritableKeyPath<Root, Double?>) -> Self { Self(.optionalNumber, path) }
  static func wholeNumber<Root>(_ path: WritableKeyPath<Root, Int>) -> Self { Self(.wholeNumber, path) }
  static func optionalWholeNumber<Root>(_ path: WritableKeyPath<Root, Int?>) -> Self {
    Self(.optionalWholeNumber, path)
  }
  static func seed<Root>(_ path: WritableKeyPath<Root, UInt64>) -> Self { Self(.seed, path) }
  static func object<Root, Value>(_ path: WritableKeyPath<Root, Value>) -> Self { Self(.object, path) }
  static func optionalObject<Root, Value>(_ path: WritableKeyPath<Root, Value?>) -> Self {
    Self(
      .optionalObject, path, read: { ($0 as? Root).flatMap { $0[keyPath: path] } }, unwrap: \Value?.!,
      isPresent: { ($0 as? Value?).map { $0 != nil } ?? false })
  }
  static func list<Root, Item: ScenarioListItem>(_ path: WritableKeyPath<Root, [Item]>) -> Self {
    Self(
      .list, path, read: { ($0 as? Root).map { $0[keyPath: path] } }, item: { \[Item].[$0] },
      items: { ($0 as? [Item] ?? []).map { ($0.itemName, $0.itemDefinition) } })
  }
  /// A value that is not a number, shown as `text` gives it (`nil`: absent).
  static func text<Root, Value>(_ path: KeyPath<Root, Value>, _ text: @escaping @Sendable (Value) -> String?) -> Self {
    Self(.text, path, read: { ($0 as? Root).flatMap { text($0[keyPath: path]) } })
  }

  /// Whether the key path reaches a number.
  package var isNumber: Bool { [.number, .optionalNumber, .wholeNumber, .optionalWholeNumber, .seed].contains(kind) }
}

/// An item of a list of the scenario format: its `name` where the list's items have one, and for a list of a union
/// of objects the definition of the item's branch.
package protocol ScenarioListItem {
  var itemName: String? { get }
  var itemDefinition: String? { get }
}

extension ScenarioListItem {
  package var itemDefinition: String? { nil }
}

extension MoneyLine: ScenarioListItem { package var itemName: String? { name } }
extension SponsorTier: ScenarioListItem { package var itemName: String? { name } }
extension InKindService: ScenarioListItem { package var itemName: String? { name } }
extension EventKind: ScenarioListItem { package var itemName: String? { name } }
extension OneOff: ScenarioListItem { package var itemName: String? { name } }
extension Correlation: ScenarioListItem { package var itemName: String? { nil } }
extension Assertion: ScenarioListItem {
  package var itemName: String? { name }
  package var itemDefinition: String? {
    switch metric {
    case .ruinProbability: return ScenarioFields.ruinProbabilityAssertion.name
    case .requiredReserve: return ScenarioFields.requiredReserveAssertion.name
    case .belowMinimum: return ScenarioFields.belowMinimumAssertion.name
    case .requiredReserveForMinimum: return ScenarioFields.requiredReserveForMinimumAssertion.name
    }
  }

  /// The horizon of a ruin-probability or below-minimum assertion (0 for another kind), as a stored field for
  /// `ScenarioFields`' key paths.
  package var withinYears: Int {
    get {
      switch metric {
      case .ruinProbability(let years), .belowMinimum(let years): return years
      case .requiredReserve, .requiredReserveForMinimum: return 0
      }
    }
    set {
      switch metric {
      case .ruinProbability: metric = .ruinProbability(withinYears: newValue)
      case .belowMinimum: metric = .belowMinimum(withinYears: newValue)
      case .requiredReserve, .requiredReserveForMinimum: break
      }
    }
  }

  /// The confidence of a required-reserve assertion (0 for another kind).
  package var confidence: Double {
    get {
      switch metric {
      case .requiredReserve(let confidence), .requiredReserveForMinimum(let confidence): return confidence
      case .ruinProbability, .belowMinimum: return 0
      }
    }
    set {
      switch metric {
      case .requiredReserve: metric = .requiredReserve(confidence: newValue)
      case .requiredReserveForMinimum: metric = .requiredReserveForMinimum(confidence: newValue)
      case .ruinProbability, .belowMinimum: break
      }
    }
  }

  /// Whether the metric counts within a number of years (ruin and below the minimum do; the reserves do not).
  package var hasHorizon: Bool {
    switch metric {
    case .ruinProbability, .belowMinimum: return true
    case .requiredReserve, .requiredReserveForMinimum: return false
    }
  }
}

extension Correlation {
  /// The two factors, as the file writes them (`between`).
  package var between: [Factor] { [first, second] }
}

extension [Factor: FactorDynamics] {
  /// A factor's dynamics, the defaults (a constant 1) when the scenario leaves it out; setting one puts it in.
  package subscript(dynamicsOf factor: Factor) -> FactorDynamics {
    get { self[factor] ?? FactorDynamics() }
    set { self[factor] = newValue }
  }
}

/// A field that may differ between paths (SPEC §16): which of the engine's per-lane parameters a distribution on it
/// feeds. Declared on the field's row in `ScenarioFields` (a row without one takes no distribution); the engine
/// (`LaneParameters`, `SimulationPlan`) handles every case, so a parameter it does not know cannot be written.
package enum LaneKind: Hashable, Sendable, CaseIterable {
  case reserveInitial, reserveFloor, reserveReturn
  /// Item: the factor's `index`.
  case factorGrowth, factorVolatility
  /// Item: the correlation's position.
  case rho
  /// Item: the line's position in `income` or `expenses` (`LaneParameter.isExpense`).
  case lineAnnual, lineGrowth
  case tierAmount, tierCount, tierRenewal, tierNewPerYear
  case serviceValue, serviceLoss, serviceNotice, serviceCostFraction, serviceReplacement, serviceAgreementRenewal,
    serviceMigration, serviceMitigatedFraction
  case eventProbability, eventDuration, eventIncome, eventRenewal, eventNewSponsor, eventLoss, eventAgreement
}

/// One per-lane parameter of the engine: a kind and the item it belongs to.
package struct LaneParameter: Hashable, Sendable {
  package var kind: LaneKind
  /// The list item (line, tier, service, event, correlation), the factor's index, or 0.
  package var item: Int
  /// For a money line: whether it is an expense line (else income).
  package var isExpense: Bool

  package init(_ kind: LaneKind, _ item: Int = 0, isExpense: Bool = false) {
    self.kind = kind
    self.item = item
    self.isExpense = isExpense
  }
}
