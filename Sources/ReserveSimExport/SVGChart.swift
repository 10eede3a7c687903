import Foundation

/// A chart drawn as self-contained SVG text: a plot area with titled axes, shaded bands, lines,
/// dashed reference lines and a legend above the plot.
///
/// Data coordinates map linearly onto the plot after each axis' `transform` (identity, or e.g. logit for
/// confidence levels), so ticks and points stay in data units. Sizes are in SVG user units; the chart
/// scales to its container's width (`viewBox`), so 14-unit text on an 800-unit chart prints at about
/// 9 pt across an A4 page. Every element is written by `SVGChart.Markup`, which other charts (the tornado)
/// use directly.
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
    var out = Markup()

    // Grid and tick labels.
    for tick in y.ticks {
      let ty = py(tick)
      out.line(x1: plot.minX, y1: ty, x2: plot.maxX, y2: ty, stroke: "#ddd")
      out.text(y.label(tick), x: plot.minX - 8, y: ty + fontSize * 0.35, anchor: .end, fill: "#333")
    }
    out.horizontalAxis(
      ticks: x.ticks, at: px, label: x.label, gridTop: plot.minY, gridBottom: plot.maxY,
      labelBaseline: plot.maxY + fontSize + 6, gridColor: "#eee", labelColor: "#333")

    // Marks.
    for mark in marks {
      switch mark {
      case .band(let xs, let lower, let upper, let color, let opacity, _):
        let top = zip(xs, upper).map { (px($0), py($1)) }
        let bottom = zip(xs, lower).reversed().map { (px($0), py($1)) }
        out.polygon(top + bottom, fill: color, opacity: opacity)
      case .line(let points, let color, let width, let dash, let dots, _):
        out.polyline(points.map { (px($0.x), py($0.y)) }, stroke: color, width: width, dash: dash)
        if dots {
          for point in points { out.circle(cx: px(point.x), cy: py(point.y), radius: 3.5, fill: color) }
        }
      case .rule(let value, let color, _):
        let ry = py(value)
        out.line(x1: plot.minX, y1: ry, x2: plot.maxX, y2: ry, stroke: color, width: 1.5, dash: "6 4")
      }
    }

    // Frame, axis titles, legend.
    out.rect(x: plot.minX, y: plot.minY, width: plot.width, height: plot.height, fill: "none", stroke: "#888")
    out.text(x.title, x: plot.midX, y: height - 10, anchor: .middle, bold: true)
    out.text(
      y.title, transform: "translate(\(Markup.coordinate(fontSize + 4)),\(Markup.coordinate(plot.midY))) rotate(-90)",
      anchor: .middle, bold: true)
    legend(left: plot.minX, into: &out)
    return out.document(width: width, height: height, title: title, fontSize: fontSize)
  }

  /// Legend entries above the plot, left to right from the plot's left edge, wrapping onto more rows
  /// when the chart is too narrow: a swatch, then the text.
  func legend(left: Double, into out: inout Markup) {
    for entry in legendEntries(left: left) {
      let (x, baseline) = (entry.x, entry.baseline)
      let middle = baseline - fontSize * 0.35
      switch entry.mark {
      case .band(_, _, _, let color, let opacity, _):
        out.rect(x: x, y: baseline - fontSize * 0.85, width: 24, height: fontSize, fill: color, opacity: opacity)
      case .line(_, let color, let width, let dash, _, _):
        out.line(x1: x, y1: middle, x2: x + 24, y2: middle, stroke: color, width: width, dash: dash)
      case .rule(_, let color, _):
        out.line(x1: x, y1: middle, x2: x + 24, y2: middle, stroke: color, width: 1.5, dash: "6 4")
      }
      out.text(entry.text, x: x + 30, y: baseline)
    }
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
}

extension SVGChart {
  /// SVG markup written element by element: the project's one place that writes SVG elements, escapes
  /// their text and attribute values, and formats coordinates (user units, one decimal).
  ///
  /// Elements are appended in drawing order (later ones paint over earlier ones); `document` wraps them in
  /// a self-contained `<svg>` element. Optional attributes left `nil` are not written.
  public struct Markup: Sendable {
    /// Where a text's anchor point sits along the text: its start, middle or end.
    public enum TextAnchor: String, Sendable {
      case start, middle, end
    }

    /// The elements written so far.
    public private(set) var body = ""
    /// Written after every element: "" keeps the markup on one line, "\n" gives one element a line.
    public var separator: String

    /// Empty markup.
    /// - Complexity: O(1).
    public init(separator: String = "") {
      self.separator = separator
    }

    /// A coordinate or length in user units, with one decimal ("12.0", "-3.5").
    public static func coordinate(_ value: Double) -> String { String(format: "%.1f", value) }

    /// One element: `<name a="v" …/>`, or with `text` as its escaped content; attributes with a nil value
    /// are left out, the others escaped.
    public mutating func element(_ name: String, _ attributes: [(String, String?)], text: String? = nil) {
      body += "<" + name
      for case (let key, let value?) in attributes { body += " \(key)=\"\(MarkupText.escape(value))\"" }
      if let text { body += ">\(MarkupText.escape(text))</\(name)>" } else { body += "/>" }
      body += separator
    }

