import Foundation
import ReserveSimResults

/// What the report and the notebook say in words, read off a summary: the reserve curve's confidence
/// levels, the headline sentence and the labels they share.
extension RunSummary {
  /// Confidence levels of the "reserve needed against confidence" curve, 50% … 99.5%, denser in the tail.
  /// Pass them as `RunSummary(result, reserveConfidences:)` for the report and the notebook.
  public static let reserveCurveConfidences = [
    0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.95, 0.96, 0.97, 0.975, 0.98, 0.99, 0.995,
  ]

  /// The confidence the headline holds the reserve to: ruin within the horizon stays under 1 − 0.95 = 5%.
  public static let headlineConfidence = 0.95

  /// The required reserve at confidence c (SPEC §7): the summary's own level when it has one, else read
  /// from all paths' sorted needs.
  public func requiredReserve(confidence c: Double) -> ReserveLevel {
    requiredReserve.first { abs($0.confidence - c) < 1e-9 }
      ?? Self.reserveLevel(sorted: sortedRequiredReserve, confidence: c)
  }

  /// The answer in two sentences, e.g. "With $1.5M in reserve, the chance of running out within 10 years
  /// is 37% (±1%). To keep it under 5%, hold $91M."
  ///
  /// "±" is the 95% Monte Carlo margin z·√(p(1−p)/N), z = 1.96; the percentages carry as many decimals as
  /// the margin allows. "Hold" is the required reserve at 95% confidence: starting with it, at least 95%
  /// of the simulated futures never fall below the floor.
  /// A share with its 95% Monte Carlo interval in words: "56.0% (±0.3%)"; with no hit, "under 0.0038% (no
  /// simulated future did)"; with every path a hit, "over 99.99% (every simulated future did)" — the Wilson
  /// interval's one-sided bound, rounded outwards so that it never reads "0.00%" or "100.00%".
  public static func chancePhrase(
    _ share: Proportion, hits: Int, paths: Int, did event: String = "ran out", groups: Int? = nil
  ) -> String {
    // Over groups (SPEC §22) an interval may close on 0 or 1: then no bound is left to state.
    if hits == 0 {
      let bound = share.upper > 0 ? "under \(PercentFormat.upperBound(share.upper))" : "0%"
      return "\(bound) (no simulated future \(event))"
    }
    if hits == paths {
      let bound = share.lower < 1 ? "over \(PercentFormat.lowerBound(share.lower))" : "100%"
      return "\(bound) (every simulated future \(event))"
    }
    // Over J groups of estimates (SPEC §22) the margin is t₀.₉₇₅,J−1 standard errors, else 1.96.
    let factor = groups.map { ConfidenceIntervals.t975(degreesOfFreedom: $0 - 1) } ?? ConfidenceIntervals.z95
    let margin = factor * share.standardError
    let digits = PercentFormat.digits(forMargin: margin)
    return "\(PercentFormat.format(share.value, digits: digits)) (±\(PercentFormat.format(margin, digits: digits)))"
  }

  /// "With $1.5M in reserve", "With no reserve", or for a reserve written as a distribution (SPEC §16) "With
  /// $1.2M–$1.8M in reserve (90% range)".
  func reserveWords(_ money: MoneyFormat) -> String {
    if let range = initialReserveRange {
      let (lower, upper) = money.shortPair(range.lower, range.upper)
      return "With \(lower)–\(upper) in reserve (90% range)"
    }
    return initialReserve == 0 ? "With no reserve" : "With \(money.short(initialReserve)) in reserve"
  }

  public var headline: String {
    let money = MoneyFormat(currency: currency)
    let within = "within \(years) year\(years == 1 ? "" : "s")"
    let event = floor == 0 ? "running out" : "falling below the floor of \(money.short(floor))"
    let start = reserveWords(money)
    let chance =
      "is "
      + Self.chancePhrase(ruinProbability, hits: ruinedPathsByYear.last ?? 0, paths: paths, groups: nested?.groups)
    let limit = PercentFormat.format(1 - Self.headlineConfidence, digits: 0)
    let hold = requiredReserve(confidence: Self.headlineConfidence).value
    let advice: String
    if hold == 0 {
      advice = "It stays under \(limit) even with no reserve."
    } else if hold <= initialReserve {
      advice = "To keep it under \(limit), hold \(money.short(hold)), which the current reserve covers."
    } else {
      advice = "To keep it under \(limit), hold \(money.short(hold))."
    }
    return "\(start), the chance of \(event) \(within) \(chance). \(advice)"
  }

  /// What was run, in words: "2000 simulated futures (seed 7), 5 years from July 2021".
  var runDescription: String {
    var text = "\(paths) simulated futures (seed \(seed)), \(years) year\(years == 1 ? "" : "s")"
    if let startLabel { text += " from \(startLabel)" }
    return text
  }

