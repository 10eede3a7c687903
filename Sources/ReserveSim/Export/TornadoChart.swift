import Foundation

/// A tornado chart of a sensitivity analysis as a self-contained SVG — a pure function of the analysis.
///
/// One row per parameter, largest swing at the top. Each row has two bars starting at the base value of
/// the metric (the dashed line): the upper half-row bar ends at the metric with the parameter low,
/// v·(1 − s); the lower one with the parameter high, v·(1 + s). Half rows keep both visible when they point
/// the same way. The x axis is the metric with its unit (money in the scenario's currency, or percent);
/// each row's tooltip gives the parameter's values and outcomes.
public enum TornadoChart {
  static let width = 960.0
  static let rowHeight = 26.0
  static let top = 92.0
  static let bottom = 64.0
  static let lowColour = "#4C78A8"
  static let highColour = "#F58518"

  /// The chart as SVG text.
  public static func svg(_ s: SensitivityAnalysis) -> String {
    let escape = MarkupText.escape
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

    var out = """
      <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" viewBox="0 0 \(f(width)) \(f(height))" \
      font-family="Helvetica, Arial, sans-serif" font-size="12">
      <rect width="100%" height="100%" fill="white"/>
      <text x="16" y="26" font-size="16" font-weight="bold">\(escape(s.scenarioName)): sensitivity of the \
      \(isMoney ? "reserve needed at 95%" : "ruin probability")</text>
      <text x="16" y="46" fill="#555">Each parameter set \(swingText) lower and \(swingText) higher, one at a time; \
      \(s.paths) paths on common random numbers, seed \(s.seed)</text>
      <rect x="\(f(plotLeft))" y="58" width="12" height="12" fill="\(lowColour)"/>
      <text x="\(f(plotLeft + 18))" y="69">parameter × (1 − \(swingText))</text>
      <rect x="\(f(plotLeft + 210))" y="58" width="12" height="12" fill="\(highColour)"/>
      <text x="\(f(plotLeft + 228))" y="69">parameter × (1 + \(swingText))</text>

      """
    for tick in ticks {
      out +=
        "<line x1=\"\(f(x(tick)))\" y1=\"\(f(top - 4))\" x2=\"\(f(x(tick)))\" y2=\"\(f(plotBottom))\" stroke=\"#e4e4e4\"/>\n"
      out +=
        "<text x=\"\(f(x(tick)))\" y=\"\(f(plotBottom + 18))\" text-anchor=\"middle\">\(escape(label(tick)))</text>\n"
    }
    out +=
      "<line x1=\"\(f(plotLeft))\" y1=\"\(f(plotBottom))\" x2=\"\(f(plotRight))\" y2=\"\(f(plotBottom))\" stroke=\"#333\"/>\n"
    out +=
      "<text x=\"\(f((plotLeft + plotRight) / 2))\" y=\"\(f(plotBottom + 44))\" text-anchor=\"middle\" font-weight=\"bold\">"
    out += escape(metricTitle) + "</text>\n"

    for (row, p) in s.parameters.enumerated() {
      let y = top + rowHeight * Double(row)
      let tooltip =
        "\(p.path): \(TornadoChart.value(p.low)) → \(label(p.metricLow)); base \(TornadoChart.value(p.base)) → \(label(baseValue)); "
        + "\(TornadoChart.value(p.high)) → \(label(p.metricHigh))"
      out += "<g><title>\(escape(tooltip))</title>\n"
      out +=
        "<text x=\"\(f(labelWidth))\" y=\"\(f(y + rowHeight / 2 + 4))\" text-anchor=\"end\">\(escape(shortened(p.path)))</text>\n"
      for (metricValue, colour, offset) in [(p.metricLow, lowColour, 3.0), (p.metricHigh, highColour, rowHeight / 2)] {
        let from = min(x(baseValue), x(metricValue)), to = max(x(baseValue), x(metricValue))
        out +=
          "<rect x=\"\(f(from))\" y=\"\(f(y + offset))\" width=\"\(f(max(1, to - from)))\" height=\"\(f(rowHeight / 2 - 3))\" "
        out += "fill=\"\(colour)\"/>\n"
      }
      out += "</g>\n"
    }
    out += "<line x1=\"\(f(x(baseValue)))\" y1=\"\(f(top - 8))\" x2=\"\(f(x(baseValue)))\" y2=\"\(f(plotBottom))\" "
    out += "stroke=\"#222\" stroke-dasharray=\"4 3\"/>\n"
    out +=
      "<text x=\"\(f(x(baseValue)))\" y=\"\(f(top - 12))\" text-anchor=\"middle\">base \(escape(label(baseValue)))</text>\n"
    return out + "</svg>\n"
  }

  /// The most characters of a row label; longer paths keep their start and end (the tooltip has them whole).
  static let labelLimit = 60

  /// A label of at most `labelLimit` characters: the path's start, "…", and its field.
  static func shortened(_ path: String) -> String {
    guard path.count > labelLimit else { return path }
    let tail = min(labelLimit / 2, path.count)
    return String(path.prefix(labelLimit - tail - 1)) + "…" + String(path.suffix(tail))
  }

  /// A coordinate with at most one decimal.
  static func f(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }

  static func value(_ x: Double) -> String { WhatIfText.number(x) }
}
