import Foundation
import ReserveSimAnalysis
import ReserveSimResults
import ReserveSimScenario

/// The `reservesim notebook` file: a Jupyter notebook (nbformat 4.5) that holds a run's results as data
/// and draws them with pandas and matplotlib — a pure function of a summary and its scenario.
///
/// Cells: a Markdown overview (the headline, the reserve table, the scenario's assumptions and sources);
/// a code cell defining `summary`, the same document `reservesim run --json` prints for the same paths and seed,
/// and `reserve_curve`, the reserve at the chart's denser confidences, each parsed from a JSON literal; a cell that turns it into pandas tables; then one cell per chart (balance fan, ruin curve by year,
/// reserve needed against confidence). The notebook is written without outputs; running it needs Python 3
/// with pandas and matplotlib, and nothing else.
public enum Notebook {
  /// The notebook as JSON text (keys sorted, so the same run gives the same bytes).
  /// - Parameters:
  ///   - s: the run's summary; build it with `reserveConfidences: RunSummary.reserveCurveConfidences`.
  ///   - scenario: the scenario simulated, for its assumptions and sources.
  ///   - version: the ReserveSim version, written in the notebook's metadata.
  /// - Throws: `EncodingError` if a figure is not finite.
  ///   - attribution: where the risk comes from (SPEC §20): when given, its table as data and a bar chart.
  public static func render(
    _ s: RunSummary, scenario: Scenario, version: String, attribution: Attribution? = nil
  ) throws -> String {
    let money = MoneyFormat(currency: s.currency)
    // The same text `run --json` prints for this run, from the one JSON writer (keys in SPEC order, so the same
    // run always gives the same notebook): at run's reserve levels; the curve's denser levels come apart.
    let summaryJSON = try SummaryJSON.encode(s.atRunLevels)
    let curveJSON = SummaryJSON.reserveLevels(s.requiredReserve, s).text()
    let cells =
      [
        Cell(markdown: "overview", overview(s, scenario: scenario, version: version)),
        Cell(
          markdown: "data-heading",
          """
          ## The results as data
          `summary` below is the run's summary, the same document `reservesim run --json` prints for the same \
          paths and seed: money in \(s.currency), shares as fractions (0.05 = 5%), balances at each year end. \
          `reserve_curve` is the reserve needed at the chart's denser confidences (50% … 99.5%), in the same form \
          as `summary["requiredReserve"]`.
          """),
        Cell(
          code: "data", dataCell(summaryJSON, curve: curveJSON, money: money, yearAxisTitle: s.yearAxisTitle)),
        Cell(code: "tables", tablesCell),
        Cell(
          markdown: "fan-heading",
          "## Balance at each year end\nMedian and percentile bands over all futures, from the initial reserve at year 0. A balance below zero is the cash the reserve would have needed on top of what it held."
        ),
        Cell(code: "fan-chart", fanChartCell),
        Cell(
          markdown: "ruin-heading",
          "## Chance of having run out, by year\nCumulative share of futures below the floor by each year end, with a 95% interval."
        ),
        Cell(code: "ruin-chart", ruinChartCell),
        Cell(
          markdown: "reserve-heading",
          "## Reserve needed against confidence\nStarting with the reserve shown, at least that share of futures never falls below the floor (logit-scaled axis)."
        ),
        Cell(code: "reserve-chart", reserveChartCell),
      ]
      + (s.policyActivity.isEmpty
        ? []
        : [
          Cell(
            markdown: "policy-heading",
            "## What the responses did\n" + RunSummary.policyActivityNote
              + " `summary[\"policyActivity\"]` as a table, a row per year."),
          Cell(code: "policy-table", policyTableCell),
        ])
      + (s.runwayTable == nil
        ? []
        : [
          Cell(
            markdown: "runway-heading",
            "## The runway after a loss\n" + RunSummary.runwayNote
              + " `summary[\"runwayAfterLoss\"]` as a table, a row per service (months; empty where the curve stays "
              + "above, `followUpMonths` being the longest follow-up)."),
          Cell(code: "runway-table", runwayTableCell),
        ])
      + (s.uncertainty.isEmpty
        ? []
        : [
          Cell(
            markdown: "uncertainty-heading",
            "## What matters most to pin down\n"
              + UncertaintyRanking.explanation
              + " The bars are each estimate's first-order index for the reserve needed, the lines its 95% interval."),
          Cell(code: "uncertainty-chart", uncertaintyChartCell),
        ])
      + (attribution.map(attributionCells) ?? [])
      + (s.nested == nil
        ? []
        : [
          Cell(
            markdown: "nested-heading",
            "## How sure the answers are\n"
              + "Each group of futures drew one plausible set of estimates. `spread`: the 5th, 50th and 95th "
              + "percentiles of the groups' own answers (their own luck taken out of the chances); `moves`: each "
              + "estimate's share of the spread in running out that research could remove, with its 95% interval."),
          Cell(code: "nested-tables", nestedTablesCell),
        ])
    let document = OrderedJSON.object([
      ("cells", .array(cells.map(\.json))),
      (
        "metadata",
        .object([
          (
            "kernelspec",
            .object([
              ("display_name", .string("Python 3 (ipykernel)")), ("language", .string("python")),
              ("name", .string("python3")),
            ])
          ),
          ("language_info", .object([("name", .string("python"))])),
          (
            // Which run made the notebook.
            "reservesim",
            .object([
              ("paths", .integer(s.paths)), ("scenario", .string(s.scenarioName)), ("seed", .raw(String(s.seed))),
              ("version", .string(version)),
            ])
          ),
        ])
      ),
      ("nbformat", .integer(4)), ("nbformat_minor", .integer(5)),
    ])
    return document.text() + "\n"
  }