    /// A rectangle with its top-left corner at (x, y); x and y nil leave them at the origin.
    public mutating func rect(
      x: Double? = nil, y: Double? = nil, width: Double, height: Double, fill: String, opacity: Double? = nil,
      stroke: String? = nil
    ) {
      let c = Self.coordinate
      element(
        "rect",
        [
          ("x", x.map(c)), ("y", y.map(c)), ("width", c(width)), ("height", c(height)), ("fill", fill),
          ("fill-opacity", opacity.map(c)), ("stroke", stroke),
        ])
    }

    /// A straight line from (x1, y1) to (x2, y2), `width` units wide (1 when nil), dashed by `dash` ("6 4").
    public mutating func line(
      x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double? = nil, dash: String? = nil
    ) {
      let c = Self.coordinate
      element(
        "line",
        [
          ("x1", c(x1)), ("y1", c(y1)), ("x2", c(x2)), ("y2", c(y2)), ("stroke", stroke),
          ("stroke-width", width.map(c)), ("stroke-dasharray", dash),
        ])
    }

    /// Text with its anchor point at (x, y), y being the baseline; or placed by `transform` alone.
    public mutating func text(
      _ content: String, x: Double? = nil, y: Double? = nil, transform: String? = nil, anchor: TextAnchor? = nil,
      fontSize: Double? = nil, bold: Bool = false, fill: String? = nil
    ) {
      let c = Self.coordinate
      element(
        "text",
        [
          ("x", x.map(c)), ("y", y.map(c)), ("transform", transform), ("text-anchor", anchor?.rawValue),
          ("font-size", fontSize.map(c)), ("font-weight", bold ? "bold" : nil), ("fill", fill),
        ], text: content)
    }

    /// A filled polygon through `points` (x, y), without an outline.
    public mutating func polygon(_ points: [(Double, Double)], fill: String, opacity: Double) {
      element(
        "polygon",
        [
          ("points", Self.pointList(points)), ("fill", fill), ("fill-opacity", Self.coordinate(opacity)),
          ("stroke", "none"),
        ])
    }

    /// An unfilled polyline through `points` (x, y), `width` units wide with round joins, dashed by `dash`.
    public mutating func polyline(_ points: [(Double, Double)], stroke: String, width: Double, dash: String? = nil) {
      element(
        "polyline",
        [
          ("points", Self.pointList(points)), ("fill", "none"), ("stroke", stroke),
          ("stroke-width", Self.coordinate(width)), ("stroke-linejoin", "round"), ("stroke-dasharray", dash),
        ])
    }

    /// A filled circle of `radius` units centred on (cx, cy).
    public mutating func circle(cx: Double, cy: Double, radius: Double, fill: String) {
      let c = Self.coordinate
      element("circle", [("cx", c(cx)), ("cy", c(cy)), ("r", c(radius)), ("fill", fill)])
    }

    /// A group whose `title` screen readers read and browsers show as a tooltip over its elements.
    public mutating func group(title: String, _ content: (inout Markup) -> Void) {
      body += "<g>"
      element("title", [], text: title)
      content(&self)
      body += "</g>" + separator
    }

    /// A horizontal value axis: at each tick's x coordinate `at(tick)`, a vertical grid line from
    /// `gridTop` to `gridBottom` and the tick's label centred below it on `labelBaseline`.
    public mutating func horizontalAxis(
      ticks: [Double], at x: (Double) -> Double, label: (Double) -> String, gridTop: Double, gridBottom: Double,
      labelBaseline: Double, gridColor: String, labelColor: String? = nil
    ) {
      for tick in ticks {
        let tx = x(tick)
        line(x1: tx, y1: gridTop, x2: tx, y2: gridBottom, stroke: gridColor)
        text(label(tick), x: tx, y: labelBaseline, anchor: .middle, fill: labelColor)
      }
    }

    /// A category's label right-aligned against `right`, its baseline `fontSize`·0.35 below `middle` so that
    /// the text sits centred on a row whose centre is `middle`.
    public mutating func categoryLabel(_ category: String, right: Double, middle: Double, fontSize: Double) {
      text(category, x: right, y: middle + fontSize * 0.35, anchor: .end)
    }

    /// The elements as a self-contained `<svg>` element on a white `width` × `height` canvas, with `title`
    /// for screen readers (`role="img"`). With `fixedSize` the canvas also sets its width and height (a
    /// standalone file); without, it scales to its container's width.
    public func document(
      width: Double, height: Double, title: String, fontFamily: String = "DejaVu Sans, Helvetica, Arial, sans-serif",
      fontSize: Double, fixedSize: Bool = false
    ) -> String {
      let c = Self.coordinate
      var out = Markup(separator: separator)
      out.body += "<svg xmlns=\"http://www.w3.org/2000/svg\""
      if fixedSize { out.body += " width=\"\(c(width))\" height=\"\(c(height))\"" }
      out.body += " viewBox=\"0 0 \(c(width)) \(c(height))\" role=\"img\""
      out.body += " font-family=\"\(MarkupText.escape(fontFamily))\" font-size=\"\(c(fontSize))\">" + separator
      out.element("title", [], text: title)
      out.rect(width: width, height: height, fill: "#fff")
      return out.body + body + "</svg>"
    }

    /// "x,y x,y …" with each coordinate formatted.
    static func pointList(_ points: [(Double, Double)]) -> String {
      points.map { "\(coordinate($0.0)),\(coordinate($0.1))" }.joined(separator: " ")
    }
  }
}
