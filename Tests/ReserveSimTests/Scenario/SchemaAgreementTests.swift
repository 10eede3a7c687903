import Foundation
import ReserveSim
import XCTest

/// Keeps the table of fields (`ScenarioFields`), the committed `scenarios/schema.json` and
/// `docs/scenario-format.md` generated from it, and the decoder (`Scenario+Decoding.swift`) in agreement.
///
/// The committed files must be exactly what the table generates. The decoder is probed, not read: each object of the schema is located in a minimal valid document, and
/// for every field the test checks that both sides accept the same keys, require the same fields, fill in the
/// same defaults, treat `null` alike, and draw their ranges, types and choices at the same places. The Python
/// side of the agreement (the schema rejects the bad fixtures and accepts the shipped files) is
/// `scripts/check-schema.py`.
final class SchemaAgreementTests: XCTestCase {
  /// The repository, found from this file's place in it.
  static let repository = repositoryRoot

  static func file(_ relativePath: String) -> String { repository.appendingPathComponent(relativePath).path }

  /// A valid document holding every object of the format once, each with only its required fields.
  /// `years` is 100, the largest horizon, so that `withinYears` may take its whole schema range.
  static let minimalDocument = """
    {"name": "Probe", "years": 100, "simulation": {"nested": {"inner": 100}}, "reserve": {}, "factors": {"traffic": {}},
     "correlations": [{"between": ["traffic", "unitCost"], "rho": 0}],
     "income": [{"name": "Income"}], "expenses": [{"name": "Expense"}], "sponsorTiers": [{"name": "Tier"}],
     "inKindServices": [{"name": "Service", "agreement": {"ends": 1, "renewalYears": 1}, "mitigation": {"afterMonths": 0, "costFraction": 0}}],
     "events": [{"name": "Event"}],
     "assertions": [{"name": "Ruin", "metric": "ruinProbability", "atMost": 0.5},
                    {"name": "Reserve", "metric": "requiredReserve", "confidence": 0.5, "atMost": 0},
                    {"name": "Minimum", "metric": "belowMinimum", "atMost": 0.5},
                    {"name": "Minimum reserve", "metric": "requiredReserveForMinimum", "confidence": 0.5, "atMost": 0}],
     "oneOffs": [{"name": "One-off", "month": 1, "amount": 0}],
     "policy": {"minimumMonths": 3, "cuts": {"belowMonths": 0, "expenseMultiplier": 0},
                "appeal": {"belowMonths": 0, "amount": 0}}}
    """

  /// Where each object definition of the schema (`nil`: the top level) stands in `minimalDocument`.
  static let probes: [(definition: String?, path: [JSONPath.Component])] = [
    (nil, []),
    ("simulation", [.key("simulation")]),
    ("nested", [.key("simulation"), .key("nested")]),
    ("reserve", [.key("reserve")]),
    ("factors", [.key("factors")]),
    ("factor", [.key("factors"), .key("traffic")]),
    ("correlation", [.key("correlations"), .index(0)]),
    ("moneyLine", [.key("income"), .index(0)]),
    ("moneyLine", [.key("expenses"), .index(0)]),
    ("sponsorTier", [.key("sponsorTiers"), .index(0)]),
    ("inKindService", [.key("inKindServices"), .index(0)]),
    ("event", [.key("events"), .index(0)]),
    ("ruinProbabilityAssertion", [.key("assertions"), .index(0)]),
    ("requiredReserveAssertion", [.key("assertions"), .index(1)]),
    ("belowMinimumAssertion", [.key("assertions"), .index(2)]),
    ("requiredReserveForMinimumAssertion", [.key("assertions"), .index(3)]),
    ("agreement", [.key("inKindServices"), .index(0), .key("agreement")]),
    ("mitigation", [.key("inKindServices"), .index(0), .key("mitigation")]),
    ("oneOff", [.key("oneOffs"), .index(0)]),
    ("policy", [.key("policy")]),
    ("cuts", [.key("policy"), .key("cuts")]),
    ("appeal", [.key("policy"), .key("appeal")]),
  ]

  /// Definitions that only choose between others by one field, and the definitions they choose from.
  static let discriminatedUnions = [
    "assertion": [
      "ruinProbabilityAssertion", "requiredReserveAssertion", "belowMinimumAssertion",
      "requiredReserveForMinimumAssertion",
    ]
  ]

