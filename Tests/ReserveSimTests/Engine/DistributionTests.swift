import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimResults

/// The inversion samplers give the binomial and Poisson moments.
final class DistributionTests: XCTestCase {
  private func uniforms(_ count: Int, seed: UInt64) -> [Double] {
    let streams = RandomStreams(seed: seed)
    return (0..<count).map { i in
      let w = streams.words(path: UInt32(i), month: 12, stream: .sponsorDraws)
      return RandomStreams.unit53(w.0, w.1)
    }
  }

  func testBinomialInversionMomentsOnBothSidesOfOneHalf() {
    for (n, p) in [(20, 0.3), (50, 0.85), (512, 0.5), (7, 0.999)] {
      let draws = uniforms(40_000, seed: UInt64(n)).map {
        Double(Distributions.binomialByInversion(trials: Int64(n), probability: p, uniform: $0))
      }
      let (mean, se) = meanAndStandardError(draws)
      assertWithinStandardErrors(mean, Double(n) * p, standardError: se, "Binomial(\(n), \(p)) mean")
      let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
      let expected = Double(n) * p * (1 - p)
      // se of the sample variance ≈ √((μ₄ − σ⁴)/N), with the binomial μ₄ = npq(1 + 3(n − 2)pq).
      let fourth = expected * (1 + 3 * Double(n - 2) * p * (1 - p))
      let varianceSE = ((fourth - expected * expected) / Double(draws.count)).squareRoot()
      assertWithinStandardErrors(variance, expected, standardError: varianceSE, "Binomial(\(n), \(p)) variance")
    }
    XCTAssertEqual(Distributions.binomialByInversion(trials: 10, probability: 1, uniform: 0.3), 10)
    XCTAssertEqual(Distributions.binomialByInversion(trials: 10, probability: 0, uniform: 0.3), 0)
  }

  func testPoissonInversionMoments() {
    for lambda in [0.4, 3.0, 40.0, 500.0] {
      let draws = uniforms(40_000, seed: UInt64(lambda * 10)).map {
        Double(Distributions.poissonByInversion(mean: lambda, uniform: $0))
      }
      let (mean, se) = meanAndStandardError(draws)
      assertWithinStandardErrors(mean, lambda, standardError: se, "Poisson(\(lambda)) mean")
      let variance = draws.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws.count - 1)
      // Poisson μ₄ = λ(1 + 3λ).
      let varianceSE = ((lambda * (1 + 3 * lambda) - lambda * lambda) / Double(draws.count)).squareRoot()
      assertWithinStandardErrors(variance, lambda, standardError: varianceSE, "Poisson(\(lambda)) variance")
    }
  }
}

