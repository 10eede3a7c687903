import Foundation
import ReserveSim
import Testing

@testable import ReserveSimExport
@testable import ReserveSimResults

/// The HTML report: self-contained, three SVG charts, the headline in words, escaped text, A4 print CSS.
@Suite struct HTMLReportTests {
  let fixture = OutputFixtures.standard

  var html: String { HTMLReport.render(fixture.summary, scenario: fixture.scenario, version: "1.2.3") }

  @Test func loadsNothingFromOutside() {
    let page = html
    // No external resource of any kind: no src/href to a network address, no scripts, stylesheets or imports.
    #expect(
      page.range(of: #"(src|href)\s*=\s*["']?\s*(https?:)?//"#, options: [.regularExpression, .caseInsensitive]) == nil)
    #expect(page.range(of: #"\b(src|href)\s*="#, options: .regularExpression) == nil)
    for forbidden in ["<script", "<link", "<iframe", "<img", "@import", "url("] {
      #expect(!page.lowercased().contains(forbidden), "found \(forbidden)")
    }
  }

  @Test func hasThreeChartsTheHeadlineAndTables() {
    let page = html
    #expect(page.hasPrefix("<!DOCTYPE html>"))
    #expect(page.components(separatedBy: "<svg ").count - 1 == 3)
    #expect(page.contains(MarkupText.escape(fixture.summary.headline)))
    #expect(page.contains("With $400k in reserve, the chance of running out within 5 years is"))
    for heading in [
      "Balance at each year end", "Chance of having run out, by year", "Reserve needed against confidence",
      "Assumptions", "Sponsor tiers", "Donated services that can be lost", "Events",
    ] {
      #expect(page.contains(heading), "missing \(heading)")
    }
    #expect(page.contains("<td>99.5%</td>"))
    #expect(page.contains("ReserveSim 1.2.3"))
  }

  @Test func escapesScenarioText() {
    let page = html
    #expect(!page.contains("<b>& co</b>"))
    #expect(page.contains("&quot;small&quot; &lt;b&gt;&amp; co&lt;/b&gt;"))
  }

  @Test func printsOnA4() {
    let page = html
    #expect(page.contains("@page { size: A4;"))
    #expect(page.contains("@media print"))
    #expect(page.contains("break-inside: avoid"))
  }

  @Test func chartsHaveAxisTitlesWithUnitsAndCurrencyLabels() {
    let fan = SVGChart.balanceFan(fixture.summary).svg()
    #expect(fan.contains(">Balance at year end (USD)</text>"))
    #expect(fan.contains(">Years after July 2021</text>"))
    #expect(fan.contains(">$0</text>"))
    #expect(fan.contains("5th–95th percentile") && fan.contains("25th–75th percentile") && fan.contains(">median<"))
    let ruin = SVGChart.ruinCurve(fixture.summary).svg()
    #expect(ruin.contains(">Chance of having run out (% of futures)</text>"))
    #expect(ruin.contains(">0%</text>"))
    let reserve = SVGChart.reserveCurve(fixture.summary).svg()
    #expect(reserve.contains(">50%</text>") && reserve.contains(">99.5%</text>"))
    #expect(reserve.contains(">Reserve needed (USD)</text>"))
    #expect(reserve.contains("current reserve ($400k)"))
  }

  @Test func moneyFollowsTheCurrency() {
    let scenario = OutputFixtures.scenario { $0.currency = "EUR" }
    var summary = fixture.summary
    summary.currency = "EUR"
    let page = HTMLReport.render(summary, scenario: scenario, version: "1")
    #expect(page.contains("With €400k in reserve"))
    #expect(page.contains("Balance at year end (EUR)"))
    #expect(page.contains("€100,000"))  // Gold tier: 2 × €50,000 a year
    #expect(!page.contains("$400k"))
  }
}

/// The headline sentence, on hand-made summaries.
@Suite struct HeadlineTests {
  /// A summary that says what the issue's example says: 37.2% ± 0.9% with $1.5M, $91M needed at 95%.
  func summary(ruined: Int, paths: Int, initial: Double = 1_500_000, hold: Double = 91_000_000) -> RunSummary {
    var s = OutputFixtures.standard.summary
    s.years = 10
    s.paths = paths
    s.initialReserve = initial
    s.floor = 0
    s.ruinedPathsByYear = Array(repeating: ruined, count: 10)
    s.ruinProbability = RunSummary.proportion(successes: ruined, trials: paths)
    s.requiredReserve = [RunSummary.ReserveLevel(confidence: 0.95, value: hold, lower: hold, upper: hold)]
    return s
  }

