import Foundation
import ReserveSimResults

/// The report's three charts, each a pure function of a summary: the balance fan, the ruin curve and the
/// reserve needed against confidence. Money is labelled in the scenario's currency ($1.5M).
extension SVGChart {
  static let fanColor = "#1f5fa8"
  static let ruinColor = "#b03a2e"
  static let floorColor = "#c0392b"
  static let reserveRuleColor = "#555555"
  /// Money axes span at least this much, so that all-zero figures still get readable ticks ($0 … $1k).
  static let minimumMoneySpan = 1000.0

  /// The balance at each year end across the simulated futures (SPEC §10 `balanceByYear`), from the
  /// initial reserve at year 0: shaded p5–p95 and p25–p75 bands, the median, and the floor.
  public static func balanceFan(_ s: RunSummary) -> SVGChart {
    let money = MoneyFormat(currency: s.currency)
    let years = [0.0] + s.balanceByYear.map { Double($0.year) }
    func series(_ percentile: KeyPath<RunSummary.YearBalance, Double>) -> [Double] {
      [s.initialReserve] + s.balanceByYear.map { $0[keyPath: percentile] }
    }
    let (p5, p25, p50, p75, p95) = (series(\.p5), series(\.p25), series(\.p50), series(\.p75), series(\.p95))
    return SVGChart(
      title: "Balance at each year end: median and percentile bands of \(s.paths) simulated futures",
      x: yearAxis(s),
      y: .covering(
        p5 + p95 + [s.floor, 0], title: "Balance at year end (\(s.currency))", count: 6, minimumSpan: minimumMoneySpan,
        label: { money.short($0) }),
      marks: [
        .band(xs: years, lower: p5, upper: p95, color: fanColor, opacity: 0.18, legend: "5th–95th percentile"),
        .band(xs: years, lower: p25, upper: p75, color: fanColor, opacity: 0.38, legend: "25th–75th percentile"),
        .line(
          points: zip(years, p50).map(Point.init), color: fanColor, width: 2.5, dash: nil, dots: false,
          legend: "median"),
        .rule(y: s.floor, color: floorColor, legend: "floor (\(money.short(s.floor)))"),
      ])
  }

  /// The cumulative share of futures that have fallen below the floor by each year end, with its 95%
  /// Wilson interval.
  public static func ruinCurve(_ s: RunSummary) -> SVGChart {
    let years = [0.0] + (1...s.years).map(Double.init)
    let intervals = (1...s.years).map { s.ruinProbability(withinYears: $0) }
    let value = [0.0] + s.ruinProbabilityByYear
    let lower = [0.0] + intervals.map(\.lower)
    let upper = [0.0] + intervals.map(\.upper)
    var y = Axis.covering(
      [0, max(0.01, upper.max() ?? 0)], title: "Chance of having run out (% of futures)", count: 5, label: { _ in "" })
    let step = y.ticks.count > 1 ? y.ticks[1] - y.ticks[0] : 0.01
    let digits = step >= 0.01 ? 0 : step >= 0.001 ? 1 : 2
    y.label = { PercentFormat.format($0, digits: digits) }
    return SVGChart(
      title: "Chance of having fallen below the floor by each year end",
      x: yearAxis(s), y: y,
      marks: [
        .band(xs: years, lower: lower, upper: upper, color: ruinColor, opacity: 0.2, legend: "95% interval"),
        .line(
          points: zip(years, value).map(Point.init), color: ruinColor, width: 2.5, dash: nil, dots: true,
          legend: "ruined by then"),
      ])
  }

  /// The reserve needed at the start against the confidence of never falling below the floor (SPEC §7),
  /// with its 95% interval and the current reserve. The confidence axis is logit-scaled, ln(c/(1−c)),
  /// so the tail from 90% to 99.5% gets room.
  public static func reserveCurve(_ s: RunSummary) -> SVGChart {
    let money = MoneyFormat(currency: s.currency)
    let levels = s.requiredReserve.sorted { $0.confidence < $1.confidence }
    let confidences = levels.map(\.confidence)
    let lowest = confidences.first ?? 0.5
    let highest = confidences.last ?? 0.995
    let ticks = [0.5, 0.8, 0.9, 0.95, 0.98, 0.99, 0.995].filter { $0 >= lowest - 1e-9 && $0 <= highest + 1e-9 }
    let x = Axis(
      title: "Confidence: share of futures that never fall below the floor (%)", domain: lowest...highest,
      ticks: ticks, label: { CSVExport.percentLabel($0) + "%" },
      transform: { c in
        let clamped = min(max(c, 1e-6), 1 - 1e-6)
        return log(clamped / (1 - clamped))
      })
    let values = levels.map(\.value)
    return SVGChart(
      title: "Reserve needed at the start against confidence",
      x: x,
      y: .covering(
        levels.map(\.lower) + levels.map(\.upper) + [s.initialReserve, 0], title: "Reserve needed (\(s.currency))",
        count: 6, minimumSpan: minimumMoneySpan, label: { money.short($0) }),
      marks: [
        .band(
          xs: confidences, lower: levels.map(\.lower), upper: levels.map(\.upper), color: fanColor,
          opacity: 0.25, legend: "95% interval"),
        .line(
          points: zip(confidences, values).map(Point.init), color: fanColor, width: 2.5, dash: nil, dots: true,
          legend: "reserve needed"),
        .rule(
          y: s.initialReserve, color: reserveRuleColor, legend: "current reserve (\(money.short(s.initialReserve)))"),
      ])
  }

  /// Years 0 … horizon with whole-number ticks.
  static func yearAxis(_ s: RunSummary) -> Axis {
    .covering([0, Double(s.years)], title: s.yearAxisTitle, count: min(s.years, 10), wholeSteps: true) {
      String(Int($0))
    }
  }
}