  // MARK: - Cells

  static func overview(_ s: RunSummary, scenario: Scenario, version: String) -> String {
    var text = "# \(markdown(s.scenarioName))\n\n"
    if let description = scenario.description { text += markdown(description) + "\n\n" }
    text += "**\(markdown(s.headline))**\n\n"
    text +=
      markdown(s.runDescription) + "; amounts in \(markdown(s.currency)). Made by ReserveSim \(markdown(version)).\n\n"
    text += "## What the inputs imply\n\n" + markdownTable(s.budgetTable) + "\n" + markdownTable(s.expectedFlowsTable)
    if let nested = s.nested {
      // SPEC §22: how sure the answers are.
      let money = MoneyFormat(currency: s.currency)
      text += "\n## How sure the answers are\n\n" + markdown(NestedText.howSure(nested, s, money: money)) + "\n\n"
      for warning in NestedText.warnings(nested) { text += "*Warning:* " + markdown(warning) + "\n\n" }
      text += markdownTable(NestedText.spreadTable(nested, s, money: money))
      if nested.ranking.contains(where: { $0.ruin != nil }) {
        text += "\n" + markdownTable(NestedText.rankingTable(nested))
      }
    }
    text += "\n## Reserve needed\n\n" + markdownTable(s.reserveTable)
    if let shortfallTable = s.shortfallTable { text += "\n" + markdownTable(shortfallTable) }
    if let minimumTable = s.minimumReserveTable { text += "\n" + markdownTable(minimumTable) }
    text += "\n" + s.reserveNotes.map { markdown($0) + "\n" }.joined(separator: "\n")
    if let activity = s.policyActivityTable {
      text += "\n### \(markdown(activity.title))\n\n" + markdownTable(activity)
      text += "\n" + markdown(RunSummary.policyActivityNote) + "\n"
    }
    if let runway = s.runwayTable, let services = s.runwayAfterLoss {
      text += "\n## If a donated service is lost\n\n" + services.map { markdown($0.sentence) + "\n\n" }.joined()
      text += markdownTable(runway) + "\n" + markdown(RunSummary.runwayNote) + "\n"
    }
    text += "\n## Assumptions\n"
    for table in AssumptionTables.tables(scenario) {
      text += "\n### \(markdown(table.title))\n\n" + markdownTable(table)
    }
    if !scenario.sources.isEmpty {
      text += "\n### Sources\n\n" + scenario.sources.map { "- " + markdown($0) + "\n" }.joined()
    }
    return text
  }

