import Foundation
import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// `reservesim sensitivity --global`: SPEC §16's ranking of the uncertain estimates as text, JSON and CSV, and the
/// paths' own draws and outcomes for analysing elsewhere (SALib, a spreadsheet).
public enum UncertaintyExport {
  /// The ranking in plain words, with the run it comes from.
  public static func text(_ s: RunSummary) -> String {
    var out = "\(s.scenarioName) — \(s.paths) paths, seed \(s.seed), \(s.years) years\n\n"
    out += UncertaintyRanking.introduction + "\n"
    for line in UncertaintyRanking.table(s.uncertainty) { out += line + "\n" }
    out += "\nIndices: first-order S = Var(E[Y | estimate]) / Var(Y) for Y = ruined within \(s.years) years and for "
    out += "Y = the reserve needed,\nestimated from the paths' own draws (EASI, 10 harmonics, bias-corrected); "
    out += "intervals from 10 subsamples.\n"
    return out
  }

  /// `{"scenario", "paths", "seed", "years", "uncertainty": [...]}`, the `uncertainty` key as in `run --json`.
  public static func json(_ s: RunSummary) -> String {
    OrderedJSON.object(
      [
        ("scenario", .string(s.scenarioName)), ("paths", .integer(s.paths)), ("seed", .raw(String(s.seed))),
        ("years", .integer(s.years)),
      ] + SummaryJSON.uncertainty(s)
    ).text()
  }

  /// One row per estimate, largest need index first.
  public static func table(_ s: RunSummary) -> CSVTable {
    func cells(_ index: SensitivityIndex?) -> [String] {
      guard let index else { return ["", "", ""] }
      return [index.index, index.lower, index.upper].map { OrderedJSON.number($0).text() }
    }
    return CSVTable(
      header: [
        "rank", "parameter", "distribution", "need_index", "need_lower", "need_upper", "ruin_index", "ruin_lower",
        "ruin_upper",
      ],
      rows: s.uncertainty.enumerated().map { position, rank in
        [String(position + 1), rank.parameter.path.description, rank.parameter.distribution.json.jsonText]
          + cells(rank.need) + cells(rank.ruin)
      })
  }

  /// Each path's drawn value of every uncertain estimate (columns by `--set` path, in the file's order), whether
  /// it was ruined within the horizon (1/0) and its need: the (θ, Y) pairs the indices are estimated from.
  public static func samples(_ result: SimulationResult) -> CSVTable {
    let parameters = result.scenario.uncertainParameters
    var rows: [[String]] = []
    rows.reserveCapacity(result.paths)
    for path in 0..<result.paths {
      var row = [String(path)]
      for parameter in parameters {
        row.append(OrderedJSON.number(result.parameterDraws?.value(path: path, of: parameter) ?? .nan).text())
      }
      row.append(result.firstRuinMonth[path] > 0 ? "1" : "0")
      row.append(OrderedJSON.number(result.requiredReserve[path]).text())
      rows.append(row)
    }
    return CSVTable(header: ["path"] + parameters.map(\.path.description) + ["ruined", "need"], rows: rows)
  }
}
