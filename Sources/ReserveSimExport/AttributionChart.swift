import ReserveSimAnalysis

/// The report's bar chart of an attribution (SPEC §20) as SVG, drawn with `SVGChart.Markup`: one row per source
/// with the budget itself first, a bar from 0 to its share and a line across its 95% interval, on one axis in the
/// metric's unit.
public enum AttributionChart {
  static let width = 960.0
  static let rowHeight = 26.0
  static let top = 48.0
  static let bottom = 56.0
  static let fontSize = 12.0
  static let budgetColour = "#9D9D9D"
  static let sourceColour = "#4C78A8"

  /// The chart as SVG text.
  public static func svg(_ a: Attribution) -> String {
    let rows: [(name: String, value: Double, interval: (Double, Double)?)] =
      [("Budget itself", a.budgetItself, nil)] + a.sources.map { ($0.name, $0.share, ($0.lower, $0.upper)) }
    let values: [Double] =
      rows.flatMap { row -> [Double] in [row.value, row.interval?.0 ?? 0, row.interval?.1 ?? 0] }
      + [0]
    let ticks = SVGChart.niceTicks(covering: values, count: 6)
    let domain = (ticks.first!, ticks.last!)
    let labelWidth = max(150, 6.6 * Double(rows.map { TornadoChart.shortened($0.name).count }.max() ?? 10)) + 16
    let plotLeft = labelWidth + 8, plotRight = width - 36
    func x(_ value: Double) -> Double {
      let v = min(max(value, domain.0), domain.1)
      return domain.1 > domain.0
        ? plotLeft + (v - domain.0) / (domain.1 - domain.0) * (plotRight - plotLeft) : (plotLeft + plotRight) / 2
    }
    let plotBottom = top + rowHeight * Double(rows.count)
    let label = { AttributionOutput.value($0, of: a) }
    var out = SVGChart.Markup(separator: "\n")
    out.text("Where the risk comes from: \(AttributionOutput.title(a))", x: 16, y: 26, fontSize: 15, bold: true)
    out.horizontalAxis(
      ticks: ticks, at: x, label: label, gridTop: top - 4, gridBottom: plotBottom, labelBaseline: plotBottom + 18,
      gridColor: "#e4e4e4")
    out.line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: "#333")
    for (index, row) in rows.enumerated() {
      let y = top + rowHeight * Double(index)
      let interval = row.interval.map { " (95%: \(label($0.0)) to \(label($0.1)))" } ?? ""
      out.group(title: "\(row.name): \(label(row.value))\(interval)") { g in
        g.categoryLabel(
          TornadoChart.shortened(row.name), right: labelWidth, middle: y + rowHeight / 2, fontSize: fontSize)
        let from = min(x(0), x(row.value)), to = max(x(0), x(row.value))
        g.rect(
          x: from, y: y + 4, width: max(1, to - from), height: rowHeight - 8,
          fill: index == 0 ? budgetColour : sourceColour)
        if let (lower, upper) = row.interval {
          g.line(x1: x(lower), y1: y + rowHeight / 2, x2: x(upper), y2: y + rowHeight / 2, stroke: "#222", width: 1.5)
        }
      }
    }
    out.line(x1: x(0), y1: top - 8, x2: x(0), y2: plotBottom, stroke: "#222")
    return out.document(
      width: width, height: plotBottom + bottom,
      title: "Bar chart: the budget itself and each source's Shapley share of \(AttributionOutput.title(a))",
      fontSize: fontSize) + "\n"
  }
}
