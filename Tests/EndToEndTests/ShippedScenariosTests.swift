import Foundation
import XCTest

/// Runs the built `reservesim` over the shipped scenarios and the bad fixtures, as CI and a new user would.
final class ShippedScenariosTests: XCTestCase {
  /// Runs `reservesim` with `arguments` in the repository; returns its exit code, stdout and stderr.
  func reservesim(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    let outcome = try CommandLineRunner.run(arguments, in: CommandLineRunner.repository)
    return (outcome.status, outcome.stdout, outcome.stderr)
  }

  func files(in folder: String, excluding excluded: Set<String> = []) throws -> [String] {
    try FileManager.default.contentsOfDirectory(
      atPath: CommandLineRunner.repository.appendingPathComponent(folder).path
    )
    .filter { $0.hasSuffix(".json") && !excluded.contains($0) }.sorted().map { folder + "/" + $0 }
  }

  func testShippedScenariosValidate() throws {
    let scenarios = try files(in: "scenarios", excluding: ["schema.json"])
    XCTAssertGreaterThanOrEqual(scenarios.count, 5)
    let result = try reservesim(["validate"] + scenarios)
    XCTAssertEqual(result.status, 0, result.errors)
    let verdicts = result.output.split(separator: "\n").filter { !$0.hasPrefix("  ") }
    XCTAssertEqual(verdicts.count, scenarios.count, result.output)
    XCTAssertTrue(verdicts.allSatisfy { $0.contains(": ok (") }, result.output)
    // Each file with estimates written as ranges shows what they mean (SPEC §16).
    XCTAssertTrue(
      result.output.contains("reserve.initial: {\"range\":[450000,750000]} → lognormal, 5% 450000"), result.output)
  }

  func testShippedScenariosRun() throws {
    for file in try files(in: "scenarios", excluding: ["schema.json"]) {
      // In groups of 100 paths for the files that draw their estimates per group (SPEC §22), and for the others too.
      let result = try reservesim(["run", file, "--paths", "2000", "--nested", "100", "--json"])
      XCTAssertEqual(result.status, 0, "\(file): \(result.errors)")
      let summary = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
      XCTAssertNotNil(summary?["ruinProbability"], file)
    }
  }

  func testEachBadFixtureExitsWithCode2AndOneLine() throws {
    for file in try files(in: "Tests/Fixtures/bad-scenarios") {
      let result = try reservesim(["validate", file])
      XCTAssertEqual(result.status, 2, file)
      let lines = result.errors.split(separator: "\n")
      XCTAssertEqual(lines.count, 1, "\(file): \(result.errors)")
      XCTAssertTrue(lines.first?.contains(file) ?? false, "\(file): the message should name the file: \(result.errors)")
    }
  }
}
