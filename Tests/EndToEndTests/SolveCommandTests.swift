import Foundation
import XCTest

/// `reservesim solve` end to end: the JSON shape of SPEC §18 on a deterministic file, and bad input.
final class SolveCommandTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws { folder = try CommandLineRunner.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  /// Rent 10,000 a month for 3 years, a minimum of 2 months: need within 2 years 240,000, need for the minimum
  /// within 3 years 380,000 (binding); a lever on the rent scales both.
  private static let deficit = """
    {"name": "deficit", "years": 3, "expenses": [{"name": "Rent", "annual": 120000}],
     "policy": {"minimumMonths": 2}}
    """

  private func write(_ text: String) throws -> String {
    let url = folder.appendingPathComponent("deficit.json")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  func testJSONShapeAndValues() throws {
    let file = try write(Self.deficit)
    let result = try CommandLineRunner.run([
      "solve", file, "--target", "ruin<=5%@2y", "--target", "below<=5%", "--lever",
      "expenses[Rent].annual=60000:120000:2",
      "--frontier", "--paths", "300", "--json",
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let targets = try XCTUnwrap(json["targets"] as? [[String: Any]])
    XCTAssertEqual(targets.map { $0["spec"] as? String }, ["ruin<=5%@2y", "below<=5%"])
    XCTAssertEqual(targets.map { $0["metric"] as? String }, ["ruin", "below"])
    XCTAssertEqual(targets.map { $0["withinYears"] as? Int }, [2, 3])
    XCTAssertEqual(targets.map { $0["atMost"] as? Double }, [0.05, 0.05])
    let levers = try XCTUnwrap(json["levers"] as? [[String: Any]])
    XCTAssertEqual(levers.first?["path"] as? String, "expenses[Rent].annual")
    XCTAssertEqual(levers.first?["values"] as? [Double], [60000, 120000])
    let rows = try XCTUnwrap(json["rows"] as? [[String: Any]])
    // Half the rent needs half the reserve: (36 + 2) months of 5,000, then of 10,000 (plus the cent of margin).
    XCTAssertEqual(rows.map { $0["reserve"] as? Double }, [190_000.01, 380_000.01])
    XCTAssertEqual(rows.map { ($0["levers"] as? [String: Double])?["expenses[Rent].annual"] }, [60000, 120000])
    XCTAssertEqual(rows.map { $0["binding"] as? String }, ["below<=5%", "below<=5%"])
    XCTAssertEqual(rows.map { $0["efficient"] as? Bool }, [true, false])
    for key in ["months", "expectedCutPerYear", "cutShare", "appealsPerPath"] { XCTAssertNotNil(rows[0][key], key) }
    let best = try XCTUnwrap(json["best"] as? [String: Any])
    XCTAssertEqual(best["reserve"] as? Double, 190_000.01)
    let check = try XCTUnwrap(best["check"] as? [String: Any])
    XCTAssertEqual(check["seed"] as? Int, 2)
    let checked = try XCTUnwrap(check["targets"] as? [[String: Any]])
    XCTAssertEqual(checked.map { $0["verdict"] as? String }, ["pass", "pass"])
    let frontier = try XCTUnwrap(json["frontier"] as? [[String: Any]])
    XCTAssertEqual(frontier.map { $0["atMost"] as? Double }, [0.005, 0.01, 0.02, 0.05, 0.1, 0.2])
  }

  /// `--report`: one self-contained page with the plans, the check and the frontier as a chart.
  func testReportHasThePlansTheCheckAndTheFrontierChart() throws {
    let file = try write(Self.deficit)
    let report = folder.appendingPathComponent("plan.html").path
    let result = try CommandLineRunner.run([
      "solve", file, "--target", "below<=5%", "--lever", "expenses[Rent].annual=60000:120000:2", "--frontier",
      "--paths", "300", "--report", report,
    ])
    XCTAssertEqual(result.status, 0, result.stderr)
    let html = try String(contentsOfFile: report, encoding: .utf8)
    XCTAssertTrue(html.contains("Cheapest plan: hold $190,000"), html)
    XCTAssertTrue(html.contains("<h2>Out of sample</h2>"))
    XCTAssertTrue(html.contains("Least reserve against the chance allowed"))
    XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 1)
    // Months of outgo beside the amounts on the reserve axis (the base file's 10,000 a month).
    XCTAssertTrue(html.contains(" mo)"), html)
    // No resource from anywhere else (the SVG namespace is a name, not a resource).
    for forbidden in ["<script", "<link", "<img", "src=", "href=", "@import"] {
      XCTAssertFalse(html.contains(forbidden), forbidden)
    }
  }

  func testBadInputExitsTwoWithOneLine() throws {
    let noMinimum = try write(#"{"name": "x", "years": 3, "expenses": [{"name": "Rent", "annual": 1}]}"#)
    let cases: [([String], String)] = [
      (["--target", "below<=5%@3y"], "policy.minimumMonths"),
      (["--target", "reserve@95%<=1M"], "solve finds"),
      (["--target", "ruin<=5%", "--lever", "reserve.initial=0:1M:3"], "the unknown"),
      (["--target", "ruin<=5%", "--lever", "expenses[Food].annual=0:1:3"], "Food"),
      (["--target", "ruin<=5%", "--lever", "name=0:1:3"], "name"),
      (
        [
          "--target", "ruin<=5%", "--lever", "expenses[Rent].annual=0:1:40", "--lever",
          "expenses[Rent].annualGrowth=0:1:40",
        ],
        "at most 1000"
      ),
      (["--lever", "expenses[Rent].annual=0:1:3"], "--target"),
    ]
    for (arguments, expected) in cases {
      let result = try CommandLineRunner.run(["solve", noMinimum, "--paths", "100"] + arguments)
      XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
      XCTAssertTrue(result.stderr.contains(expected), "\(arguments): \(result.stderr)")
      XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, "\(arguments): \(result.stderr)")
      XCTAssertEqual(result.stdout, "", "\(arguments)")
    }
  }
}
