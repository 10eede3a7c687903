import Foundation
import ReserveSimResults
import ReserveSimScenario

/// What `reservesim check` prints: a readable table, the `--json` document, and GitHub Actions annotations —
/// each a pure function of the files' checks.
public enum CheckReport {
  /// The readable table: scenario, assertion, estimate [95% interval], threshold, verdict; then the paths
  /// behind each file and the totals. Money via `MoneyFormat`, probabilities as percentages.
  public static func table(_ files: [ScenarioCheck], strict: Bool) -> String {
    let header = ["scenario", "assertion", "estimate [95% interval]", "threshold", "verdict"]
    var rows: [[String]] = []
    for file in files {
      for check in file.checks {
        let format = ValueFormat(check.assertion.metric, currency: file.currency)
        rows.append([
          file.scenarioName, check.assertion.name,
          "\(format(check.estimate)) [\(format(check.lower)), \(format(check.upper))]",
          "\(metricLabel(check.assertion.metric)) ≤ \(format(check.assertion.atMost))",
          verdictLabel(check.verdict, strict: strict),
        ])
      }
    }
    var out = ""
    if !rows.isEmpty {
      let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max()! + 2 }
      for row in [header] + rows {
        out += zip(row, widths).dropLast().map { TextSummary.pad($0, $1) }.joined() + row.last! + "\n"
      }
      out += "\n"
    }
    for file in files {
      if file.checks.isEmpty {
        out += "\(file.file): no assertions (\(file.scenarioName)); nothing checked\n"
      } else {
        out += "\(file.file): \(file.scenarioName), \(file.paths) paths, seed \(file.seed)\n"
        if let headline = file.headline { out += "  " + headline + "\n" }
      }
    }
    let inconclusive = files.count(.inconclusive)
    out += "\n\(files.count(.pass)) passed, \(files.count(.fail)) failed, \(inconclusive) inconclusive"
    if strict && inconclusive > 0 { out += " (inconclusive fails under --strict)" }
    out += ".\n"
    return out
  }

  /// "ruin within 3y" / "reserve at 95%".
  public static func metricLabel(_ metric: Assertion.Metric) -> String {
    switch metric {
    case .ruinProbability(let years): return "ruin within \(years)y"
    case .belowMinimum(let years): return "below minimum within \(years)y"
    case .requiredReserve(let confidence): return "reserve at \(CSVExport.percentLabel(confidence))%"
    case .requiredReserveForMinimum(let confidence):
      return "reserve for the minimum at \(CSVExport.percentLabel(confidence))%"
    }
  }

  static func verdictLabel(_ verdict: Verdict, strict: Bool) -> String {
    switch verdict {
    case .pass: return "pass"
    case .fail: return "FAIL"
    case .inconclusive: return strict ? "INCONCLUSIVE (strict)" : "inconclusive"
    }
  }

  /// Formats a metric's values: probabilities as percentages, reserves as money.
  struct ValueFormat {
    let metric: Assertion.Metric
    let money: MoneyFormat
    init(_ metric: Assertion.Metric, currency: String) {
      self.metric = metric
      money = MoneyFormat(currency: currency)
    }
    func callAsFunction(_ value: Double) -> String {
      switch metric {
      case .ruinProbability, .belowMinimum:
        // Two decimals; two significant digits below 0.01%, so a small bound does not read as 0.
        if value > 0 && value < 1e-4 { return String(format: "%.2g%%", value * 100) }
        return PercentFormat.format(value, digits: 2)
      case .requiredReserve, .requiredReserveForMinimum: return money.short(value)
      }
    }
  }

  // MARK: JSON

  /// The `--json` document: `{"results": [{"file", "scenario", "assertion", "metric", "withinYears" |
  /// "confidence", "estimate", "lower", "upper", "threshold", "verdict", "paths", "seed"}], "files": […],
  /// "passed", "failed", "inconclusive", "strict", "intervalConfidence": 0.95}`.
  public static func json(_ files: [ScenarioCheck], strict: Bool) throws -> String {
    let rows = files.flatMap { file in
      file.checks.map { check -> OrderedJSON in
        var fields: [(String, OrderedJSON)] = [
          ("file", .string(file.file)), ("scenario", .string(file.scenarioName)),
          ("assertion", .string(check.assertion.name)),
        ]
        switch check.assertion.metric {
        case .ruinProbability(let years):
          fields += [("metric", .string("ruinProbability")), ("withinYears", .integer(years))]
        case .belowMinimum(let years):
          fields += [("metric", .string("belowMinimum")), ("withinYears", .integer(years))]
        case .requiredReserve(let confidence):
          fields += [("metric", .string("requiredReserve")), ("confidence", .number(confidence))]
        case .requiredReserveForMinimum(let confidence):
          fields += [("metric", .string("requiredReserveForMinimum")), ("confidence", .number(confidence))]
        }
        fields += [
          ("estimate", .number(check.estimate)), ("lower", .number(check.lower)), ("upper", .number(check.upper)),
          ("threshold", .number(check.assertion.atMost)), ("verdict", .string(check.verdict.rawValue)),
          ("paths", .integer(check.paths)), ("seed", .raw(String(file.seed))),
        ]
        return .object(fields)
      }
    }
    let document = OrderedJSON.object([
      ("results", .array(rows)),
      (
        "files",
        .array(
          files.map {
            .object([
              ("file", .string($0.file)), ("scenario", .string($0.scenarioName)), ("currency", .string($0.currency)),
              ("paths", .integer($0.paths)), ("seed", .raw(String($0.seed))), ("assertions", .integer($0.checks.count)),
            ])
          })
      ),
      ("passed", .integer(files.count(.pass))), ("failed", .integer(files.count(.fail))),
      ("inconclusive", .integer(files.count(.inconclusive))), ("strict", .bool(strict)),
      ("intervalConfidence", .number(0.95)),
    ])
    return document.text()
  }

  // MARK: GitHub Actions

  /// Workflow commands that GitHub Actions turns into annotations: `::error` for each fail (and for each
  /// inconclusive check under `strict`), `::warning` for each other inconclusive one.
  /// - Parameter line: the line of an assertion in its file, when known (`file=…,line=…`).
  public static func githubAnnotations(
    _ files: [ScenarioCheck], strict: Bool, line: (String, Assertion) -> Int? = { _, _ in nil }
  ) -> [String] {
    var commands: [String] = []
    for file in files {
      for check in file.checks where check.verdict != .pass {
        let format = ValueFormat(check.assertion.metric, currency: file.currency)
        let command = check.verdict.fails(strict: strict) ? "error" : "warning"
        var properties = "file=\(escapeProperty(file.file))"
        if let line = line(file.file, check.assertion) { properties += ",line=\(line)" }
        properties += ",title=\(escapeProperty("\(file.scenarioName): \(check.assertion.name)"))"
        let message =
          "\(check.verdict.rawValue): \(metricLabel(check.assertion.metric)) is \(format(check.estimate)) "
          + "(95% interval \(format(check.lower)) – \(format(check.upper)), \(check.paths) paths); "
          + "the assertion allows at most \(format(check.assertion.atMost))"
        commands.append("::\(command) \(properties)::\(escapeData(message))")
      }
    }
    return commands
  }

  /// A workflow command's message: `%`, CR and LF escaped.
  static func escapeData(_ text: String) -> String {
    text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
      .replacingOccurrences(of: "\n", with: "%0A")
  }

  /// A workflow command's property value: as a message, plus `:` and `,`.
  static func escapeProperty(_ text: String) -> String {
    escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }
}
