import Foundation
import ReserveSim
import XCTest

/// SPEC §16's `uncertainty` in every output of a run of an uncertain file: the JSON keys and order, the text
/// summary's table, the report's bars and table, the notebook's chart cell, and `sensitivity --global`'s CSV.
final class UncertaintyOutputTests: XCTestCase {
  /// The estimator can land below 0 (its bias correction overshoots for an estimate that does not matter):
  /// every output clamps the index and its interval ends to [0, 1], never a negative zero.
  func testIndicesAreClampedToSharesWithoutNegativeZero() {
    let small = SensitivityIndex(estimate: -0.003, halfWidth: 0.01)
    XCTAssertEqual(small, SensitivityIndex(index: 0, lower: 0, upper: 0.007))
    XCTAssertEqual(small.index.sign, .plus)
    XCTAssertEqual(SensitivityIndex(estimate: -0.0, halfWidth: 0).index.sign, .plus)
    XCTAssertEqual(
      SensitivityIndex(estimate: 0.995, halfWidth: 0.01), SensitivityIndex(index: 0.995, lower: 0.985, upper: 1))
    XCTAssertEqual(UncertaintyRanking.percentWithInterval(small), "0.0% (0.0–0.7%)")
    XCTAssertEqual(OrderedJSON.number(small.index).text(), "0")
  }

  func testEveryOutputCarriesTheRanking() throws {
    var scenario = try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path)
    // §16's per-path ranking alone: each path draws its own estimates (NestedOutputTests covers SPEC §22's groups).
    scenario.simulation.nested = nil
    let summary = RunSummary(simulate(scenario, paths: 4000))
    XCTAssertEqual(summary.uncertainty.count, scenario.uncertainParameters.count)

    let json = try JSONValue.parse(Data(SummaryJSON.encode(summary).utf8), file: "summary")
    guard case .object(let document) = json, case .array(let entries)? = document["uncertainty"] else {
      return XCTFail("no uncertainty list in --json")
    }
    var needs: [Double] = []
    for entry in entries {
      guard case .object(let fields) = entry else { return XCTFail("an entry is not an object") }
      XCTAssertEqual(Set(fields.keys), ["path", "distribution", "ruin", "need"])
      guard case .object(let need)? = fields["need"], case .number(let index)? = need["index"],
        case .number(let lower)? = need["lower"], case .number(let upper)? = need["upper"]
      else { return XCTFail("need is not {index, lower, upper}") }
      XCTAssertLessThanOrEqual(lower, index)
      XCTAssertLessThanOrEqual(index, upper)
      // One rule everywhere: indices and their ends are shares in [0, 1], as the text shows them.
      for x in [lower, index, upper] { XCTAssertTrue(x >= 0 && x <= 1 && x.sign == .plus, "\(x)") }
      needs.append(index)
      guard case .string(let path)? = fields["path"] else { return XCTFail("no path") }
      XCTAssertTrue(scenario.uncertainParameters.contains { $0.path.description == path }, path)
    }
    XCTAssertEqual(needs, needs.sorted(by: >), "sorted by need.index, largest first")

    let text = TextSummary.render(summary)
    XCTAssertTrue(text.contains("What matters most to pin down"))
    XCTAssertTrue(text.contains("… and \(entries.count - 5) more"))

    let report = HTMLReport.render(summary, scenario: scenario, version: "test")
    XCTAssertTrue(report.contains("<h2>What matters most to pin down</h2>"))
    XCTAssertEqual(report.components(separatedBy: "<div class=\"bar\"").count - 1, entries.count)

    let notebook = try Notebook.render(summary, scenario: scenario, version: "test")
    XCTAssertTrue(notebook.contains("\"id\": \"uncertainty-chart\""))

    let table = UncertaintyExport.table(summary)
    XCTAssertEqual(table.rows.count, entries.count)
    XCTAssertEqual(table.header.first, "rank")
  }

  /// A file without distributions shows none of it.
  func testPointFilesShowNoRanking() throws {
    let scenario = try ScenarioLoader().load(
      repositoryRoot.appendingPathComponent("scenarios/pypi-2020-baseline.json").path)
    let summary = RunSummary(simulate(scenario, paths: 1000))
    XCTAssertTrue(summary.uncertainty.isEmpty)
    XCTAssertFalse(try SummaryJSON.encode(summary).contains("uncertainty"))
    XCTAssertFalse(TextSummary.render(summary).contains("pin down"))
  }
}
