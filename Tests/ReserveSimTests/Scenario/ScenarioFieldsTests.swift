import Foundation
import ReserveSim
import XCTest

/// The table of fields and the reliability rules it serves: null for any optional object means absent, whole
/// numbers past 2⁵³ say so, an absurdly long unknown key is reported fast and cut short, and warnings follow the
/// table (percentage strings never warn).
final class ScenarioFieldsTests: XCTestCase {
  private func error(_ json: String) -> ScenarioError? {
    do {
      _ = try makeScenario(json)
      return nil
    } catch {
      return error as? ScenarioError
    }
  }

  // MARK: The table

  func testEveryFieldHasAPatternADescriptionAndAUnitWhereItIsANumber() {
    XCTAssertGreaterThan(ScenarioFields.all.count, 80)
    var patterns = Set<String>()
    for (pattern, field) in ScenarioFields.all {
      XCTAssertTrue(patterns.insert(pattern).inserted, "\(pattern) listed twice")
      XCTAssertTrue(pattern.hasSuffix(field.key), pattern)
      if case .object = field.type { continue }
      XCTAssertFalse((field.description ?? "").isEmpty, "\(pattern) has no description")
      if field.type == .number { XCTAssertNotNil(field.unit, "\(pattern) is a number without a unit") }
    }
    for pattern in [
      "inKindServices[].annualLossProbability", "inKindServices[].agreement.ends", "factors.traffic.annualGrowth",
      "oneOffs[].month", "policy.appeal.cooldownMonths", "expenses[].untilYear", "assertions[].withinYears",
    ] {
      XCTAssertNotNil(ScenarioFields.field(at: pattern), pattern)
    }
  }

  func testWhatIfParametersTakeTheTablesWholeNumbersAndRanges() throws {
    let document = try JSONValue.parse(
      Data(
        #"{"name": "p", "years": 3, "sponsorTiers": [{"name": "T", "count": 5}], "inKindServices": [{"name": "CDN", "agreement": {"ends": 20, "renewalYears": 2}, "mitigation": {"afterMonths": 6, "costFraction": 0.3}}], "oneOffs": [{"name": "Audit", "month": 5, "amount": -1}], "policy": {"appeal": {"belowMonths": 1, "amount": 1, "cooldownMonths": 12}}}"#
          .utf8), file: "p.json")
    func path(_ text: String) throws -> ScenarioPath { try ScenarioPath(parsing: text) }
    for whole in [
      "sponsorTiers[T].count", "inKindServices[CDN].agreement.ends", "inKindServices[CDN].agreement.renewalYears",
      "inKindServices[CDN].mitigation.afterMonths", "policy.appeal.cooldownMonths", "oneOffs[Audit].month",
    ] {
      XCTAssertTrue(ScenarioParameters.isInteger(try path(whole)), whole)
    }
    XCTAssertFalse(ScenarioParameters.isInteger(try path("inKindServices[CDN].mitigation.costFraction")))
    let scenario = try Scenario(json: document)
    func address(_ text: String) throws -> ParameterAddress { try ParameterAddress(parsing: text, in: scenario) }
    XCTAssertEqual(ScenarioParameters.validRange(of: try address("sponsorTiers[T].count"), in: scenario), 0...1e6)
    XCTAssertEqual(ScenarioParameters.validRange(of: try address("oneOffs[Audit].month"), in: scenario), 1...36)
    XCTAssertEqual(
      ScenarioParameters.validRange(of: try address("inKindServices[CDN].agreement.renewalYears"), in: scenario),
      1...100)
    XCTAssertEqual(ScenarioParameters.valid(2e9, for: try address("sponsorTiers[T].count"), in: scenario), 1e6)
  }

  // MARK: null means absent

