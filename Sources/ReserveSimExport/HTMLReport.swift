import Foundation
import ReserveSimAnalysis
import ReserveSimResults
import ReserveSimScenario

/// The `reservesim report` page: one self-contained HTML file (inline CSS and SVG, no scripts, nothing
/// loaded from the network) with the headline in words, three charts, the reserve and yearly tables and the
/// scenario's assumptions — a pure function of a summary and its scenario, laid out to print on A4.
public enum HTMLReport {
  /// The page as HTML text.
  /// - Parameters:
  ///   - s: the run's summary; build it with `reserveConfidences: RunSummary.reserveCurveConfidences`
  ///     for a full reserve curve (50% … 99.5%).
  ///   - scenario: the scenario simulated, for its description, sources and assumption tables.
  ///   - version: the ReserveSim version, written in the footer.
  ///   - attribution: where the risk comes from (SPEC §20), shown as a table and a bar chart when given.
  public static func render(
    _ s: RunSummary, scenario: Scenario, version: String, attribution: Attribution? = nil
  ) -> String {
    let money = MoneyFormat(currency: s.currency)
    var body = "<header><h1>\(esc(s.scenarioName))</h1>"
    body += "<p class=\"meta\">\(esc(s.runDescription)); amounts in \(esc(s.currency)).</p></header>"
    body += "<p class=\"headline\">\(esc(s.headline))</p>"
    if let description = scenario.description { body += "<p>\(esc(description))</p>" }
    body += "<section><h2>What the inputs imply</h2>" + table(s.budgetTable) + table(s.expectedFlowsTable)
    body += "</section>"

    body += figure(
      "Balance at each year end", chart: .balanceFan(s),
      caption: "Half the simulated futures end each year inside the dark band and nine in ten inside the light "
        + "band; the line is the median. Falling below the floor is running out; a balance below zero is the cash "
        + "the reserve would have needed on top of what it held.")
    body += figure(
      "Chance of having run out, by year", chart: .ruinCurve(s),
      caption: "Share of futures that have fallen below the floor by each year end (cumulative), with its 95% "
        + "Monte Carlo interval.")
    body += figure(
      "Reserve needed against confidence", chart: .reserveCurve(s),
      caption: "Starting with the reserve shown, at least that share of futures never falls below the floor. "
        + "The horizontal axis stretches the tail (logit scale).")

    body += "<section><h2>Reserve needed</h2>"
    body += table(s.reserveTable)
    if let shortfallTable = s.shortfallTable { body += table(shortfallTable) }
    if let minimumTable = s.minimumReserveTable { body += table(minimumTable) }
    for note in s.reserveNotes { body += "<p class=\"note\">\(esc(note))</p>" }
    if let activity = s.policyActivityTable {
      body += "<h3>\(esc(activity.title))</h3>" + table(activity)
      body += "<p class=\"note\">\(esc(RunSummary.policyActivityNote))</p>"
    }
    body += "</section>"

    if let runway = s.runwayTable, let services = s.runwayAfterLoss {
      body += "<section><h2>If a donated service is lost</h2>"
      body += services.map { "<p>\(esc($0.sentence))</p>" }.joined()
      body += table(runway) + "<p class=\"note\">\(esc(RunSummary.runwayNote))</p></section>"
    }

    body += "<section><h2>By year</h2>" + table(yearlyTable(s, money: money)) + "</section>"
    if let nested = s.nested {
      // SPEC §22: how sure the answers are, in place of the per-path ranking.
      body += "<section><h2>How sure the answers are</h2>"
      body += "<p>\(esc(NestedText.howSure(nested, s, money: money)))</p>"
      for warning in NestedText.warnings(nested) { body += "<p class=\"note\">Warning: \(esc(warning))</p>" }
      body += table(NestedText.spreadTable(nested, s, money: money))
      if nested.ranking.contains(where: { $0.ruin != nil }) { body += table(NestedText.rankingTable(nested)) }
      body += "</section>"
    } else if !s.uncertainty.isEmpty {
      body += "<section><h2>What matters most to pin down</h2>"
      body += "<p>\(esc(UncertaintyRanking.explanation))</p>"
      body += UncertaintyBars.html(s.uncertainty) + table(s.uncertaintyTable) + "</section>"
    }

    if let attribution { body += AttributionOutput.reportSection(attribution) }

    body += "<section class=\"assumptions\"><h2>Assumptions</h2>"
    for assumption in AssumptionTables.tables(scenario) {
      body += "<h3>\(esc(assumption.title))</h3>" + table(assumption)
    }
    if !scenario.sources.isEmpty {
      body += "<h3>Sources</h3><ul>" + scenario.sources.map { "<li>\(esc($0))</li>" }.joined() + "</ul>"
    }
    body += "</section>"
    body += "<footer>Made by ReserveSim \(esc(version)): \(s.paths) paths, seed \(s.seed). "
    body += "Figures are Monte Carlo estimates; ± and intervals are 95%.</footer>"

    return page(title: "\(s.scenarioName) — reserve report", body: body, version: version)
  }

