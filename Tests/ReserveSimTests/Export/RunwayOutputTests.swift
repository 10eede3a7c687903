import Foundation
import ReserveSim
import ReserveSimExport
import ReserveSimResults
import XCTest

/// SPEC §21's outputs: `runwayAfterLoss` in `--json`, one line per service in the text, `runway.csv`, the report and
/// the notebook, on files whose runway is known by hand. A service worth 1,000 a month whose agreement ends with
/// month 20 (paid from month 21) and no other flows: with B₀ = 5,500 every path runs out in month 26 (R = 6) and
/// falls below 2 months of cover in month 24 (4 months); with B₀ = 10⁹ none does (censored at 60 − 21 + 1 = 40).
final class RunwayOutputTests: XCTestCase {
  private func summary(initial: Double, expenses: Double = 0, minimum: Bool = true, ends: Int = 20) throws
    -> RunSummary
  {
    let policy = minimum ? #", "policy": {"minimumMonths": 2}"# : ""
    let lines = expenses > 0 ? #", "expenses": [{"name": "Rent", "annual": \#(12 * expenses)}]"# : ""
    let scenario = try makeScenario(
      """
      {"name": "runway", "years": 5, "reserve": {"initial": \(initial)}\(lines)\(policy),
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "scaling": "fixed",
                           "agreement": {"ends": \(ends), "renewalProbability": 0, "renewalYears": 1}}]}
      """)
    var simulator = Simulator(threads: 2)
    simulator.recordsFirstPaidMonths = true
    return RunSummary(simulator.run(scenario, paths: 200, seed: 3))
  }

  private func runwayJSON(_ s: RunSummary) throws -> [[String: Any]] {
    let document = try JSONSerialization.jsonObject(with: Data(SummaryJSON.encode(s).utf8)) as? [String: Any]
    return try XCTUnwrap(document?["runwayAfterLoss"] as? [[String: Any]])
  }

  func testTheJSONGivesTheExactMonthsAndNullsWhereTheCurveStaysAbove() throws {
    let known = try runwayJSON(summary(initial: 5500))
    XCTAssertEqual(known.count, 1)
    XCTAssertEqual(known[0]["service"] as? String, "CDN")
    XCTAssertEqual(known[0]["lostShare"] as? Double, 1)
    XCTAssertEqual(known[0]["ruinedBefore"] as? Int, 0)
    let runway = try XCTUnwrap(known[0]["runwayMonths"] as? [String: Any])
    XCTAssertEqual(runway["p10"] as? Int, 6)
    XCTAssertEqual(runway["p50"] as? Int, 6)
    let toMinimum = try XCTUnwrap(known[0]["toMinimumMonths"] as? [String: Any])
    XCTAssertEqual(toMinimum["p10"] as? Int, 4)
    XCTAssertEqual(toMinimum["p50"] as? Int, 4)

    let censored = try runwayJSON(summary(initial: 1e9))[0]
    let lasting = try XCTUnwrap(censored["runwayMonths"] as? [String: Any])
    XCTAssertTrue(lasting["p10"] is NSNull)
    XCTAssertTrue(lasting["p50"] is NSNull)
    XCTAssertEqual(lasting["followUpMonths"] as? Int, 40)

    XCTAssertTrue(try runwayJSON(summary(initial: 5500, minimum: false))[0]["toMinimumMonths"] is NSNull)
  }

  func testTheTextSaysOneLinePerServiceAndCensoringPlainly() throws {
    XCTAssertTrue(
      TextSummary.render(try summary(initial: 5500)).contains(
        "\nIf CDN is lost (100% of futures): half of those futures run out within 6 months of paying for it; 90% last "
          + "at least 6 months. Half fall below the board's minimum within 4 months; 90% stay above it at least 4 "
          + "months.\n"))
    XCTAssertTrue(
      TextSummary.render(try summary(initial: 1e9)).contains(
        "\nIf CDN is lost (100% of futures): half of those futures last more than 40 months of paying for it; 90% "
          + "last more than 40 months. Half stay above the board's minimum more than 40 months; 90% stay above it "
          + "more than 40 months.\n"))
    // Rent of 1,000 a month from B₀ = 2,500: run out in month 3, long before the loss.
    XCTAssertTrue(
      TextSummary.render(try summary(initial: 2500, expenses: 1000, minimum: false)).contains(
        "\nIf CDN is lost (100% of futures), the reserve had already run out before it was paid for in every one of "
          + "them.\n"))
    // An agreement that ends with the horizon's last month is never paid for within it.
    XCTAssertTrue(
      TextSummary.render(try summary(initial: 0, ends: 60)).contains(
        "\nNo simulated future has to pay for CDN within the horizon.\n"))
  }

  func testRunwayCSVHasARowPerServiceWithBlanksWhereTheCurveStaysAbove() throws {
    let known = try XCTUnwrap(CSVExport.runway(try summary(initial: 5500)))
    XCTAssertEqual(
      known.text,
      "service,lostShare,lostPaths,ruinedBefore,runwayP10,runwayP50,runwayFollowUpMonths,runwayFutures,"
        + "belowMinimumBefore,toMinimumP10,toMinimumP50,toMinimumFollowUpMonths,toMinimumFutures\r\n"
        + "CDN,1,200,0,6,6,6,200,0,4,4,4,200\r\n")
    let censored = try XCTUnwrap(CSVExport.runway(try summary(initial: 1e9, minimum: false)))
    XCTAssertEqual(
      censored.text,
      "service,lostShare,lostPaths,ruinedBefore,runwayP10,runwayP50,runwayFollowUpMonths,runwayFutures\r\n"
        + "CDN,1,200,0,,,40,200\r\n")
    XCTAssertTrue(CSVExport.files(try summary(initial: 5500), version: "test").map(\.name).contains("runway.csv"))
  }

  func testTheReportAndTheNotebookShowTheRunway() throws {
    let s = try summary(initial: 5500)
    let scenario = try makeScenario(#"{"name": "runway", "years": 5}"#)
    let page = HTMLReport.render(s, scenario: scenario, version: "test")
    XCTAssertTrue(page.contains("<h2>If a donated service is lost</h2>"))
    XCTAssertTrue(page.contains("run out within 6 months of paying for it"))
    XCTAssertTrue(page.contains("<th class=\"num\">Runway median</th>"))
    let notebook = try Notebook.render(s, scenario: scenario, version: "test")
    XCTAssertTrue(notebook.contains("\"id\": \"runway-table\""))
    XCTAssertTrue(notebook.contains("## If a donated service is lost"))
  }
}