  /// Each bad fixture and the JSON path its error must name.
  static let badFixtures: [String: String] = [
    "agreement-renewal-without-term.json": "$.inKindServices[0].agreement.renewalYears",
    "assertion-missing-at-most.json": "$.assertions[1].atMost",
    "assertion-wrong-field.json": "$.assertions[0].confidence",
    "bad-currency.json": "$.currency",
    "bad-scaling.json": "$.inKindServices[0].scaling",
    "bad-start.json": "$.start",
    "blank-name.json": "$.income[0].name",
    "confidence-one.json": "$.assertions[1].confidence",
    "correlation-same-factor.json": "$.correlations[0].between",
    "correlation-three-factors.json": "$.correlations[0].between",
    "duplicate-correlation-pair.json": "$.correlations[1].between",
    "duplicate-names.json": "$.income[1].name",
    "duration-zero.json": "$.events[0].durationMonths",
    "extends-missing-base.json": "$.extends",
    "factor-unknown-field.json": "$.factors.traffic.volatility",
    "fractional-count.json": "$.sponsorTiers[0].count",
    "fractional-notice.json": "$.inKindServices[0].noticeMonths",
    "from-year-zero.json": "$.expenses[0].fromYear",
    "growth-minus-one.json": "$.factors.traffic.annualGrowth",
    "list-not-array.json": "$.expenses",
    "max-appeals-fraction.json": "$.policy.appeal.maxAppeals",
    "max-appeals-negative.json": "$.policy.appeal.maxAppeals",
    "missing-metric.json": "$.assertions[0].metric",
    "missing-name.json": "$.name",
    "missing-years.json": "$.years",
    "negative-amount.json": "$.expenses[0].annual",
    "negative-count.json": "$.sponsorTiers[0].count",
    "negative-multiplier.json": "$.events[0].incomeMultiplier",
    "negative-seed.json": "$.simulation.seed",
    "negative-volatility.json": "$.factors.unitCost.annualVolatility",
    "non-pd-correlations.json": "$.correlations",
    "not-an-object.json": "$",
    "patch-bad-value.json": "$.reserve.annualReturn",
    "patch-unknown-field.json": "$.inKindServices[0].lossProbability",
    "paths-zero.json": "$.simulation.paths",
    "probability-above-one.json": "$.sponsorTiers[0].renewalProbability",
    "reserve-unknown-field.json": "$.reserve.minimum",
    "rho-out-of-range.json": "$.correlations[0].rho",
    "sources-not-strings.json": "$.sources[1]",
    "typo-field.json": "$.inKindServices[0].noticeMonth",
    "unknown-factor-key.json": "$.factors.rent",
    "unknown-factor.json": "$.income[0].factor",
    "unknown-field.json": "$.sponsors",
    "unknown-metric.json": "$.assertions[0].metric",
    "until-before-from.json": "$.expenses[0].untilYear",
    "within-years-beyond-horizon.json": "$.assertions[0].withinYears",
    "wrong-type.json": "$.years",
    "years-above-100.json": "$.years",
    "years-zero.json": "$.years",
    "agreement-ends-before-start.json": "$.inKindServices[0].agreement.ends",
    "one-off-past-horizon.json": "$.oneOffs[0].month",
    "calendar-month-without-start.json": "$.inKindServices[0].agreement.ends",
    "cuts-unknown-line.json": "$.policy.cuts.lines[1]",
    "cut-multiplier-above-one.json": "$.policy.cuts.expenseMultiplier",
    "restore-below-trigger.json": "$.policy.cuts.restoreMonths",
    "below-minimum-without-minimum.json": "$.assertions[0].metric",
    "reserve-for-minimum-without-minimum.json": "$.assertions[0].metric",
    "loss-probability-as-percent-number.json": "$.inKindServices[0].annualLossProbability",
    "percent-text-for-amount.json": "$.expenses[0].annual",
  ]

  var schema: JSONValue!
  var minimal: JSONValue!

  override func setUpWithError() throws {
    schema = try ScenarioLoader.readJSON(Self.file("scenarios/schema.json"))
    minimal = try JSONValue.parse(Data(Self.minimalDocument.utf8), file: "minimal document")
  }

