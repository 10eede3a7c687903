import Foundation
import XCTest

/// SPEC Part II through the binary: the shipped files that use it, `--set` on its fields, its errors, and its
/// outputs.
final class PartTwoEndToEndTests: XCTestCase {
  /// pypi-today.json draws its estimates per group of 1,000 paths (SPEC §22); these small runs draw them per path.
  static let perPath = "simulation.nested=null"
  private let today = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-today.json").path
  private let policy = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-today-policy.json").path

  private func json(_ arguments: [String]) throws -> [String: Any] {
    let outcome = try CommandLineRunner.run(arguments)
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
  }

  func testAnEarlierAgreementEndSetFromTheCommandLineRaisesTheRisk() throws {
    let base = try json(["run", today, "--set", Self.perPath, "--paths", "4000", "--json"])
    let early = try json([
      "run", today, "--set", Self.perPath, "--paths", "4000", "--json", "--set",
      #"inKindServices[CDN (Fastly)].agreement={"ends": "2026-06"}"#,
    ])
    let ruin = { (document: [String: Any]) in (document["ruinProbability"] as? [String: Any])?["value"] as? Double }
    XCTAssertGreaterThan(try XCTUnwrap(ruin(early)), try XCTUnwrap(ruin(base)) + 0.2)
    XCTAssertEqual(base["requiredReserveMethod"] as? String, "exact")
    XCTAssertNotNil(base["belowMinimumByYear"] as? [Double])
    XCTAssertEqual(base["minimumMonths"] as? Double, 3)
  }

  func testAMonthBeforeTheStartIsRejectedAtItsPath() throws {
    let outcome = try CommandLineRunner.run([
      "validate", today, "--set", #"inKindServices[CDN (Fastly)].agreement.ends="2025-01""#,
    ])
    XCTAssertEqual(outcome.status, 2)
    XCTAssertEqual(outcome.stdout, "")
    XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
    XCTAssertTrue(outcome.stderr.contains("$.inKindServices[0].agreement.ends"), outcome.stderr)
    XCTAssertTrue(outcome.stderr.contains("before the start"), outcome.stderr)
  }

  func testThePolicyFileSearchesTheReserveAndOmitsTheShortfall() throws {
    let document = try json(["run", policy, "--set", Self.perPath, "--paths", "1000", "--json"])
    XCTAssertEqual(document["requiredReserveMethod"] as? String, "search")
    XCTAssertTrue(document["expectedShortfall"] is NSNull)
    XCTAssertNotNil(document["expectedShortfallOmitted"] as? String)
    let levels = try XCTUnwrap(document["requiredReserve"] as? [[String: Any]])
    XCTAssertTrue(levels.allSatisfy { $0["months"] is Double })
  }

