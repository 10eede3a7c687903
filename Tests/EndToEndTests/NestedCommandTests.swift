import Foundation
import XCTest

/// SPEC §22 through the binary: `--nested N` and `simulation.nested` on run, check, report and notebook, the
/// `nested` object of `--json`, the "How sure" sentence, and bad nesting (exit 2, one line naming the field).
final class NestedCommandTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws { folder = try CommandLineRunner.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  /// A CDN whose loss chance is an estimate; a year of grants against a small reserve.
  private func write() throws -> String {
    let url = folder.appendingPathComponent("uncertain.json")
    try """
    {"name": "Uncertain CDN", "years": 3, "simulation": {"paths": 4000, "seed": 3},
     "reserve": {"initial": 2000}, "income": [{"name": "grant", "annual": 1200}],
     "expenses": [{"name": "staff", "annual": {"range": [1000, 1500]}}],
     "inKindServices": [{"name": "CDN", "monthlyValue": 500, "annualLossProbability": {"range": [0.05, 0.5]}}],
     "policy": {"minimumMonths": 1},
     "assertions": [{"name": "Two safe years", "metric": "ruinProbability", "withinYears": 2, "atMost": 0.9}]}
    """.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  func testRunPrintsHowSureAndTheNestedObject() throws {
    let file = try write()
    let json = try CommandLineRunner.run(["run", file, "--nested", "100", "--json"])
    XCTAssertEqual(json.status, 0, json.stderr)
    let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
    let nested = try XCTUnwrap(document["nested"] as? [String: Any], "no nested object")
    XCTAssertEqual(
      Set(nested.keys), ["inner", "groups", "ruin", "below", "requiredReserve", "ranking"], "SPEC §22's shape")
    XCTAssertEqual(nested["inner"] as? Int, 100)
    XCTAssertEqual(nested["groups"] as? Int, 40)
    let ruin = try XCTUnwrap(nested["ruin"] as? [String: Any])
    for key in ["p5", "p50", "p95", "sdEpistemic"] { XCTAssertNotNil(ruin[key] as? Double, key) }
    let ranking = try XCTUnwrap(nested["ranking"] as? [[String: Any]])
    XCTAssertEqual(ranking.count, 2)
    XCTAssertNotNil(document["uncertainty"], "the per-path ranking stays in --json")

    let text = try CommandLineRunner.run(["run", file, "--nested", "100"])
    XCTAssertEqual(text.status, 0, text.stderr)
    XCTAssertTrue(text.stdout.contains("How sure: 90% of the plausible sets of estimates give between"), text.stdout)
    XCTAssertFalse(text.stdout.contains("What matters most to pin down"), "the nested ranking replaces it")

    // The file's own setting does the same as the option.
    let written = try String(contentsOfFile: file, encoding: .utf8).replacingOccurrences(
      of: #""seed": 3}"#, with: #""seed": 3, "nested": {"inner": 100}}"#)
    try written.write(toFile: file, atomically: true, encoding: .utf8)
    let fromFile = try CommandLineRunner.run(["run", file, "--json"])
    XCTAssertEqual(fromFile.stdout, json.stdout)
  }

  func testCheckReportAndNotebookTakeTheOption() throws {
    let file = try write()
    let check = try CommandLineRunner.run(["check", file, "--nested", "100"])
    XCTAssertEqual(check.status, 0, check.stderr)
    let report = folder.appendingPathComponent("r.html").path
    XCTAssertEqual(try CommandLineRunner.run(["report", file, "--nested", "200", "-o", report]).status, 0)
    XCTAssertTrue(try String(contentsOfFile: report, encoding: .utf8).contains("How sure"))
    let notebook = folder.appendingPathComponent("n.ipynb").path
    XCTAssertEqual(try CommandLineRunner.run(["notebook", file, "--nested", "200", "-o", notebook]).status, 0)
    XCTAssertTrue(try String(contentsOfFile: notebook, encoding: .utf8).contains("How sure"))
  }

  func testBadNestingExitsTwoWithOneLine() throws {
    let file = try write()
    let cases: [([String], String)] = [
      (["run", file, "--nested", "50"], "--nested must be at least 100"),
      (["run", file, "--nested", "300"], "simulation.nested.inner: the path count 4000 is not a multiple of the 300"),
      (["run", file, "--nested", "400"], "4000 paths make 10 groups of 400; nested draws need at least 20 groups"),
      (["check", file, "--nested", "100", "--paths", "1900"], "at least 20 groups"),
      (["report", file, "--nested", "100", "--paths", "4050", "-o", "/dev/null"], "not a multiple"),
    ]
    for (arguments, message) in cases {
      let outcome = try CommandLineRunner.run(arguments)
      XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
      XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, "\(arguments): \(outcome.stderr)")
      XCTAssertTrue(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
    }
  }
}
