import Foundation
import ReserveSimAnalysis
import ReserveSimScenario

/// A tornado chart of a sensitivity analysis as a self-contained SVG — a pure function of the analysis.
///
/// One row per parameter, largest swing at the top. Each row has two bars starting at the base value of
/// the metric (the dashed line): the upper half-row bar ends at the metric with the parameter low,
/// v·(1 − s); the lower one with the parameter high, v·(1 + s). Half rows keep both visible when they point
/// the same way. The x axis is the metric with its unit (money in the scenario's currency, or percent);
/// each row's tooltip gives the parameter's values and outcomes. Drawn with `SVGChart.Markup`, the project's
/// one SVG writer, in user units on a 960-unit-wide canvas.
public enum TornadoChart {
  static let width = 960.0
  static let rowHeight = 26.0
  static let top = 92.0
  static let bottom = 64.0
  static let lowColour = "#4C78A8"
  static let highColour = "#F58518"
  static let fontSize = 12.0

  /// The chart as SVG text.
  public static func svg(_ s: SensitivityAnalysis) -> String {
    let money = MoneyFormat(currency: s.currency)
    let isMoney = s.metric == .requiredReserve95
    // An overflowed outcome is labelled at ±1.8e308 ("undefined" for NaN) and drawn to the axis' end.
    func label(_ value: Double) -> String {
      guard !value.isNaN else { return "undefined" }
      let x = min(max(value, -.greatestFiniteMagnitude), .greatestFiniteMagnitude)
      if isMoney { return money.short(x) }
      let percent = x * 100
      return PercentFormat.format(x, digits: abs(percent - percent.rounded()) < 1e-9 ? 0 : 1)
    }
    let baseValue = s.metric.value(of: s.base)
    let values = s.parameters.flatMap { [$0.metricLow, $0.metricHigh] } + [baseValue]
    // The one tick function of every chart: finite, bounded, terminates on overflowed values.
    let ticks = SVGChart.niceTicks(covering: values, count: 6)
    let domain = (ticks.first!, ticks.last!)

    let labelWidth = max(150, 6.6 * Double(s.parameters.map { shortened($0.path).count }.max() ?? 10)) + 16
    let plotLeft = labelWidth + 8, plotRight = width - 36
    func x(_ value: Double) -> Double {
      let v = value.isNaN ? domain.0 : min(max(value, domain.0), domain.1)
      return domain.1 > domain.0
        ? plotLeft + (v - domain.0) / (domain.1 - domain.0) * (plotRight - plotLeft) : (plotLeft + plotRight) / 2
    }
    let plotBottom = top + rowHeight * Double(max(1, s.parameters.count))
    let height = plotBottom + bottom
    let swingText = PercentFormat.format(s.relativeSwing, digits: 0)
    let metricTitle =
      isMoney
      ? "Reserve needed at 95% confidence (\(s.currency))"
      : "Probability of falling below the floor within \(s.years) year\(s.years == 1 ? "" : "s") (%)"

    var out = SVGChart.Markup(separator: "\n")
    let title =
      "\(s.scenarioName): sensitivity of the \(isMoney ? "reserve needed at 95%" : "ruin probability")"
    out.text(title, x: 16, y: 26, fontSize: 16, bold: true)
    out.text(
      "Each parameter set \(swingText) lower and \(swingText) higher, one at a time; "
        + "\(s.paths) paths on common random numbers, seed \(s.seed)", x: 16, y: 46, fill: "#555")
    out.rect(x: plotLeft, y: 58, width: 12, height: 12, fill: lowColour)
    out.text("parameter × (1 − \(swingText))", x: plotLeft + 18, y: 69)
    out.rect(x: plotLeft + 210, y: 58, width: 12, height: 12, fill: highColour)
    out.text("parameter × (1 + \(swingText))", x: plotLeft + 228, y: 69)

    out.horizontalAxis(
      ticks: ticks, at: x, label: label, gridTop: top - 4, gridBottom: plotBottom, labelBaseline: plotBottom + 18,
      gridColor: "#e4e4e4")
    out.line(x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: "#333")
    out.text(metricTitle, x: (plotLeft + plotRight) / 2, y: plotBottom + 44, anchor: .middle, bold: true)

    for (row, p) in s.parameters.enumerated() {
      let y = top + rowHeight * Double(row)
      let tooltip =
        "\(p.path): \(value(p.low)) → \(label(p.metricLow)); base \(value(p.base)) → \(label(baseValue)); "
        + "\(value(p.high)) → \(label(p.metricHigh))"
      out.group(title: tooltip) { row in
        row.categoryLabel(shortened(p.path), right: labelWidth, middle: y + rowHeight / 2, fontSize: fontSize)
        for (metricValue, colour, offset) in [(p.metricLow, lowColour, 3.0), (p.metricHigh, highColour, rowHeight / 2)]
        {
          let from = min(x(baseValue), x(metricValue)), to = max(x(baseValue), x(metricValue))
          row.rect(x: from, y: y + offset, width: max(1, to - from), height: rowHeight / 2 - 3, fill: colour)
        }
      }
    }
    out.line(x1: x(baseValue), y1: top - 8, x2: x(baseValue), y2: plotBottom, stroke: "#222", dash: "4 3")
    out.text("base \(label(baseValue))", x: x(baseValue), y: top - 12, anchor: .middle)
    let description =
      "Tornado chart: \(metricTitle) with each of \(s.parameters.count) parameter"
      + "\(s.parameters.count == 1 ? "" : "s") set \(swingText) lower and higher; base \(label(baseValue))"
    return out.document(
      width: width, height: height, title: description, fontFamily: "Helvetica, Arial, sans-serif",
      fontSize: fontSize, fixedSize: true) + "\n"
  }

  /// The most characters of a row label; longer paths keep their start and end (the tooltip has them whole).
  static let labelLimit = 60

  /// A label of at most `labelLimit` characters: the path's start, "…", and its field.
  static func shortened(_ path: String) -> String {
    guard path.count > labelLimit else { return path }
    let tail = min(labelLimit / 2, path.count)
    return String(path.prefix(labelLimit - tail - 1)) + "…" + String(path.suffix(tail))
  }

  static func value(_ x: Double) -> String { WhatIfText.number(x) }
}
