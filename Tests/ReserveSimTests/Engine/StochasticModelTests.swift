import Foundation
import ReserveSim
import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario
import XCTest

/// Statistical checks of the model against exact distributions, with fixed seeds and tolerances of four
/// standard errors.
final class StochasticModelTests: XCTestCase {
  /// One service with annual loss probability p, no notice, full cost, nothing else: the loss month L is
  /// geometric with monthly hazard h = 1 − (1 − p)^(1/12); the path is ruined in month L + 1, and
  /// need = V·(M − L) when L < M, else 0.
  func testSingleGeometricLossTime() throws {
    let p = 0.3, value = 1000.0, years = 10, paths = 20_000
    let months = 12 * years
    let scenario = try makeScenario(
      """
      {"name": "geometric", "years": \(years),
       "inKindServices": [{"name": "CDN", "monthlyValue": \(value), "annualLossProbability": \(p)}]}
      """)
    let summary = RunSummary(simulate(scenario, paths: paths, seed: 11))
    let h = 1 - pow(1 - p, 1.0 / 12)
    for year in 1...years {
      // Ruined by month 12y ⇔ L ≤ 12y − 1.
      let expected = 1 - pow(1 - h, Double(12 * year - 1))
      let se = (expected * (1 - expected) / Double(paths)).squareRoot()
      assertWithinStandardErrors(
        summary.ruinProbabilityByYear[year - 1], expected, standardError: se, "ruin by year \(year)")
    }
    // P(need ≤ V·k) = P(L ≥ M − k) = (1 − h)^(M − k − 1) for 0 ≤ k < M.
    func cdf(_ k: Int) -> Double { k >= months - 1 ? 1 : pow(1 - h, Double(months - k - 1)) }
    func exactQuantile(_ c: Double) -> Double {
      var k = 0
      while cdf(k) < c { k += 1 }
      return value * Double(k)
    }
    for level in summary.requiredReserve {
      let c = level.confidence
      let slack = 4 * (c * (1 - c) / Double(paths)).squareRoot()
      XCTAssertGreaterThanOrEqual(level.value, exactQuantile(c - slack), "reserve at \(c)")
      XCTAssertLessThanOrEqual(level.value, exactQuantile(min(1, c + slack)), "reserve at \(c)")
      XCTAssertEqual(level.value.truncatingRemainder(dividingBy: value), 0, "need is a whole number of months")
    }
  }

  /// Diagnostics record each service's loss on the right path: P(lost within M months) = 1 − (1 − h)^M, and a
  /// service that is never lost (p = 0) or always lost (p = 1) is recorded as such on every path.
  func testDiagnosticsRecordServiceLosses() throws {
    let paths = 5000, years = 2
    let scenario = try makeScenario(
      """
      {"name": "losses", "years": \(years),
       "inKindServices": [{"name": "Never", "monthlyValue": 1, "annualLossProbability": 0},
                          {"name": "Sometimes", "monthlyValue": 1, "annualLossProbability": 0.3},
                          {"name": "Always", "monthlyValue": 1, "annualLossProbability": 1}]}
      """)
    let diagnostics = try XCTUnwrap(simulate(scenario, paths: paths, seed: 8, diagnostics: true).diagnostics)
    XCTAssertFalse((0..<paths).contains { diagnostics.serviceLost(0, path: $0) })
    XCTAssertTrue((0..<paths).allSatisfy { diagnostics.serviceLost(2, path: $0) })
    let share = Double((0..<paths).filter { diagnostics.serviceLost(1, path: $0) }.count) / Double(paths)
    let expected = 1 - pow(0.7, Double(years))
    assertWithinStandardErrors(
      share, expected, standardError: (expected * (1 - expected) / Double(paths)).squareRoot(), "share lost")
  }

  /// An event that is always active with serviceLossMultiplier k makes the hazard min(1, k·h).
  func testEventsMultiplyTheLossHazardUpToOne() throws {
    let p = 0.2, paths = 20_000
    for multiplier in [2.5, 1000.0] {
      let scenario = try makeScenario(
        """
        {"name": "hazard", "years": 2,
         "inKindServices": [{"name": "CDN", "monthlyValue": 100, "annualLossProbability": \(p)}],
         "events": [{"name": "Storm", "annualProbability": 1, "durationMonths": 12, "serviceLossMultiplier": \(multiplier)}]}
        """)
      let summary = RunSummary(simulate(scenario, paths: paths, seed: 5))
      let h = min(1, multiplier * (1 - pow(1 - p, 1.0 / 12)))
      for year in 1...2 {
        let expected = 1 - pow(1 - h, Double(12 * year - 1))
        let se = (expected * (1 - expected) / Double(paths)).squareRoot()
        assertWithinStandardErrors(
          summary.ruinProbabilityByYear[year - 1], expected, standardError: se, "×\(multiplier) year \(year)")
      }
    }
  }

