import Foundation
import ReserveSimAnalysis

/// The readable output of `compare`, `sensitivity` and `drivers`, and the sentences that explain drivers
/// of ruin — pure functions of analyses.
public enum WhatIfText {
  /// `compare`: A, B, B − A and the 95% interval of B − A for each figure.
  public static func render(_ c: Comparison) -> String {
    let money = MoneyFormat(currency: c.currency)
    var out = "A: \(c.nameA)\nB: \(c.nameB)\n"
    out += "\(c.paths) paths, seed \(c.seed), common random numbers (path i sees the same draws in A and B)\n"
    out += "Horizon: " + (c.yearsA == c.yearsB ? years(c.yearsA) : "A \(years(c.yearsA)), B \(years(c.yearsB))") + "\n"
    out += "Edits: " + editsWords([("--set", c.edits, "A and B"), ("--set-b", c.editsB, "B only")]) + "\n\n"
    for warning in c.warnings { out += "Warning: \(warning).\n\n" }
    out += pad("", 18) + pad("A", 14) + pad("B", 14) + pad("B − A", 14) + "95% interval of B − A\n"
    let ruin = c.ruinProbability
    out += pad("Ruin probability", 18) + pad(percent(ruin.a), 14) + pad(percent(ruin.b), 14)
    out += pad(points(ruin.difference), 14) + "\(points(ruin.lower)) to \(points(ruin.upper))\n"
    for level in c.requiredReserve {
      let v = level.value
      out += pad("Reserve at " + CSVExport.percentLabel(level.confidence) + "%", 18) + pad(money.short(v.a), 14)
      out += pad(money.short(v.b), 14) + pad(signed(v.difference, money), 14)
      let (lower, upper) = money.shortPair(v.lower, v.upper, sign: { $0 > 0 ? "+" : "" })
      out += "\(lower) to \(upper)\n"
    }
    out += "\nRuin: paired normal interval over per-path ruin indicators. Reserve: paired bootstrap "
    out += "(\(PairedBootstrap.defaultResamples) Poisson-weighted resamples of paths). See docs/what-if.md.\n"
    for note in c.notes { out += "Note: \(note).\n" }
    return out
  }

  /// The widest parameter column of `sensitivity`'s table; a longer name takes a line of its own above its row.
  public static let sensitivityNameWidth = 48

  /// `sensitivity`: the ranked parameters with their low and high outcomes.
  public static func render(_ s: SensitivityAnalysis) -> String {
    let money = MoneyFormat(currency: s.currency)
    let ranked = s.metric == .requiredReserve95 ? "the reserve needed at 95%" : "the ruin probability"
    var out =
      "\(s.scenarioName) — how \(ranked) moves when each parameter is set \(percent(s.relativeSwing, digits: 0)) "
    out += "lower and higher, one at a time\n"
    out += "\(s.paths) paths, seed \(s.seed), common random numbers; \(s.simulations) simulations\n"
    out += "Base: reserve needed at 95% \(money.short(s.base.requiredReserve[0])), "
    out += "ruin probability \(percent(s.base.ruinProbability))\n"
    let marked =
      s.swungEstimates.isEmpty
      ? "" : "; * a distribution's centre: its low and high move the centre and keep the spread"
    out += TextSummary.wrapped("(" + s.baseNote + marked + ".)", width: 112) + "\n"
    // A name longer than the column gets a line of its own, so the figures stay in their columns.
    let width = min(sensitivityNameWidth, max(10, s.parameters.map(\.path.count).max() ?? 10)) + 2
    out += pad("parameter", width) + pad("base", 10) + pad("low → high", 20) + pad("reserve at 95%: low → high", 30)
    out += "ruin: low → high\n"
    for p in s.parameters {
      let estimate = s.swungEstimates.contains(p.path) ? "*" : ""
      out += nameColumn(p.path, width) + pad(number(p.base) + estimate, 10)
      out += pad("\(number(p.low)) → \(number(p.high))", 20)
      out += pad("\(money.short(p.requiredReserveLow)) → \(money.short(p.requiredReserveHigh))", 30)
      out += "\(percent(p.ruinProbabilityLow)) → \(percent(p.ruinProbabilityHigh))\n"
    }
    if !s.unchanged.isEmpty {
      out += "\nNot swung (value 0, which a relative swing leaves unchanged): \(s.unchanged.joined(separator: ", "))\n"
    }
    for skipped in s.skipped { out += "Skipped \(skipped.path): \(skipped.reason)\n" }
    return out
  }

