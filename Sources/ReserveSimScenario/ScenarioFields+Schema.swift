/// `scenarios/schema.json`, the JSON Schema (draft 2020-12) of the scenario format, generated from the table of
/// fields. Every object sets `additionalProperties: false`; an optional field also takes `null` (the same as
/// leaving it out); a field whose table entry has a scale also takes a percentage string ("4%").
extension ScenarioFields {
  /// The schema's text, as committed in `scenarios/schema.json` (two-space indent, a final newline).
  public static func schemaText() -> String { schema().text() + "\n" }

  static let schemaDescription =
    "One scenario for ReserveSim: a non-profit's reserve, its income and expenses, its sponsors, the services donated to it and the shocks that can hit it, simulated month by month over many possible futures. Amounts are in the file's currency; rates and probabilities are fractions (0.05 means 5%), and where a field is one a percentage such as \"5%\" may be written instead. A field that is left out (or set to null) takes its default. Any key not listed here is an error, so a typo never silently changes a model. The meaning of every field is defined in docs/model.md; this schema is generated (by `reservesim schema`) from the table of fields in Sources/ReserveSimScenario/ScenarioFields.swift, from which the decoder takes its ranges and defaults."

  /// What a field description gains where a percentage string is allowed.
  static let percentSentence = " A percentage such as \"5%\" may be written instead of the fraction."

  static func schema() -> OrderedJSON {
    let required = root.fields.filter { $0.requirement == .unlessExtending }.map { OrderedJSON.string($0.key) }
    var definitions: [(String, OrderedJSON)] = [
      (
        "name",
        .object([
          ("type", .string("string")), ("pattern", .string(namePattern)), ("description", .string(nameDescription)),
        ])
      ),
      (
        "factorName",
        .object([
          ("enum", .array(Factor.allCases.map { .string($0.rawValue) })),
          ("description", .string(factorNameDescription)),
        ])
      ),
      (
        "month",
        .object([
          ("anyOf", monthTypes), ("minimum", .integer(1)), ("description", .string(monthDescription)),
        ])
      ),
      ("distribution", distributionSchema),
    ]
    for object in objects.dropFirst() {
      if object.name == assertion.branches[0].object { definitions.append((assertion.name, unionSchema(assertion))) }
      definitions.append((object.name, objectSchema(object)))
    }
    return .object(
      [
        ("$schema", .string("https://json-schema.org/draft/2020-12/schema")),
        ("title", .string("ReserveSim scenario")),
        ("description", .string(schemaDescription)),
        ("type", .string("object")),
      ] + objectBody(root)
        + [
          (
            "if",
            .object([
              ("properties", .object([("extends", .object([("type", .string("string"))]))])),
              ("required", .array([.string("extends")])),
            ])
          ),
          ("else", .object([("required", .array(required))])),
          ("$defs", .object(definitions)),
        ])
  }

  /// An uncertain estimate (SPEC §16): exactly one of range, uniform, triangular or beta with its numbers. The
  /// checks that depend on the field (inside its range, a < b) are the decoder's.
  private static let distributionSchema: OrderedJSON = {
    func form(_ key: String, _ count: Int, _ description: String) -> OrderedJSON {
      .object([
        ("type", .string("object")),
        (
          "properties",
          .object([
            (
              key,
              .object([
                ("type", .string("array")), ("items", .object([("type", .string("number"))])),
                ("minItems", .integer(count)), ("maxItems", .integer(count)), ("description", .string(description)),
              ])
            )
          ])
        ),
        ("required", .array([.string(key)])), ("additionalProperties", .bool(false)),
      ])
    }
    return .object([
      (
        "description",
        .string(
          "An uncertain estimate instead of a number: each simulated future draws its own value. A range [a, b] is a 90% interval (5th and 95th percentiles a and b): logit-normal on a field between 0 and 1 when 0 < a < b < 1, else lognormal when 0 < a < b, else normal, truncated to the field's valid range. Whole-number fields round each draw."
        )
      ),
      (
        "oneOf",
        .array([
          form("range", 2, "[a, b]: the 5th and 95th percentiles."),
          form("uniform", 2, "[a, b]: every value between equally likely."),
          form("triangular", 3, "[low, mode, high]."),
          form("beta", 2, "[alpha, beta]: shape parameters, for fields between 0 and 1."),
        ])
      ),
    ])
  }()