  static func dataCell(_ summaryJSON: String, curve: String, money: MoneyFormat, yearAxisTitle: String) -> String {
    // JSON string literals are valid Python string literals; the JSON text holds no `"""` (every quote inside
    // a JSON string is escaped), so it sits safely in a raw triple-quoted string.
    """
    import json

    CURRENCY_PREFIX, CURRENCY_SUFFIX = \(JSONValue.quote(money.affixes.prefix)), \(JSONValue.quote(money.affixes.suffix))
    YEAR_AXIS_TITLE = \(JSONValue.quote(yearAxisTitle))

    summary = json.loads(r\"\"\"
    \(summaryJSON)
    \"\"\")

    reserve_curve = json.loads(r\"\"\"
    \(curve)
    \"\"\")
    """
  }

  static let tablesCell = """
    import pandas as pd
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter, PercentFormatter

    # Tables show plain numbers with thousands separators (480,188), not 4.801882e+05.
    pd.options.display.float_format = "{:,.2f}".format

    def money(amount, _position=None):
        \"\"\"A compact amount in the scenario's currency, as the report writes it: $1.5M, −$250k.\"\"\"
        sign = "−" if amount < 0 else ""
        x = abs(amount)
        for size, unit in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
            if x >= size:
                x /= size
                digits = f"{x:.0f}" if x >= 100 else f"{x:.1f}" if x >= 10 else f"{x:.2f}"
                if "." in digits:
                    digits = digits.rstrip("0").rstrip(".")
                return f"{sign}{CURRENCY_PREFIX}{digits}{unit}{CURRENCY_SUFFIX}"
        return f"{sign}{CURRENCY_PREFIX}{x:.0f}{CURRENCY_SUFFIX}"


    balance = pd.DataFrame(summary["balanceByYear"]).set_index("year")
    flows = pd.DataFrame(summary["flowsByYear"]).set_index("year")
    ruin = pd.Series(summary["ruinProbabilityByYear"], index=balance.index, name="ruinProbability")
    reserve = pd.DataFrame(reserve_curve).set_index("confidence").sort_index()
    balance.join(ruin).join(flows)
    """

  static let fanChartCell = """
    years = [0] + list(balance.index)


    def from_start(column):
        \"\"\"A balance percentile by year, starting from the initial reserve at year 0.\"\"\"
        return [summary["initialReserve"]] + list(balance[column])


    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.fill_between(years, from_start("p5"), from_start("p95"), color="#1f5fa8", alpha=0.18, linewidth=0,
                    label="5th–95th percentile")
    ax.fill_between(years, from_start("p25"), from_start("p75"), color="#1f5fa8", alpha=0.38, linewidth=0,
                    label="25th–75th percentile")
    ax.plot(years, from_start("p50"), color="#1f5fa8", linewidth=2.5, label="median")
    ax.axhline(summary["floor"], color="#c0392b", linestyle="--", linewidth=1.5,
               label=f"floor ({money(summary['floor'])})")
    ax.set_title("Balance at each year end")
    ax.set_xlabel(YEAR_AXIS_TITLE)
    ax.set_ylabel(f"Balance at year end ({summary['currency']})")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(money))
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    plt.show()
    """

  static let ruinChartCell = """
    # The 95% Wilson intervals ReserveSim computed (the same as the report's and check's).
    band = pd.DataFrame(summary["ruinProbabilityIntervalByYear"], index=ruin.index)

    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.fill_between(ruin.index, band["lower"], band["upper"], color="#b03a2e",
                    alpha=0.2, linewidth=0, label="95% interval")
    ax.plot([0] + list(ruin.index), [0] + list(ruin), color="#b03a2e", linewidth=2.5, marker="o",
            label="ruined by then")
    ax.set_title("Chance of having run out, by year")
    ax.set_xlabel(YEAR_AXIS_TITLE)
    ax.set_ylabel("Chance of having run out (% of futures)")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    plt.show()
    """