  /// The reserve needed at each of the summary's confidences, with its months and 95% interval.
  var reserveTable: DisplayTable {
    let money = MoneyFormat(currency: currency)
    let showsMonths = monthlyOutgoMonth1 > 0
    var header = ["Confidence", "Reserve needed"]
    if showsMonths { header.append("Months of outgo") }
    header += ["95% interval"]
    return DisplayTable(
      title: "Reserve needed", header: header,
      rows: requiredReserve.map { level in
        var row = [CSVExport.percentLabel(level.confidence) + "%", money.full(level.value)]
        if let months = months(of: level.value) { row.append(MonthsFormat.number(months)) }
        row.append(money.interval(level.lower, level.upper))
        return row
      })
  }

  /// The expected shortfall at `defaultShortfallConfidences`, the levels every output shows it at (the text's
  /// "worst 10%" rows, `--json`'s `expectedShortfall`); nil when the reserve is searched for (SPEC §15).
  var shortfallTable: DisplayTable? {
    guard requiredReserveMethod == .exact else { return nil }
    let money = MoneyFormat(currency: currency)
    return DisplayTable(
      title: "Mean need of the worst futures (expected shortfall)",
      header: ["Worst futures", "Mean need (expected shortfall)"],
      rows: expectedShortfall.map { [CSVExport.percentLabel(1 - $0.confidence) + "%", money.full($0.value)] })
  }

  /// The reserve that holds the board's minimum (SPEC §17) at each confidence, with its months and 95% interval;
  /// nil when the file sets no minimum.
  public var minimumReserveTable: DisplayTable? {
    guard let minimum = minimumMonths else { return nil }
    let money = MoneyFormat(currency: currency)
    var header = ["Confidence", "Reserve needed"]
    if monthlyOutgoMonth1 > 0 { header.append("Months of outgo") }
    header.append("95% interval")
    return DisplayTable(
      title: "Reserve needed to stay above the board's minimum of \(MonthsFormat.format(minimum)) of outgo",
      header: header,
      rows: requiredReserveForMinimum.map { level in
        var row = [CSVExport.percentLabel(level.confidence) + "%", money.full(level.value)]
        if let months = months(of: level.value) { row.append(MonthsFormat.number(months)) }
        row.append(money.interval(level.lower, level.upper))
        return row
      })
  }

  /// The month-1 budget as written: a row per line (income, sponsors, expenses, one-offs), the net cash flow,
  /// then the donated services' values (which cost nothing while donated).
  public var budgetTable: DisplayTable {
    let money = MoneyFormat(currency: currency)
    let labels: [Budget.Line.Kind: String] = [
      .income: "Income", .sponsors: "Sponsors", .expense: "Expense", .oneOff: "One-off",
      .donatedService: "Donated (not paid)",
    ]
    var rows = budget.month1.filter { $0.kind != .donatedService }.map {
      [labels[$0.kind]!, $0.name + ($0.note.map { " (\($0))" } ?? ""), money.full($0.monthly)]
    }
    rows.append(["Net cash flow", "", money.full(budget.month1Net)])
    rows += budget.month1.filter { $0.kind == .donatedService }.map {
      [labels[$0.kind]!, $0.name, money.full($0.monthly) + " value"]
    }
    return DisplayTable(
      title: "Month-1 budget", header: ["Kind", "Line", "Per month"], rows: rows, numericColumns: [2])
  }

  /// The expected (mean over all futures) flows of each year: what the inputs imply before any probability.
  public var expectedFlowsTable: DisplayTable {
    let money = MoneyFormat(currency: currency)
    return DisplayTable(
      title: "Expected flows by year (mean over all futures)",
      header: ["Year", "Income", "Sponsors", "Expenses", "Service costs", "Net"],
      rows: yearlyFlows.map {
        [
          String($0.year), money.short($0.income), money.short($0.sponsorRevenue), money.short(-$0.expenses),
          money.short(-$0.serviceCosts),
          money.short($0.income + $0.sponsorRevenue - $0.expenses - $0.serviceCosts),
        ]
      }, numericColumns: [1, 2, 3, 4, 5])
  }

