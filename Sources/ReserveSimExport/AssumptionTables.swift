import Foundation
import ReserveSimResults
import ReserveSimScenario

/// A small table of display text; the HTML report draws it as `<table>`, the notebook as Markdown.
public struct DisplayTable: Equatable, Sendable {
  public var title: String
  public var header: [String]
  public var rows: [[String]]
  /// Columns that hold numbers (right-aligned); the first column is always a label.
  public var numericColumns: Set<Int>

  public init(title: String, header: [String], rows: [[String]], numericColumns: Set<Int>? = nil) {
    self.title = title
    self.header = header
    self.rows = rows
    self.numericColumns = numericColumns ?? Set(1..<max(1, header.count))
  }
}

/// The scenario's assumptions as tables a treasurer can check against the file: one per list of the
/// file (SPEC §2–§7), amounts in the scenario's currency, rates as percentages. Empty lists are left out.
public enum AssumptionTables {
  public static func tables(_ scenario: Scenario) -> [DisplayTable] {
    let money = MoneyFormat(currency: scenario.currency)
    var tables = [reserve(scenario, money: money)]
    if !scenario.factors.isEmpty {
      tables.append(
        DisplayTable(
          title: "Random drivers (monthly log random walks; absent ones stay at 1)",
          header: ["Factor", "Median growth per year", "Volatility per year"],
          rows: scenario.factors.keys.sorted().map { factor in
            let dynamics = scenario.factors[factor]!
            return [
              factor.rawValue, PercentFormat.compact(dynamics.annualGrowth),
              PercentFormat.compact(dynamics.annualVolatility),
            ]
          }))
    }
    if !scenario.correlations.isEmpty {
      tables.append(
        DisplayTable(
          title: "Correlations between the drivers' monthly shocks", header: ["Between", "ρ"],
          rows: scenario.correlations.map {
            ["\($0.first.rawValue) and \($0.second.rawValue)", trimmed($0.rho)]
          }))
    }
    for (title, lines) in [("Income", scenario.income), ("Expenses", scenario.expenses)] where !lines.isEmpty {
      tables.append(moneyLines(title, lines, money: money))
    }
    if !scenario.sponsorTiers.isEmpty {
      tables.append(
        DisplayTable(
          title: "Sponsor tiers",
          header: [
            "Tier", "Per sponsor per year", "Sponsors at start", "Per year at start", "Renewal chance",
            "New per year (mean)",
          ],
          rows: scenario.sponsorTiers.map {
            [
              $0.name, money.full($0.annualAmount), String($0.count), money.full($0.annualAmount * Double($0.count)),
              PercentFormat.compact($0.renewalProbability), trimmed($0.newPerYear),
            ]
          }))
    }
    if !scenario.inKindServices.isEmpty {
      tables.append(
        DisplayTable(
          title: "Donated services that can be lost",
          header: [
            "Service", "Value per month at start", "Value follows", "Loss chance per year", "Notice",
            "Share paid once lost", "Replacement chance per year",
          ],
          rows: scenario.inKindServices.map {
            [
              $0.name, money.full($0.monthlyValue),
              $0.scaling == .traffic ? "traffic × unit cost" : "inflation",
              PercentFormat.compact($0.annualLossProbability), months($0.noticeMonths),
              PercentFormat.compact($0.replacementCostFraction),
              PercentFormat.compact($0.annualReplacementProbability),
            ]
          },
          numericColumns: [1, 3, 4, 5, 6]))
    }
    let dated = scenario.inKindServices.filter { $0.agreement != nil || $0.migrationCost != 0 || $0.mitigation != nil }
    if !dated.isEmpty {
      tables.append(
        DisplayTable(
          title: "Agreements and what a loss costs over time",
          header: [
            "Service", "Agreement ends", "Renewal chance", "Renewed for", "Migration (once)", "Later share paid",
          ],
          rows: dated.map { service in
            let agreement = service.agreement
            return [
              service.name, agreement.map { monthLabel($0.ends, start: scenario.start) } ?? "—",
              agreement.map { PercentFormat.compact($0.renewalProbability) } ?? "—",
              agreement.map { "\($0.renewalYears) year\($0.renewalYears == 1 ? "" : "s")" } ?? "—",
              service.migrationCost == 0 ? "—" : money.full(service.migrationCost),
              service.mitigation.map { "\(PercentFormat.compact($0.costFraction)) after \(months($0.afterMonths))" }
                ?? "—",
            ]
          }))
    }
    if !scenario.oneOffs.isEmpty {
      tables.append(
        DisplayTable(
          title: "One-off items", header: ["Item", "Month", "Amount"],
          rows: scenario.oneOffs.map { [$0.name, monthLabel($0.month, start: scenario.start), money.full($0.amount)] },
          numericColumns: [2]))
    }
    if let policy = scenario.policy {
      var rows: [[String]] = []
      if let minimum = policy.minimumMonths {
        rows.append(["Board minimum", MonthsFormat.format(minimum) + " of outgo"])
      }
      if let cuts = policy.cuts {
        rows.append([
          "Cuts",
          "below \(MonthsFormat.format(cuts.belowMonths)) of outgo, \((cuts.lines ?? ["all expense lines"]).joined(separator: ", ")) "
            + "× \(trimmed(cuts.expenseMultiplier)) until the cover is back to \(MonthsFormat.format(cuts.restoreMonths))",
        ])
      }
      if let appeal = policy.appeal {
        rows.append([
          "Emergency appeal",
          "below \(MonthsFormat.format(appeal.belowMonths)) of outgo: \(money.full(appeal.amount)) with chance "
            + "\(PercentFormat.compact(appeal.probability)), at most once in \(months(appeal.cooldownMonths))",
        ])
      }
      tables.append(DisplayTable(title: "The organisation's responses", header: ["Response", "Rule"], rows: rows))
    }
    if !scenario.events.isEmpty {
      tables.append(
        DisplayTable(
          title: "Events (multipliers apply while active)",
          header: [
            "Event", "Chance per year", "Lasts", "Income ×", "Renewal ×", "New sponsors ×",
            "Service loss ×",
          ],
          rows: scenario.events.map {
            [
              $0.name, PercentFormat.compact($0.annualProbability), months($0.durationMonths),
              trimmed($0.incomeMultiplier), trimmed($0.sponsorRenewalMultiplier), trimmed($0.newSponsorMultiplier),
              trimmed($0.serviceLossMultiplier),
            ]
          }))
    }
    return tables
  }