  /// A month number or "YYYY-MM".
  private static let monthTypes = OrderedJSON.array([
    .object([("type", .string("integer"))]),
    .object([("type", .string("string")), ("pattern", .string(monthPattern))]),
  ])

  /// Definitions that an optional field holds (rather than a list), which therefore also take `null`.
  private static let nullableDefinitions: Set<String> = Set(
    objects.flatMap(\.fields).compactMap { field in
      if case .object(let name) = field.type, field.requirement == .optional { return name }
      return nil
    })

  private static func objectSchema(_ object: ScenarioObject) -> OrderedJSON {
    var members: [(String, OrderedJSON)] = [
      ("type", types(["object"], nullable: nullableDefinitions.contains(object.name)))
    ]
    if let fallback = object.defaultValue { members.append(("default", json(fallback))) }
    if let description = object.description { members.append(("description", .string(description))) }
    return .object(members + objectBody(object))
  }

  /// `properties`, `required` and `additionalProperties: false`.
  private static func objectBody(_ object: ScenarioObject) -> [(String, OrderedJSON)] {
    var members: [(String, OrderedJSON)] = [
      (
        "properties",
        .object(
          object.fields.map {
            ($0.key, property($0, distribution: distributionFields.contains(object.name + "." + $0.key)))
          })
      )
    ]
    let required = object.fields.filter { $0.requirement == .always }.map { OrderedJSON.string($0.key) }
    if !required.isEmpty { members.append(("required", .array(required))) }
    let dependent: [(String, OrderedJSON)] = object.fields.compactMap { field in
      guard case .with(let sibling) = field.requirement else { return nil }
      return (sibling, .array([.string(field.key)]))
    }
    if !dependent.isEmpty { members.append(("dependentRequired", .object(dependent))) }
    members.append(("additionalProperties", .bool(false)))
    return members
  }

  /// The union's `metric`, then an if/then/else chain over the branches after the first, the first the last else.
  private static func unionSchema(_ union: ScenarioUnion) -> OrderedJSON {
    func reference(_ name: String) -> OrderedJSON { .object([("$ref", .string("#/$defs/" + name))]) }
    func chain(_ branches: ArraySlice<(value: String, object: String)>) -> [(String, OrderedJSON)] {
      guard let first = branches.first else { return [] }
      let rest = branches.dropFirst()
      let otherwise = rest.isEmpty ? reference(union.branches[0].object) : .object(chain(rest))
      return [
        (
          "if",
          .object([
            ("properties", .object([(union.discriminator, .object([("const", .string(first.value))]))])),
            ("required", .array([.string(union.discriminator)])),
          ])
        ),
        ("then", reference(first.object)),
        ("else", otherwise),
      ]
    }
    return .object(
      [
        ("type", .string("object")),
        ("description", .string(union.description)),
        (
          "properties",
          .object([(union.discriminator, .object([("enum", .array(union.branches.map { .string($0.value) }))]))])
        ),
        ("required", .array([.string(union.discriminator)])),
      ] + chain(union.branches.dropFirst()))
  }

