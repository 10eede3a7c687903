import Foundation
import ReserveSim
import ReserveSimAnalysis
import ReserveSimEngine
import XCTest

/// The attribution's outputs (SPEC §20): the JSON's exact keys, the text's sum, the report's and notebook's parts.
final class AttributionOutputTests: XCTestCase {
  func attribution() throws -> (Attribution, Scenario) {
    let scenario = try makeScenario(
      """
      {"name": "out", "years": 3, "reserve": {"initial": 100000}, "expenses": [{"name": "Staff", "annual": 30000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 20000, "annualLossProbability": 0.3}],
       "events": [{"name": "Downturn", "annualProbability": 0.2, "serviceLossMultiplier": 3}]}
      """)
    let a = try Attribution(
      scenario: scenario, metric: .ruin, paths: 400, seed: 5, simulator: Simulator(threads: 2))
    return (a, scenario)
  }

  func testJSONAndText() throws {
    let (a, _) = try attribution()
    let json = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(AttributionOutput.json(a).utf8)) as? [String: Any])
    XCTAssertEqual(Set(json.keys), ["metric", "total", "budgetItself", "sources"])
    let text = AttributionOutput.text(a)
    XCTAssertTrue(text.contains("Budget itself + shares: "))
    XCTAssertTrue(text.contains(" = \(AttributionOutput.value(a.sumOfShares, of: a)) (total "))
    let table = AttributionOutput.table(a)
    XCTAssertEqual(table.rows.map { $0[2] }, ["budget", "service", "event", "total"])
  }

  func testReportAndNotebookShowIt() throws {
    let (a, scenario) = try attribution()
    let summary = RunSummary(simulate(scenario, paths: 400, seed: 5))
    let page = HTMLReport.render(summary, scenario: scenario, version: "t", attribution: a)
    XCTAssertTrue(page.contains("<h2>Where the risk comes from</h2>"))
    XCTAssertTrue(page.contains("Bar chart: the budget itself"))
    XCTAssertFalse(HTMLReport.render(summary, scenario: scenario, version: "t").contains("Where the risk comes from"))
    let notebook = try Notebook.render(summary, scenario: scenario, version: "t", attribution: a)
    let document = try XCTUnwrap(
      try JSONSerialization.jsonObject(with: Data(notebook.utf8)) as? [String: Any])
    let cells = try XCTUnwrap(document["cells"] as? [[String: Any]])
    let ids = cells.compactMap { $0["id"] as? String }
    XCTAssertTrue(ids.contains("attribution-chart"), "\(ids)")
  }
}