  /// What the reserve table's months and method mean, and the board's minimum when the file sets one (SPEC §15):
  /// sentences for the report and the notebook.
  public var reserveNotes: [String] {
    let money = MoneyFormat(currency: currency)
    var notes = warnings.map { "Warning: \($0)." }
    if monthlyOutgoMonth1 > 0 {
      notes.append(
        "Months of outgo: the reserve divided by month 1's budgeted outgo (the expense lines active in month 1; "
          + "donated services cost nothing yet), \(money.short(monthlyOutgoMonth1)) a month.")
    }
    if requiredReserveMethod == .search {
      notes.append(
        "With the policy's cuts and appeals, the reserve needed is found by searching, on the same simulated "
          + "futures, for the least starting reserve that keeps each one above the floor (to within $1 or one part "
          + "in a million). The mean need of the worst futures (expected shortfall) is "
          + "\(RunSummary.shortfallOmittedInSearch).")
    } else {
      notes.append(
        "Mean need of the worst futures (the expected shortfall): the average reserve the worst 10%, 5% or 1% of "
          + "futures would need in total from the start — not a gap against the reserve held.")
    }
    if let minimum = minimumMonths, let below = belowMinimum {
      notes.append(
        "The chance of falling below the board's minimum of \(MonthsFormat.format(minimum)) of outgo at some "
          + "month-end is \(PercentFormat.format(below.value)) (95% interval "
          + "\(PercentFormat.interval(below.lower, below.upper))).")
    }
    return notes
  }

  /// What the policy's cuts and appeals did, a row per year (SPEC §19): means over all futures; nil when the file
  /// has no cuts or appeal.
  public var policyActivityTable: DisplayTable? {
    guard !policyActivity.isEmpty else { return nil }
    let money = MoneyFormat(currency: currency)
    func mean(_ x: Double) -> String { String(format: "%.2f", x) }
    return DisplayTable(
      title: "What the responses did, by year (means over all futures)",
      header: ["Year", "Under cuts", "Months cut", "Not paid (cuts)", "Appeals", "Answered", "Raised"],
      rows: policyActivity.map {
        [
          String($0.year), PercentFormat.format($0.cutShare), mean($0.cutMonths), money.short($0.cutAmount),
          mean($0.appeals), mean($0.appealsAnswered), money.short($0.raised),
        ]
      })
  }

  /// What `policyActivityTable`'s columns mean, in a sentence.
  public static let policyActivityNote =
    "Under cuts: the share of futures with the cuts in force in some month of the year; months cut and the expense "
    + "they left unpaid, appeals made, appeals answered and the money raised (in the year it arrives) are means "
    + "over all futures, months after running out included."

  /// "April 2020" for `start` "2020-04"; `nil` without a start.
  public var startLabel: String? { start.map(Self.monthLabel) }

  /// "2020-04" → "April 2020" (the text unchanged when it is not YYYY-MM).
  static func monthLabel(_ yearMonth: String) -> String {
    let parts = yearMonth.split(separator: "-")
    guard parts.count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return yearMonth }
    let names = [
      "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
      "November", "December",
    ]
    return "\(names[month - 1]) \(parts[0])"
  }

  /// The title of a year axis: "Years after April 2020", or "Years" without a start.
  var yearAxisTitle: String { startLabel.map { "Years after \($0)" } ?? "Years" }
}

extension PercentFormat {
  /// Decimals that show a 95% margin without rounding it by more than a quarter: the fewest at which the margin
  /// in percent rounds to at least 2 in its last digit (±3%, ±1.4%, ±0.6%, ±0.14%), at most four.
  public static func digits(forMargin margin: Double) -> Int {
    // The fewest decimals (at most four) at which the margin in percent rounds to 2 or more in its last digit: a
    // margin of 0.6% shows as ±0.6% and 1.4% as ±1.4% (not both as ±1%), 2.6% as ±3%.
    let percent = margin * 100
    var digits = 0
    while digits < 4, (percent * pow(10, Double(digits))).rounded() < 2 { digits += 1 }
    return digits
  }

  /// A rate with up to two decimals and no trailing zeros, with a true minus sign: 0.05 → "5%",
  /// 0.125 → "12.5%", −0.1 → "−10%".
  public static func compact(_ share: Double) -> String {
    var text = String(format: "%.2f", abs(share) * 100)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return (share < 0 && text != "0" ? "−" : "") + text + "%"
  }
}

extension MoneyFormat {
  /// What stands before and after a compact amount: ("$", "") for USD, ("", " CHF") for a code without a
  /// symbol — so that other renderers (the notebook's Python) format money the same way.
  public var affixes: (prefix: String, suffix: String) {
    if let symbol = Self.symbols[currency] { return (symbol, "") }
    return ("", " " + currency)
  }
}

extension RunSummary {
  /// SPEC §16's ranking as a table: rank, estimate (its `--set` path), its distribution as written, and the share of
  /// the spread in the reserve needed and in running out it explains, with 95% intervals.
  public var uncertaintyTable: DisplayTable {
    DisplayTable(
      title: "What matters most to pin down",
      header: ["Rank", "Estimate", "Written as", "Reserve needed", "Running out"],
      rows: uncertainty.enumerated().map { position, rank in
        [
          String(position + 1), rank.parameter.path.description, rank.parameter.distribution.json.jsonText,
          UncertaintyRanking.percentWithInterval(rank.need), UncertaintyRanking.percentWithInterval(rank.ruin),
        ]
      }, numericColumns: [0, 3, 4])
  }
}
