import Foundation
import XCTest

/// The scenario format through the binary: `reservesim schema` prints exactly the committed schema and
/// reference (what `scripts/generate-format.sh` writes), and a percentage string is taken as meant.
final class ScenarioFormatEndToEndTests: XCTestCase {
  func testSchemaCommandPrintsTheCommittedFiles() throws {
    let repository = CommandLineRunner.repository
    for (arguments, file) in [(["schema"], "scenarios/schema.json"), (["schema", "--doc"], "docs/scenario-format.md")] {
      let outcome = try CommandLineRunner.run(arguments)
      XCTAssertEqual(outcome.status, 0, outcome.stderr)
      let committed = try String(contentsOf: repository.appendingPathComponent(file), encoding: .utf8)
      XCTAssertEqual(outcome.stdout, committed, "\(file) is out of date: bash scripts/generate-format.sh")
    }
  }

  func testAPercentageStringPassesStrictChecksWhereTheSameNumberWarns() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    func file(_ name: String, growth: String) throws -> String {
      let url = folder.appendingPathComponent(name)
      try Data(
        #"{"name": "g", "years": 2, "factors": {"traffic": {"annualGrowth": \#(growth)}}, "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "scaling": "traffic"}]}"#
          .utf8
      ).write(to: url)
      return url.path
    }
    let written = try file("written.json", growth: #""150%""#)
    let typed = try file("typed.json", growth: "1.5")
    let quiet = try CommandLineRunner.run(["validate", "--strict", written])
    XCTAssertEqual(quiet.status, 0, quiet.stderr)
    XCTAssertEqual(quiet.stderr, "")
    let loud = try CommandLineRunner.run(["validate", typed])
    XCTAssertEqual(loud.status, 0, loud.stderr)
    XCTAssertTrue(
      loud.stderr.contains("$.factors.traffic.annualGrowth: is 1.5, i.e. +150% a year; if you meant 1.5%, write 0.015"),
      loud.stderr)
    let strict = try CommandLineRunner.run(["validate", "--strict", typed])
    XCTAssertEqual(strict.status, 2)
    XCTAssertEqual(strict.stdout, "")
  }
}