  static let reserveChartCell = """
    fig, ax = plt.subplots(figsize=(9, 4.8))
    ax.fill_between(reserve.index, reserve["lower"], reserve["upper"], color="#1f5fa8", alpha=0.25, linewidth=0,
                    label="95% interval")
    ax.plot(reserve.index, reserve["value"], color="#1f5fa8", linewidth=2.5, marker="o", label="reserve needed")
    ax.axhline(summary["initialReserve"], color="#555555", linestyle="--", linewidth=1.5,
               label=f"current reserve ({money(summary['initialReserve'])})")
    ax.set_xscale("logit")
    ax.set_xlim(reserve.index.min(), reserve.index.max())
    ax.set_xticks([c for c in (0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995)
                   if reserve.index.min() <= c <= reserve.index.max()])
    ax.xaxis.set_major_formatter(FuncFormatter(lambda c, _position: f"{c * 100:g}%"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_title("Reserve needed against confidence")
    ax.set_xlabel("Confidence: share of futures that never fall below the floor (%)")
    ax.set_ylabel(f"Reserve needed ({summary['currency']})")
    ax.yaxis.set_major_formatter(FuncFormatter(money))
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left")
    plt.show()
    """

  static let policyTableCell = """
    # SPEC §19: what the policy's cuts and appeals did each year, means over all futures.
    activity = pd.DataFrame(summary["policyActivity"]).set_index("year")
    activity
    """

  static let runwayTableCell = """
    # SPEC §21: per in-kind service, the share of futures in which it is lost and the months from the first month
    # paid for it to running out (and to the board's minimum), 10th percentile and median.
    runway = pd.json_normalize(summary["runwayAfterLoss"]).set_index("service")
    runway
    """

  static let nestedTablesCell = """
    # SPEC §22: how sure the answers are, over the groups of futures that share one set of estimates.
    nested = summary["nested"]
    spread = pd.DataFrame(
        {name: nested[name] for name in ("ruin", "below") if nested[name] is not None}
    ).T[["p5", "p50", "p95", "sdEpistemic"]]
    moves = pd.DataFrame([
        {"estimate": r["path"], "share": (r["ruin"] or {}).get("index"), "low": (r["ruin"] or {}).get("lower"),
         "high": (r["ruin"] or {}).get("upper")}
        for r in nested["ranking"]
    ])
    display(spread, pd.DataFrame(nested["requiredReserve"]).set_index("confidence"), moves)
    """

  static let uncertaintyChartCell = """
    # SPEC §16: each uncertain estimate's share of the spread in the reserve needed (first-order index), with its
    # 95% interval, largest first.
    ranking = pd.DataFrame([
        {"estimate": u["path"], "need": (u["need"] or {}).get("index"), "low": (u["need"] or {}).get("lower"),
         "high": (u["need"] or {}).get("upper"), "ruin": (u["ruin"] or {}).get("index")}
        for u in summary["uncertainty"]
    ])
    shown = ranking.dropna(subset=["need"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.4 * len(shown) + 1.2))
    ax.barh(shown["estimate"], shown["need"], color="#1f5fa8",
            xerr=[shown["need"] - shown["low"], shown["high"] - shown["need"]],
            ecolor="#1a1a1a", capsize=3)
    ax.set_title("What matters most to pin down")
    ax.set_xlabel("Share of the spread in the reserve needed explained on its own (first-order index)")
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(left=0)
    ax.grid(alpha=0.3, axis="x")
    plt.show()
    # Shown in percent; indices are clamped to [0, 1] by ReserveSim (never below 0), as in every output.
    (ranking.set_index("estimate").astype(float) * 100).round(1).add_suffix(" (%)")
    """

