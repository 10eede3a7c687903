import Foundation
import ReserveSim
import ReserveSimAnalysis
import ReserveSimExport
import ReserveSimResults
import ReserveSimScenario
import XCTest

/// `check`'s metric `belowMinimum` and its compact form (SPEC §9, §15).
final class BelowMinimumCheckTests: XCTestCase {
  func testTheVerdictUsesTheShareBelowTheMinimumWithItsWilsonInterval() throws {
    // Deterministic: B(m) = 10,000 − 500m against an outgo of 2,000, so the cover falls below 3 months at month 9
    // on every path: by the end of year 1 every path has been below the minimum.
    var scenario = try makeScenario(
      """
      {"name": "cover", "years": 2, "reserve": {"initial": 10000},
       "income": [{"name": "grant", "annual": 18000}],
       "expenses": [{"name": "staff", "annual": 24000}],
       "policy": {"minimumMonths": 3},
       "assertions": [{"name": "Rarely under three months", "metric": "belowMinimum", "withinYears": 1, "atMost": 0.5}]}
      """)
    XCTAssertEqual(scenario.assertions[0].metric, .belowMinimum(withinYears: 1))
    let result = simulate(scenario, paths: 500)
    let summary = RunSummary(result)
    XCTAssertEqual(summary.belowMinimumByYear, [1, 1])
    let check = AssertionCheck.evaluate(scenario.assertions[0], summary: summary)
    XCTAssertEqual(check.estimate, 1)
    XCTAssertEqual(check.verdict, .fail)
    XCTAssertEqual(AssertionCheck.evaluate(scenario.assertions, result: result), [check])
    // With a minimum of 1 month the cover (B(m)/2,000 with B(m) = 10,000 − 500m) stays above it for 2 years.
    scenario.policy = ResponsePolicy(minimumMonths: 1)
    let above = RunSummary(simulate(scenario, paths: 500))
    XCTAssertEqual(AssertionCheck.evaluate(scenario.assertions[0], summary: above).verdict, .pass)
  }

