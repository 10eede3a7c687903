import Foundation
import XCTest

/// SPEC Part II through the binary: the shipped files that use it, `--set` on its fields, its errors, and its
/// outputs.
final class PartTwoEndToEndTests: XCTestCase {
  private let today = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-today.json").path
  private let policy = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-today-policy.json").path

  private func json(_ arguments: [String]) throws -> [String: Any] {
    let outcome = try CommandLineRunner.run(arguments)
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
  }

  func testAnEarlierAgreementEndSetFromTheCommandLineRaisesTheRisk() throws {
    let base = try json(["run", today, "--paths", "4000", "--json"])
    let early = try json([
      "run", today, "--paths", "4000", "--json", "--set",
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
    let document = try json(["run", policy, "--paths", "1000", "--json"])
    XCTAssertEqual(document["requiredReserveMethod"] as? String, "search")
    XCTAssertTrue(document["expectedShortfall"] is NSNull)
    XCTAssertNotNil(document["expectedShortfallOmitted"] as? String)
    let levels = try XCTUnwrap(document["requiredReserve"] as? [[String: Any]])
    XCTAssertTrue(levels.allSatisfy { $0["months"] is Double })
  }

  func testCheckTakesTheBelowMinimumMetricFromTheCommandLine() throws {
    let pass = try CommandLineRunner.run(["check", today, "--paths", "2000", "--assert", "below<=90%@1y"])
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
    let outcome = try CommandLineRunner.run(["compare", today, "--set-b", "reserve.initial=3e6", "--paths", "300"])
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertTrue(outcome.stdout.contains("B: PyPI today (2026) (reserve.initial=3e6)"), outcome.stdout)
  }
}
