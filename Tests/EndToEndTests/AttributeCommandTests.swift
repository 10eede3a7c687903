import Foundation
import XCTest

/// End-to-end tests of `reservesim attribute` (SPEC §20): the built binary on small files.
final class AttributeCommandTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws {
    folder = try CommandLineRunner.temporaryDirectory()
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  static let file = """
    {"name": "Two services", "years": 3, "reserve": {"initial": 120000},
     "factors": {"traffic": {"annualGrowth": 0.2, "annualVolatility": 0.3}},
     "inKindServices": [{"name": "CDN", "monthlyValue": 50000, "scaling": "traffic", "annualLossProbability": 0.3},
                        {"name": "Mail", "monthlyValue": 1, "annualLossProbability": 0.5},
                        {"name": "Never lost", "monthlyValue": 9000}]}
    """

  func testJSONHasExactlyTheContractsKeysAndAddsUp() throws {
    let file = try write("two.json", Self.file)
    let result = try CommandLineRunner.run(["attribute", file, "--paths", "500", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try object(result.stdout)
    XCTAssertEqual(Set(json.keys), ["metric", "total", "budgetItself", "sources"])
    XCTAssertEqual(json["metric"] as? String, "ruin")
    let sources = try XCTUnwrap(json["sources"] as? [[String: Any]])
    XCTAssertEqual(sources.map { $0["name"] as? String }, ["CDN", "Mail", "Markets"])
    XCTAssertEqual(sources.map { $0["kind"] as? String }, ["service", "service", "markets"])
    for source in sources { XCTAssertEqual(Set(source.keys), ["name", "kind", "share", "lower", "upper"]) }
    let shares = sources.map { $0["share"] as! Double }
    let total = try XCTUnwrap(json["total"] as? Double)
    XCTAssertEqual(try XCTUnwrap(json["budgetItself"] as? Double) + shares.reduce(0, +), total, accuracy: 1e-12)
  }

  func testTextCSVAndReport() throws {
    let file = try write("two.json", Self.file)
    let csv = folder.appendingPathComponent("out").path
    let report = folder.appendingPathComponent("attribution.html").path
    let result = try CommandLineRunner.run([
      "attribute", file, "--metric", "reserve@90%", "--paths", "400", "--csv", csv, "--report", report,
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("Budget itself (every source off)"), result.stdout)
    XCTAssertTrue(result.stdout.contains("Budget itself + shares: "), result.stdout)
    let table = try String(contentsOfFile: csv + "/attribution.csv", encoding: .utf8)
    XCTAssertTrue(table.hasPrefix("metric,name,kind,share,lower95,upper95\r\nreserve@90%,Budget itself,budget,"))
    let page = try String(contentsOfFile: report, encoding: .utf8)
    XCTAssertTrue(page.contains("<svg"))
    XCTAssertTrue(page.contains("Where the risk comes from"))
  }

  func testTheReportCommandAddsTheAttribution() throws {
    let file = try write("two.json", Self.file)
    let report = folder.appendingPathComponent("report.html").path
    let result = try CommandLineRunner.run(["report", file, "-o", report, "--paths", "300", "--attribute", "ruin"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let page = try String(contentsOfFile: report, encoding: .utf8)
    XCTAssertTrue(page.contains("Where the risk comes from"))
    XCTAssertTrue(page.contains("Budget itself"))
  }

  func testBadMetricsExitTwoWithOneLine() throws {
    let file = try write("two.json", Self.file)
    for (metric, expected) in [
      ("ruinous", "unknown metric"), ("reserve@1.5", "strictly between 0 and 1"), ("reserve@abc", "between 0 and 1"),
      ("below", "policy.minimumMonths"),
    ] {
      let result = try CommandLineRunner.run(["attribute", file, "--metric", metric, "--paths", "100"])
      XCTAssertEqual(result.status, 2, metric)
      XCTAssertEqual(result.stdout, "", metric)
      let lines = result.stderr.split(separator: "\n")
      XCTAssertEqual(lines.count, 1, result.stderr)
      XCTAssertTrue(result.stderr.contains(file), result.stderr)
      XCTAssertTrue(result.stderr.contains(expected), result.stderr)
    }
  }

  private func write(_ name: String, _ contents: String) throws -> String {
    try CommandLineRunner.write(contents, named: name, in: folder)
  }

  private func object(_ text: String) throws -> [String: Any] { try CommandLineRunner.jsonObject(text) }
}