  static func reserve(_ scenario: Scenario, money: MoneyFormat) -> DisplayTable {
    var horizon = "\(scenario.years) year\(scenario.years == 1 ? "" : "s") (\(scenario.months) monthly steps)"
    if let start = scenario.start { horizon += " from \(RunSummary.monthLabel(start))" }
    return DisplayTable(
      title: "Reserve and horizon", header: ["Setting", "Value"],
      rows: [
        ["Initial reserve", money.full(scenario.reserve.initial)],
        ["Floor (ruin is falling below it)", money.full(scenario.reserve.floor)],
        ["Return on the reserve per year", PercentFormat.compact(scenario.reserve.annualReturn)],
        ["Horizon", horizon],
        ["Currency", scenario.currency],
      ],
      numericColumns: [])
  }

  static func moneyLines(_ title: String, _ lines: [MoneyLine], money: MoneyFormat) -> DisplayTable {
    DisplayTable(
      title: title, header: ["Line", "Per year at start", "Growth per year", "Follows", "Paid in"],
      rows: lines.map { line in
        [
          line.name, money.full(line.annual), PercentFormat.compact(line.annualGrowth),
          line.factor?.rawValue ?? "—", years(from: line.fromYear, until: line.untilYear),
        ]
      },
      numericColumns: [1, 2])
  }

  /// "every year", "years 3–5", "from year 3", "until year 4".
  static func years(from: Int?, until: Int?) -> String {
    switch (from, until) {
    case (nil, nil): return "every year"
    case (let from?, nil): return "from year \(from)"
    case (nil, let until?): return "until year \(until)"
    case (let from?, let until?): return from == until ? "year \(from)" : "years \(from)–\(until)"
    }
  }

  /// Month m as "YYYY-MM (month m)" when the file has a start, else "month m".
  static func monthLabel(_ m: Int, start: String?) -> String {
    CalendarMonth.label(month: m, start: start).map { "\($0) (month \(m))" } ?? "month \(m)"
  }

  static func months(_ count: Int) -> String { "\(count) month\(count == 1 ? "" : "s")" }

  /// 0.4 → "0.4", 2 → "2", 0.85 → "0.85", −0.3 → "−0.3" (three decimals at most, a true minus sign).
  static func trimmed(_ x: Double) -> String {
    let text = CSVTable.number((x.magnitude * 1000).rounded() / 1000)
    return (x < 0 && text != "0" ? "−" : "") + text
  }
}