  func testNullForEveryOptionalObjectMeansAbsent() throws {
    let base = #"{"name": "n", "years": 2, "inKindServices": [{"name": "CDN", "monthlyValue": 10}]}"#
    let plain = try makeScenario(base)
    for (key, value) in [
      ("reserve", "null"), ("simulation", "null"), ("factors", "null"), ("policy", "null"),
      ("factors", #"{"traffic": null, "inflation": null}"#),
    ] {
      let json = base.replacingOccurrences(of: #""years": 2"#, with: #""years": 2, "\#(key)": \#(value)"#)
      XCTAssertEqual(try makeScenario(json), plain, "\(key): \(value)")
    }
    func withPolicy(_ policy: String) throws -> Scenario {
      try makeScenario(base.replacingOccurrences(of: #""years": 2"#, with: #""years": 2, "policy": \#(policy)"#))
    }
    XCTAssertEqual(try withPolicy(#"{"cuts": null, "appeal": null}"#), try withPolicy("{}"))
    let service = base.replacingOccurrences(
      of: #""monthlyValue": 10"#, with: #""monthlyValue": 10, "agreement": null, "mitigation": null"#)
    XCTAssertEqual(try makeScenario(service), plain)
    XCTAssertNil(try makeScenario(#"{"name": "n", "years": 2, "factors": {"traffic": null}}"#).factors[.traffic])
  }

  // MARK: Whole numbers past 2⁵³

  func testWholeNumbersPastTwoToTheFiftyThirdSaySoRatherThanNotWhole() {
    for (json, path) in [
      (#"{"name": "b", "years": 2, "expenses": [{"name": "x", "fromYear": 1e17}]}"#, "$.expenses[0].fromYear"),
      (#"{"name": "b", "years": 2, "income": [{"name": "x", "untilYear": 1e300}]}"#, "$.income[0].untilYear"),
      (
        #"{"name": "b", "years": 2, "inKindServices": [{"name": "x", "agreement": {"ends": 1e20}}]}"#,
        "$.inKindServices[0].agreement.ends"
      ),
    ] {
      let error = error(json)
      XCTAssertEqual(error?.path.description, path, json)
      XCTAssertTrue(
        error?.message.hasPrefix("must be at most 9007199254740991") ?? false, "\(String(describing: error))")
      XCTAssertFalse(error?.message.contains("whole") ?? true, "\(String(describing: error))")
    }
    // A bounded field names its own bounds.
    XCTAssertEqual(error(#"{"name": "b", "years": 1e17}"#)?.message, "must be in [1, 100], found 1e+17")
    // A fraction below 2⁵³ is still "not whole".
    XCTAssertEqual(error(#"{"name": "b", "years": 2.5}"#)?.message, "expected a whole number, found 2.5")
  }

  // MARK: Long unknown keys

  /// A megabyte key gets no "did you mean" (no edit distance over it) and is cut short in the message. How fast
  /// that is belongs in the benchmarks, not in a debug build's test.
  func testAMegabyteUnknownKeyIsCutShortWithoutASuggestion() {
    let key = String(repeating: "k", count: 1 << 20)
    let found = error(#"{"name": "l", "years": 2, "reserve": {"\#(key)": 1}}"#)
    let text = found?.description ?? ""
    XCTAssertLessThan(text.count, 400, String(text.prefix(400)))
    XCTAssertTrue(
      text.contains("unknown field '" + String(repeating: "k", count: 64) + "… (1048576 characters)'"),
      String(text.prefix(400)))
    XCTAssertFalse(text.contains("did you mean"), String(text.prefix(400)))
    // A long factor name likewise.
    let factor = error(#"{"name": "l", "years": 2, "factors": {"\#(key)": {}}}"#)?.description ?? ""
    XCTAssertLessThan(factor.count, 400, String(factor.prefix(400)))
    XCTAssertTrue(factor.contains("… (1048576 characters)"), String(factor.prefix(400)))
  }

  func testALongKeyWithControlCharactersIsShownEscaped() {
    let key = String(repeating: "a", count: 70) + "\u{1B}[31m"
    let text =
      error(#"{"name": "l", "years": 2, "\#(key.replacingOccurrences(of: "\u{1B}", with: "\\u001b"))": 1}"#)?
      .description ?? ""
    XCTAssertFalse(text.contains("\u{1B}"), text)
    XCTAssertTrue(text.contains("… (75 characters)"), text)
  }

  func testAShortTypoStillGetsItsSuggestion() {
    let message = error(#"{"name": "t", "years": 2, "reserve": {"intial": 1}}"#)?.message ?? ""
    XCTAssertTrue(message.contains("did you mean 'initial'?"), message)
  }

  // MARK: Percentages and warnings

  func testAPercentageStringSaysALargeValueIsMeantAndGivesNoWarning() throws {
    let written = try makeScenario(
      #"{"name": "w", "years": 2, "factors": {"traffic": {"annualGrowth": "150%"}}, "inKindServices": [{"name": "c", "replacementCostFraction": "120%"}]}"#
    )
    XCTAssertEqual(written.factors[.traffic]?.annualGrowth, 1.5)
    XCTAssertEqual(written.warnings, [])
    let typed = try makeScenario(
      #"{"name": "w", "years": 2, "factors": {"traffic": {"annualGrowth": 1.5}}, "inKindServices": [{"name": "c", "replacementCostFraction": 60}]}"#
    )
    XCTAssertEqual(
      typed.warnings.map(\.path.description),
      ["$.factors.traffic.annualGrowth", "$.inKindServices[0].replacementCostFraction"])
    XCTAssertEqual(
      typed.warnings[1].message,
      "is 60, i.e. 6000% of the service's value; if you meant 60%, write 0.6 or \"60%\" (or write \"6000%\" if 6000% is meant)"
    )
    XCTAssertTrue(typed.warnings[0].message.hasPrefix("is 1.5, i.e. +150% a year;"), typed.warnings[0].message)
    // Equal models, different notes: warnings are not part of the model.
    XCTAssertEqual(
      try makeScenario(#"{"name": "w", "years": 2, "factors": {"traffic": {"annualGrowth": "150%"}}}"#),
      try makeScenario(#"{"name": "w", "years": 2, "factors": {"traffic": {"annualGrowth": 1.5}}}"#))
  }

  func testAPercentageOutOfRangeIsShownAsWritten() {
    let message = error(#"{"name": "p", "years": 2, "events": [{"name": "e", "annualProbability": "150%"}]}"#)?.message
    XCTAssertEqual(message, "must be in [0, 1], found \"150%\" (1.5)")
  }

  func testAnyShareOutOfRangeThatReadsAsAPercentageNamesTheFraction() {
    for (json, hint) in [
      (#"{"name": "p", "years": 2, "factors": {"traffic": {"annualVolatility": 20}}}"#, "for 20% write 0.2 or \"20%\""),
      (
        #"{"name": "p", "years": 2, "inKindServices": [{"name": "c", "replacementCostFraction": 150}]}"#,
        "for 150% write 1.5 or \"150%\""
      ),
      (
        #"{"name": "p", "years": 2, "assertions": [{"name": "a", "metric": "requiredReserve", "confidence": 95, "atMost": 1}]}"#,
        "for 95% write 0.95 or \"95%\""
      ),
    ] {
      let message = error(json)?.message ?? ""
      XCTAssertTrue(message.hasSuffix(hint), "\(json): \(message)")
    }
    // Not a likely percentage: no hint.
    let far = error(#"{"name": "p", "years": 2, "factors": {"traffic": {"annualVolatility": 900}}}"#)?.message
    XCTAssertEqual(far, "must be in [0, 5], found 900")
  }

  func testMultipliersAndAmountsTakeNoPercentage() {
    for (json, message) in [
      (
        #"{"name": "p", "years": 2, "events": [{"name": "e", "incomeMultiplier": "80%"}]}"#,
        "expected a number (multiplier), found the percentage \"80%\": this field takes no percentage"
      ),
      (
        #"{"name": "p", "years": 2, "reserve": {"initial": "5%"}}"#,
        "expected a number (currency), found the percentage \"5%\": this field takes no percentage"
      ),
      (
        #"{"name": "p", "years": 2, "reserve": {"initial": "lots"}}"#, "expected a number, found a string"
      ),
    ] {
      XCTAssertEqual(error(json)?.message, message, json)
    }
  }
}
