import ReserveSimResults

/// The runway after a loss (SPEC §21) in words and as a table, for the text summary, the report and the notebook.
extension RunwayAfterLoss {
  /// One line: "If CDN is lost (31% of futures): half of those futures run out within 14 months of paying for it;
  /// 90% last at least 5 months." A percentile the curve never reaches is said as "more than h months", h the longest
  /// follow-up; with the board's minimum a second sentence says the same for falling below it.
  public var sentence: String {
    guard lostPaths > 0 else { return "No simulated future has to pay for \(service) within the horizon." }
    var out = "If \(service) is lost (\(Self.share(lostShare)) of futures"
    guard runwayMonths.futures > 0 else {
      return out + "), the reserve had already run out before it was paid for in every one of them."
    }
    if ruinedBefore > 0 { out += "; \(ruinedBefore) of them had already run out before and are left out" }
    out += "): "
    out += Self.percentiles(
      runwayMonths, median: ("half of those futures run out within # of paying for it", "half of those futures last"),
      ninety: ("90% last at least #", "90% last"), after: " of paying for it")
    out += "."
    if let toMinimum = toMinimumMonths {
      out += " " + Self.minimumSentence(toMinimum, belowBefore: belowMinimumBefore ?? 0)
    }
    return out
  }

  /// "Half fall below the board's minimum within 6 months; 90% stay above it at least 2 months."
  static func minimumSentence(_ curve: Months, belowBefore: Int) -> String {
    guard curve.futures > 0 else { return "All of them were below the board's minimum before it was paid for." }
    var out = percentiles(
      curve, median: ("Half fall below the board's minimum within #", "Half stay above the board's minimum"),
      ninety: ("90% stay above it at least #", "90% stay above it"), after: "")
    if belowBefore > 0 { out += " (\(belowBefore) already below it before are left out)" }
    return out + "."
  }

  /// The median's words, then the 10th percentile's: each the first phrase with # the months, or, where the curve
  /// stays above, the second followed by "more than h months" (h the longest follow-up) and `after`.
  static func percentiles(
    _ curve: Months, median: (reached: String, above: String), ninety: (reached: String, above: String),
    after: String
  ) -> String {
    let beyond = " more than " + months(curve.followUpMonths)
    func words(_ value: Int?, _ phrases: (reached: String, above: String), after: String) -> String {
      value.map { phrases.reached.replacingOccurrences(of: "#", with: months($0)) } ?? phrases.above + beyond + after
    }
    return words(curve.p50, median, after: after) + "; " + words(curve.p10, ninety, after: "")
  }

  /// A share of futures as a whole percentage, or with its decimals below 1%.
  static func share(_ value: Double) -> String {
    value >= 0.01 ? PercentFormat.format(value, digits: 0) : PercentFormat.compact(value)
  }

  /// "1 month", "14 months".
  static func months(_ count: Int) -> String { count == 1 ? "1 month" : "\(count) months" }

  /// A percentile in months for a table: the number, or "> h" where the curve stays above.
  static func cell(_ months: Int?, _ curve: Months?) -> String {
    guard let curve, curve.futures > 0 else { return "–" }
    return months.map(String.init) ?? "> \(curve.followUpMonths)"
  }
}

extension RunSummary {
  /// The runway after each service's loss (SPEC §21) as a table: the share of futures in which it is lost, those
  /// that had run out before, and the months to running out (and to the board's minimum, when set) at the 10th
  /// percentile and the median; nil when the summary has no runway or the file no in-kind service.
  public var runwayTable: DisplayTable? {
    guard let runway = runwayAfterLoss, !runway.isEmpty else { return nil }
    var header = ["Service", "Lost in", "Ran out before", "Runway p10", "Runway median"]
    if minimumMonths != nil { header += ["To minimum p10", "To minimum median"] }
    return DisplayTable(
      title: "The runway after a loss (months of paying for the service)", header: header,
      rows: runway.map { r in
        var row = [
          r.service, RunwayAfterLoss.share(r.lostShare), String(r.ruinedBefore),
          RunwayAfterLoss.cell(r.runwayMonths.p10, r.runwayMonths),
          RunwayAfterLoss.cell(r.runwayMonths.p50, r.runwayMonths),
        ]
        if minimumMonths != nil {
          row += [
            RunwayAfterLoss.cell(r.toMinimumMonths?.p10, r.toMinimumMonths),
            RunwayAfterLoss.cell(r.toMinimumMonths?.p50, r.toMinimumMonths),
          ]
        }
        return row
      })
  }

  /// What the runway's figures mean, in a sentence.
  public static let runwayNote =
    "Among the futures in which a donated service is lost within the horizon, the months from the first month the "
    + "organisation pays for it to the first month-end below the floor (that month included), estimated by "
    + "Kaplan–Meier: a future still above the floor at the horizon counts as lasting at least that long. p10: 90% of "
    + "those futures last at least this long; median: half run out within it; \"> h\": the curve stays above that "
    + "share over the longest follow-up of h months. Futures that had run out before the loss are left out."
}
