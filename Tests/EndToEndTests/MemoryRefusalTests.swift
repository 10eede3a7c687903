import Foundation
import XCTest

/// A run too large for the machine's memory is refused before it allocates: exit 2, one line, no backtrace.
final class MemoryRefusalTests: XCTestCase {
  func testBillionPathsOverACenturyAreRefusedAtOnce() throws {
    // `attribute --metric reserve@C` keeps every subset's needs for its paired bootstrap, so it is not streamed
    // (issue #23; `run`, `check`, `report`, `notebook`, `solve` and `drivers` of the same file would be, in a few
    // hundred MB, and would take hours).
    let ranged = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-today.json").path
    let started = Date()
    // 10⁹ paths × 100 years need about 1 TB: more than any machine this runs on.
    let outcome = try CommandLineRunner.run([
      "attribute", ranged, "--metric", "reserve@95%", "--paths", "1000000000", "--set", "years=100",
    ])
    let seconds = Date().timeIntervalSince(started)
    XCTAssertEqual(outcome.status, 2, outcome.stderr)
    XCTAssertEqual(outcome.stdout, "")
    let lines = outcome.stderr.split(separator: "\n")
    XCTAssertEqual(lines.count, 1, outcome.stderr)
    XCTAssertTrue(
      outcome.stderr.hasPrefix("reservesim: 1,000,000,000 paths over 100 years need about "), outcome.stderr)
    XCTAssertTrue(outcome.stderr.contains("available; at most "), outcome.stderr)
    XCTAssertFalse(outcome.stderr.contains("Fatal error"), outcome.stderr)
    // Refused before simulating anything (a run would take hours).
    XCTAssertLessThan(seconds, 20)
  }

  /// Commands that hold more than one result count them: compare holds two runs. (`check --auto-paths`, which
  /// holds its result twice while adding paths, streams its rounds instead when that would not fit: issue #23.)
  func testCommandsThatHoldSeveralResultsCountThem() throws {
    let baseline = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
    for arguments in [
      ["compare", baseline, baseline, "--paths", "900000000", "--set", "years=100"]
    ] {
      let outcome = try CommandLineRunner.run(arguments)
      XCTAssertEqual(outcome.status, 2, outcome.stderr)
      XCTAssertEqual(outcome.stdout, "")
      XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
      XCTAssertTrue(outcome.stderr.contains("holds"), outcome.stderr)
    }
  }
}