  /// The attribution's heading, its document (what `reservesim attribute --json` prints) and a bar chart.
  static func attributionCells(_ a: Attribution) -> [Cell] {
    [
      Cell(
        markdown: "attribution-heading",
        "## Where the risk comes from\n" + markdown(AttributionOutput.explanation)
          + " Metric: " + markdown(AttributionOutput.title(a)) + "; " + markdown(AttributionOutput.sumLine(a))
          + "."),
      Cell(
        code: "attribution-chart",
        "# SPEC §20: the document `reservesim attribute --json` prints (no `\"\"\"` in JSON text: quotes are escaped).\n"
          + "attribution = json.loads(r\"\"\"\n" + AttributionOutput.json(a) + "\n\"\"\")\n" + attributionChartCell),
    ]
  }

  static let attributionChartCell = """
    # The budget itself (every source off) first, then each source's Shapley share with its 95% interval.
    shares = pd.DataFrame(
        [{"name": "Budget itself", "kind": "budget", "share": attribution["budgetItself"],
          "lower": attribution["budgetItself"], "upper": attribution["budgetItself"]}]
        + attribution["sources"])
    shown = shares.iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.4 * len(shown) + 1.2))
    ax.barh(shown["name"], shown["share"],
            color=["#9d9d9d" if k == "budget" else "#4c78a8" for k in shown["kind"]],
            xerr=[(shown["share"] - shown["lower"]).clip(lower=0), (shown["upper"] - shown["share"]).clip(lower=0)],
            ecolor="#1a1a1a", capsize=3)
    ax.axvline(0, color="#222", linewidth=0.8)
    ax.set_title("Where the risk comes from: " + attribution["metric"])
    ax.grid(alpha=0.3, axis="x")
    plt.show()
    shares
    """

  // MARK: - Markdown

  /// Text made literal for Jupyter's Markdown: `$` would start LaTeX maths, `<` HTML, and `*_[]|#` and
  /// backticks formatting, so each is escaped; line breaks become spaces.
  static func markdown(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "&": out += "&amp;"
      case "\\", "`", "*", "_", "[", "]", "|", "$", "#": out += "\\" + String(scalar)
      case "\n", "\r": out += " "
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// A GitHub-flavoured Markdown table; numeric columns right-aligned.
  static func markdownTable(_ t: DisplayTable) -> String {
    func row(_ cells: [String]) -> String { "| " + cells.map(markdown).joined(separator: " | ") + " |\n" }
    let rule = "|" + t.header.indices.map { t.numericColumns.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
    return row(t.header) + rule + t.rows.map(row).joined()
  }

  // MARK: - nbformat 4.5

  /// A cell: Markdown, or code without outputs (`execution_count` null). `source` is a list of lines, each
  /// but the last ending in "\n", as Jupyter writes it.
  struct Cell {
    var isCode: Bool
    var id: String
    var text: String

    init(markdown id: String, _ text: String) {
      (self.isCode, self.id, self.text) = (false, id, text)
    }
    init(code id: String, _ text: String) {
      (self.isCode, self.id, self.text) = (true, id, text)
    }

    var source: [String] {
      var trimmed = Substring(text)
      while trimmed.hasSuffix("\n") { trimmed.removeLast() }
      let lines = trimmed.split(separator: "\n", omittingEmptySubsequences: false)
      return lines.enumerated().map { $0 == lines.count - 1 ? String($1) : $1 + "\n" }
    }

    /// The cell as nbformat JSON (keys sorted, as Jupyter writes them).
    var json: OrderedJSON {
      var fields: [(String, OrderedJSON)] = [("cell_type", .string(isCode ? "code" : "markdown"))]
      if isCode { fields.append(("execution_count", .null)) }
      fields += [("id", .string(id)), ("metadata", .object([]))]
      if isCode { fields.append(("outputs", .array([]))) }
      fields.append(("source", .array(source.map(OrderedJSON.string))))
      return .object(fields)
    }
  }
}
