import Foundation

/// A chart drawn as self-contained SVG text: a plot area with titled axes, shaded bands, lines,
/// dashed reference lines and a legend above the plot.
///
/// Data coordinates map linearly onto the plot after each axis' `transform` (identity, or e.g. logit for
/// confidence levels), so ticks and points stay in data units. Sizes are in SVG user units; the chart
/// scales to its container's width (`viewBox`), so 14-unit text on an 800-unit chart prints at about
/// 9 pt across an A4 page.
public struct SVGChart: Sendable {
  /// One axis: its title (with units), the data range shown, tick positions and their labels.
  public struct Axis: Sendable {
    public var title: String
    public var domain: ClosedRange<Double>
    public var ticks: [Double]
    public var label: @Sendable (Double) -> String
    public var transform: @Sendable (Double) -> Double

    public init(
      title: String, domain: ClosedRange<Double>, ticks: [Double], label: @escaping @Sendable (Double) -> String,
      transform: @escaping @Sendable (Double) -> Double = { $0 }
    ) {
      self.title = title
      self.domain = domain
      self.ticks = ticks
      self.label = label
      self.transform = transform
    }

    /// A linear axis over nice round ticks that cover `values` (about `count` intervals; whole-number
    /// steps only when `wholeSteps`; spanning at least `minimumSpan` upwards from the least value).
    public static func covering(
      _ values: [Double], title: String, count: Int = 5, wholeSteps: Bool = false, minimumSpan: Double = 0,
      label: @escaping @Sendable (Double) -> String
    ) -> Axis {
      let least = values.min() ?? 0
      let spanned = values + [least + minimumSpan]
      let ticks = SVGChart.niceTicks(covering: spanned, count: count, wholeSteps: wholeSteps)
      return Axis(title: title, domain: ticks.first!...ticks.last!, ticks: ticks, label: label)
    }
  }

  /// A point in data units.
  public struct Point: Sendable, Equatable {
    public var x, y: Double
    public init(_ x: Double, _ y: Double) {
      self.x = x
      self.y = y
    }
  }

  /// What the chart draws, in drawing order; every mark with a legend text gets a legend entry.
  public enum Mark: Sendable {
    /// The area between two curves over the same x values.
    case band(xs: [Double], lower: [Double], upper: [Double], color: String, opacity: Double, legend: String?)
    /// A polyline, optionally with a dot at each point and a dash pattern ("6 4").
    case line(points: [Point], color: String, width: Double, dash: String?, dots: Bool, legend: String?)
    /// A dashed horizontal reference line across the plot at y.
    case rule(y: Double, color: String, legend: String?)
  }

  /// Read by screen readers and shown as a tooltip.
  public var title: String
  public var x: Axis
  public var y: Axis
  public var marks: [Mark]
  public var width = 800.0
  public var height = 420.0
  public var fontSize = 14.0

  public init(title: String, x: Axis, y: Axis, marks: [Mark]) {
    self.title = title
    self.x = x
    self.y = y
    self.marks = marks
  }

