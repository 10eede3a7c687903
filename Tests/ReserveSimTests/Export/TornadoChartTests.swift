import Foundation
import ReserveSim
import Testing

@testable import ReserveSimAnalysis
@testable import ReserveSimExport

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// The tornado chart is written by `SVGChart.Markup`, the one SVG writer: its text is escaped there, its
/// coordinates formatted there, and the result is well-formed XML.
@Suite struct TornadoChartTests {
  /// The analysis of a rent-dominated scenario, with a name and a row label that need escaping.
  static func awkwardAnalysis() throws -> SensitivityAnalysis {
    var analysis = try SensitivityAnalysis(
      document: WhatIfFixtures.dominatedByRent, simulate: WhatIfFixtures.simulate(paths: 100))
    analysis.scenarioName = #"Rent <&"'> test"#
    analysis.parameters[0].path = #"expenses[A<&"B].annual"#
    return analysis
  }

  @Test func isWellFormedXMLWithTheTextAsWritten() throws {
    let analysis = try Self.awkwardAnalysis()
    let svg = TornadoChart.svg(analysis)
    let elements = try XMLElements(svg)
    #expect(elements.names.first == "svg")
    #expect(elements.names.filter { $0 == "g" }.count == analysis.parameters.count)
    // The parser gives back the unescaped text: the escaping is right, not merely present.
    #expect(elements.texts.contains(#"Rent <&"'> test: sensitivity of the reserve needed at 95%"#))
    #expect(elements.texts.contains(#"expenses[A<&"B].annual"#))
    #expect(elements.texts.contains { $0.hasPrefix(#"expenses[A<&"B].annual: "#) })  // the row's tooltip
  }

  @Test func escapesAndFormatsExactlyAsTheOneWriterDoes() throws {
    let analysis = try Self.awkwardAnalysis()
    let svg = TornadoChart.svg(analysis)
    #expect(svg.contains(">expenses[A&lt;&amp;&quot;B].annual</text>"))
    // The writer's canvas: a fixed-size, titled image on white, every coordinate with one decimal.
    #expect(svg.hasPrefix(#"<svg xmlns="http://www.w3.org/2000/svg" width="960.0" height=""#))
    #expect(svg.contains(#"role="img""#) && svg.contains(#"<rect width="960.0" height=""#))
    let numbers = try Regex(#"\b(x|y|x1|y1|x2|y2|width|height)="(-?[0-9.]+)""#)
    let values = svg.matches(of: numbers).map { String($0.output[2].substring!) }
    #expect(!values.isEmpty)
    let oneDecimal = try Regex(#"^-?[0-9]+\.[0-9]$"#)
    for value in values { #expect(value.wholeMatch(of: oneDecimal) != nil, "\(value)") }
  }

  /// The chart's x axis is the writer's `horizontalAxis`: a grid line and a label per nice tick. On a
  /// deterministic file (rent E = 120,000 a year for two years, nothing else) the reserve needed is 2E: 240,000 at
  /// the base, 192,000 and 288,000 with the rent 20% lower and higher. Six ticks over [192k, 288k] by hand: a
  /// step of 96k / 6 = 16k, rounded up to the nice 20k, from 180k to 300k: seven grid lines.
  @Test func drawsAGridLineAndLabelPerTick() throws {
    let document = WhatIfFixtures.document(
      #"{"name": "Rent", "years": 2, "expenses": [{"name": "Rent", "annual": 120000}]}"#)
    let analysis = try SensitivityAnalysis(
      document: document, parameters: [try ScenarioPath(parsing: "expenses[Rent].annual")],
      simulate: WhatIfFixtures.simulate(paths: 10))
    #expect(analysis.parameters.map { [$0.metricLow, $0.metricHigh] } == [[192_000, 288_000]])
    let svg = TornadoChart.svg(analysis)
    #expect(svg.components(separatedBy: ##"stroke="#e4e4e4""##).count - 1 == 7)
    for label in ["$180k", "$200k", "$220k", "$240k", "$260k", "$280k", "$300k"] {
      #expect(svg.contains(">\(label)</text>"), "no tick label \(label)")
    }
  }
}

/// The markup writer's primitives on their own.
@Suite struct SVGMarkupTests {
  @Test func escapesTextAndAttributesAndLeavesOutNilAttributes() {
    var markup = SVGChart.Markup()
    markup.text(#"a<&"b"#, x: 1, y: 2.25, anchor: .end, fill: #"x"y"#)
    markup.rect(width: 3, height: 4, fill: "red")
    #expect(
      markup.body
        == #"<text x="1.0" y="2.2" text-anchor="end" fill="x&quot;y">a&lt;&amp;&quot;b</text>"#
        + #"<rect width="3.0" height="4.0" fill="red"/>"#)
  }

  @Test func aGroupCarriesItsTitleAndItsElements() throws {
    var markup = SVGChart.Markup()
    markup.group(title: "a & b") { $0.categoryLabel("row", right: 100, middle: 50, fontSize: 10) }
    #expect(markup.body == #"<g><title>a &amp; b</title><text x="100.0" y="53.5" text-anchor="end">row</text></g>"#)
    let document = markup.document(width: 200, height: 100, title: "<chart>", fontSize: 10)
    let elements = try XMLElements(document)
    #expect(elements.names == ["svg", "title", "rect", "g", "title", "text"])
    #expect(elements.texts == ["<chart>", "a & b", "row"])
  }

  @Test func aHorizontalAxisHasAGridLineAndALabelPerTick() {
    var markup = SVGChart.Markup()
    markup.horizontalAxis(
      ticks: [0, 10], at: { 50 + $0 }, label: { "\(Int($0))" }, gridTop: 5, gridBottom: 95, labelBaseline: 110,
      gridColor: "#eee")
    #expect(
      markup.body
        == ##"<line x1="50.0" y1="5.0" x2="50.0" y2="95.0" stroke="#eee"/>"##
        + #"<text x="50.0" y="110.0" text-anchor="middle">0</text>"#
        + ##"<line x1="60.0" y1="5.0" x2="60.0" y2="95.0" stroke="#eee"/>"##
        + #"<text x="60.0" y="110.0" text-anchor="middle">10</text>"#)
  }
}

/// The element names (in document order) and non-blank text contents of an XML document; throws when it
/// is not well-formed.
struct XMLElements {
  var names: [String] = []
  var texts: [String] = []

  init(_ xml: String) throws {
    let collector = Collector()
    let parser = XMLParser(data: Data(xml.utf8))
    parser.delegate = collector
    guard parser.parse() else {
      throw parser.parserError ?? CocoaError(.coderReadCorrupt)
    }
    names = collector.names
    texts = collector.texts
  }

  final class Collector: NSObject, XMLParserDelegate {
    var names: [String] = []
    var texts: [String] = []
    var current = ""

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String] = [:]
    ) {
      flush()
      names.append(elementName)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      flush()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func flush() {
      if !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { texts.append(current) }
      current = ""
    }
  }
}
