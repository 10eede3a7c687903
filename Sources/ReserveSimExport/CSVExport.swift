import ReserveSimResults
import ReserveSimScenario

/// The spreadsheet files of `run --csv DIR` — a pure function of a summary.
///
/// Column names are stable (documented in docs/outputs.md): money in the scenario's currency, shares as
/// fractions (0.05 = 5%).
public enum CSVExport {
  /// `yearly.csv`: a row per year.
  public static func yearly(_ s: RunSummary) -> CSVTable {
    let firstCalendarYear = s.start.flatMap { Int($0.prefix(4)) }
    var header = ["year"]
    if firstCalendarYear != nil { header.append("calendarYear") }
    header += [
      "balanceP5", "balanceP25", "balanceP50", "balanceP75", "balanceP95", "balanceMean", "ruinProbability",
      "meanIncome", "meanSponsorRevenue", "meanExpenses", "meanServiceCosts",
    ]
    if !s.belowMinimumByYear.isEmpty { header.append("belowMinimumProbability") }
    var table = CSVTable(header: header)
    for (index, balance) in s.balanceByYear.enumerated() {
      let flows = s.yearlyFlows[index]
      var row = [String(balance.year)]
      if let firstCalendarYear {
        // Year y covers months 12(y−1)+1 … 12y from `start`; label it by the calendar year it starts in.
        row.append(String(firstCalendarYear + balance.year - 1))
      }
      row += [
        balance.p5, balance.p25, balance.p50, balance.p75, balance.p95, balance.mean, s.ruinProbabilityByYear[index],
        flows.income, flows.sponsorRevenue, flows.expenses, flows.serviceCosts,
      ].map(CSVTable.number)
      if !s.belowMinimumByYear.isEmpty { row.append(CSVTable.number(s.belowMinimumByYear[index])) }
      table.rows.append(row)
    }
    return table
  }

  /// `reserve.csv`: a row per confidence level. `monthsOfOutgo` is the reserve in months of month 1's budgeted
  /// outgo (blank when it is 0); `expectedShortfall` is filled at `RunSummary.defaultShortfallConfidences` only (the
  /// levels every output shows it at) and blank elsewhere and when the reserve is searched for (SPEC §15).
  public static func reserve(_ s: RunSummary) -> CSVTable {
    var table = CSVTable(header: [
      "confidence", "requiredReserve", "lower95", "upper95", "expectedShortfall", "monthsOfOutgo",
    ])
    for level in s.requiredReserve {
      var row = [level.confidence, level.value, level.lower, level.upper].map(CSVTable.number)
      let shortfall = s.expectedShortfall.first { abs($0.confidence - level.confidence) < 1e-12 }
      row.append(shortfall.map { CSVTable.number($0.value) } ?? "")
      row.append(s.months(of: level.value).map(CSVTable.number) ?? "")
      table.rows.append(row)
    }
    return table
  }

  /// `summary.csv`: the headline figures and the run's settings, as key/value rows.
  public static func summary(_ s: RunSummary, version: String) -> CSVTable {
    var table = CSVTable(header: ["key", "value"])
    table.rows = [
      ["scenario", s.scenarioName], ["currency", s.currency], ["start", s.start ?? ""], ["paths", String(s.paths)],
      ["seed", String(s.seed)], ["years", String(s.years)], ["initialReserve", CSVTable.number(s.initialReserve)],
      ["floor", CSVTable.number(s.floor)], ["ruinProbability", CSVTable.number(s.ruinProbability.value)],
      ["ruinProbabilityStandardError", CSVTable.number(s.ruinProbability.standardError)],
      ["ruinProbabilityLower95", CSVTable.number(s.ruinProbability.lower)],
      ["ruinProbabilityUpper95", CSVTable.number(s.ruinProbability.upper)],
    ]
    for level in s.requiredReserve {
      table.rows.append(["requiredReserve\(percentLabel(level.confidence))", CSVTable.number(level.value)])
    }
    for shortfall in s.expectedShortfall {
      table.rows.append(["expectedShortfall\(percentLabel(shortfall.confidence))", CSVTable.number(shortfall.value)])
    }
    table.rows.append(["requiredReserveMethod", s.requiredReserveMethod.rawValue])
    table.rows.append(["monthlyOutgoMonth1", CSVTable.number(s.monthlyOutgoMonth1)])
    if let minimum = s.minimumMonths, let below = s.belowMinimum {
      table.rows += [
        ["minimumMonths", CSVTable.number(minimum)], ["belowMinimumProbability", CSVTable.number(below.value)],
        ["belowMinimumStandardError", CSVTable.number(below.standardError)],
      ]
      for level in s.requiredReserveForMinimum {
        table.rows.append(["requiredReserveForMinimum\(percentLabel(level.confidence))", CSVTable.number(level.value)])
      }
    }
    for warning in s.warnings { table.rows.append(["warning", warning]) }
    table.rows.append(["version", version])
    return table
  }

