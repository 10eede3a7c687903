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

  /// SPEC §12 gives a renewal term of 1 year by default, but the model knows only when the current term ends, not
  /// how long it was: a renewal chance without its term is refused, and the term is shown where the file is read.
  func testARenewalChanceNeedsItsTermWhichValidateAndRunShow() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("renewal.json")
    let agreement = #"{"ends": "2027-06", "renewalProbability": 0.5}"#
    try Data(
      (#"{"name": "r", "years": 5, "start": "2026-01", "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "#
        + #""agreement": \#(agreement)}]}"#).utf8
    ).write(to: file)
    let missing = try CommandLineRunner.run(["validate", file.path])
    XCTAssertEqual(missing.status, 2)
    XCTAssertEqual(missing.stdout, "")
    XCTAssertEqual(
      missing.stderr,
      "reservesim: \(file.path): $.inKindServices[0].agreement.renewalYears: is required when renewalProbability is "
        + "given (a whole number of years); it has no default\n")
    let term = "inKindServices[CDN].agreement.renewalYears=2"
    let valid = try CommandLineRunner.run(["validate", file.path, "--set", term])
    XCTAssertEqual(valid.status, 0, valid.stderr)
    let line = "CDN: donated to 2027-06 (month 18); then renewed with chance 50% for 2 years at a time (at each end)"
    XCTAssertTrue(valid.stdout.contains("  dated agreements:\n    " + line + "\n"), valid.stdout)
    let run = try CommandLineRunner.run(["run", file.path, "--set", term, "--paths", "100"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertTrue(run.stdout.contains("Dated agreements\n  " + line + "\n"), run.stdout)
    // A sweep that gives a renewal chance to an agreement without a term is refused the same way, not run with a
    // one-year term.
    let known = folder.appendingPathComponent("known.json")
    try Data(
      #"{"name": "k", "years": 5, "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "agreement": {"ends": 18}}]}"#
        .utf8
    ).write(to: known)
    let sweep = try CommandLineRunner.run([
      "sweep", known.path, "--paths", "100", "--set", "inKindServices[CDN].agreement.renewalProbability=0:0.5:2",
    ])
    XCTAssertEqual(sweep.status, 2, sweep.stdout)
    XCTAssertEqual(sweep.stderr.split(separator: "\n").count, 1, sweep.stderr)
    XCTAssertTrue(
      sweep.stderr.contains(
        "$.inKindServices[0].agreement.renewalYears: at the grid point "
          + "inKindServices[CDN].agreement.renewalProbability=0.5: is required when renewalProbability is given (a "
          + "whole number of years); it has no default"), sweep.stderr)
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
      ["policy.csv", "reserve.csv", "runway.csv", "summary.csv", "yearly.csv"])
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

/// Input hints: what an ambiguous percentage was read as, why a percentage is not a month count, how to write a
/// month, and how to refuse a warning.
final class InputHintEndToEndTests: XCTestCase {
  private func outcome(_ json: String, _ arguments: [String] = ["validate"]) throws -> (
    CommandLineRunner.Outcome, String
  ) {
    let folder = try CommandLineRunner.temporaryDirectory()
    let file = folder.appendingPathComponent("hint.json")
    try Data(json.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: folder) }
    return (try CommandLineRunner.run(arguments + [file.path]), file.path)
  }

  func testAPercentageMultiplierSaysWhatItWasReadAs() throws {
    let json =
      #"{"name": "c", "years": 2, "expenses": [{"name": "s", "annual": 10}], "policy": {"cuts": {"belowMonths": 2, "expenseMultiplier": "40%"}}}"#
    let (plain, file) = try outcome(json)
    XCTAssertEqual(plain.status, 0, plain.stderr)
    XCTAssertEqual(
      plain.stderr,
      "reservesim: warning: \(file): $.policy.cuts.expenseMultiplier: is \"40%\", read as the multiplier 0.4: the "
        + "amounts are kept at 40% (a 60% cut); for a 40% cut write 0.6 or \"60%\" (use --strict to refuse)\n")
    let (strict, strictFile) = try outcome(json, ["validate", "--strict"])
    XCTAssertEqual(strict.status, 2)
    XCTAssertEqual(strict.stdout, "")
    XCTAssertTrue(strict.stderr.hasPrefix("reservesim: \(strictFile): $.policy.cuts.expenseMultiplier: is \"40%\""))
  }

  func testAPercentageIsNotAMonthCount() throws {
    let (result, file) = try outcome(#"{"name": "m", "years": 2, "policy": {"minimumMonths": "25%"}}"#)
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(
      result.stderr,
      "reservesim: \(file): $.policy.minimumMonths: expected a number of months of outgo, found the percentage "
        + "\"25%\": a percentage is not a month count\n")
  }

  func testAnUnquotedMonthIsToldToBeQuoted() throws {
    let (result, file) = try outcome(
      #"{"name": "q", "years": 2, "start": "2026-01", "oneOffs": [{"name": "a", "month": 2027-06, "amount": 1}]}"#)
    XCTAssertEqual(result.status, 2)
    XCTAssertEqual(
      result.stderr,
      "reservesim: \(file):1:82: $.oneOffs[0].month: malformed JSON: a month must be written in quotes: \"2027-06\", "
        + "not 2027-06\n")
  }

  func testAWarningSaysHowToRefuseIt() throws {
    let json =
      #"{"name": "w", "years": 2, "inKindServices": [{"name": "C", "monthlyValue": 10, "mitigation": {"afterMonths": 1, "costFraction": 50}}]}"#
    let (validate, _) = try outcome(json)
    XCTAssertEqual(validate.status, 0)
    XCTAssertTrue(validate.stderr.hasSuffix(" (or write \"5000%\" if 5000% is meant) (use --strict to refuse)\n"))
    let (report, _) = try outcome(json, ["report", "-o", "/dev/null", "--paths", "10"])
    XCTAssertEqual(report.status, 0, report.stderr)
    XCTAssertTrue(report.stderr.hasSuffix(" (validate --strict refuses it)\n"), report.stderr)
    let (strict, _) = try outcome(json, ["validate", "--strict"])
    XCTAssertEqual(strict.status, 2)
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
