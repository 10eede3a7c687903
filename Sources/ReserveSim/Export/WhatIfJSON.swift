import Foundation

/// The `--json` documents of `compare`, `sensitivity`, `sweep` and `drivers` — pure functions of analyses.
///
/// Money is in the scenario's currency, probabilities and shares are fractions (0.05 = 5%), differences are
/// B − A.
public enum WhatIfJSON {
  struct Difference: Encodable {
    var a, b, difference, lower, upper: Double
  }
  struct ReserveDifference: Encodable {
    var confidence, a, b, difference, lower, upper: Double
  }
  struct ComparisonDocument: Encodable {
    var a, b: String
    var paths: Int
    var seed: UInt64
    var ruinProbability: Difference
    var requiredReserve: [ReserveDifference]
    var method: [String: String]
    var notes: [String]
  }

  /// `compare --json`.
  public static func encode(_ c: Comparison) throws -> String {
    let ruin = c.ruinProbability
    return try text(
      ComparisonDocument(
        a: c.nameA, b: c.nameB, paths: c.paths, seed: c.seed,
        ruinProbability: Difference(a: ruin.a, b: ruin.b, difference: ruin.difference, lower: ruin.lower, upper: ruin.upper),
        requiredReserve: c.requiredReserve.map {
          ReserveDifference(
            confidence: $0.confidence, a: $0.value.a, b: $0.value.b, difference: $0.value.difference,
            lower: $0.value.lower, upper: $0.value.upper)
        },
        method: [
          "ruinProbability": "paired normal approximation over per-path ruin indicators: mean ± 1.96·sd/√N",
          "requiredReserve": "paired bootstrap percentile interval, \(PairedBootstrap.defaultResamples) resamples of path indices",
        ],
        notes: c.notes))
  }

  struct SensitivityRow: Encodable {
    var path: String
    var base, low, high: Double
    var requiredReserveLow, requiredReserveHigh, ruinProbabilityLow, ruinProbabilityHigh: Double
    var swing: Double
  }
  struct SensitivityBase: Encodable {
    var requiredReserve, ruinProbability: Double
  }
  struct Skipped: Encodable {
    var path, reason: String
  }
  struct SensitivityDocument: Encodable {
    var scenario: String
    var paths: Int
    var seed: UInt64
    var relativeSwing: Double
    var metric: String
    var base: SensitivityBase
    var parameters: [SensitivityRow]
    var unchanged: [String]
    var skipped: [Skipped]
    var simulations: Int
  }

  /// `sensitivity --json`; `swing` of a row is in the metric's unit.
  public static func encode(_ s: SensitivityAnalysis) throws -> String {
    try text(
      SensitivityDocument(
        scenario: s.scenarioName, paths: s.paths, seed: s.seed, relativeSwing: s.relativeSwing, metric: s.metric.rawValue,
        base: SensitivityBase(requiredReserve: s.base.requiredReserve[0], ruinProbability: s.base.ruinProbability),
        parameters: s.parameters.map {
          SensitivityRow(
            path: $0.path, base: $0.base, low: $0.low, high: $0.high, requiredReserveLow: $0.requiredReserveLow,
            requiredReserveHigh: $0.requiredReserveHigh, ruinProbabilityLow: $0.ruinProbabilityLow,
            ruinProbabilityHigh: $0.ruinProbabilityHigh, swing: $0.swing)
        },
        unchanged: s.unchanged, skipped: s.skipped.map { Skipped(path: $0.path, reason: $0.reason) },
        simulations: s.simulations))
  }

  struct Axis: Encodable {
    var path: String
    var start, end: Double
    var count: Int
  }
  struct Reserve: Encodable {
    var confidence, value: Double
  }
  struct SweepRow: Encodable {
    var values: [String: Double]
    var ruinProbability: Double
    var requiredReserve: [Reserve]
  }
  struct SweepDocument: Encodable {
    var scenario: String
    var paths: Int
    var seed: UInt64
    var axes: [Axis]
    var rows: [SweepRow]
  }

  /// `sweep --json`: each row's `values` map the axis paths to their values at that point.
  public static func encode(_ s: Sweep) throws -> String {
    try text(
      SweepDocument(
        scenario: s.scenarioName, paths: s.paths, seed: s.seed,
        axes: s.axes.map { Axis(path: $0.path.description, start: $0.start, end: $0.end, count: $0.count) },
        rows: s.rows.map { row in
          SweepRow(
            values: Dictionary(uniqueKeysWithValues: zip(s.axes.map(\.path.description), row.values)),
            ruinProbability: row.outcome.ruinProbability,
            requiredReserve: zip(row.outcome.confidences, row.outcome.requiredReserve).map { Reserve(confidence: $0, value: $1) })
        }))
  }

  struct Driver: Encodable {
    var kind, name: String
    var ruinedMean, survivingMean, ruinedMedian, survivingMedian, separation: Double
  }
  struct DriversDocument: Encodable {
    var scenario: String
    var paths: Int
    var seed: UInt64
    var ruinedPaths, survivingPaths: Int
    var ruinProbability: Double
    var separationMeasure: String
    var drivers: [Driver]
    var summary: [String]
    var note: String?
  }

  /// `drivers --json`.
  public static func encode(_ d: RuinDrivers) throws -> String {
    try text(
      DriversDocument(
        scenario: d.scenarioName, paths: d.paths, seed: d.seed, ruinedPaths: d.ruinedPaths, survivingPaths: d.survivingPaths,
        ruinProbability: Double(d.ruinedPaths) / Double(d.paths),
        separationMeasure: "Cliff's delta: P(ruined > surviving) − P(ruined < surviving); for yes/no features the difference in shares",
        drivers: d.drivers.map {
          Driver(
            kind: $0.kind.rawValue, name: $0.name, ruinedMean: $0.ruinedMean, survivingMean: $0.survivingMean,
            ruinedMedian: $0.ruinedMedian, survivingMedian: $0.survivingMedian, separation: $0.separation)
        },
        summary: WhatIfText.sentences(d), note: WhatIfText.nothingToCompare(d)))
  }

  static func text<T: Encodable>(_ document: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(document), as: UTF8.self)
  }
}
