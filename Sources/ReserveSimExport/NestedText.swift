import ReserveSimResults

/// How sure the answers are (SPEC §22), in words: the sentence the text summary, the report and the notebook print
/// when estimates are drawn per group, and the table of what moves the chance of running out.
public enum NestedText {
  /// "How sure: 90% of the plausible sets of estimates give between 24% and 57%; of that spread, X explains 61%, …",
  /// then the same for the minimum and the reserve at 95% where the run has them.
  public static func howSure(_ nested: NestedSummary, _ s: RunSummary, money: MoneyFormat) -> String {
    let within = "within \(s.years) year\(s.years == 1 ? "" : "s")"
    var out = "How sure: 90% of the plausible sets of estimates give between \(percent(nested.ruin.p5)) and "
    out += "\(percent(nested.ruin.p95)) for the chance of running out \(within)"
    out += spreadWords(nested) + "."
    if let below = nested.below {
      out += " For falling below the board's minimum: between \(percent(below.p5)) and \(percent(below.p95))."
    }
    if let reserve = nested.requiredReserve.first(where: { $0.confidence == 0.95 }) ?? nested.requiredReserve.last {
      out += " The reserve that covers \(CSVExport.percentLabel(reserve.confidence))% of a set's futures: between "
      out += "\(money.short(reserve.p5)) and \(money.short(reserve.p95)) (median \(money.short(reserve.p50)))."
    }
    out += " (\(nested.groups) groups of \(nested.inner) futures, each group drawing its own estimates; the groups' "
    out += "own luck is taken out of the chances' spread.)"
    return out
  }

  /// "; of that spread, X explains 61%, Y 12%, …", or why no estimate is named.
  static func spreadWords(_ nested: NestedSummary) -> String {
    if nested.ruin.sdEpistemic == 0 { return "; the estimates do not move it beyond the groups' own luck" }
    let named = nested.ranking.compactMap { rank in rank.ruin.map { (rank.parameter.path.description, $0.index) } }
    guard !named.isEmpty else {
      return "; which estimate explains that spread needs at least \(NestedSummary.minimumGroupsForIndices) groups "
        + "(\(NestedSummary.minimumGroupsForIndices * nested.inner) paths)"
    }
    let shown = named.prefix(3).enumerated().map { position, pair in
      "\(pair.0) \(position == 0 ? "explains " : "")\(percent(max(0, pair.1), digits: 0))"
    }
    return "; of that spread, " + shown.joined(separator: ", ")
  }

  /// The warnings of SPEC §22: the groups' own luck over a third of their spread.
  public static func warnings(_ nested: NestedSummary) -> [String] {
    var out: [String] = []
    for (name, spread) in [("running out", nested.ruin), ("falling below the minimum", nested.below)] {
      guard let spread, spread.innerNoiseDominates else { continue }
      out.append(
        "for \(name), the groups' own luck (\(nested.inner) futures each) is over a third of the spread between "
          + "groups, so the range above rests mostly on taking it out; more paths per group (--nested) would say more."
      )
    }
    return out
  }

  /// The heading of the table (for the terminal).
  public static let introduction = [
    "What moves the chance of running out: each estimate's share of the spread that research on the estimates could",
    "remove (first-order index over the groups, 95% interval).",
  ].joined(separator: "\n")

  /// The ranking as a text table of the first `limit` estimates, and a line for the rest.
  public static func table(_ ranking: [NestedSummary.Rank], limit: Int = .max) -> [String] {
    let shown = ranking.prefix(limit)
    let width = Swift.min(60, Swift.max(8, shown.map(\.parameter.path.description.count).max() ?? 8)) + 2
    var lines = [pad("rank", 6) + pad("estimate", width) + "share of the spread in running out"]
    for (position, rank) in shown.enumerated() {
      lines.append(
        pad(String(position + 1), 6) + pad(rank.parameter.path.description, width)
          + UncertaintyRanking.percentWithInterval(rank.ruin))
    }
    if ranking.count > shown.count {
      lines.append("… and \(ranking.count - shown.count) more (run --json lists them all)")
    }
    return lines
  }

  /// A share as a whole-number percentage (or with `digits` decimals).
  static func percent(_ share: Double, digits: Int = 0) -> String { PercentFormat.format(share, digits: digits) }

  static func pad(_ text: String, _ width: Int) -> String {
    let cut = text.count > width - 2 ? String(text.prefix(width - 3)) + "…" : text
    return cut + String(repeating: " ", count: Swift.max(1, width - cut.count))
  }

  /// The spread over the plausible sets of estimates as a table: each answer's 5th, 50th and 95th percentiles.
  public static func spreadTable(_ nested: NestedSummary, _ s: RunSummary, money: MoneyFormat) -> DisplayTable {
    var rows = [["Chance of running out within \(s.years)y"] + shares(nested.ruin)]
    if let below = nested.below { rows.append(["Chance of falling below the minimum"] + shares(below)) }
    for reserve in nested.requiredReserve {
      rows.append(
        ["Reserve covering \(CSVExport.percentLabel(reserve.confidence))% of a set's futures"]
          + [reserve.p5, reserve.p50, reserve.p95].map { money.short($0) })
    }
    return DisplayTable(
      title: "How sure: the answers over the plausible sets of estimates", header: ["", "5%", "50%", "95%"], rows: rows)
  }

  /// The ranking as a display table (report, notebook).
  public static func rankingTable(_ nested: NestedSummary) -> DisplayTable {
    DisplayTable(
      title: "What moves the chance of running out",
      header: ["Rank", "Estimate", "Share of the spread"],
      rows: nested.ranking.enumerated().map { position, rank in
        [String(position + 1), rank.parameter.path.description, UncertaintyRanking.percentWithInterval(rank.ruin)]
      }, numericColumns: [0, 2])
  }

  static func shares(_ spread: NestedSummary.Spread) -> [String] {
    [spread.p5, spread.p50, spread.p95].map { percent($0, digits: 1) }
  }
}
