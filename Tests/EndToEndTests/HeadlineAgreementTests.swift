import Foundation
import XCTest

/// One headline for one run: `run`'s chance sentence opens the headline `report` (its console line and its page)
/// and `check` print, word for word.
final class HeadlineAgreementTests: XCTestCase {
  func testRunReportAndCheckPrintTheSameHeadline() throws {
    let scenario = CommandLineRunner.repository.appendingPathComponent("scenarios/downturn.json").path
    // downturn.json extends pypi-today.json, which draws its estimates per group (SPEC §22): 20 groups of 100 here,
    // so the three commands' margins are over groups too.
    let options = ["--paths", "2000", "--seed", "11", "--nested", "100"]
    let run = try CommandLineRunner.run(["run", scenario] + options)
    XCTAssertEqual(run.status, 0, run.stderr)
    let headline = try XCTUnwrap(run.stdout.split(separator: "\n").first { $0.hasPrefix("With ") }.map(String.init))
    XCTAssertTrue(headline.contains("the chance of running out within 5 years is"), headline)

    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("headline-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let page = folder.appendingPathComponent("report.html").path
    let report = try CommandLineRunner.run(["report", scenario, "-o", page] + options)
    XCTAssertEqual(report.status, 0, report.stderr)
    XCTAssertTrue(report.stdout.hasPrefix(headline + " "), report.stdout)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    XCTAssertTrue(html.contains(headline.replacingOccurrences(of: "&", with: "&amp;")), "report page")

    let check = try CommandLineRunner.run(["check", scenario] + options)
    XCTAssertTrue(check.stdout.contains("\n  " + headline + " "), check.stdout)
  }
}
