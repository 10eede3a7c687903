import ReserveSimAnalysis
import ReserveSimResults

/// The `--csv` tables of `compare`, `sensitivity`, `sweep` and `drivers` — pure functions of analyses.
///
/// Column names are stable; money in the scenario's currency, probabilities as fractions, differences B − A.
public enum WhatIfCSV {
  /// `compare --csv`: a row per figure (`confidence` empty for the ruin probability).
  public static func table(_ c: Comparison) -> CSVTable {
    var table = CSVTable(header: ["metric", "confidence", "a", "b", "difference", "lower95", "upper95"])
    let ruin = c.ruinProbability
    table.rows.append(
      ["ruinProbability", ""] + [ruin.a, ruin.b, ruin.difference, ruin.lower, ruin.upper].map(CSVTable.number))
    for level in c.requiredReserve {
      let v = level.value
      table.rows.append(
        ["requiredReserve", CSVTable.number(level.confidence)]
          + [v.a, v.b, v.difference, v.lower, v.upper].map(CSVTable.number))
    }
    return table
  }

  /// `sensitivity --csv`: a row per parameter, largest swing first.
  public static func table(_ s: SensitivityAnalysis) -> CSVTable {
    var table = CSVTable(header: [
      "path", "base", "low", "high", "requiredReserveLow", "requiredReserveHigh", "ruinProbabilityLow",
      "ruinProbabilityHigh", "swing",
    ])
    for p in s.parameters {
      table.rows.append(
        [p.path]
          + [
            p.base, p.low, p.high, p.requiredReserveLow, p.requiredReserveHigh, p.ruinProbabilityLow,
            p.ruinProbabilityHigh, p.swing,
          ]
          .map(CSVTable.number))
    }
    return table
  }

  /// `sweep` CSV: a row per grid point — the axis values (columns named by their paths), the ruin
  /// probability, and the required reserve at each confidence (`requiredReserve95` for 95%).
  public static func table(_ s: Sweep) -> CSVTable {
    let confidences = s.rows.first?.outcome.confidences ?? RunSummary.defaultReserveConfidences
    var table = CSVTable(
      header: s.axes.map(\.path.description) + ["ruinProbability"]
        + confidences.map { "requiredReserve" + CSVExport.percentLabel($0) })
    for row in s.rows {
      table.rows.append((row.values + [row.outcome.ruinProbability] + row.outcome.requiredReserve).map(CSVTable.number))
    }
    return table
  }

  /// `drivers --csv`: a row per feature, strongest separation first.
  public static func table(_ d: RuinDrivers) -> CSVTable {
    var table = CSVTable(header: [
      "kind", "name", "ruinedMean", "survivingMean", "ruinedMedian", "survivingMedian", "separation",
    ])
    for driver in d.drivers {
      table.rows.append(
        [driver.kind.rawValue, driver.name]
          + [driver.ruinedMean, driver.survivingMean, driver.ruinedMedian, driver.survivingMedian, driver.separation]
          .map(CSVTable.number))
    }
    return table
  }
}
