import ReserveSimAnalysis
import ReserveSimScenario

/// The `--json` documents of `compare`, `sensitivity`, `sweep` and `drivers` — pure functions of analyses,
/// with keys in a fixed order.
///
/// Money is in the scenario's currency, probabilities and shares are fractions (0.05 = 5%), differences are
/// B − A.
public enum WhatIfJSON {
  /// `compare --json`: `ruinProbability` {a, b, difference, lower, upper} and `requiredReserve`
  /// [{confidence, a, b, difference, lower, upper}], with the scenarios, settings, horizons (`years` {a, b}), the
  /// edits applied (`edits` {both: --set, b: --set-b}, as written) and method.
  public static func encode(_ c: Comparison) -> String {
    func fields(_ d: Comparison.PairedDifference) -> [(String, OrderedJSON)] {
      [
        ("a", .number(d.a)), ("b", .number(d.b)), ("difference", .number(d.difference)), ("lower", .number(d.lower)),
        ("upper", .number(d.upper)),
      ]
    }
    return OrderedJSON.object(
      [
        ("a", .string(c.nameA)), ("b", .string(c.nameB)), ("paths", .integer(c.paths)), ("seed", .raw(String(c.seed))),
        ("years", .object([("a", .integer(c.yearsA)), ("b", .integer(c.yearsB))])),
        ("edits", .object([("both", strings(c.edits)), ("b", strings(c.editsB))])),
        ("ruinProbability", .object(fields(c.ruinProbability))),
        (
          "requiredReserve",
          .array(c.requiredReserve.map { .object([("confidence", .number($0.confidence))] + fields($0.value)) })
        ),
        (
          "method",
          .object([
            (
              "ruinProbability", .string("paired normal approximation over per-path ruin indicators: mean ± 1.96·sd/√N")
            ),
            (
              "requiredReserve",
              .string(
                "paired bootstrap percentile interval, \(PairedBootstrap.defaultResamples) resamples weighing each path by a Poisson(1) draw"
              )
            ),
          ])
        ),
        ("notes", .array(c.notes.map(OrderedJSON.string))),
      ] + (c.warnings.isEmpty ? [] : [("warnings", strings(c.warnings))])
    ).text()
  }

  /// `sensitivity --json`: `parameters` sorted by swing, largest first; a row's `swing` is in the metric's unit.
  public static func encode(_ s: SensitivityAnalysis) -> String {
    OrderedJSON.object([
      ("scenario", .string(s.scenarioName)), ("paths", .integer(s.paths)), ("seed", .raw(String(s.seed))),
      ("relativeSwing", .number(s.relativeSwing)), ("metric", .string(s.metric.rawValue)),
      (
        "base",
        .object([
          ("requiredReserve", .number(s.base.requiredReserve[0])), ("ruinProbability", .number(s.base.ruinProbability)),
          ("filePaths", .integer(s.filePaths)), ("fileSeed", .raw(String(s.fileSeed))), ("note", .string(s.baseNote)),
        ])
      ),
      (
        "parameters",
        .array(
          s.parameters.map { p in
            .object(
              [("path", .string(p.path))]
                + [
                  ("base", p.base), ("low", p.low), ("high", p.high), ("requiredReserveLow", p.requiredReserveLow),
                  ("requiredReserveHigh", p.requiredReserveHigh), ("ruinProbabilityLow", p.ruinProbabilityLow),
                  ("ruinProbabilityHigh", p.ruinProbabilityHigh), ("swing", p.swing),
                ].map { ($0.0, OrderedJSON.number($0.1)) })
          })
      ),
      ("unchanged", .array(s.unchanged.map(OrderedJSON.string))),
      ("skipped", .array(s.skipped.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
      ("simulations", .integer(s.simulations)),
    ]).text()
  }

  /// `sweep --json`: each row's `values` map the axis paths to their values at that point; `years` is the base
  /// file's horizon and `edits` the plain `--set` edits applied at every point, as written.
  public static func encode(_ s: Sweep) -> String {
    let paths = s.axes.map(\.path.description)
    return OrderedJSON.object([
      ("scenario", .string(s.scenarioName)), ("paths", .integer(s.paths)), ("seed", .raw(String(s.seed))),
      ("years", .integer(s.years)), ("edits", strings(s.edits)),
      (
        "axes",
        .array(
          s.axes.map {
            .object([
              ("path", .string($0.path.description)), ("start", .number($0.start)), ("end", .number($0.end)),
              ("count", .integer($0.count)),
            ])
          })
      ),
      (
        "rows",
        .array(
          s.rows.map { row in
            .object([
              ("values", .object(zip(paths, row.values).map { ($0, .number($1)) })),
              ("ruinProbability", .number(row.outcome.ruinProbability)),
              (
                "requiredReserve",
                .array(
                  zip(row.outcome.confidences, row.outcome.requiredReserve).map {
                    .object([("confidence", .number($0)), ("value", .number($1))])
                  })
              ),
            ])
          })
      ),
    ]).text()
  }

  /// A list of texts.
  static func strings(_ texts: [String]) -> OrderedJSON { .array(texts.map(OrderedJSON.string)) }

  /// `drivers --json`: `drivers` sorted by |separation|, `summary` the sentences for the top ones, `note`
  /// when there is nothing to compare.
  public static func encode(_ d: RuinDrivers) -> String {
    var fields: [(String, OrderedJSON)] = [
      ("scenario", .string(d.scenarioName)), ("paths", .integer(d.paths)), ("seed", .raw(String(d.seed))),
      ("ruinedPaths", .integer(d.ruinedPaths)), ("survivingPaths", .integer(d.survivingPaths)),
      ("ruinProbability", .number(Double(d.ruinedPaths) / Double(d.paths))),
      (
        "separationMeasure",
        .string(
          "Cliff's delta: P(ruined > surviving) − P(ruined < surviving); for yes/no features the difference in shares")
      ),
      (
        "drivers",
        .array(
          d.drivers.map { driver in
            .object(
              [("kind", .string(driver.kind.rawValue)), ("name", .string(driver.name))]
                + [
                  ("ruinedMean", driver.ruinedMean), ("survivingMean", driver.survivingMean),
                  ("ruinedMedian", driver.ruinedMedian),
                  ("survivingMedian", driver.survivingMedian), ("separation", driver.separation),
                ].map { ($0.0, OrderedJSON.number($0.1)) })
          })
      ),
      ("summary", .array(WhatIfText.sentences(d).map(OrderedJSON.string))),
    ]
    if let note = WhatIfText.nothingToCompare(d) { fields.append(("note", .string(note))) }
    return OrderedJSON.object(fields).text()
  }
}