  /// SPEC §19: the shipped policy file bounds its appeal, and its outputs say what the responses did.
  func testThePolicyFileReportsItsActivityAndWritesPolicyCSV() throws {
    let document = try json(["run", policy, "--set", Self.perPath, "--paths", "1000", "--json"])
    let rows = try XCTUnwrap(document["policyActivity"] as? [[String: Any]])
    XCTAssertEqual(rows.map { $0["year"] as? Int }, [1, 2, 3, 4, 5])
    let appeals = rows.compactMap { $0["appeals"] as? Double }.reduce(0, +)
    XCTAssertGreaterThan(appeals, 0)
    XCTAssertLessThanOrEqual(appeals, 2, "maxAppeals is 2")
    XCTAssertNil(try json(["run", today, "--set", Self.perPath, "--paths", "300", "--json"])["policyActivity"])

    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let csv = folder.appendingPathComponent("csv").path
    let run = try CommandLineRunner.run(["run", policy, "--set", Self.perPath, "--paths", "300", "--csv", csv])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertTrue(run.stdout.contains("What the responses did"), run.stdout)
    XCTAssertEqual(
      try FileManager.default.contentsOfDirectory(atPath: csv).sorted(),
      ["policy.csv", "reserve.csv", "summary.csv", "yearly.csv"])
    let text = try String(contentsOfFile: csv + "/policy.csv", encoding: .utf8)
    XCTAssertTrue(text.hasPrefix("year,calendarYear,cutShare,cutMonths,cutAmount,appeals,appealsAnswered,raised\r\n"))
    // A folder where policy.csv should go is refused before simulating, and nothing is written.
    let blocked = folder.appendingPathComponent("blocked").path
    try FileManager.default.createDirectory(atPath: blocked + "/policy.csv", withIntermediateDirectories: true)
    let refused = try CommandLineRunner.run(["run", policy, "--set", Self.perPath, "--paths", "300", "--csv", blocked])
    XCTAssertEqual(refused.status, 2, refused.stderr)
    XCTAssertTrue(refused.stderr.contains("policy.csv"), refused.stderr)
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: blocked), ["policy.csv"])
    // Without cuts or appeal the same folder is fine: policy.csv is not one of its files.
    XCTAssertEqual(
      try CommandLineRunner.run(["run", today, "--set", Self.perPath, "--paths", "300", "--csv", blocked]).status, 0)
  }

  func testMaxAppealsMustBeAWholeNumberOfAtLeastZero() throws {
    for (value, problem) in [("-1", "at least 0"), ("1.5", "whole number")] {
      let outcome = try CommandLineRunner.run([
        "validate", policy, "--set", "policy.appeal.maxAppeals=\(value)",
      ])
      XCTAssertEqual(outcome.status, 2, outcome.stderr)
      XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
      XCTAssertTrue(outcome.stderr.contains("policy.appeal.maxAppeals"), outcome.stderr)
      XCTAssertTrue(outcome.stderr.contains(problem), outcome.stderr)
    }
  }

  func testCheckTakesTheBelowMinimumMetricFromTheCommandLine() throws {
    let pass = try CommandLineRunner.run([
      "check", today, "--set", Self.perPath, "--paths", "2000", "--assert", "below<=90%@1y",
    ])
    XCTAssertEqual(pass.status, 0, pass.stdout + pass.stderr)
    XCTAssertTrue(pass.stdout.contains("below minimum within 1y"), pass.stdout)
    let baseline = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
    let without = try CommandLineRunner.run(["check", baseline, "--paths", "100", "--assert", "below<=10%"])
    XCTAssertEqual(without.status, 2)
    XCTAssertTrue(without.stderr.contains("no board minimum"), without.stderr)
  }
}

/// Warnings through the binary: printed by run and validate, refused by --strict and by check.
final class InputWarningEndToEndTests: XCTestCase {
  func testAWarningIsPrintedOrRefused() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("typo.json")
    try Data(
      #"{"name": "typo", "years": 2, "factors": {"traffic": {"annualGrowth": 2}}, "expenses": [{"name": "x", "annual": 1000}]}"#
        .utf8
    ).write(to: file)
    let plain = try CommandLineRunner.run(["validate", file.path])
    XCTAssertEqual(plain.status, 0, plain.stderr)
    XCTAssertTrue(plain.stderr.contains("warning:") && plain.stderr.contains("write 0.02 or \"2%\""), plain.stderr)
    for arguments in [
      ["validate", "--strict", file.path], ["run", "--strict", file.path, "--paths", "100"], ["check", file.path],
    ] {
      let strict = try CommandLineRunner.run(arguments)
      XCTAssertEqual(strict.status, 2, "\(arguments): \(strict.stderr)")
      XCTAssertEqual(strict.stdout, "", "\(arguments)")
      XCTAssertTrue(strict.stderr.contains("$.factors.traffic.annualGrowth"), strict.stderr)
    }
  }
}

/// `compare` of one file against itself with --set-b names B by what changed.
final class CompareLabelEndToEndTests: XCTestCase {
  func testBIsNamedByItsEdits() throws {
    let today = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-today.json").path
    let outcome = try CommandLineRunner.run([
      "compare", today, "--set", PartTwoEndToEndTests.perPath, "--set-b", "reserve.initial=3e6", "--paths", "300",
    ])
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertTrue(outcome.stdout.contains("B: PyPI today (2026) (reserve.initial=3e6)"), outcome.stdout)
  }
}
