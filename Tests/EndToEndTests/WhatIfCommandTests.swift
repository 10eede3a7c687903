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

  /// compare and sweep say the horizon and every edit they applied, in text and JSON.
  func testCompareAndSweepPrintTheHorizonAndTheEditsApplied() throws {
    let file = try write("cdn.json", Self.cdnDependent)
    let edits = ["--set", "reserve.floor=1", "--set-b", "reserve.initial=2e6"]
    let text = try CommandLineRunner.run(["compare", file, "--paths", "200"] + edits)
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(
      text.stdout.contains(
        "Horizon: 5 years\nEdits: --set reserve.floor=1 (A and B); --set-b reserve.initial=2e6 (B only)\n"),
      text.stdout)
    let json = try object(try CommandLineRunner.run(["compare", file, "--paths", "200", "--json"] + edits).stdout)
    XCTAssertEqual(json["years"] as? [String: Int], ["a": 5, "b": 5])
    XCTAssertEqual(json["edits"] as? [String: [String]], ["both": ["reserve.floor=1"], "b": ["reserve.initial=2e6"]])
    let plain = try CommandLineRunner.run(["compare", file, file, "--paths", "200"])
    XCTAssertTrue(plain.stdout.contains("Edits: none (the files as written)\n"), plain.stdout)

    let sweepArguments = [
      "sweep", file, "--paths", "200", "--set", "reserve.initial=0:2e6:3", "--set", "reserve.floor=1",
    ]
    let sweep = try CommandLineRunner.run(sweepArguments)
    XCTAssertEqual(sweep.status, 0, sweep.stderr)
    XCTAssertTrue(sweep.stdout.hasPrefix("reserve.initial,ruinProbability,"), "stdout stays a CSV: \(sweep.stdout)")
    XCTAssertTrue(
      sweep.stderr.contains(
        "Sweep of CDN dependent over 5 years, 200 paths, seed 1; other edits: --set reserve.floor=1 (every point)\n"),
      sweep.stderr)
    let sweepJSON = try object(try CommandLineRunner.run(sweepArguments + ["--json"]).stdout)
    XCTAssertEqual(sweepJSON["years"] as? Int, 5)
    XCTAssertEqual(sweepJSON["edits"] as? [String], ["reserve.floor=1"])
  }

  /// A name longer than sensitivity's parameter column takes a line of its own, so every row's figures start in
  /// the same column; the note says which `run` the base is.
  func testSensitivityKeepsItsColumnsAndSaysWhichRunItsBaseIs() throws {
    let longName = String(repeating: "Share of operations ", count: 3).trimmingCharacters(in: .whitespaces)
    let file = try write("long.json", Self.cdnDependent.replacingOccurrences(of: "\"Staff\"", with: "\"\(longName)\""))
    let result = try CommandLineRunner.run([
      "sensitivity", file, "--paths", "300", "--param", "expenses[\(longName)].annual", "reserve.initial",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let lines = result.stdout.components(separatedBy: "\n")
    let header = try XCTUnwrap(lines.first { $0.hasPrefix("parameter ") })
    let baseColumn = try XCTUnwrap(header.range(of: "base")).lowerBound.utf16Offset(in: header)
    let name = "expenses[\(longName)].annual"
    let nameLine = try XCTUnwrap(lines.firstIndex(of: name), result.stdout)
    let longRow = lines[nameLine + 1]
    XCTAssertTrue(longRow.hasPrefix(String(repeating: " ", count: baseColumn) + "900k"), longRow)
    let shortRow = try XCTUnwrap(lines.first { $0.hasPrefix("reserve.initial ") })
    XCTAssertEqual(shortRow.dropFirst(baseColumn).prefix(4), "1M  ", shortRow)
    let note = "(the base is the file exactly as `run --paths 300` prints it; `run` alone uses the file's 10000 paths,"
    XCTAssertTrue(result.stdout.contains(note), result.stdout)
    let json = try object(
      try CommandLineRunner.run(["sensitivity", file, "--paths", "300", "--json", "--param", "reserve.initial"]).stdout)
    let base = try XCTUnwrap(json["base"] as? [String: Any])
    XCTAssertEqual(base["filePaths"] as? Int, 10000)
    XCTAssertTrue((base["note"] as? String)?.hasPrefix("the base is the file exactly as `run --paths 300`") ?? false)
  }

  /// A return of −99.9999% a year for 100 years sends every need past the largest double: compare shows the amounts
  /// and B − A's interval as ±1.8e308 with the overflow warning, as run does — never null, inf or nan.
  func testCompareShowsOverflowedAmountsAsTheLargestNumberWithAWarning() throws {
    let file = try write(
      "overflow.json",
      #"{"name": "o", "years": 100, "reserve": {"initial": 1000, "annualReturn": -0.999999}, "expenses": [{"name": "s", "annual": 1000}]}"#
    )
    let arguments = ["compare", file, "--set-b", "reserve.floor=1", "--paths", "100"]
    let json = try CommandLineRunner.run(arguments + ["--json"])
    XCTAssertEqual(json.status, 0, json.stderr)
    XCTAssertFalse(json.stdout.contains("null"), json.stdout)
    let document = try object(json.stdout)
    let most = Double.greatestFiniteMagnitude
    for level in try XCTUnwrap(document["requiredReserve"] as? [[String: Any]]) {
      XCTAssertEqual(level["a"] as? Double, most)
      XCTAssertEqual(level["b"] as? Double, most)
      XCTAssertEqual(level["lower"] as? Double, -most)
      XCTAssertEqual(level["upper"] as? Double, most)
    }
    let warnings = try XCTUnwrap(document["warnings"] as? [String])
    XCTAssertTrue(warnings[0].hasPrefix("amounts beyond the largest number this computer holds"), warnings[0])
    let text = try CommandLineRunner.run(arguments)
    XCTAssertTrue(text.stdout.contains("\nWarning: amounts beyond the largest number"), text.stdout)
    XCTAssertTrue(
      text.stdout.contains("Reserve at 95%    $1.8e308      $1.8e308      +$1.8e308     −$1.8e308 to +$1.8e308\n"),
      text.stdout)
    XCTAssertFalse(text.stdout.contains("inf") || text.stdout.contains("nan"), text.stdout)
  }

  /// Ruin with no service to lose, decided by a drawn estimate alone: a year's rent drawn uniform on [0, 1000]
  /// against a reserve of 500 ruins exactly the paths that drew more than 500, so every ruined path's draw is above
  /// every surviving one's and Cliff's δ is exactly +1.
  func testDriversIncludeTheDrawnEstimates() throws {
    let file = try write(
      "drawn.json",
      #"{"name": "Drawn", "years": 1, "reserve": {"initial": 500}, "expenses": [{"name": "Rent", "annual": {"uniform": [0, 1000]}}]}"#
    )
    let result = try CommandLineRunner.run(["drivers", file, "--paths", "1000", "--json"])
    XCTAssertEqual(result.status, 0, result.stderr)
    let drivers = try XCTUnwrap(try object(result.stdout)["drivers"] as? [[String: Any]])
    XCTAssertEqual(drivers.count, 1)
    XCTAssertEqual(drivers[0]["kind"] as? String, "drawnEstimate")
    XCTAssertEqual(drivers[0]["name"] as? String, "expenses[Rent].annual")
    XCTAssertEqual(drivers[0]["separation"] as? Double, 1)
    XCTAssertGreaterThan(try XCTUnwrap(drivers[0]["ruinedMedian"] as? Double), 500)
    XCTAssertLessThanOrEqual(try XCTUnwrap(drivers[0]["survivingMedian"] as? Double), 500)
    let text = try CommandLineRunner.run(["drivers", file, "--paths", "1000"])
    XCTAssertTrue(text.stdout.contains("• Ruined paths drew expenses[Rent].annual at "), text.stdout)
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

  // MARK: - Closed-form answers

  /// `deterministic`: no randomness, no income, rent E = 120,000 a year (10,000 a month) for two years, floor 0,
  /// return 0. Every path needs exactly 2E = 240,000 (SPEC §7: the least B₀ keeping B(m) ≥ 0), and is ruined iff
  /// B₀ < 2E (B(24) = B₀ − 2E < 0).
  func testCompareOfDeterministicFilesGivesTheClosedFormDifferences() throws {
    let file = try write("deterministic.json", Self.deterministic)
    let result = try CommandLineRunner.run([
      "compare", file, "--set-b", "expenses[Rent].annual=180000", "--paths", "50", "--json",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try object(result.stdout)
    // B: need 2 × 180,000 = 360,000 > B₀ = 250,000, so every path is ruined; A: 240,000 ≤ 250,000, none.
    let ruin = try XCTUnwrap(json["ruinProbability"] as? [String: Any])
    for (key, value) in [("a", 0.0), ("b", 1), ("difference", 1), ("lower", 1), ("upper", 1)] {
      XCTAssertEqual(ruin[key] as? Double, value, "ruinProbability.\(key)")
    }
    let reserves = try XCTUnwrap(json["requiredReserve"] as? [[String: Any]])
    XCTAssertEqual(reserves.count, 5)
    for level in reserves {
      // Identical paths: every level is the one need, and the paired interval collapses on the difference.
      for (key, value) in [
        ("a", 240_000.0), ("b", 360_000), ("difference", 120_000), ("lower", 120_000), ("upper", 120_000),
      ] {
        XCTAssertEqual(level[key] as? Double, value, "requiredReserve at \(level["confidence"] ?? "?"): \(key)")
      }
    }
  }

  func testSweepOfADeterministicFileGivesTheClosedFormRows() throws {
    let file = try write("deterministic.json", Self.deterministic)
    let result = try CommandLineRunner.run([
      "sweep", file, "--paths", "50", "--set", "reserve.initial=230000:250000:3", "--set",
      "expenses[Rent].annual=60000:120000:2",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    // Need 2E; ruined iff B₀ < 2E: at B₀ = 2E exactly the balance ends at the floor, which is not ruin.
    XCTAssertEqual(
      result.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty },
      [
        "reserve.initial,expenses[Rent].annual,ruinProbability,requiredReserve50,requiredReserve75,"
          + "requiredReserve90,requiredReserve95,requiredReserve99",
        "230000,60000,0,120000,120000,120000,120000,120000",
        "230000,120000,1,240000,240000,240000,240000,240000",
        "240000,60000,0,120000,120000,120000,120000,120000",
        "240000,120000,0,240000,240000,240000,240000,240000",
        "250000,60000,0,120000,120000,120000,120000,120000",
        "250000,120000,0,240000,240000,240000,240000,240000",
      ])
  }

  func testSensitivityOfADeterministicFileGivesTheClosedFormSwings() throws {
    let file = try write("deterministic.json", Self.deterministic)
    let result = try CommandLineRunner.run([
      "sensitivity", file, "--paths", "50", "--json", "--param", "expenses[Rent].annual", "reserve.initial",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try object(result.stdout)
    XCTAssertEqual(json["relativeSwing"] as? Double, 0.2)
    let base = try XCTUnwrap(json["base"] as? [String: Any])
    XCTAssertEqual(base["requiredReserve"] as? Double, 240_000)
    XCTAssertEqual(base["ruinProbability"] as? Double, 0)
    let parameters = try XCTUnwrap(json["parameters"] as? [[String: Any]])
    XCTAssertEqual(parameters.map { $0["path"] as? String }, ["expenses[Rent].annual", "reserve.initial"])
    // Rent ± 20%: 96,000 and 144,000 a year, needs 192,000 and 288,000 (a swing of 96,000); only the high rent's
    // need exceeds B₀ = 250,000.
    let expected: [[String: Double]] = [
      [
        "base": 120_000, "low": 96_000, "high": 144_000, "requiredReserveLow": 192_000,
        "requiredReserveHigh": 288_000, "ruinProbabilityLow": 0, "ruinProbabilityHigh": 1, "swing": 96_000,
      ],
      // B₀ ± 20%: 200,000 (< 240,000: ruined) and 300,000; the need does not depend on B₀ (a swing of 0).
      [
        "base": 250_000, "low": 200_000, "high": 300_000, "requiredReserveLow": 240_000,
        "requiredReserveHigh": 240_000, "ruinProbabilityLow": 1, "ruinProbabilityHigh": 0, "swing": 0,
      ],
    ]
    for (parameter, values) in zip(parameters, expected) {
      for (key, value) in values.sorted(by: { $0.key < $1.key }) {
        XCTAssertEqual(parameter[key] as? Double, value, "\(parameter["path"] ?? "?"): \(key)")
      }
    }
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

  /// No randomness: one constant expense line, no income, floor 0 and return 0 (the defaults).
  private static let deterministic = """
    {"name": "Deterministic", "years": 2, "reserve": {"initial": 250000},
     "expenses": [{"name": "Rent", "annual": 120000}]}
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
    try CommandLineRunner.write(contents, named: name, in: folder)
  }

  private func object(_ text: String) throws -> [String: Any] { try CommandLineRunner.jsonObject(text) }
}