  /// The chart as an `<svg>` element with no external references.
  public func svg() -> String {
    let plot = plotArea
    let px = { (value: Double) in Self.scale(value, self.x, plot.minX, plot.maxX) }
    let py = { (value: Double) in Self.scale(value, self.y, plot.maxY, plot.minY) }
    var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" "
    out += "role=\"img\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" font-size=\"\(f(fontSize))\">"
    out += "<title>\(MarkupText.escape(title))</title>"
    out += "<rect width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#fff\"/>"

    // Grid and tick labels.
    for tick in y.ticks {
      let ty = py(tick)
      out += "<line x1=\"\(f(plot.minX))\" y1=\"\(f(ty))\" x2=\"\(f(plot.maxX))\" y2=\"\(f(ty))\" stroke=\"#ddd\"/>"
      out += "<text x=\"\(f(plot.minX - 8))\" y=\"\(f(ty + fontSize * 0.35))\" text-anchor=\"end\" fill=\"#333\">"
      out += "\(MarkupText.escape(y.label(tick)))</text>"
    }
    for tick in x.ticks {
      let tx = px(tick)
      out += "<line x1=\"\(f(tx))\" y1=\"\(f(plot.minY))\" x2=\"\(f(tx))\" y2=\"\(f(plot.maxY))\" stroke=\"#eee\"/>"
      out += "<text x=\"\(f(tx))\" y=\"\(f(plot.maxY + fontSize + 6))\" text-anchor=\"middle\" fill=\"#333\">"
      out += "\(MarkupText.escape(x.label(tick)))</text>"
    }

    // Marks.
    for mark in marks {
      switch mark {
      case .band(let xs, let lower, let upper, let color, let opacity, _):
        let top = zip(xs, upper).map { "\(f(px($0))),\(f(py($1)))" }
        let bottom = zip(xs, lower).reversed().map { "\(f(px($0))),\(f(py($1)))" }
        out += "<polygon points=\"\((top + bottom).joined(separator: " "))\" fill=\"\(color)\" "
        out += "fill-opacity=\"\(f(opacity))\" stroke=\"none\"/>"
      case .line(let points, let color, let width, let dash, let dots, _):
        let coordinates = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
        out += "<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(f(width))\" "
        out += "stroke-linejoin=\"round\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
        if dots {
          for point in points {
            out += "<circle cx=\"\(f(px(point.x)))\" cy=\"\(f(py(point.y)))\" r=\"3.5\" fill=\"\(color)\"/>"
          }
        }
      case .rule(let value, let color, _):
        let ry = py(value)
        out += "<line x1=\"\(f(plot.minX))\" y1=\"\(f(ry))\" x2=\"\(f(plot.maxX))\" y2=\"\(f(ry))\" "
        out += "stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
      }
    }

    // Frame, axis titles, legend.
    out += "<rect x=\"\(f(plot.minX))\" y=\"\(f(plot.minY))\" width=\"\(f(plot.width))\" height=\"\(f(plot.height))\" "
    out += "fill=\"none\" stroke=\"#888\"/>"
    out += "<text x=\"\(f(plot.midX))\" y=\"\(f(height - 10))\" text-anchor=\"middle\" font-weight=\"bold\">"
    out += "\(MarkupText.escape(x.title))</text>"
    out += "<text transform=\"translate(\(f(fontSize + 4)),\(f(plot.midY))) rotate(-90)\" text-anchor=\"middle\" "
    out += "font-weight=\"bold\">\(MarkupText.escape(y.title))</text>"
    out += legend(left: plot.minX)
    return out + "</svg>"
  }