  /// `drivers`: the sentences for the top drivers, then every feature with its separation.
  public static func render(_ d: RuinDrivers) -> String {
    var out = "\(d.scenarioName) — what ruined paths have in common (\(d.paths) paths, seed \(d.seed))\n"
    out += "Ruined within \(d.years) year\(d.years == 1 ? "" : "s"): \(d.ruinedPaths) paths "
    out += "(\(percent(Double(d.ruinedPaths) / Double(d.paths)))); surviving: \(d.survivingPaths)\n\n"
    if let note = nothingToCompare(d) { return out + note + "\n" }
    let sentences = sentences(d)
    if sentences.isEmpty {
      out += "No single feature separates ruined from surviving paths strongly "
      out += "(largest |separation| \(String(format: "%.2f", abs(d.drivers.first?.separation ?? 0)))).\n"
    }
    for sentence in sentences { out += "• " + sentence + "\n" }
    let width = min(50, max(10, d.drivers.map { label($0).count }.max() ?? 10)) + 2
    out += "\n" + pad("feature", width) + pad("ruined", 12) + pad("surviving", 12) + "separation\n"
    for driver in d.drivers {
      out += nameColumn(label(driver), width) + pad(featureValue(driver, ruined: true), 12)
      out += pad(featureValue(driver, ruined: false), 12) + String(format: "%+.2f", driver.separation) + "\n"
    }
    out += "\nSeparation is Cliff's delta: P(ruined > surviving) − P(ruined < surviving), from −1 to 1; "
    out += "for a lost service it is the difference in shares. See docs/what-if.md.\n"
    return out
  }

  /// One sentence per top driver ("The CDN donation was lost in 94% of ruined paths and 3% of surviving ones.").
  public static func sentences(_ d: RuinDrivers) -> [String] { d.topDrivers.map(sentence) }

  /// A driver in words, with the group means (medians for the traffic level, which is skewed).
  public static func sentence(_ driver: RuinDrivers.Driver) -> String {
    let r = driver.ruinedMean, s = driver.survivingMean
    switch driver.kind {
    case .serviceLost:
      return
        "The \(driver.name) donation was lost in \(percent(r, digits: 0)) of ruined paths and \(percent(s, digits: 0)) of surviving ones."
    case .eventMonths:
      return
        "\(driver.name) was active for \(decimal(r)) months on average in ruined paths and \(decimal(s)) in surviving ones."
    case .trafficAtHorizon:
      return "Traffic at the horizon was \(multiple(driver.ruinedMedian)) its starting level in the median ruined path "
        + "and \(multiple(driver.survivingMedian)) in the median surviving one."
    case .sponsorsAtHorizon:
      return
        "Ruined paths ended with \(decimal(r)) \(driver.name) sponsors on average, surviving ones with \(decimal(s))."
    case .drawnEstimate:
      return "Ruined paths drew \(driver.name) at \(number(driver.ruinedMedian)) in the median, surviving ones at "
        + "\(number(driver.survivingMedian))."
    }
  }

  /// Why there is nothing to compare (no ruined path, or no surviving one), else `nil`.
  public static func nothingToCompare(_ d: RuinDrivers) -> String? {
    let money = MoneyFormat(currency: d.currency)
    if d.ruinedPaths == 0 {
      return "No path was ruined with a reserve of \(money.short(d.initialReserve)), so there is nothing to compare. "
        + "Study a smaller reserve (--set reserve.initial=…) or more paths (--paths) to see what drives ruin."
    }
    if d.survivingPaths == 0 {
      return
        "Every path was ruined with a reserve of \(money.short(d.initialReserve)), so nothing separates ruin from survival. "
        + "Study a larger reserve (--set reserve.initial=…) to see which paths survive."
    }
    return nil
  }

  static func label(_ driver: RuinDrivers.Driver) -> String {
    switch driver.kind {
    case .serviceLost: return "\(driver.name) lost (share)"
    case .eventMonths: return "\(driver.name) (months active)"
    case .trafficAtHorizon: return "traffic at horizon (median)"
    case .sponsorsAtHorizon: return "\(driver.name) sponsors at horizon"
    case .drawnEstimate: return "\(driver.name) (drawn, median)"
    }
  }