  // MARK: - Schema and decoder

  func testEveryObjectOfTheSchemaIsProbed() throws {
    let probed = Set(Self.probes.compactMap(\.definition))
    for (name, definition) in try definitions() where definition["properties"] != nil {
      if let branches = Self.discriminatedUnions[name] {
        XCTAssertEqual(
          Set(definition["properties"]?.objectKeys ?? []), ["metric"], "\(name) should choose by metric only")
        // The branches, through nested if/then/else.
        var references: [String] = []
        var node: JSONValue? = definition
        while let current = node {
          if let reference = current["$ref"]?.stringValue { references.append(reference) }
          if let reference = current["then"]?["$ref"]?.stringValue { references.append(reference) }
          node = current["else"]
        }
        XCTAssertEqual(Set(references), Set(branches.map { "#/$defs/\($0)" }))
        continue
      }
      XCTAssertTrue(probed.contains(name), "add a probe for the schema's \"\(name)\" object")
      XCTAssertEqual(definition["additionalProperties"], .bool(false), "\(name) must set additionalProperties: false")
    }
    XCTAssertEqual(schema["additionalProperties"], .bool(false))
  }

  func testObjectsAllowExactlyTheKeysTheDecoderAccepts() throws {
    for probe in Self.probes {
      let properties = try self.properties(of: probe.definition)
      let unknown = "zzNotAField"
      let error = try XCTUnwrap(
        decodingError(minimal.setting(.number(1), at: probe.path + [.key(unknown)])),
        "\(place(probe)): the decoder accepted an unknown key")
      XCTAssertEqual(error.path, JSONPath(components: probe.path + [.key(unknown)]))
      let accepted = try acceptedKeys(in: error.message)
      XCTAssertEqual(
        accepted, Set(properties.keys),
        "\(place(probe)): decoder accepts \(accepted.sorted()), schema lists \(properties.keys.sorted())")
    }
  }

  func testRequiredFieldsAgree() throws {
    for probe in Self.probes {
      let required = try requiredFields(of: probe.definition)
      let present = try XCTUnwrap(minimal.value(at: probe.path)?.objectKeys)
      XCTAssertTrue(required.isSubset(of: present), "\(place(probe)): the minimal document lacks a required field")
      for key in present {
        let error = decodingError(minimal.setting(nil, at: probe.path + [.key(key)]))
        if required.contains(key) {
          XCTAssertEqual(
            error?.path, JSONPath(components: probe.path + [.key(key)]), "\(place(probe)).\(key) is required")
        } else {
          XCTAssertNil(error, "\(place(probe)).\(key) is optional in the schema")
        }
      }
    }
  }