  /// `policy.csv` (SPEC §19): a row per year of what the policy's cuts and appeals did, means over paths; only for a
  /// file with cuts or an appeal (nil otherwise).
  public static func policy(_ s: RunSummary) -> CSVTable? {
    guard !s.policyActivity.isEmpty else { return nil }
    let firstCalendarYear = s.start.flatMap { Int($0.prefix(4)) }
    var header = ["year"]
    if firstCalendarYear != nil { header.append("calendarYear") }
    header += ["cutShare", "cutMonths", "cutAmount", "appeals", "appealsAnswered", "raised"]
    var table = CSVTable(header: header)
    for a in s.policyActivity {
      var row = [String(a.year)]
      if let firstCalendarYear { row.append(String(firstCalendarYear + a.year - 1)) }
      row += [a.cutShare, a.cutMonths, a.cutAmount, a.appeals, a.appealsAnswered, a.raised].map(CSVTable.number)
      table.rows.append(row)
    }
    return table
  }

  /// `runway.csv` (SPEC §21): a row per in-kind service — the share of paths on which it is first paid for within the
  /// horizon, the paths that had run out before, and the months from the first paid month to running out (and, with
  /// the board's minimum, to falling below it): 10th percentile, median, longest follow-up and the paths the
  /// Kaplan–Meier curve is estimated from. A percentile the curve never reaches is blank ("more than
  /// `…FollowUpMonths`"). Nil when the file has no in-kind service or the run recorded no runway.
  public static func runway(_ s: RunSummary) -> CSVTable? {
    guard let runway = s.runwayAfterLoss, !runway.isEmpty else { return nil }
    let minimum = s.minimumMonths != nil
    var header = [
      "service", "lostShare", "lostPaths", "ruinedBefore", "runwayP10", "runwayP50", "runwayFollowUpMonths",
      "runwayFutures",
    ]
    if minimum {
      header += [
        "belowMinimumBefore", "toMinimumP10", "toMinimumP50", "toMinimumFollowUpMonths", "toMinimumFutures",
      ]
    }
    func months(_ m: RunwayAfterLoss.Months) -> [String] {
      [m.p10.map(String.init) ?? "", m.p50.map(String.init) ?? "", String(m.followUpMonths), String(m.futures)]
    }
    var table = CSVTable(header: header)
    for r in runway {
      var row = [r.service, CSVTable.number(r.lostShare), String(r.lostPaths), String(r.ruinedBefore)]
      row += months(r.runwayMonths)
      if minimum, let toMinimum = r.toMinimumMonths {
        row += [String(r.belowMinimumBefore ?? 0)] + months(toMinimum)
      }
      table.rows.append(row)
    }
    return table
  }

  /// 0.95 → "95", 0.995 → "99.5".
  static func percentLabel(_ c: Double) -> String { CSVTable.number((c * 1000).rounded() / 10) }

  /// The names of the files every run writes, in order.
  public static let fileNames = ["yearly.csv", "reserve.csv", "summary.csv"]
  /// The file a run of a scenario with cuts or an appeal adds (SPEC §19).
  public static let policyFileName = "policy.csv"

  /// The file a run of a scenario with in-kind services adds (SPEC §21).
  public static let runwayFileName = "runway.csv"

  /// The names of the files `files` returns for a run of `scenario`, in order: `fileNames`, `policy.csv` when it has
  /// cuts or an appeal, and `runway.csv` when it has in-kind services.
  public static func fileNames(for scenario: Scenario) -> [String] {
    fileNames + (scenario.policy?.respondsToBalance == true ? [policyFileName] : [])
      + (scenario.inKindServices.isEmpty ? [] : [runwayFileName])
  }

  /// All CSV files of a run, by file name (`fileNames(for:)` of its scenario); writing them is the command line's
  /// job.
  public static func files(_ s: RunSummary, version: String) -> [(name: String, contents: String)] {
    zip(fileNames, [yearly(s).text, reserve(s).text, summary(s, version: version).text]).map { ($0, $1) }
      + (policy(s).map { [(policyFileName, $0.text)] } ?? []) + (runway(s).map { [(runwayFileName, $0.text)] } ?? [])
  }
}
