import ReserveSimAnalysis
import ReserveSimScenario

/// The outputs of `reservesim attribute` (SPEC §20) — text, `--json`, `attribution.csv` and the report's table —
/// pure functions of an `Attribution`. Shares are in the metric's unit: probabilities as fractions (0.05 = 5%), or
/// money in the scenario's currency for `reserve@C`.
public enum AttributionOutput {
  /// `--json`: exactly {"metric", "total", "budgetItself", "sources": [{"name", "kind", "share", "lower", "upper"}]}.
  public static func json(_ a: Attribution) -> String {
    OrderedJSON.object([
      ("metric", .string(a.metric.name)), ("total", .number(a.total)), ("budgetItself", .number(a.budgetItself)),
      (
        "sources",
        .array(
          a.sources.map {
            .object([
              ("name", .string($0.name)), ("kind", .string($0.kind.rawValue)), ("share", .number($0.share)),
              ("lower", .number($0.lower)), ("upper", .number($0.upper)),
            ])
          })
      ),
    ]).text()
  }

  /// `attribution.csv`: the budget itself first (kind `budget`, no interval), a row per source, then the total.
  public static func table(_ a: Attribution) -> CSVTable {
    var table = CSVTable(header: ["metric", "name", "kind", "share", "lower95", "upper95"])
    let metric = a.metric.name
    table.rows.append([metric, "Budget itself", "budget", CSVTable.number(a.budgetItself), "", ""])
    for s in a.sources {
      table.rows.append([metric, s.name, s.kind.rawValue] + [s.share, s.lower, s.upper].map(CSVTable.number))
    }
    table.rows.append([metric, "Total", "total", CSVTable.number(a.total), "", ""])
    return table
  }

  /// The metric in words, for headings.
  public static func title(_ a: Attribution) -> String {
    switch a.metric {
    case .ruin: return "the chance of falling below the floor within the horizon"
    case .below: return "the chance of falling below the board's minimum"
    case .reserve:
      return "the reserve needed at \(a.metric.name.dropFirst("reserve@".count)) confidence (\(a.currency))"
    }
  }

  /// A value in the metric's unit: a percentage, or an amount (signed: shares may be negative).
  public static func value(_ x: Double, of a: Attribution) -> String {
    a.metric.isMoney ? MoneyFormat(currency: a.currency).short(x) : PercentFormat.format(x, digits: 2)
  }

  /// The rows as the text and report show them: the budget itself, each source with its interval, the total.
  public static func rows(_ a: Attribution) -> [[String]] {
    [["Budget itself (every source off)", "budget", value(a.budgetItself, of: a), ""]]
      + a.sources.map {
        [$0.name, $0.kind.rawValue, value($0.share, of: a), "[\(value($0.lower, of: a)), \(value($0.upper, of: a))]"]
      }
      + [["Total (the file as written)", "total", value(a.total, of: a), ""]]
  }

  /// The sum the Shapley allocation adds up to: "budget itself + shares = sum (total)".
  public static func sumLine(_ a: Attribution) -> String {
    let parts = [value(a.budgetItself, of: a)] + a.sources.map { value($0.share, of: a) }
    return "Budget itself + shares: " + parts.joined(separator: " + ") + " = " + value(a.sumOfShares, of: a)
      + " (total " + value(a.total, of: a) + ")"
  }

  /// What the table means, in a sentence or two.
  public static let explanation =
    "Each source's share is its Shapley value: the change it makes to the metric when switched on, averaged over "
    + "every order of switching the sources on, all on the same simulated paths. The budget itself is the metric "
    + "with every source off; it and the shares add up to the metric of the file as written."

  /// The readable text: heading, table, the exact sum and the explanation.
  public static func text(_ a: Attribution) -> String {
    var out = "\(a.scenarioName) — where the risk comes from: \(title(a))\n"
    out += "\(a.paths) paths, seed \(a.seed); \(a.sources.count) source\(a.sources.count == 1 ? "" : "s"), "
    out += "\(a.evaluations) runs on common random numbers; intervals are 95%\n\n"
    let rows = [["source", "kind", "share", "95% interval"]] + rows(a)
    let widths = (0..<4).map { c in rows.map { $0[c].count }.max()! + 2 }
    for row in rows {
      out += (0..<4).map { TextSummary.pad(row[$0], widths[$0]) }.joined() + "\n"
    }
    out += "\n" + sumLine(a) + "\n" + explanation + "\n"
    return out
  }
}

extension AttributionOutput {
  /// The CSV file `--csv DIR` writes.
  public static let csvFileName = "attribution.csv"

  /// The table the report shows.
  public static func displayTable(_ a: Attribution) -> DisplayTable {
    DisplayTable(
      title: "Where the risk comes from", header: ["Source", "Kind", "Share", "95% interval"],
      rows: rows(a).map { [$0[0], $0[1] == "budget" || $0[1] == "total" ? "" : $0[1], $0[2], $0[3]] },
      numericColumns: [2, 3])
  }

  /// The report's section: the explanation, the bar chart, the table and the exact sum.
  public static func reportSection(_ a: Attribution) -> String {
    var out = "<section><h2>Where the risk comes from</h2>"
    out += "<p>\(HTMLReport.esc(explanation)) Metric: \(HTMLReport.esc(title(a))), \(a.evaluations) runs.</p>"
    out += "<figure>\(AttributionChart.svg(a))<figcaption>\(HTMLReport.esc(chartCaption))</figcaption></figure>"
    out += HTMLReport.table(displayTable(a))
    return out + "<p class=\"note\">\(HTMLReport.esc(sumLine(a)))</p></section>"
  }

  /// What the chart shows.
  static let chartCaption =
    "The grey bar is the budget itself (every source off); each blue bar a source's share, the line across it its "
    + "95% interval."

  /// `attribute --report`: a page of its own with the report's styles.
  public static func report(_ a: Attribution, version: String) -> String {
    var body = "<header><h1>\(HTMLReport.esc(a.scenarioName)): where the risk comes from</h1>"
    body += "<p class=\"meta\">\(a.paths) simulated futures (seed \(a.seed)); "
    body += "amounts in \(HTMLReport.esc(a.currency)).</p></header>"
    body += reportSection(a)
    return HTMLReport.page(title: "\(a.scenarioName) — where the risk comes from", body: body, version: version)
  }
}