  /// count_{y+1} = Binomial(count_y, p) + Poisson(λ): E c_{y+1} = p·E c_y + λ and
  /// Var c_{y+1} = p²·Var c_y + p(1 − p)·E c_y + λ; yearly revenue is annualAmount·c_y.
  func testBinomialRenewalsWithPoissonArrivals() throws {
    for (count, p, lambda) in [(20, 0.8, 3.0), (3000, 0.6, 1200.0)] {
      let amount = 12000.0, years = 6, paths = 8000
      let scenario = try makeScenario(
        """
        {"name": "churn", "years": \(years),
         "sponsorTiers": [{"name": "Tier", "annualAmount": \(amount), "count": \(count),
                           "renewalProbability": \(p), "newPerYear": \(lambda)}]}
        """)
      let summary = RunSummary(simulate(scenario, paths: paths, seed: 3))
      var mean = Double(count), variance = 0.0
      for year in 1...years {
        let se = amount * (variance / Double(paths)).squareRoot()
        if variance == 0 {
          XCTAssertEqual(summary.yearlyFlows[year - 1].sponsorRevenue, amount * mean, accuracy: 1e-6)
        } else {
          assertWithinStandardErrors(
            summary.yearlyFlows[year - 1].sponsorRevenue, amount * mean, standardError: se,
            "revenue year \(year), count \(count)")
        }
        variance = p * p * variance + p * (1 - p) * mean + lambda
        mean = p * mean + lambda
      }
    }
  }

  /// Expected active months from the Markov chain over "months left" (0 … D): in a month with 0 left the
  /// event starts with probability q, setting D; a month is active when months left > 0, then one is used.
  func testEventActiveMonthsMatchTheMarkovChain() throws {
    let annual = 0.4, duration = 7, years = 5, paths = 20_000
    let scenario = try makeScenario(
      """
      {"name": "events", "years": \(years), "income": [{"name": "donations", "annual": 12}],
       "events": [{"name": "Downturn", "annualProbability": \(annual), "durationMonths": \(duration), "incomeMultiplier": 0}]}
      """)
    let result = simulate(scenario, paths: paths, seed: 17, diagnostics: true)
    let summary = RunSummary(result)
    let q = 1 - pow(1 - annual, 1.0 / 12)
    var left = [Double](repeating: 0, count: duration + 1)
    left[0] = 1
    var activeByMonth: [Double] = []
    for _ in 1...(12 * years) {
      var afterStart = left
      afterStart[duration] += q * left[0]
      afterStart[0] = (1 - q) * left[0]
      activeByMonth.append(1 - afterStart[0])
      var next = [Double](repeating: 0, count: duration + 1)
      next[0] = afterStart[0] + afterStart[1]
      for k in 2...duration { next[k - 1] = afterStart[k] }
      left = next
    }
    let months = (0..<paths).map { Double(result.diagnostics!.eventMonths(0, path: $0)) }
    let (meanActive, se) = meanAndStandardError(months)
    assertWithinStandardErrors(meanActive, activeByMonth.reduce(0, +), standardError: se, "active months")
    // Income is 1 a month when the event is not active: a path's yearly income Y is its count of inactive months
    // that year, with mean Σ P(not active). Its exact variance comes from the same chain over (months left,
    // inactive months so far this year), started from the distribution of months left at the year's start
    // (sd ≈ 3.1 in year 1, 3.2 after); the mean income over N paths has standard error sd/√N.
    var start = [Double](repeating: 0, count: duration + 1)
    start[0] = 1
    for year in 1...years {
      var joint = [[Double]](repeating: [Double](repeating: 0, count: 13), count: duration + 1)  // [left][inactive]
      for k in 0...duration { joint[k][0] = start[k] }
      for _ in 1...12 {
        var next = [[Double]](repeating: [Double](repeating: 0, count: 13), count: duration + 1)
        for c in 0...12 {
          if c < 12 { next[0][c + 1] += (1 - q) * joint[0][c] }  // no event starts: inactive, one more month
          next[duration - 1][c] += q * joint[0][c]  // an event starts: active, D − 1 months left after this one
          for k in 1...duration { next[k - 1][c] += joint[k][c] }  // an event runs on: active
        }
        joint = next
      }
      let probability = (0...12).map { c in (0...duration).reduce(0) { $0 + joint[$1][c] } }
      let mean = (0...12).reduce(0) { $0 + Double($1) * probability[$1] }
      let variance = (0...12).reduce(0) { $0 + Double($1 * $1) * probability[$1] } - mean * mean
      start = (0...duration).map { k in joint[k].reduce(0, +) }
      let expected = activeByMonth[(12 * (year - 1))..<(12 * year)].reduce(0) { $0 + (1 - $1) }
      XCTAssertEqual(mean, expected, accuracy: 1e-9, "the two chains agree on year \(year)'s mean")
      XCTAssertTrue(variance > 4 && variance < 16, "year \(year): variance \(variance)")
      assertWithinStandardErrors(
        summary.yearlyFlows[year - 1].income, expected, standardError: (variance / Double(paths)).squareRoot(),
        "income year \(year)")
    }
  }

