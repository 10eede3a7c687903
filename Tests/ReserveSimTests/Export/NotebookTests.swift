import Foundation
import ReserveSim
import Testing

@testable import ReserveSimExport
@testable import ReserveSimResults
@testable import ReserveSimScenario

/// The notebook's JSON: nbformat 4.5 structure, the overview cell, the data cell holding the `--json`
/// summary, and one code cell per chart.
@Suite struct NotebookTests {
  let fixture = OutputFixtures.standard

  func document(_ summary: RunSummary? = nil, scenario: Scenario? = nil) throws -> [String: Any] {
    let text = try Notebook.render(summary ?? fixture.summary, scenario: scenario ?? fixture.scenario, version: "1.2.3")
    return try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  func cells(_ notebook: [String: Any]) throws -> [[String: Any]] {
    try #require(notebook["cells"] as? [[String: Any]])
  }

  func source(_ cell: [String: Any]) throws -> String {
    try #require(cell["source"] as? [String]).joined()
  }

  @Test func isNbformat45WithAPythonKernel() throws {
    let notebook = try document()
    #expect(notebook["nbformat"] as? Int == 4)
    #expect(notebook["nbformat_minor"] as? Int == 5)
    let metadata = try #require(notebook["metadata"] as? [String: Any])
    let kernel = try #require(metadata["kernelspec"] as? [String: String])
    #expect(kernel["name"] == "python3" && kernel["language"] == "python")
    let provenance = try #require(metadata["reservesim"] as? [String: Any])
    #expect(provenance["version"] as? String == "1.2.3")
    #expect(provenance["paths"] as? Int == 2000)
  }

  @Test func cellsFollowTheSchema() throws {
    let cells = try cells(document())
    var ids = Set<String>()
    for cell in cells {
      let id = try #require(cell["id"] as? String)
      #expect(id.range(of: "^[a-zA-Z0-9_-]{1,64}$", options: .regularExpression) != nil)
      #expect(ids.insert(id).inserted, "duplicate id \(id)")
      #expect(cell["metadata"] is [String: Any])
      let lines = try #require(cell["source"] as? [String])
      #expect(lines.dropLast().allSatisfy { $0.hasSuffix("\n") })
      #expect(lines.last?.hasSuffix("\n") == false)
      switch cell["cell_type"] as? String {
      case "code":
        #expect(cell["execution_count"] is NSNull)
        #expect((cell["outputs"] as? [Any])?.isEmpty == true)
      case "markdown":
        #expect(cell["outputs"] == nil && cell["execution_count"] == nil)
      default:
        Issue.record("unknown cell type in \(id)")
      }
    }
    #expect(cells.first?["cell_type"] as? String == "markdown")
    #expect(cells.filter { $0["cell_type"] as? String == "code" }.count == 5)
  }

  @Test func overviewHasHeadlineAssumptionsAndEscapedText() throws {
    let overview = try source(cells(document())[0])
    // `$` would start LaTeX maths in Jupyter: every one is escaped.
    #expect(overview.range(of: #"(?<!\\)\$"#, options: .regularExpression) == nil)
    #expect(overview.contains("With \\$400k in reserve, the chance of running out within 5 years is"))
    #expect(overview.contains("To keep it under 5%, hold \\$"))
    #expect(overview.contains("\\| \\$5 \\*bold\\*"))  // the name's `|`, `$` and `*` are literal
    #expect(overview.contains("&lt;b&gt;"))
    for heading in ["## Reserve needed", "### Sponsor tiers", "### Donated services that can be lost", "### Sources"] {
      #expect(overview.contains(heading), "missing \(heading)")
    }
    #expect(overview.contains("| 99.5% |"))
    #expect(overview.contains("| --- | ---: |"))
  }

  @Test func ruinBandIsTheWilsonIntervalOfTheSummary() throws {
    let all = try cells(try document()).map(source).joined(separator: "\n")
    #expect(all.contains("summary[\"ruinProbabilityIntervalByYear\"]"))
    #expect(!all.contains("1.96 *"))  // no normal approximation of its own
  }

  @Test func dataCellHoldsTheRunJSONSummary() throws {
    let cells = try cells(document())
    let data = try source(#require(cells.first { $0["id"] as? String == "data" }))
    #expect(data.contains("CURRENCY_PREFIX, CURRENCY_SUFFIX = \"$\", \"\""))
    #expect(data.contains("YEAR_AXIS_TITLE = \"Years after July 2021\""))
    let start = try #require(data.range(of: "json.loads(r\"\"\"\n"))
    let end = try #require(data.range(of: "\n\"\"\")", range: start.upperBound..<data.endIndex))
    let json = String(data[start.upperBound..<end.lowerBound])
    // Byte for byte what `run --json` prints for a summary at run's levels (the fixture's has the curve's).
    let runSummary = OutputFixtures.summary(
      OutputFixtures.scenario(), reserveConfidences: RunSummary.defaultReserveConfidences)
    #expect(json == (try SummaryJSON.encode(runSummary)))
    let parsed = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    let levels = try #require(parsed["requiredReserve"] as? [[String: Any]])
    #expect(levels.compactMap { $0["confidence"] as? Double } == RunSummary.defaultReserveConfidences)
    let curveStart = try #require(data.range(of: "reserve_curve = json.loads(r\"\"\"\n"))
    let curveEnd = try #require(data.range(of: "\n\"\"\")", range: curveStart.upperBound..<data.endIndex))
    let curve = try #require(
      JSONSerialization.jsonObject(with: Data(data[curveStart.upperBound..<curveEnd.lowerBound].utf8))
        as? [[String: Any]])
    #expect(curve.compactMap { $0["confidence"] as? Double } == RunSummary.reserveCurveConfidences)
    #expect((parsed["balanceByYear"] as? [Any])?.count == 5)
  }

  @Test func chartCellsDrawTheThreeCharts() throws {
    let code = try cells(document()).filter { $0["cell_type"] as? String == "code" }.map(source).joined()
    #expect(code.contains("import pandas as pd"))
    #expect(code.contains("import matplotlib.pyplot as plt"))
    #expect(code.components(separatedBy: "plt.show()").count - 1 == 3)
    for column in ["\"p5\"", "\"p25\"", "\"p50\"", "\"p75\"", "\"p95\""] { #expect(code.contains(column)) }
    #expect(code.contains("set_xscale(\"logit\")"))
    #expect(code.contains("summary[\"ruinProbabilityByYear\"]"))
  }

  @Test func moneyFollowsTheCurrency() throws {
    for (currency, prefix, suffix) in [("EUR", "€", ""), ("CHF", "", " CHF")] {
      let scenario = OutputFixtures.scenario { $0.currency = currency }
      var summary = fixture.summary
      summary.currency = currency
      let cells = try cells(document(summary, scenario: scenario))
      let data = try source(#require(cells.first { $0["id"] as? String == "data" }))
      #expect(data.contains("CURRENCY_PREFIX, CURRENCY_SUFFIX = \"\(prefix)\", \"\(suffix)\""))
      #expect(try source(cells[0]).contains(currency == "EUR" ? "With €400k" : "With 400k CHF"))
    }
  }

  @Test func sameRunSameBytes() throws {
    let first = try Notebook.render(fixture.summary, scenario: fixture.scenario, version: "1")
    let second = try Notebook.render(fixture.summary, scenario: fixture.scenario, version: "1")
    #expect(first == second)
  }

  @Test func markdownEscaping() {
    #expect(Notebook.markdown("a|b $5 <x> *y* _z_ #1\nnext") == "a\\|b \\$5 &lt;x&gt; \\*y\\* \\_z\\_ \\#1 next")
  }

  /// One JSON writer: the notebook embeds exactly the text `run --json` prints, and is itself written by it.
  @Test func theNotebookUsesTheOneJSONWriter() throws {
    let text = try Notebook.render(fixture.summary, scenario: fixture.scenario, version: "1.2.3")
    let summary = try SummaryJSON.encode(fixture.summary.atRunLevels)
    let document = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let cells = try #require(document["cells"] as? [[String: Any]])
    let code = try cells.map(source).joined(separator: "\n")
    #expect(code.contains(summary))
    #expect(text.hasPrefix("{\n  \"cells\": ["))
    #expect(OrderedJSON.number(.infinity) == "1.7976931348623157e+308")
    #expect(OrderedJSON.number(-.infinity) == "-1.7976931348623157e+308")
  }
}
