/// The `--json` summary of SPEC §10 (plus extra keys: interval bounds, floor, currency, yearly flows).
public enum SummaryJSON {
  /// The summary as a JSON document with the keys in SPEC order.
  public static func document(_ s: RunSummary) -> OrderedJSON {
    .object([
      ("scenario", .string(s.scenarioName)),
      ("paths", .integer(s.paths)),
      ("seed", .raw(String(s.seed))),
      ("years", .integer(s.years)),
      ("currency", .string(s.currency)),
      ("initialReserve", .number(s.initialReserve)),
      ("floor", .number(s.floor)),
      (
        "ruinProbability",
        .object([
          ("value", .number(s.ruinProbability.value)), ("standardError", .number(s.ruinProbability.standardError)),
          ("lower", .number(s.ruinProbability.lower)), ("upper", .number(s.ruinProbability.upper)),
        ])
      ),
      ("ruinProbabilityByYear", .array(s.ruinProbabilityByYear.map(OrderedJSON.number))),
      (
        "requiredReserve",
        .array(
          s.requiredReserve.map {
            .object([
              ("confidence", .number($0.confidence)), ("value", .number($0.value)), ("lower", .number($0.lower)),
              ("upper", .number($0.upper)),
            ])
          })
      ),
      (
        "expectedShortfall",
        .array(
          s.expectedShortfall.map { .object([("confidence", .number($0.confidence)), ("value", .number($0.value))]) })
      ),
      (
        "balanceByYear",
        .array(
          s.balanceByYear.map {
            .object([
              ("year", .integer($0.year)), ("p5", .number($0.p5)), ("p25", .number($0.p25)), ("p50", .number($0.p50)),
              ("p75", .number($0.p75)), ("p95", .number($0.p95)), ("mean", .number($0.mean)),
            ])
          })
      ),
      (
        "flowsByYear",
        .array(
          s.yearlyFlows.map {
            .object([
              ("year", .integer($0.year)), ("meanIncome", .number($0.income)),
              ("meanSponsorRevenue", .number($0.sponsorRevenue)), ("meanExpenses", .number($0.expenses)),
              ("meanServiceCosts", .number($0.serviceCosts)),
            ])
          })
      ),
    ])
  }

  /// The summary as pretty-printed JSON text.
  public static func encode(_ s: RunSummary) throws -> String { document(s).text() }
}