  static func featureValue(_ driver: RuinDrivers.Driver, ruined: Bool) -> String {
    switch driver.kind {
    case .serviceLost: return percent(ruined ? driver.ruinedMean : driver.survivingMean)
    case .trafficAtHorizon: return multiple(ruined ? driver.ruinedMedian : driver.survivingMedian)
    case .drawnEstimate: return number(ruined ? driver.ruinedMedian : driver.survivingMedian)
    case .eventMonths, .sponsorsAtHorizon: return decimal(ruined ? driver.ruinedMean : driver.survivingMean)
    }
  }

  /// "5 years", "1 year".
  static func years(_ count: Int) -> String { "\(count) year\(count == 1 ? "" : "s")" }

  /// The edits applied, by option and what they apply to: "--set reserve.floor=1 (A and B); --set-b x=2 (B only)",
  /// or "none" (the files as written).
  public static func editsWords(_ groups: [(option: String, edits: [String], scope: String)]) -> String {
    let words = groups.filter { !$0.edits.isEmpty }.map { group in
      group.edits.map { "\(group.option) \($0)" }.joined(separator: ", ") + " (\(group.scope))"
    }
    return words.isEmpty ? "none (the files as written)" : words.joined(separator: "; ")
  }

  /// The line `sweep` prints before its table: the scenario, the horizon, the settings and the other edits.
  public static func context(_ s: Sweep) -> String {
    let horizon =
      s.axes.contains { $0.path.description == "years" } ? "the horizon set by the axis years" : years(s.years)
    return "Sweep of \(s.scenarioName) over \(horizon), \(s.paths) paths, seed \(s.seed); other edits: "
      + editsWords([("--set", s.edits, "every point")])
  }

  static func percent(_ share: Double, digits: Int = 1) -> String { PercentFormat.format(share, digits: digits) }

  /// A difference of probabilities in percentage points: +1.4 pts.
  static func points(_ difference: Double) -> String {
    (difference > 0 ? "+" : "") + String(format: "%.2f pts", difference * 100).replacingOccurrences(of: "-", with: "−")
  }

  /// A signed amount: +$1.2M, −$300k, $0.
  static func signed(_ amount: Double, _ money: MoneyFormat) -> String { (amount > 0 ? "+" : "") + money.short(amount) }

  static func decimal(_ x: Double) -> String { String(format: "%.1f", x) }

  static func multiple(_ x: Double) -> String {
    (x >= 10 ? String(format: "%.0f", x) : String(format: "%.2g", x)) + "×"
  }

  /// A parameter value as written: whole numbers without decimals, others with up to four significant figures;
  /// from 10,000 on in thousands or millions (760.3k, 1.44M), never in exponent form.
  static func number(_ x: Double) -> String {
    let sign = x < 0 ? "−" : ""
    if x == x.rounded() && abs(x) < 1e15 {
      if abs(x) >= 1e6 { return sign + MoneyFormat.trim(abs(x) / 1e6) + "M" }
      if abs(x) >= 1e4 { return sign + MoneyFormat.trim(abs(x) / 1e3) + "k" }
      return String(Int64(x))
    }
    if abs(x) >= 1e4 && abs(x) < 1e15 {
      let (scaled, suffix) = abs(x) >= 1e6 ? (abs(x) / 1e6, "M") : (abs(x) / 1e3, "k")
      return sign + String(format: "%.4g", scaled) + suffix
    }
    // Four significant figures of a number from 1,000 on are its whole part.
    if abs(x) >= 1e3 && abs(x) < 1e4 { return number(x.rounded()) }
    return String(format: "%.4g", x)
  }

  static func pad(_ text: String, _ width: Int) -> String { TextSummary.pad(text, width) }

  /// A table's first column: the name padded to `width`, or, when longer than the column, the name on a line of
  /// its own and the row's figures below it in their columns.
  static func nameColumn(_ name: String, _ width: Int) -> String {
    name.count > width - 2 ? name + "\n" + String(repeating: " ", count: width) : pad(name, width)
  }
}
