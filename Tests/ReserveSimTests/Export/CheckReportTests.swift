import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimExport
@testable import ReserveSimResults
@testable import ReserveSimScenario

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The check's outputs as pure functions of the checks: table, JSON, JUnit XML, GitHub annotations.
final class CheckReportTests: XCTestCase {
  /// A file with one check of each verdict, names full of characters XML and workflow commands escape.
  private let files: [ScenarioCheck] = {
    func check(_ name: String, _ metric: Assertion.Metric, atMost: Double, _ bounds: (Double, Double, Double))
      -> AssertionCheck
    {
      AssertionCheck(
        assertion: Assertion(name: name, metric: metric, atMost: atMost), estimate: bounds.0, lower: bounds.1,
        upper: bounds.2, paths: 4000)
    }
    let tricky = ScenarioCheck(
      file: "scenarios/a&b <1>.json", scenarioName: "R&D \"lab\", 50% <core>", currency: "EUR", paths: 4000, seed: 9,
      checks: [
        check("Safe: 3 years, 95%", .ruinProbability(withinYears: 3), atMost: 0.05, (0.01, 0.007, 0.014)),
        check("Reserve <= €2M\nsecond line", .requiredReserve(confidence: 0.95), atMost: 2e6, (2.5e6, 2.4e6, 2.6e6)),
        check("Edge 'case'", .ruinProbability(withinYears: 1), atMost: 0.1, (0.1, 0.09, 0.11)),
      ])
    let empty = ScenarioCheck(
      file: "empty.json", scenarioName: "Nothing to check", currency: "USD", paths: 0, seed: 1, checks: [])
    return [tricky, empty]
  }()

  func testFixtureHasOneOfEachVerdict() {
    XCTAssertEqual(files[0].checks.map(\.verdict), [.pass, .fail, .inconclusive])
  }

  // MARK: JUnit

  private func parse(_ xml: String) throws -> XMLElement {
    try XCTUnwrap(XMLDocument(data: Data(xml.utf8), options: []).rootElement())
  }

  func testJUnitHasASuitePerFileAndACasePerAssertion() throws {
    let root = try parse(JUnitReport.xml(files, strict: false))
    XCTAssertEqual(root.name, "testsuites")
    XCTAssertEqual(root.attribute(forName: "tests")?.stringValue, "3")
    XCTAssertEqual(root.attribute(forName: "failures")?.stringValue, "1")
    XCTAssertEqual(root.attribute(forName: "skipped")?.stringValue, "1")
    let suites = root.elements(forName: "testsuite")
    XCTAssertEqual(suites.map { $0.attribute(forName: "name")?.stringValue }, ["scenarios/a&b <1>.json", "empty.json"])
    XCTAssertEqual(suites[1].attribute(forName: "tests")?.stringValue, "0")
    XCTAssertTrue(suites[1].elements(forName: "testcase").isEmpty)

    let cases = suites[0].elements(forName: "testcase")
    XCTAssertEqual(
      cases.map { $0.attribute(forName: "name")?.stringValue },
      ["Safe: 3 years, 95%", "Reserve <= €2M\nsecond line", "Edge 'case'"],
      "names survive escaping, line breaks included")
    XCTAssertEqual(cases[0].attribute(forName: "classname")?.stringValue, "R&D \"lab\", 50% <core>")
    XCTAssertTrue(
      (cases[0].children ?? []).allSatisfy { $0.kind != .element }, "a pass has no failure or skipped element")
    let failure = try XCTUnwrap(cases[1].elements(forName: "failure").first)
    XCTAssertEqual(failure.attribute(forName: "type")?.stringValue, "fail")
    XCTAssertTrue(failure.stringValue?.contains("€2.5M") ?? false, failure.stringValue ?? "")
    XCTAssertEqual(cases[2].elements(forName: "skipped").count, 1)
    XCTAssertTrue(cases[2].elements(forName: "failure").isEmpty)

    let properties = suites[0].elements(forName: "properties").first?.elements(forName: "property") ?? []
    let values = Dictionary(
      uniqueKeysWithValues: properties.map {
        ($0.attribute(forName: "name")!.stringValue!, $0.attribute(forName: "value")!.stringValue!)
      })
    XCTAssertEqual(values, ["scenario": "R&D \"lab\", 50% <core>", "paths": "4000", "seed": "9"])
  }

  func testJUnitUnderStrictFailsInconclusiveChecks() throws {
    let root = try parse(JUnitReport.xml(files, strict: true))
    XCTAssertEqual(root.attribute(forName: "failures")?.stringValue, "2")
    XCTAssertEqual(root.attribute(forName: "skipped")?.stringValue, "0")
    let edge = root.elements(forName: "testsuite")[0].elements(forName: "testcase")[2]
    XCTAssertEqual(edge.elements(forName: "failure").first?.attribute(forName: "type")?.stringValue, "inconclusive")
    XCTAssertTrue(edge.elements(forName: "skipped").isEmpty)
  }

