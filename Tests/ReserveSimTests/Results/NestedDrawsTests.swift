import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimResults

/// SPEC §22: estimates drawn once per group of paths, intervals over the groups, and how sure the answers are.
final class NestedDrawsTests: XCTestCase {
  /// One year, B₀ = 150, one expense line whose annual amount E is uniform on [0, 200] and nothing else random:
  /// NCF(m) = −E/12, so a path runs out exactly when E > 150 (B(12) = 150 − E), and every path of a group runs out
  /// or none does. P(E > 150) = 1/4.
  static func uniformExpense(inner: Int, paths: Int) throws -> Scenario {
    try makeScenario(
      """
      {"name": "Uniform expense", "years": 1,
       "simulation": {"paths": \(paths), "seed": 5, "nested": {"inner": \(inner)}},
       "reserve": {"initial": 150},
       "expenses": [{"name": "Staff", "annual": {"uniform": [0, 200]}}]}
      """)
  }

  func testGroupsEitherRunOutOrNotAndTheSpreadIsTheEstimates() throws {
    let (inner, groups) = (100, 2000)
    let scenario = try Self.uniformExpense(inner: inner, paths: inner * groups)
    let result = simulate(scenario, paths: inner * groups)
    let summary = RunSummary(result)
    let nested = try XCTUnwrap(summary.nested)
    XCTAssertEqual(nested.inner, inner)
    XCTAssertEqual(nested.groups, groups)

    // Each group's share p_j is 0 or 1, so there is no inner noise: the shrunk shares are the shares.
    var shares = [Double]()
    for j in 0..<groups {
      let ruined = (j * inner..<(j + 1) * inner).filter { result.firstRuinMonth[$0] > 0 }.count
      XCTAssertTrue(ruined == 0 || ruined == inner, "group \(j): \(ruined) of \(inner) ran out")
      shares.append(Double(ruined) / Double(inner))
    }
    XCTAssertEqual(nested.ruin.innerNoiseVariance, 0)
    XCTAssertEqual(nested.ruin.p5, 0)
    XCTAssertEqual(nested.ruin.p95, 1)

    // The share that ran out is P(E > 150) = 1/4 within its standard error, and that error is sd(p_j)/√J.
    let mean = shares.reduce(0, +) / Double(groups)
    let variance = shares.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(groups - 1)
    let standardError = (variance / Double(groups)).squareRoot()
    XCTAssertEqual(summary.ruinProbability.standardError, standardError, accuracy: 1e-15)
    XCTAssertEqual(nested.ruin.sdEpistemic, variance.squareRoot(), accuracy: 1e-15)
    assertWithinStandardErrors(summary.ruinProbability.value, 0.25, standardError: standardError, "ruin share")
    let t = ConfidenceIntervals.t975(degreesOfFreedom: groups - 1)
    XCTAssertEqual(summary.ruinProbability.lower, mean - t * standardError, accuracy: 1e-15)
    XCTAssertEqual(summary.ruinProbability.upper, mean + t * standardError, accuracy: 1e-15)

    // The one estimate explains all of the spread: S = 1. §16's estimator keeps the first 10 harmonics, and p(θ) is
    // a step, which EASI's up-and-down order turns into a rectangle of duty d = p̄ over the J groups: the harmonics
    // keep R = Σ_{k=1…10} 2·sin²(πkd)/(π²k²) / (d(1 − d)) of its variance (docs/model.md: "about 4% of S for a step"),
    // and the noise correction then gives R − λ/(1 − λ)·(1 − R), λ = 20/J. That is what S = 1 reads as; it lies
    // within the interval.
    XCTAssertEqual(nested.ranking.count, 1)
    let index = try XCTUnwrap(nested.ranking[0].ruin)
    let d = mean
    var kept = 0.0
    for k in 1...UncertaintyRanking.harmonics {
      let s = Foundation.sin(Double.pi * Double(k) * d)
      kept += 2 * s * s / (Double.pi * Double.pi * Double(k * k))
    }
    kept /= d * (1 - d)
    let lambda = 2 * Double(UncertaintyRanking.harmonics) / Double(groups)
    let expected = kept - lambda / (1 - lambda) * (1 - kept)
    XCTAssertLessThanOrEqual(index.lower, expected, "\(index), S = 1 reads as \(expected)")
    XCTAssertGreaterThanOrEqual(index.upper, expected, "\(index), S = 1 reads as \(expected)")
  }

  func testPathsOfAGroupShareTheirEstimatesAtTheGroupsCounter() throws {
    let inner = 100
    let scenario = try Self.uniformExpense(inner: inner, paths: 20 * inner)
    let one = simulate(scenario, paths: 20 * inner, threads: 1)
    let two = simulate(scenario, paths: 20 * inner, threads: 2)
    XCTAssertEqual(one.requiredReserve, two.requiredReserve, "the thread count moves nothing")
    let draws = try XCTUnwrap(one.parameterDraws)
    let parameter = scenario.uncertainParameters[0]
    let streams = RandomStreams(seed: one.seed)
    var groupValues = Set<Double>()
    for i in 0..<one.paths {
      let j = i / inner
      // The group's draw, at counter (j, 0, 0x07000000, key).
      let expected = parameter.distribution.value(
        at: LaneParameters.uniform(streams, path: UInt32(j), key: parameter.drawKey))
      XCTAssertEqual(draws.value(path: i, of: parameter), expected, "path \(i)")
      // The engine used that value: the need of 12 months of E/12 is E.
      XCTAssertEqual(one.requiredReserve[i], expected, accuracy: 1e-9 * expected, "path \(i)")
      XCTAssertEqual(one.requiredReserve[i], one.requiredReserve[j * inner], "path \(i) shares group \(j)'s need")
      groupValues.insert(expected)
    }
    XCTAssertEqual(groupValues.count, 20, "different groups draw different values")
  }

