import Foundation
import ReserveSim
import XCTest

/// What `sensitivity` and `sweep` clamp a varied value into is what the decoder accepts: every numeric parameter
/// of the shipped scenarios (and of a file using every Part II field) set to either end of its range still
/// decodes, so the two lists of ranges cannot drift apart unnoticed.
final class ParameterRangeTests: XCTestCase {
  private func documents() throws -> [(String, JSONValue)] {
    let folder = repositoryRoot.appendingPathComponent("scenarios")
    var documents = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted()
      .map { ($0, try ScenarioLoader().composedDocument(folder.appendingPathComponent($0).path)) }
    let partTwo = """
      {"name": "p", "years": 3, "start": "2026-01", "expenses": [{"name": "Travel", "annual": 1000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "agreement": {"ends": 20, "renewalProbability": 0.5,
         "renewalYears": 2}, "migrationCost": 10, "mitigation": {"afterMonths": 6, "costFraction": 0.3}}],
       "oneOffs": [{"name": "Audit", "month": 5, "amount": -800}],
       "policy": {"minimumMonths": 3, "cuts": {"belowMonths": 3, "restoreMonths": 5, "expenseMultiplier": 0.6},
                  "appeal": {"belowMonths": 2, "amount": 1350, "probability": 0.8, "cooldownMonths": 12}}}
      """
    documents.append(("Part II file", try JSONValue.parse(Data(partTwo.utf8), file: "part-two.json")))
    return documents
  }

  func testEveryParameterDecodesAtBothEndsOfItsRange() throws {
    var checked = 0
    for (name, document) in try documents() {
      let scenario = try Scenario(json: document)
      for (path, _) in ScenarioParameters.all(in: document) {
        let address = try ParameterAddress(path, in: scenario)
        for extreme in [-1e300, 1e300] {
          let value = ScenarioParameters.valid(extreme, for: address, in: scenario)
          // The decoder takes the number, and so does the address (moving a distribution where there is one).
          XCTAssertNoThrow(
            try Scenario(json: path.setting(.number(value), in: document)), "\(name): \(path) = \(value)")
          XCTAssertNoThrow(
            try ScenarioParameters.setting(value, at: address, in: scenario), "\(name): \(path) = \(value)")
          checked += 1
        }
      }
    }
    XCTAssertGreaterThan(checked, 200)
  }
}