  /// The schema of one field.
  /// - Parameter distribution: whether the field may be written as a distribution (SPEC §16).
  private static func property(_ field: ScenarioField, distribution: Bool = false) -> OrderedJSON {
    let optional = field.requirement != .always && field.requirement != .unlessExtending
    var members: [(String, OrderedJSON)] = []
    /// `node` or null.
    func orNull(_ node: OrderedJSON) {
      members.append(("anyOf", .array([node, .object([("type", .string("null"))])])))
    }
    switch field.type {
    case .object(let name):
      members.append(("$ref", .string("#/$defs/" + name)))
    case .name:
      members.append(("$ref", .string("#/$defs/name")))
    case .factorName:
      if optional {
        orNull(.object([("$ref", .string("#/$defs/factorName"))]))
      } else {
        members.append(("$ref", .string("#/$defs/factorName")))
      }
    case .choice(let words):
      let choice = OrderedJSON.object([("enum", .array(words.map { .string($0) }))])
      if optional { orNull(choice) } else { members.append(("enum", .array(words.map { .string($0) }))) }
    case .constant(let word):
      members.append(("const", .string(word)))
    case .month:
      if field.upperBound == nil {
        members.append(("$ref", .string("#/$defs/month")))
      } else {
        members += [("anyOf", monthTypes)] + bounds(field)
      }
    case .list(let item):
      members += [("type", types(["array"], nullable: optional)), ("items", itemSchema(item))]
      if let count = field.itemCount {
        members += [("minItems", .integer(count)), ("maxItems", .integer(count)), ("uniqueItems", .bool(true))]
      }
    case .text:
      members.append(("type", types(["string"], nullable: optional)))
      if let pattern = field.pattern { members.append(("pattern", .string(pattern))) }
    case .number, .wholeNumber:
      let kind = field.type == .number ? "number" : "integer"
      let number: [(String, OrderedJSON)] =
        [("type", types(field.acceptsPercent ? [kind, "string"] : [kind], nullable: optional))] + bounds(field)
        + (field.acceptsPercent && distribution ? [("pattern", .string(percentPattern))] : [])
      if distribution {
        members.append(("anyOf", .array([.object(number), .object([("$ref", .string("#/$defs/distribution"))])])))
      } else {
        members += number
      }
    }
    if let fallback = field.defaultValue { members.append(("default", json(fallback))) }
    if let unit = field.unit { members.append(("x-unit", .string(unit))) }
    if let description = field.description {
      members.append(("description", .string(description + (field.acceptsPercent ? percentSentence : ""))))
    }
    if !field.examples.isEmpty { members.append(("examples", .array(field.examples.map { .string($0) }))) }
    if field.acceptsPercent && !distribution { members.append(("pattern", .string(percentPattern))) }
    return .object(members)
  }

  private static func itemSchema(_ item: ScenarioField.ValueType) -> OrderedJSON {
    switch item {
    case .object(let name): return .object([("$ref", .string("#/$defs/" + name))])
    case .factorName: return .object([("$ref", .string("#/$defs/factorName"))])
    default: return .object([("type", .string("string"))])
    }
  }

  /// `minimum`/`exclusiveMinimum` and `maximum`/`exclusiveMaximum`.
  private static func bounds(_ field: ScenarioField) -> [(String, OrderedJSON)] {
    var members: [(String, OrderedJSON)] = []
    if let (value, inclusive) = field.lowerBound {
      members.append((inclusive ? "minimum" : "exclusiveMinimum", number(value)))
    }
    if let (value, inclusive) = field.upperBound {
      members.append((inclusive ? "maximum" : "exclusiveMaximum", number(value)))
    }
    return members
  }

  /// One type as a string, several as a list.
  private static func types(_ kinds: [String], nullable: Bool) -> OrderedJSON {
    let all = kinds + (nullable ? ["null"] : [])
    return all.count == 1 ? .string(all[0]) : .array(all.map { .string($0) })
  }

  /// Whole numbers (up to 2⁵³) without a decimal point.
  private static func number(_ x: Double) -> OrderedJSON {
    x == x.rounded() && abs(x) <= largestWholeNumber ? .integer(Int(x)) : .number(x)
  }

  private static func json(_ value: JSONValue) -> OrderedJSON {
    switch value {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .number(let x): return number(x)
    case .string(let s): return .string(s)
    case .array(let items): return .array(items.map(json))
    case .object(let fields): return .object(fields.keys.sorted().map { ($0, json(fields[$0]!)) })
    }
  }
}
