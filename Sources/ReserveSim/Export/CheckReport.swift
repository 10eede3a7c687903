import Foundation

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
      case .requiredReserve: return money.short(value)
      }
    }
  }

  // MARK: JSON

  struct Document: Encodable {
    var results: [Row]
    var files: [File]
    var passed, failed, inconclusive: Int
    var strict: Bool
    var intervalConfidence: Double
  }
  struct Row: Encodable {
    var file, scenario, assertion, metric: String
    var withinYears: Int?
    var confidence: Double?
    var estimate, lower, upper, threshold: Double
    var verdict: String
    var paths: Int
    var seed: UInt64
  }
  struct File: Encodable {
    var file, scenario, currency: String
    var paths: Int
    var seed: UInt64
    var assertions: Int
  }

  /// The `--json` document: `{"results": [{"file", "scenario", "assertion", "metric", "withinYears" |
  /// "confidence", "estimate", "lower", "upper", "threshold", "verdict", "paths", "seed"}], "files": […],
  /// "passed", "failed", "inconclusive", "strict", "intervalConfidence": 0.95}`.
  public static func json(_ files: [ScenarioCheck], strict: Bool) throws -> String {
    let rows = files.flatMap { file in
      file.checks.map { check -> Row in
        var row = Row(
          file: file.file, scenario: file.scenarioName, assertion: check.assertion.name, metric: "",
          estimate: check.estimate, lower: check.lower, upper: check.upper, threshold: check.assertion.atMost,
          verdict: check.verdict.rawValue, paths: check.paths, seed: file.seed)
        switch check.assertion.metric {
        case .ruinProbability(let years):
          row.metric = "ruinProbability"
          row.withinYears = years
        case .belowMinimum(let years):
          row.metric = "belowMinimum"
          row.withinYears = years
        case .requiredReserve(let confidence):
          row.metric = "requiredReserve"
          row.confidence = confidence
        }
        return row
      }
    }
    let document = Document(
      results: rows,
      files: files.map {
        File(
          file: $0.file, scenario: $0.scenarioName, currency: $0.currency, paths: $0.paths, seed: $0.seed,
          assertions: $0.checks.count)
      },
      passed: files.count(.pass), failed: files.count(.fail), inconclusive: files.count(.inconclusive),
      strict: strict, intervalConfidence: 0.95)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys]
    return String(decoding: try encoder.encode(document), as: UTF8.self)
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