  /// Legend entries above the plot, left to right from the plot's left edge, wrapping onto more rows
  /// when the chart is too narrow: a swatch, then the text.
  func legend(left: Double) -> String {
    legendEntries(left: left).map { entry in
      let (x, baseline) = (entry.x, entry.baseline)
      let middle = baseline - fontSize * 0.35
      var swatch: String
      switch entry.mark {
      case .band(_, _, _, let color, let opacity, _):
        swatch = "<rect x=\"\(f(x))\" y=\"\(f(baseline - fontSize * 0.85))\" width=\"24\" height=\"\(f(fontSize))\" "
        swatch += "fill=\"\(color)\" fill-opacity=\"\(f(opacity))\"/>"
      case .line(_, let color, let width, let dash, _, _):
        swatch = "<line x1=\"\(f(x))\" y1=\"\(f(middle))\" x2=\"\(f(x + 24))\" y2=\"\(f(middle))\" "
        swatch +=
          "stroke=\"\(color)\" stroke-width=\"\(f(width))\"\(dash.map { " stroke-dasharray=\"\($0)\"" } ?? "")/>"
      case .rule(_, let color, _):
        swatch = "<line x1=\"\(f(x))\" y1=\"\(f(middle))\" x2=\"\(f(x + 24))\" y2=\"\(f(middle))\" "
        swatch += "stroke=\"\(color)\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
      }
      return swatch + "<text x=\"\(f(x + 30))\" y=\"\(f(baseline))\">\(MarkupText.escape(entry.text))</text>"
    }.joined()
  }

  /// Where each legend entry goes: its swatch's left edge and its text baseline.
  func legendEntries(left: Double) -> [(mark: Mark, text: String, x: Double, baseline: Double)] {
    var entries: [(mark: Mark, text: String, x: Double, baseline: Double)] = []
    var cursor = left
    var baseline = fontSize + 8
    for mark in marks {
      let legend: String?
      switch mark {
      case .band(_, _, _, _, _, let text), .line(_, _, _, _, _, let text), .rule(_, _, let text): legend = text
      }
      guard let text = legend else { continue }
      let entryWidth = 30 + Self.textWidth(text, fontSize: fontSize)
      if cursor > left && cursor + entryWidth > width - 8 {
        cursor = left
        baseline += fontSize + 8
      }
      entries.append((mark, text, cursor, baseline))
      cursor += entryWidth + 20
    }
    return entries
  }

  /// The plot's rectangle: room on the left for the widest y label and the rotated y title, below for the
  /// x labels and title, above for the legend's rows.
  var plotArea: CGRect {
    let widestLabel = y.ticks.map { Self.textWidth(y.label($0), fontSize: fontSize) }.max() ?? 0
    let left = fontSize * 2 + 14 + widestLabel
    let legendBottom = legendEntries(left: left).map(\.baseline).max() ?? 0
    let top = legendBottom + fontSize
    let bottom = fontSize * 3 + 20
    let lastXLabel = x.ticks.last.map { Self.textWidth(x.label($0), fontSize: fontSize) } ?? 0
    let right = max(16, lastXLabel / 2 + 6)
    return CGRect(x: left, y: top, width: width - left - right, height: height - top - bottom)
  }

  /// Data value → SVG coordinate along one axis, between `from` (domain start) and `to` (domain end).
  static func scale(_ value: Double, _ axis: Axis, _ from: Double, _ to: Double) -> Double {
    let lower = axis.transform(axis.domain.lowerBound)
    let upper = axis.transform(axis.domain.upperBound)
    let share = upper == lower ? 0.5 : (axis.transform(value) - lower) / (upper - lower)
    return from + share * (to - from)
  }

  /// A rough width of text in a sans-serif face: 0.6 em a character.
  static func textWidth(_ text: String, fontSize: Double) -> Double { Double(text.count) * fontSize * 0.6 }

  /// Round tick values (steps of 1, 2, 2.5 or 5 × 10ᵏ) from at or below the least value to at or above the
  /// greatest, about `count` intervals; a single value gets a unit range around it. With `wholeSteps`
  /// the step is a whole number (for years).
  public static func niceTicks(covering values: [Double], count: Int = 5, wholeSteps: Bool = false) -> [Double] {
    // Only finite values, kept within ±1e300 so that their range and the step stay finite: an overflowed
    // result never makes the axis loop or vanish.
    let limit = 1e300
    let finite = values.filter(\.isFinite).map { Swift.min(limit, Swift.max(-limit, $0)) }
    var lower = finite.min() ?? 0
    var upper = finite.max() ?? 1
    if upper - lower < 1e-12 * max(1, abs(upper)) {
      let pad = abs(upper) > 0 ? abs(upper) * 0.1 : 1
      lower -= pad
      upper += pad
    }
    let rough = (upper - lower) / Double(max(1, count))
    let magnitude = pow(10, (log10(rough)).rounded(.down))
    let step =
      [1, 2, 2.5, 5, 10].map { $0 * magnitude }
      .first { $0 >= rough * (1 - 1e-9) && (!wholeSteps || ($0 >= 1 && $0 == $0.rounded())) } ?? 10 * magnitude
    let first = (lower / step).rounded(.down)
    let last = (upper / step).rounded(.up)
    // At most a few more ticks than asked for, whatever the numbers (a bound on the loop).
    guard first.isFinite, last.isFinite, last - first <= Double(4 * max(1, count) + 4) else { return [lower, upper] }
    // Multiply from integers so ticks land exactly on round values (0.1 × 3, not 0.1 + 0.1 + 0.1).
    return stride(from: first, through: last, by: 1).map {
      let tick = $0 * step
      return abs(tick) < 1e6 ? (tick * 1e9).rounded() / 1e9 : tick
    }
  }

  /// A coordinate with one decimal.
  func f(_ x: Double) -> String { String(format: "%.1f", x) }
}