  func testDefaultsAreWhatTheDecoderFillsIn() throws {
    var checked = 0
    for probe in Self.probes {
      for (key, property) in try properties(of: probe.definition) {
        guard let fallback = try resolved(property)["default"] ?? property["default"] else { continue }
        let path = probe.path + [.key(key)]
        let absent = try decode(minimal.setting(nil, at: path))
        let explicit = try decode(minimal.setting(fallback, at: path))
        XCTAssertEqual(
          Self.normalized(absent), Self.normalized(explicit),
          "\(place(probe)).\(key): leaving it out is not the same as its schema default \(fallback.jsonText)")
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 25)
  }

  func testNullMeansAbsentExactlyWhereTheSchemaAllowsIt() throws {
    for probe in Self.probes {
      let required = try requiredFields(of: probe.definition)
      for (key, property) in try properties(of: probe.definition) {
        let path = probe.path + [.key(key)]
        let withNull = minimal.setting(.null, at: path)
        if try acceptedTypes(property).contains("null") {
          XCTAssertFalse(required.contains(key), "\(place(probe)).\(key) is required but nullable")
          XCTAssertEqual(
            try Self.normalized(decode(withNull)), try Self.normalized(decode(minimal.setting(nil, at: path))),
            "\(place(probe)).\(key): null should mean absent")
        } else {
          XCTAssertEqual(
            decodingError(withNull)?.path, JSONPath(components: path), "\(place(probe)).\(key): null should be rejected"
          )
        }
      }
    }
  }

  func testTypesAgree() throws {
    let samples: [(type: String, value: JSONValue)] = [
      ("string", .string("text")), ("number", .number(7)), ("array", .array([])), ("object", .object([:])),
      ("boolean", .bool(true)),
    ]
    for probe in Self.probes {
      for (key, property) in try properties(of: probe.definition) {
        let types = try acceptedTypes(property)
        let path = probe.path + [.key(key)]
        for sample in samples
        where !types.contains(sample.type) && !(sample.type == "number" && types.contains("integer")) {
          let error = decodingError(minimal.setting(sample.value, at: path))
          XCTAssertEqual(
            error?.path, JSONPath(components: path),
            "\(place(probe)).\(key) is not a \(sample.type) in the schema; the decoder should reject \(sample.value.jsonText)"
          )
        }
      }
    }
  }

  func testNumberRangesAgree() throws {
    var checked = 0
    for probe in Self.probes {
      for (key, property) in try properties(of: probe.definition) {
        let node = try numberBranch(property)
        let types = try acceptedTypes(property)
        guard types.contains("number") || types.contains("integer") else { continue }
        let isInteger = !types.contains("number")
        let path = probe.path + [.key(key)]
        let field = "\(place(probe)).\(key)"
        func accepts(_ x: Double) -> Bool { decodingError(minimal.setting(.number(x), at: path)) == nil }
        func rejects(_ x: Double) -> Bool {
          // The field's own path, or the list it is in (a correlation of ±1 fails positive definiteness).
          guard let error = decodingError(minimal.setting(.number(x), at: path)) else { return false }
          return path.starts(with: error.path.components) && error.path.components.count >= probe.path.count - 1
        }
        // The smallest step that moves a value past a bound: 1e-6, or a few ulp for large bounds (1e12 + 1e-6
        // is 1e12 again in doubles).
        func step(from bound: Double) -> Double { isInteger ? 1.0 : Swift.max(1e-6, 4 * abs(bound).ulp) }
        let lower = node["minimum"]?.numberValue, upper = node["maximum"]?.numberValue
        let openLower = node["exclusiveMinimum"]?.numberValue, openUpper = node["exclusiveMaximum"]?.numberValue
        if let lower {
          XCTAssertTrue(accepts(lower) && rejects(lower - step(from: lower)), "\(field): minimum \(lower)")
        }
        if let upper {
          XCTAssertTrue(accepts(upper) && rejects(upper + step(from: upper)), "\(field): maximum \(upper)")
        }
        if let openLower {
          XCTAssertTrue(
            rejects(openLower) && accepts(openLower + step(from: openLower)), "\(field): above \(openLower)")
        }
        if let openUpper {
          XCTAssertTrue(
            rejects(openUpper) && accepts(openUpper - step(from: openUpper)), "\(field): below \(openUpper)")
        }
        if lower == nil, openLower == nil { XCTAssertTrue(accepts(-1e9), "\(field) has no lower bound in the schema") }
        if upper == nil, openUpper == nil {
          XCTAssertTrue(accepts((lower ?? openLower ?? 0) + 1e9), "\(field) has no upper bound in the schema")
        }
        if isInteger {
          XCTAssertTrue(rejects((lower ?? openLower ?? 0) + 1.5), "\(field) is a whole number in the schema")
        }
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 25)
  }

  func testChoicesAgree() throws {
    let defs = try XCTUnwrap(schema["$defs"])
    XCTAssertEqual(defs["factorName"]?["enum"], .array(Factor.allCases.map { .string($0.rawValue) }))
    XCTAssertEqual(
      try properties(of: "factors").keys.sorted(), Factor.allCases.map(\.rawValue).sorted())
    let scaling = try XCTUnwrap(defs["inKindService"]?["properties"]?["scaling"])
    XCTAssertEqual(try enumValues(scaling), Set(ServiceScaling.allCases.map(\.rawValue)))
    let metrics = try XCTUnwrap(defs["assertion"]?["properties"]?["metric"]?["enum"]?.arrayValue).compactMap(
      \.stringValue)
    let branchMetrics = try Self.discriminatedUnions["assertion"]!.compactMap {
      try XCTUnwrap(defs[$0]?["properties"]?["metric"]?["const"]?.stringValue)
    }
    XCTAssertEqual(Set(metrics), Set(branchMetrics))
    // Every field with a fixed set of choices rejects anything else, at the field's path.
    for probe in Self.probes {
      for (key, property) in try properties(of: probe.definition) {
        guard try !enumValues(property).isEmpty else { continue }
        let path = probe.path + [.key(key)]
        XCTAssertEqual(
          decodingError(minimal.setting(.string("notAChoice"), at: path))?.path, JSONPath(components: path),
          "\(place(probe)).\(key)")
      }
    }
  }

  // MARK: - The table of fields

  func testCommittedSchemaAndReferenceAreWhatTheTableGenerates() throws {
    let committedSchema = try String(contentsOfFile: Self.file("scenarios/schema.json"), encoding: .utf8)
    XCTAssertEqual(
      committedSchema, ScenarioFields.schemaText(),
      "scenarios/schema.json is out of date: bash scripts/generate-format.sh")
    let committedReference = try String(contentsOfFile: Self.file("docs/scenario-format.md"), encoding: .utf8)
    XCTAssertEqual(
      committedReference, ScenarioFields.formatDocument(),
      "docs/scenario-format.md is out of date: bash scripts/generate-format.sh")
  }

  func testEveryObjectOfTheTableIsProbed() {
    XCTAssertEqual(Set(ScenarioFields.definitions), Set(Self.probes.map { $0.definition ?? "" }))
  }

  /// Driven by the table rather than the schema: each number is accepted at its bounds and refused just past
  /// them, a whole number refuses a fraction, a default means the same as leaving the field out, and a
  /// percentage string reads as its fraction exactly where the table gives the field a scale.
  func testEveryNumberOfTheTableDecodesWithItsRangeAndDefault() throws {
    var checked = 0
    for probe in Self.probes {
      let fields = try XCTUnwrap(ScenarioFields.fields(of: probe.definition ?? ""), "\(place(probe))")
      for field in fields where field.type.isNumeric {
        let path = probe.path + [.key(field.key)]
        let name = JSONPath(components: path).description
        func accepts(_ value: JSONValue) -> Bool { decodingError(minimal.setting(value, at: path)) == nil }
        func rejects(_ value: JSONValue) -> Bool {
          guard let error = decodingError(minimal.setting(value, at: path)) else { return false }
          return path.starts(with: error.path.components) && error.path.components.count >= probe.path.count - 1
        }
        let whole = field.type != .number
        func step(from bound: Double) -> Double { whole ? 1.0 : Swift.max(1e-6, 4 * abs(bound).ulp) }
        if let (bound, inclusive) = field.lowerBound {
          XCTAssertEqual(accepts(.number(bound)), inclusive, "\(name): lower bound \(bound)")
          XCTAssertTrue(rejects(.number(bound - step(from: bound))), "\(name): below \(bound)")
        }
        if let (bound, inclusive) = field.upperBound {
          XCTAssertEqual(accepts(.number(bound)), inclusive, "\(name): upper bound \(bound)")
          XCTAssertTrue(rejects(.number(bound + step(from: bound))), "\(name): above \(bound)")
        }
        if whole { XCTAssertTrue(rejects(.number((field.lowerBound?.value ?? 0) + 1.5)), "\(name) is whole") }
        if let fallback = field.defaultValue {
          XCTAssertEqual(
            Self.normalized(try decode(minimal.setting(nil, at: path))),
            Self.normalized(try decode(minimal.setting(fallback, at: path))), "\(name): default \(fallback.jsonText)")
        }
        if field.acceptsPercent {
          XCTAssertEqual(
            Self.normalized(try decode(minimal.setting(.string("25%"), at: path))),
            Self.normalized(try decode(minimal.setting(.number(0.25), at: path))), "\(name): \"25%\" is 0.25")
        } else {
          XCTAssertTrue(rejects(.string("25%")), "\(name) takes no percentage")
        }
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 40)
  }

  // MARK: - Files

  func testShippedScenariosLoad() throws {
    let files = try Self.shippedScenarios()
    XCTAssertGreaterThanOrEqual(files.filter { $0.hasPrefix("scenarios/") }.count, 5)
    for file in files {
      XCTAssertNoThrow(try ScenarioLoader().load(Self.file(file)), file)
    }
  }

  func testBadFixturesAreRejectedAtTheRightPath() throws {
    let folder = Self.file("Tests/Fixtures/bad-scenarios")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") }
    XCTAssertEqual(Set(files), Set(Self.badFixtures.keys), "every bad fixture needs its expected path here")
    for (name, expectedPath) in Self.badFixtures.sorted(by: { $0.key < $1.key }) {
      let file = folder + "/" + name
      do {
        _ = try ScenarioLoader().load(file)
        XCTFail("\(name) was accepted")
      } catch let error as ScenarioError {
        XCTAssertEqual(error.path.description, expectedPath, "\(name): \(error)")
        XCTAssertEqual(error.file, file, name)
      }
    }
  }

  /// The shipped scenario files (`scenarios/*.json` but the schema, and `examples/**/*.json`), repository-relative.
  static func shippedScenarios() throws -> [String] {
    let manager = FileManager.default
    var files = try manager.contentsOfDirectory(atPath: file("scenarios"))
      .filter { $0.hasSuffix(".json") && $0 != "schema.json" }.map { "scenarios/" + $0 }
    if let examples = manager.enumerator(atPath: file("examples")) {
      files += examples.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }.map { "examples/" + $0 }
    }
    return files.sorted()
  }

  // MARK: - Helpers

  /// Scenarios compared for meaning: `fromYear` absent and 1 mean the same.
  static func normalized(_ scenario: Scenario) -> Scenario {
    var copy = scenario
    copy.income = copy.income.map {
      var line = $0; line.fromYear = line.fromYear ?? 1; return line
    }
    copy.expenses = copy.expenses.map {
      var line = $0; line.fromYear = line.fromYear ?? 1; return line
    }
    return copy
  }

  func decode(_ document: JSONValue) throws -> Scenario { try Scenario(json: Self.withoutDependents(document)) }

  func decodingError(_ document: JSONValue) -> ScenarioError? {
    do {
      _ = try Scenario(json: Self.withoutDependents(document))
      return nil
    } catch {
      return error as? ScenarioError
    }
  }

  /// The document without what depends on a field a probe took out: `belowMinimum` and `requiredReserveForMinimum`
  /// assertions need policy.minimumMonths (a rule across objects, proven by its own bad fixtures), so without a
  /// minimum the minimal document's assertions on it go too.
  static func withoutDependents(_ document: JSONValue) -> JSONValue {
    let hasMinimum: Bool
    if case .number? = document.value(at: [.key("policy"), .key("minimumMonths")]) {
      hasMinimum = true
    } else {
      hasMinimum = false
    }
    guard !hasMinimum, case .array(let items)? = document.value(at: [.key("assertions")]) else { return document }
    let kept = items.filter { !["belowMinimum", "requiredReserveForMinimum"].contains($0["metric"]?.stringValue) }
    return document.setting(.array(kept), at: [.key("assertions")])
  }

  func place(_ probe: (definition: String?, path: [JSONPath.Component])) -> String {
    JSONPath(components: probe.path).description
  }

  func definitions() throws -> [String: JSONValue] {
    guard case .object(let defs)? = schema["$defs"] else { throw SchemaProblem("the schema has no $defs") }
    return defs
  }

  func definition(_ name: String?) throws -> JSONValue {
    guard let name else { return schema }
    guard let definition = try definitions()[name] else { throw SchemaProblem("no definition \(name)") }
    return definition
  }

  func properties(of name: String?) throws -> [String: JSONValue] {
    guard case .object(let properties)? = try definition(name)["properties"] else {
      throw SchemaProblem("\(name ?? "the top level") has no properties")
    }
    return properties
  }

  /// Fields required always, plus those required when the file does not `extends` another.
  func requiredFields(of name: String?) throws -> Set<String> {
    let node = try definition(name)
    let always = node["required"]?.arrayValue ?? []
    let unlessExtending = node["else"]?["required"]?.arrayValue ?? []
    return Set((always + unlessExtending).compactMap(\.stringValue))
  }

  /// A schema node with a `$ref` replaced by the definition it names.
  func resolved(_ node: JSONValue) throws -> JSONValue {
    guard let reference = node["$ref"]?.stringValue else { return node }
    let prefix = "#/$defs/"
    guard reference.hasPrefix(prefix) else { throw SchemaProblem("unexpected $ref \(reference)") }
    return try resolved(definition(String(reference.dropFirst(prefix.count))))
  }

  /// Whether a schema node is the reference to an uncertain estimate (SPEC §16), which the distribution tests and
  /// scripts/check-schema.py cover.
  func isDistribution(_ node: JSONValue) -> Bool { node["$ref"]?.stringValue == "#/$defs/distribution" }

  /// A field's number schema: the node itself, or the number option of a field that may also be a distribution.
  func numberBranch(_ property: JSONValue) throws -> JSONValue {
    let node = try resolved(property)
    if let options = node["anyOf"]?.arrayValue, options.contains(where: isDistribution) {
      return options.first { !isDistribution($0) }!
    }
    return node
  }

  /// The JSON types a schema node accepts ("integer" for whole numbers only), distributions aside.
  func acceptedTypes(_ node: JSONValue) throws -> Set<String> {
    let node = try resolved(node)
    if let options = node["anyOf"]?.arrayValue {
      return try options.filter { !isDistribution($0) }.reduce(into: Set<String>()) {
        $0.formUnion(try acceptedTypes($1))
      }
    }
    if node["enum"] != nil || node["const"] != nil { return ["string"] }
    switch node["type"] {
    case .string(let type)?: return [type]
    case .array(let types)?: return Set(types.compactMap(\.stringValue))
    default: throw SchemaProblem("no type in \(node.jsonText.prefix(80))")
    }
  }

  func enumValues(_ node: JSONValue) throws -> Set<String> {
    let node = try resolved(node)
    if let options = node["anyOf"]?.arrayValue {
      return try options.reduce(into: Set<String>()) { $0.formUnion(try enumValues($1)) }
    }
    return Set((node["enum"]?.arrayValue ?? []).compactMap(\.stringValue))
  }

  /// The keys an "unknown field" message lists as allowed ("allowed here: a, b" or "known factors: a, b").
  func acceptedKeys(in message: String) throws -> Set<String> {
    for marker in ["allowed here: ", "known factors: "] {
      if let range = message.range(of: marker) {
        return Set(message[range.upperBound...].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
      }
    }
    throw SchemaProblem("the decoder's message lists no allowed keys: \(message)")
  }

  struct SchemaProblem: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }
}

extension JSONValue {
  fileprivate subscript(key: String) -> JSONValue? {
    guard case .object(let fields) = self else { return nil }
    return fields[key]
  }

  fileprivate var objectKeys: [String]? {
    guard case .object(let fields) = self else { return nil }
    return Array(fields.keys)
  }

  fileprivate var arrayValue: [JSONValue]? {
    guard case .array(let items) = self else { return nil }
    return items
  }

  fileprivate var stringValue: String? {
    guard case .string(let s) = self else { return nil }
    return s
  }

  fileprivate var numberValue: Double? {
    guard case .number(let x) = self else { return nil }
    return x
  }

  fileprivate func value(at path: [JSONPath.Component]) -> JSONValue? {
    guard let first = path.first else { return self }
    switch (first, self) {
    case (.key(let key), .object(let fields)): return fields[key]?.value(at: Array(path.dropFirst()))
    case (.index(let index), .array(let items)) where items.indices.contains(index):
      return items[index].value(at: Array(path.dropFirst()))
    default: return nil
    }
  }

  /// The document with the value at `path` replaced (`nil`: the key removed); containers on the way must exist.
  fileprivate func setting(_ value: JSONValue?, at path: [JSONPath.Component]) -> JSONValue {
    guard let first = path.first else { return value ?? .null }
    let rest = Array(path.dropFirst())
    switch (first, self) {
    case (.key(let key), .object(var fields)):
      if rest.isEmpty, value == nil {
        fields.removeValue(forKey: key)
      } else {
        fields[key] = (fields[key] ?? .null).setting(value, at: rest)
      }
      return .object(fields)
    case (.index(let index), .array(var items)) where items.indices.contains(index):
      items[index] = items[index].setting(value, at: rest)
      return .array(items)
    default:
      preconditionFailure("no container at \(first) in \(jsonText.prefix(80))")
    }
  }
}
