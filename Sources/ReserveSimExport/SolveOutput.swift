import Foundation
import ReserveSimAnalysis
import ReserveSimResults
import ReserveSimScenario

/// `reservesim solve`'s outputs (SPEC §18): the `--json` document, the text table, and the CSV files — pure
/// functions of a `Solve`.
public enum SolveOutput {
  // MARK: JSON

  /// `solve --json`: `{"scenario", "paths", "seed", "years", "currency", "monthlyOutgoMonth1", "targets", "levers",
  /// "rows", "best", "frontier", "notes"}`, rows sorted best first.
  public static func json(_ s: Solve) -> String {
    func number(_ x: Double?) -> OrderedJSON { x.map(OrderedJSON.number) ?? .null }
    func row(_ r: Solve.Row) -> [(String, OrderedJSON)] {
      [
        ("levers", .object(zip(s.levers, r.levers).map { ($0.path.description, .number($1)) })),
        ("reserve", .number(r.reserve)), ("months", number(r.months)), ("binding", .string(s.targets[r.binding].spec)),
        ("expectedCutPerYear", .number(r.cost.expectedCutPerYear)), ("cutShare", .number(r.cost.cutShare)),
        ("appealsPerPath", .number(r.cost.appealsPerPath)), ("efficient", .bool(r.efficient)),
      ]
    }
    let check: OrderedJSON = .object([
      ("seed", .raw(String(s.checkSeed))),
      (
        "targets",
        .array(
          s.check.map {
            .object([
              ("spec", .string($0.spec)), ("value", .number($0.value)), ("lower", .number($0.lower)),
              ("upper", .number($0.upper)), ("verdict", .string($0.verdict.rawValue)),
            ])
          })
      ),
      ("note", .string(Solve.outOfSampleNote)),
    ])
    return OrderedJSON.object([
      ("scenario", .string(s.scenarioName)), ("paths", .integer(s.paths)), ("seed", .raw(String(s.seed))),
      ("years", .integer(s.years)), ("currency", .string(s.currency)),
      ("monthlyOutgoMonth1", .number(s.monthlyOutgo)),
      (
        "targets",
        .array(
          s.targets.map {
            .object([
              ("spec", .string($0.spec)), ("metric", .string($0.metric.rawValue)),
              ("withinYears", .integer($0.withinYears)), ("atMost", .number($0.atMost)),
            ])
          })
      ),
      (
        "levers",
        .array(
          s.levers.map {
            .object([("path", .string($0.path.description)), ("values", .array($0.values.map(OrderedJSON.number)))])
          })
      ),
      ("rows", .array(s.rows.map { .object(row($0)) })),
      ("best", .object(row(s.best) + [("check", check)])),
      (
        "frontier",
        s.frontier.map { points in
          .array(
            points.map {
              .object([("atMost", .number($0.atMost)), ("reserve", .number($0.reserve)), ("months", number($0.months))])
            })
        } ?? .null
      ),
      ("notes", .array(s.notes.map(OrderedJSON.string))),
    ]).text()
  }

  // MARK: Text

  /// The readable answer: the targets, the best plan in a sentence, the rows (efficient ones marked), the
  /// out-of-sample check and, with `--frontier`, the reserve against risk.
  public static func text(_ s: Solve) -> String {
    let money = MoneyFormat(currency: s.currency)
    func months(_ value: Double?) -> String { value.map { MonthsFormat.format($0) } ?? "—" }
    var out = "\(s.scenarioName) — solve on \(s.paths) paths, seed \(s.seed), \(s.years) years\n"
    out += "Targets: " + s.targets.map(\.spec).joined(separator: ", ") + "\n"
    for note in s.notes { out += "Note: \(note).\n" }
    out += "\n" + bestPlan(s, money: money) + "\n"
    out += "\n" + TextSummary.table(plansTable(s, money: money))

    out += "\nOut of sample (seed \(s.checkSeed)), the best plan at \(money.full(s.best.reserve)):\n"
    for check in s.check {
      out += "  \(check.spec): \(PercentFormat.format(check.value)) "
      out += "(95% interval \(PercentFormat.interval(check.lower, check.upper))): "
      out += "\(check.verdict.rawValue)\n"
    }
    out += Solve.outOfSampleNote + "\n"

    if let frontier = s.frontier {
      out += "\nReserve against risk (\(s.targets[0].spec)'s chance replaced, the other targets kept)\n"
      out += TextSummary.pad("at most", 10) + TextSummary.pad("reserve", 18) + "months\n"
      for point in frontier {
        out += TextSummary.pad(PercentFormat.format(point.atMost), 10) + TextSummary.pad(money.full(point.reserve), 18)
        out += months(point.months) + "\n"
      }
    }
    return out
  }