  /// X_f(M) sums M − 1 correlated increments: its mean is (M − 1)·ln(1 + g)/12, its sd vol·√((M−1)/12),
  /// and the correlation of two factors' sums is ρ. The median level is (1 + g)^((M−1)/12).
  func testCorrelatedFactorsAndLognormalLevels() throws {
    let paths = 20_000, years = 3, rho = -0.6
    let scenario = try makeScenario(
      """
      {"name": "factors", "years": \(years),
       "factors": {"traffic": {"annualGrowth": 0.2, "annualVolatility": 0.3},
                   "unitCost": {"annualGrowth": -0.1, "annualVolatility": 0.2},
                   "inflation": {"annualGrowth": 0.03, "annualVolatility": 0.02}},
       "correlations": [{"between": ["traffic", "unitCost"], "rho": \(rho)}]}
      """)
    let result = simulate(scenario, paths: paths, seed: 23, diagnostics: true)
    let d = result.diagnostics!
    let t = Double(12 * years - 1) / 12
    let traffic = (0..<paths).map { d.finalLogLevel(.traffic, path: $0) }
    let unitCost = (0..<paths).map { d.finalLogLevel(.unitCost, path: $0) }
    let inflation = (0..<paths).map { d.finalLogLevel(.inflation, path: $0) }
    let n = Double(paths)
    for (x, growth, vol, name) in [
      (traffic, 0.2, 0.3, "traffic"), (unitCost, -0.1, 0.2, "unitCost"), (inflation, 0.03, 0.02, "inflation"),
    ] {
      let sd = vol * t.squareRoot()
      let (mean, se) = meanAndStandardError(x)
      assertWithinStandardErrors(mean, log(1 + growth) * t, standardError: se, "\(name) log mean")
      let sampleSD = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
      assertWithinStandardErrors(sampleSD, sd, standardError: sd / (2 * n).squareRoot(), "\(name) log sd")
      // The sample median of the level has se ≈ 1/(2 f(median)·√N) with f the lognormal density there.
      let levels = x.map { exp($0) }.sorted()
      let median = pow(1 + growth, t)
      let density = 1 / (median * sd * (2 * Double.pi).squareRoot())
      assertWithinStandardErrors(
        Quantiles.percentile(sorted: levels, 0.5), median, standardError: 1 / (2 * density * n.squareRoot()),
        "\(name) median level")
    }
    // The sample correlation's se is about (1 − ρ²)/√N.
    assertWithinStandardErrors(
      sampleCorrelation(traffic, unitCost), rho, standardError: (1 - rho * rho) / n.squareRoot(), "traffic/unitCost")
    assertWithinStandardErrors(
      sampleCorrelation(traffic, inflation), 0, standardError: 1 / n.squareRoot(), "traffic/inflation")
  }

  /// Correlations between factors that are not neighbours in the factor order: only the range they span
  /// (traffic … inflation here) is mixed, and the factor inside it that no correlation names stays independent.
  func testCorrelationsAcrossTheFactorOrder() throws {
    let paths = 20_000, rhoTrafficInflation = 0.5, rhoDonationsInflation = -0.4
    let scenario = try makeScenario(
      """
      {"name": "spread correlations", "years": 2,
       "factors": {"traffic": {"annualGrowth": 0.2, "annualVolatility": 0.3},
                   "unitCost": {"annualGrowth": -0.1, "annualVolatility": 0.2},
                   "donations": {"annualGrowth": 0.0, "annualVolatility": 0.25},
                   "inflation": {"annualGrowth": 0.03, "annualVolatility": 0.05}},
       "correlations": [{"between": ["traffic", "inflation"], "rho": \(rhoTrafficInflation)},
                        {"between": ["donations", "inflation"], "rho": \(rhoDonationsInflation)}]}
      """)
    let plan = SimulationPlan(scenario)
    XCTAssertEqual(plan.correlatedFactors, 0..<4)
    XCTAssertEqual(SimulationPlan(try makeScenario(#"{"name": "none", "years": 1}"#)).correlatedFactors.count, 0)
    let d = simulate(scenario, paths: paths, seed: 29, diagnostics: true).diagnostics!
    let n = Double(paths)
    let levels = Factor.allCases.map { f in (0..<paths).map { d.finalLogLevel(f, path: $0) } }
    let (traffic, unitCost, donations, inflation) = (levels[0], levels[1], levels[2], levels[3])
    // Pairs the file does not name have correlation 0 (traffic/donations included, though both correlate with
    // inflation).
    for (a, b, rho, name) in [
      (traffic, inflation, rhoTrafficInflation, "traffic/inflation"),
      (donations, inflation, rhoDonationsInflation, "donations/inflation"),
      (traffic, donations, 0, "traffic/donations"),
      (unitCost, traffic, 0, "unitCost/traffic"), (unitCost, inflation, 0, "unitCost/inflation"),
    ] {
      assertWithinStandardErrors(sampleCorrelation(a, b), rho, standardError: (1 - rho * rho) / n.squareRoot(), name)
    }
  }
}