  @Test func theIssuesExample() {
    // The margin 1.96·√(0.372·0.628/10,000) = 0.947% is shown as ±0.9%, not rounded up to ±1%.
    #expect(
      summary(ruined: 3720, paths: 10000).headline
        == "With $1.5M in reserve, the chance of running out within 10 years is 37.2% (±0.9%). To keep it under 5%, hold $91M."
    )
  }

  /// The margin keeps enough decimals that rounding never moves it by more than a quarter: the fewest at which it
  /// rounds to 2 or more in its last digit.
  @Test func theMarginIsNotRoundedAway() {
    #expect(PercentFormat.digits(forMargin: 0.026) == 0)  // ±3%
    #expect(PercentFormat.digits(forMargin: 0.014) == 1)  // ±1.4%, not ±1%
    #expect(PercentFormat.digits(forMargin: 0.006) == 1)  // ±0.6%, not ±1%
    #expect(PercentFormat.digits(forMargin: 0.0014) == 2)  // ±0.14%
    #expect(PercentFormat.digits(forMargin: 0.15) == 0)  // ±15%
    // 82% with 4,000 paths: margin 1.96·√(0.82·0.18/4000) = 1.19%, shown as ±1.2% (not ±1%); with 1,600 paths
    // 1.88%, which ±2% shows within a quarter.
    #expect(summary(ruined: 3280, paths: 4000).headline.contains("is 82.0% (±1.2%)."))
    #expect(summary(ruined: 1312, paths: 1600).headline.contains("is 82% (±2%)."))
  }

  /// Interval ends that round to one amount or share get more digits until they read apart.
  @Test func intervalEndsReadApart() {
    let money = MoneyFormat(currency: "USD")
    #expect(money.interval(101.2e6, 101.4e6) == "$101.2M – $101.4M")
    #expect(money.interval(101_230_000, 101_240_000) == "$101.23M – $101.24M")
    #expect(money.interval(1.2e6, 3.4e6) == "$1.2M – $3.4M")
    #expect(money.interval(5e6, 5e6) == "$5M – $5M")
    #expect(money.shortPair(-1.02e6, 1.01e6, sign: { $0 > 0 ? "+" : "" }) == ("−$1.02M", "+$1.01M"))
    #expect(money.shortPair(2.041e6, 2.043e6, sign: { $0 > 0 ? "+" : "" }) == ("+$2.041M", "+$2.043M"))
    #expect(PercentFormat.interval(0.8214, 0.8232) == "82.1% – 82.3%")
    #expect(PercentFormat.interval(0.82141, 0.82149) == "82.14% – 82.15%")
    #expect(PercentFormat.interval(0.8214111, 0.8214119) == "82.1411% – 82.1412%")
    #expect(PercentFormat.interval(0.3, 0.4) == "30.0% – 40.0%")
  }

  @Test func moreDigitsWhenTheMarginIsSmall() {
    #expect(summary(ruined: 37200, paths: 100_000).headline.contains("is 37.2% (±0.3%)."))
  }