/// The tabulated sponsor transitions: each alias table gives every next count its exact mass, the draws have the
/// moments of Binomial(n, min(1, p·R)) + Poisson(λ·N), and counts or rates beyond the tables take the samplers of
/// `Distributions` with the same moments.
final class SponsorTransitionTablesTests: XCTestCase {
  /// Binomial(n, p) ⊛ Poisson(λ) at j, summed in log space with lgamma: independent of the tables' recurrences.
  private func transitionMass(from n: Int, to j: Int, p: Double, lambda: Double) -> Double {
    var total = 0.0
    for k in 0...min(n, j) {
      let renewals: Double
      if p <= 0 || p >= 1 {
        renewals = k == (p >= 1 ? n : 0) ? 1 : 0
      } else {
        renewals = exp(
          lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) + Double(k) * log(p)
            + Double(n - k) * log1p(-p))
      }
      let arrivals =
        lambda > 0 ? exp(-lambda + Double(j - k) * log(lambda) - lgamma(Double(j - k + 1))) : (j == k ? 1 : 0)
      total += renewals * arrivals
    }
    return total
  }

  /// The probability the alias cells give outcome x: (cut[x] + Σ_{y: alias[y] = x} (2⁶⁴ − cut[y]))/(K·2⁶⁴).
  private func aliasProbabilities(_ cells: ArraySlice<SponsorTransitionTables.Cell>) -> [Double] {
    var probability = [Double](repeating: 0, count: cells.count)
    for (y, cell) in zip(0..., cells) {
      probability[y] += Double(cell.cut)
      probability[Int(cell.alias)] += 0x1p64 - Double(cell.cut)
    }
    return probability.map { $0 / (Double(cells.count) * 0x1p64) }
  }

  func testAliasTablesGiveEachNextCountItsMass() {
    let rates: [(p: Double, lambda: Double)] = [
      (0.85, 0.4), (0.3, 3.0), (0.5, 40.0), (0.999, 60.0), (0.05, 0), (1, 2.5), (0, 1.5), (0.7, 0),
    ]
    let tables = SponsorTransitionTables(renewalProbability: rates.map(\.p), newPerYear: rates.map(\.lambda))
    for (t, (p, lambda)) in rates.enumerated() {
      for n in 0...SponsorTransitionTables.maximumCount {
        let row = tables.rows[Int(tables.ratesOfTierAndSet[t]) * (SponsorTransitionTables.maximumCount + 1) + n]
        let cells = tables.cells[Int(row.start)..<Int(row.start + row.size)]
        let drawn = aliasProbabilities(cells)
        // The alias cells reproduce the masses they were built from...
        let masses = SponsorTransitionTables.convolution(
          SponsorTransitionTables.binomialMasses(trials: n, probability: p),
          SponsorTransitionTables.poissonMasses(mean: lambda))
        XCTAssertEqual(drawn.count, masses.count)
        for (x, (a, b)) in zip(drawn, masses).enumerated() {
          XCTAssertEqual(a, b, accuracy: 1e-15, "p \(p), λ \(lambda), \(n) → \(x)")
        }
        // ... which are the transition masses (lgamma costs ~1e-13 relative; near the end of the row, the
        // arrivals beyond the cut-off, less than 2⁻⁶⁴ in all) and leave out less than 2⁻⁶⁴.
        var shortfall = 0.0
        for (j, mass) in masses.enumerated() {
          let exact = transitionMass(from: n, to: j, p: p, lambda: lambda)
          XCTAssertEqual(mass, exact, accuracy: 1e-11 * exact + 0x1p-64, "p \(p), λ \(lambda), \(n) → \(j)")
          shortfall += max(0, exact - mass * (1 + 1e-11))
        }
        XCTAssertLessThan(shortfall, 0x1p-64)
        let omitted = (masses.count..<(masses.count + 400)).reduce(0.0) {
          $0 + transitionMass(from: n, to: $1, p: p, lambda: lambda)
        }
        XCTAssertLessThan(omitted, 0x1p-64, "p \(p), λ \(lambda), n \(n)")
        XCTAssertEqual(masses.reduce(0, +), 1, accuracy: 1e-14)
      }
    }
  }

  func testDrawsHaveTheMomentsOfTheTransition() {
    let tiers: [(p: Double, lambda: Double)] = [(0.85, 0.4), (0.7, 3.0), (0.5, 20.0)]
    // Sets of active events: none, a downturn, and one that makes renewal certain (0.85·1.3 > 1).
    let setRenewal = [1, 0.85, 1.3], setArrivals = [1, 0.5, 2]
    let tables = SponsorTransitionTables(
      renewalProbability: tiers.map(\.p), newPerYear: tiers.map(\.lambda), setRenewalMultiplier: setRenewal,
      setNewSponsorMultiplier: setArrivals)
    let streams = RandomStreams(seed: 17)
    let draws = 20_000
    for (t, tier) in tiers.enumerated() {
      for set in 0..<setRenewal.count {
        let p = min(1, tier.p * setRenewal[set]), lambda = tier.lambda * setArrivals[set]
        for n in [0, 1, 10, 64] {
          let next = (0..<draws).map { i in
            let w = streams.words(path: UInt32(i), month: 12, stream: .sponsorDraws, index: UInt32(t))
            return Double(tables.nextCount(tier: t, set: set, count: n, uniform: UInt64(w.0) << 32 | UInt64(w.1))!)
          }
          let what = "tier \(t), set \(set), n \(n)"
          let (mean, se) = meanAndStandardError(next)
          assertWithinStandardErrors(mean, Double(n) * p + lambda, standardError: se, "\(what) mean")
          let variance = next.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws - 1)
          let expected = Double(n) * p * (1 - p) + lambda
          // Cumulants add: κ₄ = npq(1 − 6pq) + λ, and the sample variance has se ≈ √((κ₄ + 2σ⁴)/N).
          let fourth = Double(n) * p * (1 - p) * (1 - 6 * p * (1 - p)) + lambda
          let varianceSE = ((fourth + 2 * expected * expected) / Double(draws)).squareRoot()
          assertWithinStandardErrors(variance, expected, standardError: varianceSE, "\(what) variance")
        }
      }
    }
  }

  func testWhatTheTablesDoNotCover() {
    let tables = SponsorTransitionTables(
      renewalProbability: [0.9, 0.9], newPerYear: [2, SponsorTransitionTables.maximumArrivalMean * 2])
    XCTAssertNil(tables.nextCount(tier: 0, count: SponsorTransitionTables.maximumCount + 1, uniform: 12345))
    XCTAssertNotNil(tables.nextCount(tier: 0, count: SponsorTransitionTables.maximumCount, uniform: 12345))
    XCTAssertNil(tables.nextCount(tier: 1, count: 3, uniform: 12345))
    // The extremes of the uniform stay in the row.
    XCTAssertEqual(tables.nextCount(tier: 0, count: 0, uniform: 0), 0)
    XCTAssertLessThan(tables.nextCount(tier: 0, count: 64, uniform: .max)!, 64 + 40)
  }

  /// Through the kernel: counts that cross `maximumCount` (tables, then `Distributions`' samplers) and a year-round
  /// event that changes the rates, with its set tabulated and with more kinds than the sets cover (per-lane
  /// rates, `Distributions`' samplers). E c_{y+1} = p·E c_y + λ, Var c_{y+1} = p²·Var c_y + p(1 − p)·E c_y + λ.
  func testRollOverInAndOutOfTheTables() throws {
    let inert = (0..<SimulationPlan.maximumTabulatedEvents).map {
      #", {"name": "Never \#($0)", "annualProbability": 0, "durationMonths": 1}"#
    }
    let event =
      #"{"name": "Boom", "annualProbability": 1, "durationMonths": 12, "sponsorRenewalMultiplier": 0.9, "newSponsorMultiplier": 1.5}"#
    let cases: [(count: Int, p: Double, lambda: Double, events: String, label: String)] = [
      (60, 0.95, 8, "", "no events"), (70, 0.5, 1, "", "no events"), (5, 0.95, 4, event, "tabulated sets"),
      (5, 0.95, 4, event + inert.joined(), "per-lane rates"),
    ]
    for (count, renewal, arrivals, events, label) in cases {
      let amount = 12000.0, years = 6, paths = 8000
      let scenario = try makeScenario(
        """
        {"name": "crossing", "years": \(years),
         "sponsorTiers": [{"name": "Tier", "annualAmount": \(amount), "count": \(count),
                           "renewalProbability": \(renewal), "newPerYear": \(arrivals)}],
         "events": [\(events)]}
        """)
      let p = events.isEmpty ? renewal : renewal * 0.9, lambda = events.isEmpty ? arrivals : arrivals * 1.5
      let summary = RunSummary(simulate(scenario, paths: paths, seed: 5))
      var mean = Double(count), variance = 0.0
      for year in 1...years {
        let se = amount * (variance / Double(paths)).squareRoot()
        let what = "count \(count), p \(p), λ \(lambda), \(label), year \(year)"
        if variance == 0 {
          XCTAssertEqual(summary.yearlyFlows[year - 1].sponsorRevenue, amount * mean, accuracy: 1e-6, what)
        } else {
          assertWithinStandardErrors(
            summary.yearlyFlows[year - 1].sponsorRevenue, amount * mean, standardError: se, what)
        }
        variance = p * p * variance + p * (1 - p) * mean + lambda
        mean = p * mean + lambda
      }
    }
  }
}