  func testXMLEscaping() {
    XCTAssertEqual(MarkupText.escape(#"<a href="x">&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;")
    XCTAssertEqual(MarkupText.escape("tab\tline\nreturn\r"), "tab&#9;line&#10;return&#13;")
    XCTAssertEqual(
      MarkupText.escape("bell\u{07}nul\u{0}"), "bell\u{FFFD}nul\u{FFFD}", "characters XML 1.0 forbids are replaced")
    XCTAssertEqual(MarkupText.escape("€ 5% ünïcødé"), "€ 5% ünïcødé")
  }

  // MARK: JSON

  func testJSONHasTheContractKeys() throws {
    let text = try CheckReport.json(files, strict: false)
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let results = try XCTUnwrap(object["results"] as? [[String: Any]])
    XCTAssertEqual(results.count, 3)
    for key in [
      "file", "scenario", "assertion", "metric", "estimate", "lower", "upper", "threshold", "verdict", "paths",
    ] {
      XCTAssertNotNil(results[0][key], key)
    }
    XCTAssertEqual(results.map { $0["verdict"] as? String }, ["pass", "fail", "inconclusive"])
    XCTAssertEqual(results[0]["metric"] as? String, "ruinProbability")
    XCTAssertEqual(results[0]["withinYears"] as? Int, 3)
    XCTAssertEqual(results[1]["metric"] as? String, "requiredReserve")
    XCTAssertEqual(results[1]["confidence"] as? Double, 0.95)
    XCTAssertEqual(results[1]["threshold"] as? Double, 2e6)
    XCTAssertEqual(results[1]["assertion"] as? String, "Reserve <= €2M\nsecond line")
    let listed = try XCTUnwrap(object["files"] as? [[String: Any]])
    XCTAssertEqual(listed.map { $0["assertions"] as? Int }, [3, 0], "a file without assertions is reported")
    XCTAssertEqual(object["failed"] as? Int, 1)
    XCTAssertEqual(object["inconclusive"] as? Int, 1)
  }

  // MARK: Table

  func testTableShowsEstimatesIntervalsThresholdsAndVerdicts() {
    let table = CheckReport.table(files, strict: false)
    XCTAssertTrue(table.contains("1.00% [0.70%, 1.40%]"), table)
    XCTAssertTrue(table.contains("ruin within 3y ≤ 5.00%"), table)
    XCTAssertTrue(table.contains("€2.5M [€2.4M, €2.6M]"), table)
    XCTAssertTrue(table.contains("reserve at 95% ≤ €2M"), table)
    XCTAssertTrue(table.contains("FAIL"), table)
    XCTAssertTrue(table.contains("empty.json: no assertions"), table)
    XCTAssertTrue(table.contains("1 passed, 1 failed, 1 inconclusive."), table)
    XCTAssertTrue(CheckReport.table(files, strict: true).contains("INCONCLUSIVE (strict)"))
    let ruin = CheckReport.ValueFormat(.ruinProbability(withinYears: 1), currency: "USD")
    XCTAssertEqual([0, 3.84e-5, 0.0123, 1].map { ruin($0) }, ["0.00%", "0.0038%", "1.23%", "100.00%"])
  }

  // MARK: GitHub annotations

  func testAnnotationsForFailuresAndInconclusiveChecks() {
    let plain = CheckReport.githubAnnotations(
      files, strict: false, line: { _, assertion in assertion.name.hasPrefix("Edge") ? 12 : nil })
    XCTAssertEqual(plain.count, 2, "nothing for a pass or an empty file")
    XCTAssertTrue(
      plain[0].hasPrefix(
        "::error file=scenarios/a&b <1>.json,title=R&D \"lab\"%2C 50%25 <core>%3A Reserve <= €2M%0Asecond line::fail: "),
      plain[0])
    XCTAssertTrue(plain[0].contains("€2.5M"), plain[0])
    XCTAssertTrue(plain[1].hasPrefix("::warning file=scenarios/a&b <1>.json,line=12,title="), plain[1])
    XCTAssertTrue(plain[1].contains("::inconclusive: ruin within 1y is 10.00%"), plain[1])
    XCTAssertFalse(plain.joined().contains("\n"), "one line per command")
    let strict = CheckReport.githubAnnotations(files, strict: true)
    XCTAssertTrue(strict[1].hasPrefix("::error "), "inconclusive fails under --strict")
  }
}
