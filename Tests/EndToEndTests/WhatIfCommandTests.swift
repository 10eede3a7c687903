import Foundation
import XCTest

/// End-to-end tests of `compare`, `sensitivity`, `sweep` and `drivers`: the built binary on small files.
final class WhatIfCommandTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws {
    folder = try CommandLineRunner.temporaryDirectory()
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  func testCompareWithItselfIsExactlyZero() throws {
    let file = try write("cdn.json", Self.cdnDependent)
    let result = try CommandLineRunner.run(["compare", file, file, "--paths", "400", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try object(result.stdout)
    let ruin = try XCTUnwrap(json["ruinProbability"] as? [String: Any])
    XCTAssertEqual(ruin["difference"] as? Double, 0)
    XCTAssertEqual(ruin["lower"] as? Double, 0)
    XCTAssertEqual(ruin["upper"] as? Double, 0)
    let reserves = try XCTUnwrap(json["requiredReserve"] as? [[String: Any]])
    XCTAssertEqual(reserves.map { $0["confidence"] as? Double }, [0.5, 0.75, 0.9, 0.95, 0.99])
    for level in reserves {
      for key in ["difference", "lower", "upper"] { XCTAssertEqual(level[key] as? Double, 0, key) }
    }
  }

  func testCompareWithAnEditedCopyShowsTheChange() throws {
    let file = try write("cdn.json", Self.cdnDependent)
    let csv = folder.appendingPathComponent("compare.csv").path
    let result = try CommandLineRunner.run([
      "compare", file, "--set-b", "inKindServices[CDN].annualLossProbability=0.3", "--paths", "1000", "--threads", "1",
      "--csv", csv,
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    XCTAssertTrue(result.stdout.contains("Ruin probability"))
    let table = try String(contentsOfFile: csv, encoding: .utf8)
    XCTAssertTrue(table.hasPrefix("metric,confidence,a,b,difference,lower95,upper95\r\n"))
    let ruinRow = table.components(separatedBy: "\r\n")[1].components(separatedBy: ",")
    XCTAssertEqual(ruinRow[0], "ruinProbability")
    XCTAssertGreaterThan(Double(ruinRow[4]) ?? 0, 0)
  }

  func testSensitivityRanksAndDrawsATornado() throws {
    let file = try write("cdn.json", Self.cdnDependent)
    let svg = folder.appendingPathComponent("tornado.svg").path
    let result = try CommandLineRunner.run([
      "sensitivity", file, "--paths", "300", "--json", "--svg", svg,
      "--param", "expenses[Staff].annual", "inKindServices[CDN].noticeMonths", "reserve.initial",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let parameters = try XCTUnwrap(try object(result.stdout)["parameters"] as? [[String: Any]])
    XCTAssertEqual(parameters.count, 3)
    XCTAssertEqual(parameters[0]["path"] as? String, "expenses[Staff].annual")
    for key in [
      "base", "low", "high", "requiredReserveLow", "requiredReserveHigh", "ruinProbabilityLow", "ruinProbabilityHigh",
    ] {
      XCTAssertNotNil(parameters[0][key] as? Double, key)
    }
    let chart = try String(contentsOfFile: svg, encoding: .utf8)
    XCTAssertTrue(chart.hasPrefix("<svg"))
    XCTAssertTrue(chart.contains("Reserve needed at 95% confidence (USD)"))
  }

  func testSweepPrintsACSVRowPerGridPoint() throws {
    let file = try write("cdn.json", Self.cdnDependent)
    let result = try CommandLineRunner.run([
      "sweep", file, "--paths", "200", "--set", "reserve.initial=0:2e6:3", "--set",
      "inKindServices[CDN].annualLossProbability=0.1:0.2:2",
      "--set", "expenses[Staff].annual=950000",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let lines = result.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }
    XCTAssertEqual(
      lines[0],
      "reserve.initial,inKindServices[CDN].annualLossProbability,ruinProbability,requiredReserve50,requiredReserve75,"
        + "requiredReserve90,requiredReserve95,requiredReserve99")
    XCTAssertEqual(lines.count, 1 + 6)
    XCTAssertTrue(lines[1].hasPrefix("0,0.1,"))
    XCTAssertTrue(lines[6].hasPrefix("2000000,0.2,"))
  }

  func testDriversNameTheCriticalServiceAndHandleNoRuin() throws {
    let file = try write("critical.json", Self.oneCriticalService)
    let result = try CommandLineRunner.run(["drivers", file, "--paths", "600", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try object(result.stdout)
    let drivers = try XCTUnwrap(json["drivers"] as? [[String: Any]])
    XCTAssertEqual(drivers.first?["name"] as? String, "Critical")
    XCTAssertEqual(drivers.first?["kind"] as? String, "serviceLost")
    let summary = try XCTUnwrap(json["summary"] as? [String])
    XCTAssertTrue(summary.first?.hasPrefix("The Critical donation was lost in") ?? false)

    let safe = try CommandLineRunner.run(["drivers", file, "--paths", "200", "--set", "reserve.initial=1e9"])
    XCTAssertEqual(safe.status, 0, safe.stderr)
    XCTAssertTrue(safe.stdout.contains("No path was ruined"))
  }

  func testBadInputExitsTwoWithOneMessage() throws {
    let file = try write("cdn.json", Self.cdnDependent)
    let cases: [[String]] = [
      ["sweep", file, "--paths", "10"],
      ["sweep", file, "--paths", "10", "--set", "reserve.initial=0:1:x"],
      ["sweep", file, "--paths", "10", "--set", "inKindServices[CDN].annualLossProbability=0:2:3"],
      ["sensitivity", file, "--paths", "10", "--param", "expenses[Staf].annual"],
      ["sensitivity", file, "--swing", "0"],
      ["compare", file, folder.appendingPathComponent("missing.json").path],
      ["drivers", file, "--set", "reserve.initial=oops"],
    ]
    for arguments in cases {
      let result = try CommandLineRunner.run(arguments)
      XCTAssertEqual(result.status, 2, arguments.joined(separator: " "))
      XCTAssertEqual(result.stdout, "", arguments.joined(separator: " "))
      XCTAssertTrue(result.stderr.hasPrefix("reservesim: ") || result.stderr.hasPrefix("Error: "), result.stderr)
      XCTAssertFalse(result.stderr.contains("Stack dump"), result.stderr)
    }
  }

  // MARK: - Helpers

  private static let cdnDependent = """
    {"name": "CDN dependent", "years": 5, "reserve": {"initial": 1000000},
     "factors": {"donations": {"annualVolatility": 0.1}},
     "income": [{"name": "Grants", "annual": 1000000, "factor": "donations"}],
     "expenses": [{"name": "Staff", "annual": 900000}],
     "inKindServices": [{"name": "CDN", "monthlyValue": 50000, "annualLossProbability": 0.1, "noticeMonths": 2}]}
    """

  private static let oneCriticalService = """
    {"name": "One critical service", "years": 5, "reserve": {"initial": 200000},
     "income": [{"name": "Grants", "annual": 1200000}],
     "expenses": [{"name": "Staff", "annual": 1100000}],
     "inKindServices": [
       {"name": "Trivial", "monthlyValue": 100, "annualLossProbability": 0.3},
       {"name": "Critical", "monthlyValue": 100000, "annualLossProbability": 0.3}]}
    """

  private func write(_ name: String, _ contents: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try contents.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  private func object(_ text: String) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
  }
}
