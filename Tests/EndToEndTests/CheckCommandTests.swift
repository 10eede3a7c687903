import Foundation
import XCTest

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// `reservesim check` run as CI runs it: exit codes 0/1/2, `--strict`, `--junit` and `--json` parsed back,
/// GitHub annotations, `--set`, `--assert` and `--auto-paths`, on scenarios whose verdicts are known.
final class CheckCommandTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws {
    folder = try CommandLineRunner.temporaryDirectory()
    // Only earns: never ruined, needs no reserve.
    try write(
      "safe.json",
      #"""
      {"name": "Safe", "years": 2, "simulation": {"paths": 500, "seed": 1},
       "income": [{"name": "Grant", "annual": 120000}],
       "assertions": [
         {"name": "Never ruined", "metric": "ruinProbability", "atMost": 0.05},
         {"name": "No reserve needed", "metric": "requiredReserve", "confidence": 0.95, "atMost": 0}]}
      """#)
    // Rent from an empty reserve: ruined in month 1 on every path.
    try write(
      "broke.json",
      #"""
      {"name": "Broke", "years": 2, "simulation": {"paths": 500, "seed": 1},
       "expenses": [{"name": "Rent", "annual": 120000}],
       "assertions": [
         {"name": "Three safe years", "metric": "ruinProbability", "withinYears": 1, "atMost": 0.05}]}
      """#)
    // Ruined iff a service worth 1M a month is lost in months 1…11: P = 1 − 0.5^(11/12) ≈ 0.4704, the threshold.
    try write(
      "borderline.json",
      #"""
      {"name": "Borderline", "years": 1, "simulation": {"paths": 400, "seed": 3},
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000000, "annualLossProbability": 0.5}],
       "assertions": [{"name": "Coin flip", "metric": "ruinProbability", "atMost": 0.4704}]}
      """#)
    try write("empty.json", #"{"name": "No assertions", "years": 1}"#)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  // MARK: Exit codes

  func testAllPassExitsZero() throws {
    let outcome = try check(["safe.json"])
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertEqual(outcome.stderr, "")
    XCTAssertTrue(outcome.stdout.contains("Never ruined"), outcome.stdout)
    XCTAssertTrue(outcome.stdout.contains("0.00% [0.00%, 0.76%]"), "Wilson upper bound of 0 in 500: \(outcome.stdout)")
    XCTAssertTrue(outcome.stdout.contains("2 passed, 0 failed, 0 inconclusive."), outcome.stdout)
  }

  func testAnyFailExitsOne() throws {
    let outcome = try check(["safe.json", "broke.json"])
    XCTAssertEqual(outcome.status, 1, outcome.stderr)
    XCTAssertTrue(outcome.stdout.contains("100.00% [99.24%, 100.00%]"), outcome.stdout)
    XCTAssertTrue(outcome.stdout.contains("FAIL"), outcome.stdout)
    XCTAssertTrue(outcome.stdout.contains("2 passed, 1 failed, 0 inconclusive."), outcome.stdout)
  }

  func testInconclusiveExitsZeroUnlessStrict() throws {
    let lenient = try check(["borderline.json"])
    XCTAssertEqual(lenient.status, 0, lenient.stdout + lenient.stderr)
    XCTAssertTrue(lenient.stdout.contains("inconclusive"), lenient.stdout)
    let strict = try check(["borderline.json", "--strict"])
    XCTAssertEqual(strict.status, 1)
    XCTAssertTrue(strict.stdout.contains("INCONCLUSIVE (strict)"), strict.stdout)
    XCTAssertEqual(try check(["safe.json", "--strict"]).status, 0)
  }

  func testAFileWithoutAssertionsIsReportedAndPasses() throws {
    let outcome = try check(["empty.json", "safe.json"])
    XCTAssertEqual(outcome.status, 0)
    XCTAssertTrue(outcome.stdout.contains("empty.json: no assertions (No assertions); nothing checked"), outcome.stdout)
  }

  func testBadInputExitsTwoWithOneMessageAndWritesNothing() throws {
    try write("broken.json", #"{"name": "Broken", "years": 2,"#)
    try write("a.json", #"{"extends": "b.json", "name": "A", "years": 1}"#)
    try write("b.json", #"{"extends": "a.json"}"#)
    let cases: [([String], String)] = [
      (["safe.json", "missing.json"], "missing.json: no such file"),
      (["broken.json", "safe.json"], "malformed JSON"),
      (["safe.json", "a.json"], "files extend each other in a cycle: a.json → b.json → a.json"),
      (["safe.json", "--assert", "ruin<0.05"], "--assert 'ruin<0.05': expected '<='"),
      (
        ["safe.json", "--assert", "ruin<=0.05@3y"],
        "safe.json: --assert 'ruin<=0.05@3y': 3 years is beyond the scenario's horizon of 2 years"
      ),
      (["safe.json", "--set", "reserve.intial=5"], "did you mean 'initial'"),
      (["safe.json", "--set", "assertions[Nope].atMost=1"], #"no item named "Nope""#),
      (["safe.json", "--max-paths", "1000"], "--max-paths goes with --auto-paths"),
      (["safe.json", "--paths", "0"], "--paths must be between"),
      ([], "Missing expected argument '<files> ...'"),
    ]
    for (arguments, message) in cases {
      let report = folder.appendingPathComponent("report.xml")
      let outcome = try check(arguments + ["--junit", report.path])
      XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stdout) \(outcome.stderr)")
      XCTAssertEqual(outcome.stdout, "", "\(arguments)")
      XCTAssertTrue(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
      XCTAssertFalse(outcome.stderr.contains("Fatal error"), outcome.stderr)
      XCTAssertFalse(FileManager.default.fileExists(atPath: report.path), "\(arguments): no report on bad input")
    }
    let two = try check(["missing.json", "broken.json", "safe.json"])
    XCTAssertEqual(two.stderr.split(separator: "\n").count, 2, "one line per bad file: \(two.stderr)")
  }

  func testAJSONSchemaAmongTheFilesIsSkipped() throws {
    try write("schema.json", #"{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object"}"#)
    let outcome = try check(["broke.json", "safe.json", "schema.json"])
    XCTAssertEqual(outcome.status, 1, "the scenarios are still checked")
    XCTAssertEqual(outcome.stderr, "reservesim: schema.json: a JSON Schema, not a scenario; skipped\n")
    XCTAssertFalse(outcome.stdout.contains("schema.json"), outcome.stdout)
    let alone = try check(["schema.json"])
    XCTAssertEqual(alone.status, 2)
    XCTAssertTrue(alone.stderr.contains("no scenario to check: schema.json is a JSON Schema"), alone.stderr)
  }

  // MARK: Reports

  func testJUnitReportParsesBack() throws {
    let report = folder.appendingPathComponent("out/report.xml")
    let outcome = try check(["safe.json", "broke.json", "borderline.json", "empty.json", "--junit", report.path])
    XCTAssertEqual(outcome.status, 1)
    let root = try XCTUnwrap(XMLDocument(contentsOf: report, options: []).rootElement())
    XCTAssertEqual(root.attribute(forName: "tests")?.stringValue, "4")
    XCTAssertEqual(root.attribute(forName: "failures")?.stringValue, "1")
    XCTAssertEqual(root.attribute(forName: "skipped")?.stringValue, "1")
    let suites = root.elements(forName: "testsuite")
    XCTAssertEqual(
      suites.map { $0.attribute(forName: "name")?.stringValue ?? "" },
      ["safe.json", "broke.json", "borderline.json", "empty.json"])
    XCTAssertEqual(suites.map { $0.elements(forName: "testcase").count }, [2, 1, 1, 0])
    let failed = suites[1].elements(forName: "testcase")[0]
    XCTAssertEqual(failed.attribute(forName: "name")?.stringValue, "Three safe years")
    XCTAssertEqual(failed.attribute(forName: "classname")?.stringValue, "Broke")
    XCTAssertEqual(failed.elements(forName: "failure").count, 1)
    XCTAssertEqual(suites[2].elements(forName: "testcase")[0].elements(forName: "skipped").count, 1)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: report.deletingLastPathComponent().path)
    XCTAssertEqual(leftovers, ["report.xml"], "written atomically, no temporary file left")

    _ = try check(["borderline.json", "--strict", "--junit", report.path])
    let strict = try XCTUnwrap(XMLDocument(contentsOf: report, options: []).rootElement())
    XCTAssertEqual(strict.attribute(forName: "failures")?.stringValue, "1")
    XCTAssertEqual(strict.attribute(forName: "skipped")?.stringValue, "0")
  }

  func testJSONParsesBack() throws {
    let outcome = try check(["safe.json", "broke.json", "--json"])
    XCTAssertEqual(outcome.status, 1)
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
    let results = try XCTUnwrap(object["results"] as? [[String: Any]])
    XCTAssertEqual(
      results.map { $0["assertion"] as? String }, ["Never ruined", "No reserve needed", "Three safe years"])
    XCTAssertEqual(results.map { $0["verdict"] as? String }, ["pass", "pass", "fail"])
    XCTAssertEqual(results[2]["file"] as? String, "broke.json")
    XCTAssertEqual(results[2]["scenario"] as? String, "Broke")
    XCTAssertEqual(results[2]["metric"] as? String, "ruinProbability")
    XCTAssertEqual(results[2]["estimate"] as? Double, 1)
    XCTAssertEqual(results[2]["upper"] as? Double, 1)
    XCTAssertEqual(results[2]["threshold"] as? Double, 0.05)
    XCTAssertEqual(results[2]["paths"] as? Int, 500)
    XCTAssertEqual(results[1]["estimate"] as? Double, 0)
  }

  // MARK: CI integration

  func testGitHubActionsAnnotations() throws {
    let outcome = try check(
      ["safe.json", "broke.json", "borderline.json", "--json"], environment: ["GITHUB_ACTIONS": "true"])
    let lines = outcome.stderr.split(separator: "\n").map(String.init)
    XCTAssertEqual(lines.count, 2, outcome.stderr)
    XCTAssertTrue(
      lines[0].hasPrefix(
        "::error file=broke.json,line=4,title=Broke%3A Three safe years::fail: ruin within 1y is 100.00%25"), lines[0])
    XCTAssertTrue(
      lines[1].hasPrefix("::warning file=borderline.json,line=3,title=Borderline%3A Coin flip::inconclusive:"), lines[1]
    )
    XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)), "annotations keep off the JSON")

    let strict = try check(["borderline.json", "--strict"], environment: ["GITHUB_ACTIONS": "true"])
    XCTAssertTrue(strict.stderr.hasPrefix("::error file=borderline.json"), strict.stderr)
    let elsewhere = try check(["broke.json"], environment: ["GITHUB_ACTIONS": "false"])
    XCTAssertFalse(elsewhere.stderr.contains("::"), elsewhere.stderr)
  }

  func testSetChangesTheCheckedScenario() throws {
    let rescued = try check(["broke.json", "--set", "reserve.initial=1e9", "--json"])
    XCTAssertEqual(rescued.status, 0, rescued.stderr)
    XCTAssertTrue(rescued.stdout.contains(#""verdict": "pass""#), rescued.stdout)
    let relaxed = try check(["broke.json", "--set", "assertions[Three safe years].atMost=1"])
    XCTAssertEqual(relaxed.status, 0, relaxed.stdout)
  }

  func testCommandLineAssertionsAreNamedAfterTheirText() throws {
    let outcome = try check([
      "empty.json", "broke.json", "--assert", "ruin<=5%@1y", "--assert", "reserve@95%<=240k", "--json",
    ])
    XCTAssertEqual(outcome.status, 1, "broke.json fails its own assertion and the ruin one")
    let results = try XCTUnwrap(
      (JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]])
    let rows = results.map { "\($0["file"]!) \($0["assertion"]!) \($0["verdict"]!)" }
    XCTAssertEqual(
      rows,
      [
        "empty.json ruin<=5%@1y pass", "empty.json reserve@95%<=240k pass",
        "broke.json Three safe years fail", "broke.json ruin<=5%@1y fail", "broke.json reserve@95%<=240k pass",
      ])
  }

  func testAutoPathsDoublesUntilConclusive() throws {
    // Against 35% the truth (47%) shows after a few doublings; the file's own assertion is set aside.
    let outcome = try check(
      ["borderline.json", "--set", "assertions=[]", "--assert", "ruin<=35%", "--paths", "25", "--auto-paths", "--json"])
    XCTAssertEqual(outcome.status, 1, outcome.stderr)
    let results = try XCTUnwrap(
      (JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])?["results"] as? [[String: Any]])
    XCTAssertEqual(results.count, 1)
    XCTAssertEqual(results[0]["verdict"] as? String, "fail")
    let paths = try XCTUnwrap(results[0]["paths"] as? Int)
    XCTAssertTrue(paths > 25 && paths < 20000 && (paths / 25).nonzeroBitCount == 1, "25 · 2^k paths, found \(paths)")

    // A threshold equal to the truth stays inconclusive: the doubling stops at --max-paths, which it reports.
    let capped = try check(["borderline.json", "--paths", "100", "--auto-paths", "--max-paths", "1000"])
    XCTAssertEqual(capped.status, 0)
    XCTAssertTrue(capped.stdout.contains("borderline.json: Borderline, 1000 paths, seed 3"), capped.stdout)
    XCTAssertTrue(capped.stdout.contains("inconclusive"), capped.stdout)
  }

  // MARK: Running the binary

  @discardableResult
  private func write(_ name: String, _ text: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  /// Runs `reservesim check ARGUMENTS` in the test folder (so file names are relative, as in CI).
  private func check(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandLineRunner.Outcome {
    try CommandLineRunner.run(["check"] + arguments, environment: environment, in: folder)
  }
}