  /// The best plan in words: what to hold, with which levers, the binding target, and what its responses cost.
  static func bestPlan(_ s: Solve, money: MoneyFormat) -> String {
    let best = s.best
    var out = "Cheapest plan: hold \(money.full(best.reserve))"
    if let m = best.months { out += " (\(MonthsFormat.format(m)) of month 1's budgeted outgo)" }
    if !s.levers.isEmpty {
      out +=
        " with " + zip(s.levers, best.levers).map { "\($0.path) = \(JSONValue.format($1))" }.joined(separator: ", ")
    }
    out += "; binding target \(s.targets[best.binding].spec)."
    if best.cost != .none {
      out += " It cuts \(money.full(best.cost.expectedCutPerYear)) a year on average (cuts in force in "
      out += "\(PercentFormat.format(best.cost.cutShare)) of futures) and makes "
      out += "\(MonthsFormat.number(best.cost.appealsPerPath)) appeals per future."
    }
    return out
  }

  /// The plans, best first, with what each costs in responses and whether it is efficient.
  static func plansTable(_ s: Solve, money: MoneyFormat) -> DisplayTable {
    let header =
      s.levers.map(\.path.description) + [
        "reserve", "months", "binding", "cut a year", "cut share", "appeals", "efficient",
      ]
    let rows = s.rows.map { r in
      r.levers.map { JSONValue.format($0) } + [
        money.full(r.reserve), r.months.map { MonthsFormat.number($0) } ?? "—", s.targets[r.binding].spec,
        money.short(r.cost.expectedCutPerYear), PercentFormat.format(r.cost.cutShare),
        MonthsFormat.number(r.cost.appealsPerPath), r.efficient ? "yes" : "",
      ]
    }
    return DisplayTable(
      title: "Plans (best first; efficient: no other plan needs less reserve and cuts less)", header: header,
      rows: rows, numericColumns: Set(s.levers.indices).union([s.levers.count, s.levers.count + 1]))
  }

  // MARK: Report

  /// `solve --report`: the best plan, the plans, the out-of-sample check and, with `--frontier`, the reserve
  /// against risk as a chart (months of outgo beside each amount on its axis) — one self-contained HTML page.
  public static func report(_ s: Solve, version: String) -> String {
    let money = MoneyFormat(currency: s.currency)
    var body = "<header><h1>\(HTMLReport.esc(s.scenarioName)): the cheapest plan</h1>"
    body += "<p class=\"meta\">\(s.paths) simulated futures (seed \(s.seed)), \(s.years) years; targets "
    body += HTMLReport.esc(s.targets.map(\.spec).joined(separator: ", ")) + "; amounts in "
    body += "\(HTMLReport.esc(s.currency)).</p></header>"
    body += "<p class=\"headline\">\(HTMLReport.esc(bestPlan(s, money: money)))</p>"
    for note in s.notes { body += "<p class=\"note\">\(HTMLReport.esc(note)).</p>" }
    body += "<section><h2>Plans</h2>" + HTMLReport.table(plansTable(s, money: money)) + "</section>"
    body += "<section><h2>Out of sample</h2><p>The best plan at \(HTMLReport.esc(money.full(s.best.reserve))), "
    body += "re-run on seed \(s.checkSeed):</p>"
    body += HTMLReport.table(
      DisplayTable(
        title: "Out of sample", header: ["Target", "Value", "95% interval", "Verdict"],
        rows: s.check.map {
          [
            $0.spec, PercentFormat.format($0.value),
            PercentFormat.interval($0.lower, $0.upper), $0.verdict.rawValue,
          ]
        }, numericColumns: [1]))
    body += "<p class=\"note\">\(HTMLReport.esc(Solve.outOfSampleNote))</p></section>"
    if let frontier = s.frontier {
      body += HTMLReport.figure(
        "Reserve against risk", chart: frontierChart(s, frontier, money: money),
        caption: "The least starting reserve over all plans that keeps the chance in \(s.targets[0].spec) at or "
          + "under each level (the other targets kept), on the same simulated futures. Each amount is also shown "
          + "in months of month 1's budgeted outgo.")
    }
    body += "<footer>Made by ReserveSim \(HTMLReport.esc(version)). Figures are Monte Carlo estimates on "
    body += "\(s.paths) paths; intervals are 95%.</footer>"
    return HTMLReport.page(title: "\(s.scenarioName) — the cheapest plan", body: body, version: version)
  }