  /// A self-contained HTML page around `body`: the report's styles, no external resource.
  static func page(title: String, body: String, version: String) -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="generator" content="ReserveSim \(esc(version))">
    <title>\(esc(title))</title>
    <style>
    \(style)
    </style>
    </head>
    <body>
    <main>
    \(body)
    </main>
    </body>
    </html>

    """
  }

  /// The yearly table: ruin by then, balance percentiles and mean flows, money in compact form.
  static func yearlyTable(_ s: RunSummary, money: MoneyFormat) -> DisplayTable {
    let firstCalendarYear = s.start.flatMap { Int($0.prefix(4)) }
    return DisplayTable(
      title: "",
      header: [
        "Year", "Ruined by then", "Balance p5", "p25", "Median", "p75", "p95", "Mean", "Income", "Sponsors",
        "Expenses", "Paid services",
      ],
      rows: zip(s.balanceByYear, s.yearlyFlows).map { balance, flows in
        // "3 (2022)": the calendar year the simulation year starts in, kept on one line.
        let label =
          firstCalendarYear.map { "\(balance.year)\u{00A0}(\($0 + balance.year - 1))" } ?? String(balance.year)
        return [label, PercentFormat.format(s.ruinProbabilityByYear[balance.year - 1])]
          + [balance.p5, balance.p25, balance.p50, balance.p75, balance.p95, balance.mean].map { money.short($0) }
          + [flows.income, flows.sponsorRevenue, flows.expenses, flows.serviceCosts].map { money.short($0) }
      })
  }

  static func figure(_ heading: String, chart: SVGChart, caption: String) -> String {
    "<section class=\"chart\"><h2>\(esc(heading))</h2><figure>\(chart.svg())"
      + "<figcaption>\(esc(caption))</figcaption></figure></section>"
  }

  static func table(_ t: DisplayTable) -> String {
    func cell(_ tag: String, _ text: String, _ column: Int) -> String {
      "<\(tag)\(t.numericColumns.contains(column) ? " class=\"num\"" : "")>\(esc(text))</\(tag)>"
    }
    var out = "<table><thead><tr>"
    out += t.header.enumerated().map { cell("th", $1, $0) }.joined() + "</tr></thead><tbody>"
    for row in t.rows { out += "<tr>" + row.enumerated().map { cell("td", $1, $0) }.joined() + "</tr>" }
    return out + "</tbody></table>"
  }

  static func esc(_ text: String) -> String { MarkupText.escape(text) }

  /// Screen and A4 print styles: charts full width and kept whole on a page, tables compact.
  static let style = """
    :root { color-scheme: light; }
    body { margin: 0; background: #fff; color: #1a1a1a; font: 15px/1.45 "DejaVu Sans", Helvetica, Arial, sans-serif; }
    main { max-width: 900px; margin: 0 auto; padding: 24px; }
    h1 { font-size: 26px; margin: 0 0 4px; }
    h2 { font-size: 19px; margin: 28px 0 8px; break-after: avoid; }
    h3 { font-size: 15px; margin: 18px 0 6px; break-after: avoid; }
    .meta, .note, figcaption, footer { color: #555; font-size: 13px; }
    .headline { font-size: 19px; font-weight: bold; background: #eef3fa; border-left: 5px solid #1f5fa8;
      padding: 12px 16px; margin: 16px 0; }
    figure { margin: 0; break-inside: avoid; }
    figure svg { display: block; width: 100%; height: auto; }
    section.chart { break-inside: avoid; }
    table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px; break-inside: auto; }
    th, td { border-bottom: 1px solid #ddd; padding: 3px 10px 3px 6px; text-align: left; vertical-align: top; }
    th { background: #f3f3f3; }
    tr { break-inside: avoid; }
    .bars td { border: none; padding: 2px 6px; }
    .bar { position: relative; height: 14px; width: 260px; background: #f3f3f3; }
    .bar span { position: absolute; top: 0; height: 14px; background: #1f5fa8; }
    .bar i { position: absolute; top: 6px; height: 2px; background: #1a1a1a; }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    footer { margin-top: 28px; border-top: 1px solid #ddd; padding-top: 8px; }
    @page { size: A4; margin: 14mm 12mm; }
    @media print {
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      body { font-size: 10pt; }
      main { max-width: none; padding: 0; }
      h1 { font-size: 18pt; }
      h2 { font-size: 13pt; }
      .headline { font-size: 12pt; }
      table { font-size: 8pt; }
      .meta, .note, figcaption, footer { font-size: 8.5pt; }
    }
    """
}