  func testARunOfTwiceTheGroupsContainsTheFirst() throws {
    let inner = 100
    let scenario = try Self.uniformExpense(inner: inner, paths: 40 * inner)
    let short = simulate(scenario, paths: 20 * inner)
    let long = simulate(scenario, paths: 40 * inner)
    XCTAssertEqual(Array(long.requiredReserve.prefix(20 * inner)), short.requiredReserve)
  }

  func testTheReserveIntervalIsABootstrapOverGroups() throws {
    // Needs that are the same within a group: the bootstrap over groups sees J values, so its interval is that of
    // a quantile of J draws, wider than the order-statistic interval over all N paths would claim.
    let inner = 100
    let scenario = try Self.uniformExpense(inner: inner, paths: 400 * inner)
    let summary = RunSummary(simulate(scenario, paths: 400 * inner))
    let median = try XCTUnwrap(summary.requiredReserve.first { $0.confidence == 0.5 })
    // The median of E ~ U[0, 200] is 100; over 400 groups its standard error is about 200·√(1/4/400) = 5.
    XCTAssertLessThanOrEqual(median.lower, median.value)
    XCTAssertGreaterThanOrEqual(median.upper, median.value)
    XCTAssertGreaterThan(median.upper - median.lower, 10, "\(median)")
    XCTAssertLessThan(median.upper - median.lower, 30, "\(median)")
    let again = RunSummary(simulate(scenario, paths: 400 * inner, threads: 1))
    XCTAssertEqual(again.requiredReserve, summary.requiredReserve, "the bootstrap does not depend on threads")
  }

  func testTheBootstrapsCheckpointsGiveThePlainWalksIntervals() throws {
    // The walk may start at any checkpoint whose tail is within the allowed tail: every spacing, down to one
    // position, gives the intervals of the walk from the top (spacing n), with ties among the needs (the shipped
    // pypi-today's needs are 0 on many paths) and with needs that differ.
    let today = try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path)
    let cases = [
      (try Self.uniformExpense(inner: 100, paths: 60 * 100), 60 * 100, 100),
      (today, 30 * 1_000, 1_000),
    ]
    let confidences = [0.5, 0.75, 0.9, 0.95, 0.99]
    for (scenario, paths, inner) in cases {
      let needs = GroupedNeeds(needs: simulate(scenario, paths: paths).requiredReserve, inner: inner)
      let plain = needs.bootstrapIntervals(confidences: confidences, spacing: paths)
      XCTAssertGreaterThan(plain[0].upper, plain[0].lower, "a bootstrap with a spread")
      for spacing in [1, 7, 100, 1_023, 4_096, nil] {
        let jumped = needs.bootstrapIntervals(confidences: confidences, spacing: spacing)
        XCTAssertEqual(jumped.map(\.lower), plain.map(\.lower), "\(scenario.name), spacing \(spacing ?? 0)")
        XCTAssertEqual(jumped.map(\.upper), plain.map(\.upper), "\(scenario.name), spacing \(spacing ?? 0)")
      }
    }
    XCTAssertEqual(GroupedNeeds.checkpointSpacing(paths: 200_000, groups: 200), 1_024)
    XCTAssertEqual(GroupedNeeds.checkpointSpacing(paths: 10_000_000, groups: 100_000), 238_419, "K × J ≤ 2²²")
  }

  func testBadNestingIsRefusedNamingTheField() throws {
    let cases: [(String, String)] = [
      (#"{"paths": 10000, "nested": {"inner": 99}}"#, "must be in [100,"),
      (#"{"paths": 10000, "nested": {}}"#, "inner"),
      (#"{"paths": 10000, "nested": {"inner": 100, "outer": 3}}"#, "outer"),
    ]
    for (simulation, message) in cases {
      XCTAssertThrowsError(try makeScenario(#"{"name": "x", "years": 1, "simulation": \#(simulation)}"#)) { error in
        let text = String(describing: error)
        XCTAssertTrue(text.contains("simulation.nested"), "\(simulation): \(text)")
        XCTAssertTrue(text.contains(message), "\(simulation): \(text)")
      }
    }
  }

  func testTheStudentQuantileMatchesTables() {
    XCTAssertEqual(ConfidenceIntervals.t975(degreesOfFreedom: 9), 2.262157162740992, accuracy: 1e-9)
    XCTAssertEqual(ConfidenceIntervals.t975(degreesOfFreedom: 19), 2.093024054408263, accuracy: 1e-9)
    XCTAssertEqual(ConfidenceIntervals.t975(degreesOfFreedom: 999), 1.962341461, accuracy: 1e-8)
  }
}