  @Test func noneOrAllRuined() {
    // The Wilson interval's one-sided bound, rounded outwards: 0.0192% up to 0.02%, 99.2375% down to 99.23%.
    #expect(
      summary(ruined: 0, paths: 20000, hold: 0).headline.hasSuffix(
        "is under 0.02% (no simulated future ran out). It stays under 5% even with no reserve."))
    #expect(summary(ruined: 500, paths: 500).headline.contains("is over 99.23% (every simulated future ran out)"))
  }

  @Test func boundsNeverReadAsZeroOrAHundred() {
    for paths in [100, 20000, 1_000_000, 100_000_000] {
      let none = summary(ruined: 0, paths: paths, hold: 0).headline
      let all = summary(ruined: paths, paths: paths).headline
      #expect(!none.contains(" 0.00%") && !all.contains("100.00%"), "\(none) / \(all)")
    }
    #expect(summary(ruined: 0, paths: 1_000_000, hold: 0).headline.contains("is under 0.00038%"))
  }

  @Test func holdCoveredByTheCurrentReserve() {
    #expect(
      summary(ruined: 300, paths: 10000, hold: 1_200_000).headline.hasSuffix(
        "To keep it under 5%, hold $1.2M, which the current reserve covers."))
  }

  @Test func floorAndNoReserve() {
    var s = summary(ruined: 3720, paths: 10000, initial: 0)
    s.floor = 250_000
    #expect(
      s.headline.hasPrefix(
        "With no reserve, the chance of falling below the floor of $250k within 10 years is 37.2% (±0.9%)"))
  }
}

@Suite struct SVGChartTests {
  @Test(arguments: [
    ([0.0, 10], 10, [0.0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ([-109e6, 5e6], 6, [-120e6, -100e6, -80e6, -60e6, -40e6, -20e6, 0, 20e6]),
    ([0, 0.563], 5, [0, 0.2, 0.4, 0.6]),
    ([0, 0.01], 5, [0, 0.002, 0.004, 0.006, 0.008, 0.01]),
    ([3, 3], 5, [2.6, 2.8, 3, 3.2, 3.4]),  // a single value: ±10% around it
  ])
  func niceTicks(values: [Double], count: Int, expected: [Double]) {
    #expect(SVGChart.niceTicks(covering: values, count: count) == expected)
  }

  @Test func wholeStepsForYears() {
    #expect(SVGChart.niceTicks(covering: [0, 25], count: 10, wholeSteps: true) == [0, 5, 10, 15, 20, 25])
    #expect(SVGChart.niceTicks(covering: [0, 1], count: 1, wholeSteps: true) == [0, 1])
  }

  @Test func drawsMarksInsideThePlot() {
    let chart = SVGChart(
      title: "t", x: .covering([0, 4], title: "X (years)") { String($0) },
      y: .covering([0, 100], title: "Y (USD)") { String($0) },
      marks: [
        .band(xs: [0, 4], lower: [0, 10], upper: [50, 100], color: "#000", opacity: 0.2, legend: "band"),
        .line(points: [.init(0, 20), .init(4, 80)], color: "#111", width: 2, dash: nil, dots: true, legend: "line"),
        .rule(y: 30, color: "#222", legend: nil),
      ])
    let svg = chart.svg()
    #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>"))
    #expect(svg.contains("<polygon ") && svg.contains("<polyline ") && svg.contains("stroke-dasharray=\"6 4\""))
    #expect(svg.contains(">band</text>") && svg.contains(">line</text>"))
    let plot = chart.plotArea
    // The line's ends sit on the plot's corners: (0, 20) and (4, 80) scaled into the rectangle.
    let expectedStart = String(format: "%.1f,%.1f", plot.minX, plot.maxY - 0.2 * plot.height)
    #expect(svg.contains("points=\"\(expectedStart) "))
  }

  @Test func legendWrapsOnNarrowCharts() {
    var chart = SVGChart(
      title: "t", x: .covering([0, 1], title: "x") { String($0) }, y: .covering([0, 1], title: "y") { String($0) },
      marks: (1...6).map { .rule(y: 0.5, color: "#000", legend: "a rather long legend entry \($0)") })
    chart.width = 500
    let rows = Set(chart.legendEntries(left: 60).map(\.baseline))
    #expect(rows.count > 1)
    #expect(chart.plotArea.minY > rows.max()!)
  }
}
