import Foundation
import Testing

@testable import ReserveSim

/// The month-1 budget and the mean flows by year: what the inputs imply, shown first in every readable output
/// and under `budget` in the JSON.
@Suite struct BudgetReportTests {
  let fixture = OutputFixtures.standard

  /// Income annual/12, sponsors count × annualAmount/12, an expense that starts in year 2 pays nothing in month 1,
  /// a donated service at its monthly value; net = income + sponsors − expenses.
  @Test func monthOneFollowsTheFile() throws {
    let budget = MonthOneBudget(fixture.scenario)
    let byName = Dictionary(uniqueKeysWithValues: budget.lines.map { ($0.name, $0) })
    #expect(byName["Donations"]?.monthly == 250_000.0 / 12)
    #expect(byName["Gold"]?.monthly == 2 * 50_000.0 / 12)
    #expect(byName["Gold"]?.count == 2)
    #expect(byName["Staff"]?.monthly == 0)
    #expect(byName["CDN"]?.monthly == 20_000)
    #expect(budget.lines.map(\.kind) == [.income, .sponsors, .expense, .donatedService])
    #expect(abs(budget.net - (250_000.0 / 12 + 100_000.0 / 12)) < 1e-9)

    var paying = fixture.scenario
    paying.expenses[0].fromYear = nil
    #expect(MonthOneBudget(paying).total(.expense) == 25_000)
  }

  /// `budget.byYear` is `flowsByYear` with its net; month 1's totals match its lines.
  @Test func jsonCarriesTheBudget() throws {
    let s = fixture.summary
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(SummaryJSON.encode(s).utf8)) as? [String: Any])
    let budget = try #require(object["budget"] as? [String: Any])
    let month1 = try #require(budget["month1"] as? [String: Any])
    let lines = try #require(month1["lines"] as? [[String: Any]])
    #expect(lines.count == 4)
    #expect((month1["net"] as? Double).map { abs($0 - s.monthOneBudget.net) < 1e-6 } == true)
    let byYear = try #require(budget["byYear"] as? [[String: Any]])
    let flows = try #require(object["flowsByYear"] as? [[String: Any]])
    #expect(byYear.count == s.years)
    for (year, flow) in zip(byYear, flows) {
      let income = try #require(year["income"] as? Double), sponsors = try #require(year["sponsorRevenue"] as? Double)
      let expenses = try #require(year["expenses"] as? Double), costs = try #require(year["serviceCosts"] as? Double)
      #expect(income == flow["meanIncome"] as? Double)
      #expect(expenses == flow["meanExpenses"] as? Double)
      let net = try #require(year["net"] as? Double)
      #expect(abs(net - (income + sponsors - expenses - costs)) <= 1e-9 * max(1, abs(net)))
    }
  }

  /// The text summary, the report and the notebook show the budget before the headline's probability.
  @Test func budgetComesBeforeTheProbabilities() throws {
    let s = fixture.summary
    let text = TextSummary.render(s)
    let budgetAt = try #require(text.range(of: "Budget in month 1")).lowerBound
    let flowsAt = try #require(text.range(of: "Expected flows by year")).lowerBound
    let headlineAt = try #require(text.range(of: s.headline)).lowerBound
    #expect(budgetAt < flowsAt && flowsAt < headlineAt)
    #expect(text.contains("Gold (2 × $50k a year)"))

    let html = HTMLReport.render(s, scenario: fixture.scenario, version: "1")
    let htmlBudget = try #require(html.range(of: "What the inputs imply")).lowerBound
    let htmlHeadline = try #require(html.range(of: "class=\"headline\"")).lowerBound
    #expect(htmlBudget < htmlHeadline)

    let notebook = try Notebook.render(s, scenario: fixture.scenario, version: "1")
    let document = try #require(JSONSerialization.jsonObject(with: Data(notebook.utf8)) as? [String: Any])
    let cells = try #require(document["cells"] as? [[String: Any]])
    let overview = try #require(cells.first.flatMap { ($0["source"] as? [String])?.joined() })
    let notebookBudget = try #require(overview.range(of: "What the inputs imply")).lowerBound
    let notebookHeadline = try #require(overview.range(of: Notebook.markdown(s.headline))).lowerBound
    #expect(notebookBudget < notebookHeadline)
  }

  /// A chart with negative balances says what they mean; one without does not.
  @Test func negativeBalancesAreExplained() throws {
    var negative = fixture.summary
    negative.balanceByYear[0].p5 = -50_000
    let html = HTMLReport.render(negative, scenario: fixture.scenario, version: "1")
    #expect(html.contains("below 0 = cash needed on top"))
    #expect(html.contains("below zero = cash the reserve would have needed on top"))
    var positive = fixture.summary
    for index in positive.balanceByYear.indices { positive.balanceByYear[index].p5 = 1 }
    positive.floor = 0
    #expect(!HTMLReport.render(positive, scenario: fixture.scenario, version: "1").contains("below 0 = cash"))
  }
}
