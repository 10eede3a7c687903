import ReserveSim

/// The page's charts: the report's charts of the edited scenario (B), with the file as written (A) drawn over
/// them as a grey dashed line, so the start stays visible while the assumptions move.
enum ViewCharts {
  static let baselineColor = "#777777"

  /// The balance fan, the ruin curve and the reserve curve as SVG documents, keyed `fan`, `ruin`, `reserve`.
  static func json(edited b: RunSummary, asWritten a: RunSummary) -> OrderedJSON {
    let aYears = [0.0] + a.balanceByYear.map { Double($0.year) }
    let fan = withBaseline(
      SVGChart.balanceFan(b),
      points: zip(aYears, [a.initialReserve] + a.balanceByYear.map(\.p50)).map(SVGChart.Point.init),
      legend: "median as written")
    let ruin = withBaseline(
      SVGChart.ruinCurve(b),
      points: zip([0.0] + (1...a.years).map(Double.init), [0.0] + a.ruinProbabilityByYear).map(SVGChart.Point.init),
      legend: "as written")
    let levels = a.requiredReserve.sorted { $0.confidence < $1.confidence }
    let reserve = withBaseline(
      SVGChart.reserveCurve(b), points: levels.map { SVGChart.Point($0.confidence, $0.value) },
      legend: "as written")
    return .object([("fan", .string(fan.svg())), ("ruin", .string(ruin.svg())), ("reserve", .string(reserve.svg()))])
  }

  /// `chart` with `points` added as a dashed grey line, its value axis widened to hold them; points beyond the
  /// chart's horizontal axis (a horizon the edits shortened) are left out.
  static func withBaseline(_ chart: SVGChart, points: [SVGChart.Point], legend: String) -> SVGChart {
    var chart = chart
    let points = points.filter { chart.x.domain.contains($0.x) }
    let ys = points.map(\.y).filter(\.isFinite)
    if let low = ys.min(), let high = ys.max(), low < chart.y.domain.lowerBound || high > chart.y.domain.upperBound {
      let ticks = SVGChart.niceTicks(covering: chart.y.ticks + [low, high], count: max(chart.y.ticks.count - 1, 2))
      chart.y.ticks = ticks
      chart.y.domain = ticks.first!...ticks.last!
    }
    chart.marks.append(.line(points: points, color: baselineColor, width: 2, dash: "6 4", dots: false, legend: legend))
    return chart
  }
}
