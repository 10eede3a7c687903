import Foundation
import ReserveSim

@testable import ReserveSimEngine
@testable import ReserveSimResults
@testable import ReserveSimScenario

/// Small scenarios and their summaries shared by the output tests (CSV, notebook, HTML report).
enum OutputFixtures {
  /// A scenario with every kind of assumption, a start month and a name that needs quoting in CSV,
  /// escaping in HTML and Markdown: small enough to simulate in a debug build in well under a second.
  static let scenarioJSON = """
    {
      "name": "Test fund, \\"small\\" <b>& co</b> | $5 *bold*",
      "description": "A made-up organisation for the output tests.",
      "sources": ["Invented for tests", "Second source, with a comma"],
      "currency": "USD", "start": "2021-07", "years": 5,
      "simulation": {"paths": 2000, "seed": 7},
      "reserve": {"initial": 400000, "floor": 0, "annualReturn": 0.01},
      "factors": {"traffic": {"annualGrowth": 0.3, "annualVolatility": 0.2},
                  "donations": {"annualGrowth": 0.02, "annualVolatility": 0.1}},
      "correlations": [{"between": ["traffic", "donations"], "rho": -0.2}],
      "income": [{"name": "Donations", "annual": 250000, "factor": "donations"}],
      "expenses": [{"name": "Staff", "annual": 300000, "annualGrowth": 0.05, "fromYear": 2}],
      "sponsorTiers": [{"name": "Gold", "annualAmount": 50000, "count": 2, "renewalProbability": 0.8,
                        "newPerYear": 0.5}],
      "inKindServices": [{"name": "CDN", "monthlyValue": 20000, "scaling": "traffic",
                          "annualLossProbability": 0.1, "noticeMonths": 3, "replacementCostFraction": 0.5,
                          "annualReplacementProbability": 0.3}],
      "events": [{"name": "Downturn", "annualProbability": 0.1, "durationMonths": 12, "incomeMultiplier": 0.8}]
    }
    """

  static func scenario(_ json: String = scenarioJSON, patch: (inout Scenario) -> Void = { _ in }) -> Scenario {
    var scenario = try! Scenario(json: JSONValue.parse(Data(json.utf8), file: "fixture.json"))
    patch(&scenario)
    return scenario
  }

  /// Simulates `scenario` (2,000 paths unless told) and summarises it at the reserve curve's confidences.
  static func summary(
    _ scenario: Scenario, paths: Int = 2000, reserveConfidences: [Double] = RunSummary.reserveCurveConfidences
  ) -> RunSummary {
    let result = Simulator(threads: 2).run(scenario, paths: paths, seed: scenario.simulation.seed)
    return RunSummary(result, reserveConfidences: reserveConfidences)
  }

  static let standard: (scenario: Scenario, summary: RunSummary) = {
    let fixture = OutputFixtures.scenario()
    return (fixture, OutputFixtures.summary(fixture))
  }()
}
