import Foundation
import ReserveSim
import XCTest

/// In-range inputs whose results overflow: every output stays finite, says so, and never loops.
final class OverflowTests: XCTestCase {
  /// Traffic and unit cost growing tenfold a year with volatility 5 for 100 years, a service of 10¹² a month
  /// lost at once and paid at 100 times its value: balances and needs pass ±1.8e308.
  private let runaway = """
    {"name": "Overflow", "years": 100,
     "factors": {"traffic": {"annualGrowth": 10, "annualVolatility": 5}, "unitCost": {"annualGrowth": 10, "annualVolatility": 5}},
     "inKindServices": [{"name": "CDN", "monthlyValue": 1e12, "scaling": "traffic", "annualLossProbability": 1,
                         "replacementCostFraction": 100}]}
    """

  func testTicksTerminateOnAnyValues() {
    for values in [[-Double.infinity, .infinity], [.nan], [1e308, -1e308], [0, .greatestFiniteMagnitude], []] {
      let ticks = SVGChart.niceTicks(covering: values)
      XCTAssertLessThanOrEqual(ticks.count, 30, "\(values)")
      XCTAssertTrue(ticks.allSatisfy(\.isFinite), "\(values): \(ticks)")
    }
  }

  func testEveryOutputOfAnOverflowingRunIsFiniteAndSaysSo() throws {
    let scenario = try makeScenario(runaway)
    // Seed 1, 500 paths: some paths overflow (checked: the warnings are asserted below).
    let summary = RunSummary(simulate(scenario, paths: 500, seed: 1))
    XCTAssertFalse(summary.warnings.isEmpty)
    let json = try SummaryJSON.encode(summary)
    XCTAssertFalse(json.contains("null"), json)
    XCTAssertTrue(json.contains("\"warnings\""))
    let values =
      summary.requiredReserve.flatMap { [$0.value, $0.lower, $0.upper] }
      + summary.expectedShortfall.map(\.value) + summary.balanceByYear.flatMap { [$0.p5, $0.p50, $0.p95, $0.mean] }
    XCTAssertTrue(values.allSatisfy(\.isFinite))
    XCTAssertFalse(TextSummary.render(summary).contains("inf"))
    XCTAssertTrue(TextSummary.render(summary).contains("Warning:"))
    let csv = CSVExport.files(summary, version: "test").map(\.contents).joined()
    XCTAssertFalse(csv.contains("inf") || csv.contains("nan"))
    // No blank cell but the expected shortfall at 50% and 75%, which no output shows (RunSummary's levels).
    var blanks: [String] = []
    for file in CSVExport.files(summary, version: "test") {
      for row in file.contents.components(separatedBy: "\r\n") where row.contains(",,") {
        blanks.append(file.name + " " + (row.components(separatedBy: ",").first ?? ""))
      }
    }
    XCTAssertEqual(blanks, ["reserve.csv 0.5", "reserve.csv 0.75"])
    let report = HTMLReport.render(summary, scenario: scenario, version: "test")
    XCTAssertTrue(report.contains("Warning:"))
  }

  func testAnOrdinaryRunHasNoWarning() throws {
    let scenario = try makeScenario(#"{"name": "calm", "years": 3, "expenses": [{"name": "x", "annual": 1000}]}"#)
    XCTAssertEqual(RunSummary(simulate(scenario, paths: 100)).warnings, [])
  }
}
