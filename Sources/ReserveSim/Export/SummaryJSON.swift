import Foundation

/// The `--json` summary of SPEC §10 (plus extra keys: interval bounds, floor, currency, yearly flows).
public enum SummaryJSON {
  struct Document: Encodable {
    var scenario: String
    var paths: Int
    var seed: UInt64
    var years: Int
    var currency: String
    var initialReserve: Double
    var floor: Double
    var ruinProbability: Proportion
    var ruinProbabilityByYear: [Double]
    var requiredReserve: [Reserve]
    var expectedShortfall: [Shortfall]
    var balanceByYear: [Balance]
    var flowsByYear: [Flows]
  }
  struct Proportion: Encodable {
    var value, standardError, lower, upper: Double
  }
  struct Reserve: Encodable {
    var confidence, value, lower, upper: Double
  }
  struct Shortfall: Encodable {
    var confidence, value: Double
  }
  struct Balance: Encodable {
    var year: Int
    var p5, p25, p50, p75, p95, mean: Double
  }
  struct Flows: Encodable {
    var year: Int
    var meanIncome, meanSponsorRevenue, meanExpenses, meanServiceCosts: Double
  }

  /// The summary as pretty-printed JSON text.
  public static func encode(_ s: RunSummary) throws -> String {
    let document = Document(
      scenario: s.scenarioName, paths: s.paths, seed: s.seed, years: s.years, currency: s.currency,
      initialReserve: s.initialReserve, floor: s.floor,
      ruinProbability: Proportion(
        value: s.ruinProbability.value, standardError: s.ruinProbability.standardError,
        lower: s.ruinProbability.lower, upper: s.ruinProbability.upper),
      ruinProbabilityByYear: s.ruinProbabilityByYear,
      requiredReserve: s.requiredReserve.map {
        Reserve(confidence: $0.confidence, value: $0.value, lower: $0.lower, upper: $0.upper)
      },
      expectedShortfall: s.expectedShortfall.map { Shortfall(confidence: $0.confidence, value: $0.value) },
      balanceByYear: s.balanceByYear.map {
        Balance(year: $0.year, p5: $0.p5, p25: $0.p25, p50: $0.p50, p75: $0.p75, p95: $0.p95, mean: $0.mean)
      },
      flowsByYear: s.yearlyFlows.map {
        Flows(
          year: $0.year, meanIncome: $0.income, meanSponsorRevenue: $0.sponsorRevenue, meanExpenses: $0.expenses,
          meanServiceCosts: $0.serviceCosts)
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(document), as: UTF8.self)
  }
}