  func testTheCompactFormNamesTheMinimum() throws {
    let compact = try CompactAssertion(parsing: "below<=10%@1y")
    XCTAssertEqual(compact.metric, .belowMinimum(withinYears: 1))
    XCTAssertEqual(compact.atMost, 0.1)
    XCTAssertEqual(try CompactAssertion(parsing: "belowMinimum<=0.2").metric, .belowMinimum(withinYears: nil))
    let withMinimum = try makeScenario(#"{"name": "m", "years": 3, "policy": {"minimumMonths": 2}}"#)
    XCTAssertEqual(try compact.assertion(for: withMinimum).metric, .belowMinimum(withinYears: 1))
    let without = try makeScenario(#"{"name": "m", "years": 3}"#)
    XCTAssertThrowsError(try compact.assertion(for: without)) { error in
      XCTAssertTrue("\(error)".contains("no board minimum"), "\(error)")
    }
  }
}

/// Every output speaks months of outgo and reports the board's minimum (SPEC §15).
final class MonthsOfOutgoOutputTests: XCTestCase {
  private func summary(policy: ResponsePolicy?) throws -> RunSummary {
    var scenario = try makeScenario(
      """
      {"name": "cover", "years": 2, "reserve": {"initial": 10000},
       "income": [{"name": "grant", "annual": 18000}],
       "expenses": [{"name": "staff", "annual": 12000}, {"name": "travel", "annual": 12000}]}
      """)
    scenario.policy = policy
    return RunSummary(simulate(scenario, paths: 200))
  }

  func testTheReserveIsShownInMonthsOfMonthOneOutgo() throws {
    let s = try summary(policy: ResponsePolicy(minimumMonths: 3))
    // Outgo 2,000 a month; the need is the deepest cumulative deficit, 500 a month for 24 months = 12,000,
    // shown against B₀ = 10,000 as a need of 12,000 (the closed formula ignores B₀), i.e. 6 months.
    XCTAssertEqual(s.monthlyOutgoMonth1, 2000, accuracy: 1e-9)
    XCTAssertEqual(s.months(of: s.requiredReserve[0].value) ?? .nan, 6, accuracy: 1e-9)
    let json = try SummaryJSON.encode(s)
    XCTAssertTrue(json.contains("\"months\" : 6") || json.contains("\"months\": 6"), json)
    XCTAssertTrue(json.contains("\"belowMinimumByYear\""), json)
    XCTAssertTrue(
      json.contains("\"requiredReserveMethod\" : \"exact\"") || json.contains("\"requiredReserveMethod\": \"exact\""))
    let text = TextSummary.render(s)
    XCTAssertTrue(text.contains("board's minimum of 3 months of outgo"), text)
    XCTAssertTrue(text.contains("months"), text)
    let csv = CSVExport.reserve(s).text
    XCTAssertTrue(csv.hasPrefix("confidence,requiredReserve,lower95,upper95,expectedShortfall,monthsOfOutgo"), csv)
    XCTAssertTrue(s.reserveNotes.contains { $0.contains("board's minimum") })
  }

  func testSearchModeLeavesOutTheShortfallAndSaysWhy() throws {
    let s = try summary(policy: ResponsePolicy(cuts: ExpenseCuts(belowMonths: 3, expenseMultiplier: 0.5)))
    XCTAssertEqual(s.requiredReserveMethod, .search)
    XCTAssertTrue(s.expectedShortfall.isEmpty)
    let json = try SummaryJSON.encode(s)
    XCTAssertTrue(json.contains("\"expectedShortfall\" : null") || json.contains("\"expectedShortfall\": null"), json)
    XCTAssertTrue(json.contains("expectedShortfallOmitted"), json)
    XCTAssertTrue(TextSummary.render(s).contains("(expected shortfall): not shown"))
  }
}

/// The report's and notebook's assumption tables show Part II's fields.
final class PartTwoAssumptionTableTests: XCTestCase {
  func testAgreementsOneOffsAndThePolicyAreListed() throws {
    var scenario = try makeScenario(
      """
      {"name": "a", "years": 5, "start": "2026-01", "expenses": [{"name": "Travel", "annual": 1000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "agreement": {"ends": "2029-04", "renewalProbability": 0.8,
                            "renewalYears": 5}, "migrationCost": 250000, "mitigation": {"afterMonths": 6, "costFraction": 0.3}}],
       "oneOffs": [{"name": "Audit", "month": "2026-03", "amount": -80000}],
       "policy": {"minimumMonths": 3, "cuts": {"belowMonths": 3, "expenseMultiplier": 0.6, "lines": ["Travel"]},
                  "appeal": {"belowMonths": 2, "amount": 135000}}}
      """)
    XCTAssertEqual(scenario.inKindServices[0].agreement?.ends, 40)
    XCTAssertEqual(scenario.oneOffs[0].month, 3)
    let tables = AssumptionTables.tables(scenario)
    let agreements = try XCTUnwrap(tables.first { $0.title.hasSuffix(": dated agreement") })
    XCTAssertEqual(agreements.header, ["Service", "Ends", "Renewal chance", "Renewed for"])
    XCTAssertEqual(agreements.rows[0], ["CDN", "2029-04 (month 40)", "80%", "5 years"])
    let services = try XCTUnwrap(tables.first { $0.title == "Donated services that can be lost" })
    XCTAssertEqual(services.rows[0].last, "$250,000")
    let mitigation = try XCTUnwrap(tables.first { $0.title.hasSuffix(": cheaper cost once adapted") })
    XCTAssertEqual(mitigation.rows[0], ["CDN", "6 months", "30%"])
    let oneOffs = try XCTUnwrap(tables.first { $0.title == "One-off items" })
    XCTAssertEqual(oneOffs.rows[0][1], "2026-03 (month 3)")
    let responses = try XCTUnwrap(tables.first { $0.title == "The organisation's responses" })
    XCTAssertEqual(
      responses.rows.map { $0[0] },
      [
        "Board minimum", "Cuts: start below", "Cuts: end once the cover is back to", "Cuts: cut lines paid at",
        "Cuts: lines cut (all when none named)", "Emergency appeal: made below", "Emergency appeal: amount",
        "Emergency appeal: chance answered", "Emergency appeal: at most once in",
      ])
    XCTAssertEqual(responses.rows[4][1], "Travel")
    scenario.policy = nil
    XCTAssertNil(AssumptionTables.tables(scenario).first { $0.title == "The organisation's responses" })
  }

  /// An estimate written as a distribution shows the statistic the model holds, named, and the distribution as
  /// written — at every depth (a factor, a nested agreement, the reserve).
  func testAnEstimateSaysWhichStatisticItShows() throws {
    let scenario = try makeScenario(
      """
      {"name": "d", "years": 5, "start": "2026-01", "reserve": {"initial": {"uniform": [1000, 3000]}},
       "factors": {"traffic": {"annualGrowth": {"range": [0.2, 0.4]}}},
       "inKindServices": [{"name": "CDN", "monthlyValue": 1000,
                           "agreement": {"ends": "2029-04", "renewalProbability": {"range": [0.6, 0.93]}, "renewalYears": 5}}]}
      """)
    let tables = AssumptionTables.tables(scenario)
    let drivers = try XCTUnwrap(tables.first { $0.title.hasPrefix("Random drivers") })
    XCTAssertEqual(drivers.rows[0][1], "median 28.28% (90% range 20% – 40%)")
    let agreements = try XCTUnwrap(tables.first { $0.title.hasSuffix(": dated agreement") })
    XCTAssertEqual(agreements.rows[0][2], "median 81.7% (90% range 60% – 93%)")
    let reserve = try XCTUnwrap(tables.first { $0.title == "Reserve and horizon" })
    XCTAssertEqual(reserve.rows[0], ["Initial reserve", "median $2,000 (uniform $1,000 – $3,000)"])
  }
}

/// The budget a treasurer checks first: month 1 as written, and the expected flows by year.
final class BudgetTests: XCTestCase {
  func testMonthOneBudgetAndExpectedFlows() throws {
    let scenario = try makeScenario(
      """
      {"name": "b", "years": 2,
       "income": [{"name": "Grant", "annual": 120000}, {"name": "Later", "annual": 12000, "fromYear": 2}],
       "expenses": [{"name": "Staff", "annual": 240000}],
       "sponsorTiers": [{"name": "Gold", "annualAmount": 24000, "count": 3, "renewalProbability": 1}],
       "inKindServices": [{"name": "CI", "monthlyValue": 4000}],
       "oneOffs": [{"name": "Gift", "month": 1, "amount": 500}]}
      """)
    let summary = RunSummary(simulate(scenario, paths: 50))
    let budget = summary.budget
    XCTAssertEqual(budget.month1.map(\.monthly), [10000, 0, 6000, -20000, 500, 4000])
    XCTAssertEqual(budget.month1[1].note, "from year 2")
    // Net: 10,000 + 6,000 − 20,000 + 500; the donated service's value is not a cash flow.
    XCTAssertEqual(budget.month1Net, -3500)
    let text = TextSummary.render(summary)
    XCTAssertTrue(text.contains("Month-1 budget") && text.contains("Expected flows by year"), text)
    XCTAssertLessThan(
      text.range(of: "Month-1 budget")!.lowerBound, text.range(of: "the chance of running out")!.lowerBound)
    let json = try SummaryJSON.encode(summary)
    XCTAssertTrue(json.contains("\"month1Net\""), json)
    XCTAssertTrue(HTMLReport.render(summary, scenario: scenario, version: "t").contains("What the inputs imply"))
    // Year 2's expected income: the grant and the later line, 132,000 (no factor, no event).
    XCTAssertEqual(summary.yearlyFlows[1].income, 132000, accuracy: 1e-6)
  }
}

/// Labels a person reads: a sweep's axis values as typed, and compare's B named by what changed.
final class WhatIfLabelTests: XCTestCase {
  func testSweepValuesAreTheRoundNumbersTyped() throws {
    let axis = try XCTUnwrap(try SweepAxis(parsing: "reserve.annualReturn=0:0.3:4"))
    XCTAssertEqual(axis.values, [0, 0.1, 0.2, 0.3])
    XCTAssertEqual(axis.values.map { "\($0)" }, ["0.0", "0.1", "0.2", "0.3"])
  }
}

/// SPEC §19's `policyActivity` in every output: `--json`, `policy.csv`, the text summary, the report and the notebook.
final class PolicyActivityOutputTests: XCTestCase {
  /// The deterministic cuts of `PolicyActivityTests`: travel halved in months 10 … 13, 500 unpaid a month.
  private func summary() throws -> (RunSummary, Scenario) {
    var scenario = try makeScenario(
      """
      {"name": "cover", "years": 2, "start": "2030-01", "reserve": {"initial": 10000},
       "income": [{"name": "grant", "annual": 18000}, {"name": "second grant", "annual": 12000, "fromYear": 2}],
       "expenses": [{"name": "staff", "annual": 12000}, {"name": "travel", "annual": 12000}]}
      """)
    scenario.policy = ResponsePolicy(
      cuts: ExpenseCuts(belowMonths: 3, restoreMonths: 4, expenseMultiplier: 0.5, lines: ["travel"]),
      appeal: EmergencyAppeal(belowMonths: 0.5, amount: 1000, maxAppeals: 1))
    return (RunSummary(simulate(scenario, paths: 100)), scenario)
  }

  func testTheJSONHasARowPerYear() throws {
    let (s, _) = try summary()
    let document = try XCTUnwrap(
      JSONSerialization.jsonObject(with: Data(try SummaryJSON.encode(s).utf8)) as? [String: Any])
    let rows = try XCTUnwrap(document["policyActivity"] as? [[String: Any]])
    XCTAssertEqual(rows.count, 2)
    XCTAssertEqual(
      Set(rows[0].keys), ["year", "cutShare", "cutMonths", "cutAmount", "appeals", "appealsAnswered", "raised"])
    XCTAssertEqual(rows[0]["cutMonths"] as? Double, 3)
    XCTAssertEqual(rows[0]["cutAmount"] as? Double, 1500)
    XCTAssertEqual(rows[1]["cutShare"] as? Double, 1)
    XCTAssertEqual(rows[1]["appeals"] as? Double, 0)
  }

  func testPolicyCSVIsWrittenWithTheOthers() throws {
    let (s, scenario) = try summary()
    let files = CSVExport.files(s, version: "1")
    XCTAssertEqual(files.map(\.name), ["yearly.csv", "reserve.csv", "summary.csv", "policy.csv"])
    XCTAssertEqual(CSVExport.fileNames(for: scenario), files.map(\.name))
    XCTAssertEqual(
      files[3].contents,
      "year,calendarYear,cutShare,cutMonths,cutAmount,appeals,appealsAnswered,raised\r\n"
        + "1,2030,1,3,1500,0,0,0\r\n2,2031,1,1,500,0,0,0\r\n")
  }

  func testTheTextReportAndNotebookShowTheTable() throws {
    let (s, scenario) = try summary()
    let title = "What the responses did, by year (means over all futures)"
    let text = TextSummary.render(s)
    XCTAssertTrue(text.contains(title), text)
    XCTAssertTrue(text.contains("Months cut"), text)
    let html = HTMLReport.render(s, scenario: scenario, version: "1")
    XCTAssertTrue(html.contains("<h3>\(title)</h3>"))
    XCTAssertTrue(html.contains("Months cut"))
    let notebook = try Notebook.render(s, scenario: scenario, version: "1")
    XCTAssertTrue(notebook.contains(#"pd.DataFrame(summary[\"policyActivity\"])"#), "the notebook's table cell")
    XCTAssertTrue(notebook.contains("policy-table"))
    // Without cuts or appeal none of them has it.
    var plain = scenario
    plain.policy = nil
    let without = RunSummary(simulate(plain, paths: 100))
    XCTAssertFalse(TextSummary.render(without).contains(title))
    XCTAssertFalse(HTMLReport.render(without, scenario: plain, version: "1").contains(title))
    XCTAssertFalse(try Notebook.render(without, scenario: plain, version: "1").contains("policyActivity"))
  }
}
