import ReserveSimResults

/// The `--junit` report: JUnit XML as CI dashboards read it — a pure function of the files' checks.
///
/// One `<testsuite>` per file (named by the file, with the scenario, paths and seed as properties), one
/// `<testcase>` per assertion (classname: the scenario's name); a fail carries `<failure>`, an inconclusive
/// check `<skipped>` (or `<failure>` when `strict`). Counts on each suite and on `<testsuites>` agree with
/// the elements.
public enum JUnitReport {
  public static func xml(_ files: [ScenarioCheck], strict: Bool) -> String {
    let escape = MarkupText.escape
    var suites = ""
    var totals = (tests: 0, failures: 0, skipped: 0)
    for file in files {
      var cases = ""
      var failures = 0
      var skipped = 0
      for check in file.checks {
        let format = CheckReport.ValueFormat(check.assertion.metric, currency: file.currency)
        let detail =
          "\(CheckReport.metricLabel(check.assertion.metric)) = \(format(check.estimate)), 95% interval "
          + "[\(format(check.lower)), \(format(check.upper))] over \(check.paths) paths; threshold ≤ "
          + "\(format(check.assertion.atMost))"
        cases += "    <testcase name=\"\(escape(check.assertion.name))\" classname=\"\(escape(file.scenarioName))\">\n"
        switch (check.verdict, strict) {
        case (.pass, _):
          break
        case (.fail, _), (.inconclusive, true):
          failures += 1
          let kind = check.verdict == .fail ? "fail" : "inconclusive"
          cases +=
            "      <failure type=\"\(kind)\" message=\"\(kind): \(escape(detail))\">\(escape(detail))</failure>\n"
        case (.inconclusive, false):
          skipped += 1
          cases += "      <skipped message=\"inconclusive: \(escape(detail))\"/>\n"
        }
        cases += "    </testcase>\n"
      }
      totals.tests += file.checks.count
      totals.failures += failures
      totals.skipped += skipped
      suites += "  <testsuite name=\"\(escape(file.file))\" tests=\"\(file.checks.count)\" failures=\"\(failures)\" "
      suites += "errors=\"0\" skipped=\"\(skipped)\">\n"
      suites += "    <properties>\n"
      for (name, value) in [("scenario", file.scenarioName), ("paths", "\(file.paths)"), ("seed", "\(file.seed)")] {
        suites += "      <property name=\"\(name)\" value=\"\(escape(value))\"/>\n"
      }
      suites += "    </properties>\n" + cases + "  </testsuite>\n"
    }
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      + "<testsuites name=\"reservesim check\" tests=\"\(totals.tests)\" failures=\"\(totals.failures)\" "
      + "errors=\"0\" skipped=\"\(totals.skipped)\">\n" + suites + "</testsuites>\n"
  }
}
