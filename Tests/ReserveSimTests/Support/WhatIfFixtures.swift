import Foundation
import ReserveSim

/// Small constructed scenarios for the what-if tests, each built so that one effect is known in advance.
enum WhatIfFixtures {
  /// Income covers expenses only while the CDN is donated: losing it costs $600k a year against a $100k
  /// surplus, so ruin follows a loss within a few years. No replacement, so a higher loss probability can
  /// only bring losses earlier on every path.
  static func cdnDependent(lossProbability: Double = 0.1, initial: Double = 1_000_000) -> JSONValue {
    document(
      """
      {"name": "CDN dependent", "years": 5, "reserve": {"initial": \(initial)},
       "factors": {"donations": {"annualVolatility": 0.1}},
       "income": [{"name": "Grants", "annual": 1000000, "factor": "donations"}],
       "expenses": [{"name": "Staff", "annual": 900000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 50000, "annualLossProbability": \(lossProbability)}]}
      """)
  }

  /// Two services with the same loss probability: losing "Critical" ($1.2M a year) ruins the organisation,
  /// losing "Trivial" ($1.2k a year) does not matter.
  static let oneCriticalService = document(
    """
    {"name": "One critical service", "years": 5, "reserve": {"initial": 200000},
     "factors": {"traffic": {"annualGrowth": 0.1, "annualVolatility": 0.2}},
     "income": [{"name": "Grants", "annual": 1200000}],
     "expenses": [{"name": "Staff", "annual": 1100000}],
     "sponsorTiers": [{"name": "Gold", "annualAmount": 1000, "count": 3, "renewalProbability": 0.8, "newPerYear": 0.5}],
     "inKindServices": [
       {"name": "Trivial", "monthlyValue": 100, "annualLossProbability": 0.3},
       {"name": "Critical", "monthlyValue": 100000, "annualLossProbability": 0.3}],
     "events": [{"name": "Storm", "annualProbability": 0.2, "durationMonths": 3}]}
    """)

  /// Rent is a hundred times the snacks budget, so ±20% on rent moves the reserve most.
  static let dominatedByRent = document(
    """
    {"name": "Rent dominates", "years": 5, "simulation": {"paths": 500, "seed": 3},
     "reserve": {"initial": 100000, "floor": 0},
     "factors": {"donations": {"annualVolatility": 0.2}},
     "income": [{"name": "Donations", "annual": 1000000, "factor": "donations"}],
     "expenses": [{"name": "Rent", "annual": 1000000}, {"name": "Snacks", "annual": 10000}],
     "assertions": [{"name": "Safe", "metric": "ruinProbability", "atMost": 0.5}]}
    """)

  static func document(_ text: String) -> JSONValue {
    try! JSONValue.parse(Data(text.utf8), file: "fixture")
  }

  static func scenario(_ document: JSONValue) -> Scenario { try! Scenario(json: document) }

  /// A simulate function on common random numbers: every scenario with the same seed and path count.
  static func simulate(paths: Int, seed: UInt64 = 7, diagnostics: Bool = false) -> (Scenario) -> SimulationResult {
    let simulator = Simulator(threads: 2, recordsDiagnostics: diagnostics)
    return { simulator.run($0, paths: paths, seed: seed) }
  }
}