  /// The frontier: the chance allowed (logit scale, like the reserve curve) against the least reserve.
  static func frontierChart(_ s: Solve, _ frontier: [Solve.FrontierPoint], money: MoneyFormat) -> SVGChart {
    let outgo = s.monthlyOutgo
    let chances = frontier.map(\.atMost)
    let x = SVGChart.Axis(
      title: "Chance allowed (%)", domain: chances.first!...chances.last!, ticks: chances,
      label: { CSVExport.percentLabel($0) + "%" },
      transform: { p in
        let clamped = min(max(p, 1e-6), 1 - 1e-6)
        return log(clamped / (1 - clamped))
      })
    let y = SVGChart.Axis.covering(
      frontier.map(\.reserve) + [0], title: "Reserve (\(s.currency); months of outgo)", count: 6,
      minimumSpan: SVGChart.minimumMoneySpan,
      label: { amount in
        money.short(amount) + (outgo > 0 ? " (\(MonthsFormat.number(amount / outgo)) mo)" : "")
      })
    return SVGChart(
      title: "Least reserve against the chance allowed", x: x, y: y,
      marks: [
        .line(
          points: frontier.map { SVGChart.Point($0.atMost, $0.reserve) }, color: SVGChart.fanColor, width: 2.5,
          dash: nil, dots: true, legend: "least reserve over the plans")
      ])
  }

  // MARK: CSV

  /// The names of the files `files` writes (frontier.csv only with `--frontier`).
  public static func fileNames(frontier: Bool) -> [String] { frontier ? ["plans.csv", "frontier.csv"] : ["plans.csv"] }

  /// `plans.csv` (one row per plan, best first) and, with `--frontier`, `frontier.csv`.
  public static func files(_ s: Solve) -> [(name: String, contents: String)] {
    var plans = CSVTable(
      header: s.levers.map(\.path.description) + [
        "reserve", "months", "binding", "expectedCutPerYear", "cutShare", "appealsPerPath", "efficient",
      ])
    plans.rows = s.rows.map { r in
      r.levers.map(CSVTable.number) + [
        CSVTable.number(r.reserve), r.months.map(CSVTable.number) ?? "", s.targets[r.binding].spec,
        CSVTable.number(r.cost.expectedCutPerYear), CSVTable.number(r.cost.cutShare),
        CSVTable.number(r.cost.appealsPerPath), r.efficient ? "true" : "false",
      ]
    }
    var files = [(name: "plans.csv", contents: plans.text)]
    if let frontier = s.frontier {
      var table = CSVTable(header: ["atMost", "reserve", "months"])
      table.rows = frontier.map {
        [CSVTable.number($0.atMost), CSVTable.number($0.reserve), $0.months.map(CSVTable.number) ?? ""]
      }
      files.append((name: "frontier.csv", contents: table.text))
    }
    return files
  }
}
