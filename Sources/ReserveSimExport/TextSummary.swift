import Foundation
import ReserveSimResults

/// The readable summary `reservesim run` prints: a headline, the reserve table, and a table by year.
public enum TextSummary {
  public static func render(_ s: RunSummary) -> String {
    let money = MoneyFormat(currency: s.currency)
    let ruin = s.ruinProbability
    var out = "\(s.scenarioName) — \(s.paths) paths, seed \(s.seed), \(s.years) years\n\n"
    for warning in s.warnings { out += "Warning: \(warning).\n\n" }
    out += table(s.budgetTable) + "\n" + table(s.expectedFlowsTable) + "\n"
    if !s.agreementTerms.isEmpty {
      out += "Dated agreements\n" + s.agreementTerms.map { "  " + $0 + "\n" }.joined() + "\n"
    }
    out += "\(s.reserveWords(money)), the chance of running out within \(s.years) "
    out += "year\(s.years == 1 ? "" : "s") is "
    out += RunSummary.chancePhrase(
      ruin, hits: s.ruinedPathsByYear.last ?? 0, paths: s.paths, groups: s.nested?.groups)
    if s.floor != 0 { out += " (falling below the floor of \(money.short(s.floor)))" }
    out += ".\n"
    if let minimum = s.minimumMonths, let below = s.belowMinimum {
      out += "The chance of falling below the board's minimum of \(MonthsFormat.format(minimum)) of outgo at some "
      out += "month-end is "
      out += RunSummary.chancePhrase(
        below, hits: s.belowMinimumPathsByYear.last ?? 0, paths: s.paths, did: "fell below it",
        groups: s.nested?.groups)
      out += ".\n"
    }
    out += "\n"

    out += "Reserve needed to stay above the floor"
    let outgo = s.monthlyOutgoMonth1
    if outgo > 0 { out += " (months: of month 1's budgeted outgo, \(money.short(outgo)) a month)" }
    out += "\n" + reserveTable(s.requiredReserve, s, money: money)
    if let minimum = s.minimumMonths {
      out += "\nReserve needed to stay above the board's minimum of \(MonthsFormat.format(minimum)) of outgo "
      out += "(cover ≥ \(MonthsFormat.number(minimum)) at every month-end)\n"
      out += reserveTable(s.requiredReserveForMinimum, s, money: money)
    }
    if s.requiredReserveMethod == .search {
      out += "(Found by searching, on the same random futures, for the least starting reserve that keeps each future\n"
      out += "above the floor with the policy's cuts and appeals; to within $1 or one part in a million.)\n"
      out += "\nMean need of the worst futures (expected shortfall): \(RunSummary.shortfallOmittedInSearch).\n"
    } else {
      out += "\nMean need of the worst futures (expected shortfall): the average total reserve those futures would\n"
      out += "need from the start, not a gap against the reserve held\n"
      for shortfall in s.expectedShortfall {
        out +=
          pad("worst " + CSVExport.percentLabel(1 - shortfall.confidence) + "%", 12) + money.full(shortfall.value)
          + "\n"
      }
    }

    if let nested = s.nested {
      out += "\n" + wrapped(NestedText.howSure(nested, s, money: money), width: 112)
      for warning in NestedText.warnings(nested) { out += wrapped("Warning: " + warning, width: 112) }
      if nested.ranking.contains(where: { $0.ruin != nil }) {
        out += "\n" + NestedText.introduction + "\n"
        for line in NestedText.table(nested.ranking, limit: 5) { out += line + "\n" }
      }
    } else if !s.uncertainty.isEmpty {
      out += "\n" + UncertaintyRanking.introduction + "\n"
      if s.paths > UncertaintyRanking.samplePaths {
        out += "(Ranked on the run's first \(UncertaintyRanking.samplePaths) paths; more would not narrow it.)\n"
      }
      for line in UncertaintyRanking.table(s.uncertainty, limit: 5) { out += line + "\n" }
    }

    if let runway = s.runwayAfterLoss, !runway.isEmpty {
      // SPEC §21: one line per service.
      out += "\nIf a donated service is lost (months counted from the first month it is paid for)\n"
      for service in runway { out += service.sentence + "\n" }
    }

    out += "\nBy year (balance at year end)\n"
    out += pad("year", 6) + pad("ruined by then", 16) + pad("p5", 12) + pad("median", 12) + pad("p95", 12) + "mean\n"
    for (index, balance) in s.balanceByYear.enumerated() {
      out += pad(String(balance.year), 6) + pad(PercentFormat.format(s.ruinProbabilityByYear[index]), 16)
      out += pad(money.short(balance.p5), 12) + pad(money.short(balance.p50), 12) + pad(money.short(balance.p95), 12)
      out += money.short(balance.mean) + "\n"
    }
    if let activity = s.policyActivityTable {
      out += "\n" + table(activity) + wrapped("(" + RunSummary.policyActivityNote + ")", width: 112)
    }
    return out
  }

  /// Reserve levels as aligned text: confidence, reserve, months (when month 1 budgets outgo) and 95% interval.
  static func reserveTable(_ levels: [RunSummary.ReserveLevel], _ s: RunSummary, money: MoneyFormat) -> String {
    var out = pad("confidence", 12) + pad("reserve", 16) + (s.monthlyOutgoMonth1 > 0 ? pad("months", 9) : "")
    out += "95% interval\n"
    for level in levels {
      out += pad(CSVExport.percentLabel(level.confidence) + "%", 12)
      out += pad(money.full(level.value), 16)
      if let months = s.months(of: level.value) { out += pad(MonthsFormat.number(months), 9) }
      out += money.interval(level.lower, level.upper) + "\n"
    }
    return out
  }

  /// A display table as aligned text: its title, then columns padded to their widest cell.
  static func table(_ t: DisplayTable) -> String {
    let rows = [t.header] + t.rows
    let widths = t.header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    var out = t.title + "\n"
    for row in rows {
      out +=
        row.indices.map { column in
          let cell = row[column]
          let fill = String(repeating: " ", count: widths[column] - cell.count)
          return t.numericColumns.contains(column) ? fill + cell : cell + fill
        }.joined(separator: "  ").trimmingCharacters(in: .whitespaces) + "\n"
    }
    return out
  }

  /// `text` in lines of at most `width` characters (a longer word stays whole), each ended by a line break.
  static func wrapped(_ text: String, width: Int) -> String {
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + 1 + word.count > width {
        lines.append(line)
        line = ""
      }
      line += (line.isEmpty ? "" : " ") + word
    }
    if !line.isEmpty { lines.append(line) }
    return lines.map { $0 + "\n" }.joined()
  }

  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
  }
}

/// Months of outgo for people: "3 months", "1 month", "2.5 months".
public enum MonthsFormat {
  /// The number alone: whole numbers plainly, others to one decimal.
  public static func number(_ months: Double) -> String {
    guard months.isFinite else { return months > 0 ? "∞" : "−∞" }
    guard abs(months) < 1e9 else { return String(format: "%.3g", months).replacingOccurrences(of: "e+", with: "e") }
    let rounded = (months * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.1f", rounded)
  }

  /// With its unit.
  public static func format(_ months: Double) -> String { number(months) + (months == 1 ? " month" : " months") }
}
