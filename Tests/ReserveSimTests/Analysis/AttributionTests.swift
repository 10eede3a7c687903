import Foundation
import ReserveSim
import ReserveSimAnalysis
import ReserveSimEngine
import XCTest

@testable import ReserveSimResults

/// SPEC §20: the Shapley allocation of a metric over the risk sources, every subset on common random numbers.
final class AttributionTests: XCTestCase {
  func attribute(
    _ scenario: Scenario, _ metric: String = "ruin", paths: Int = 600, seed: UInt64 = 3, threads: Int = 2
  ) throws -> Attribution {
    try Attribution(
      scenario: scenario, metric: AttributionMetric(parsing: metric, for: scenario), paths: paths, seed: seed,
      simulator: Simulator(threads: threads))
  }

  /// Only A can ruin: lost, it costs 50k a month against 120k, while B costs at most 36 over the horizon. A path is
  /// ruined exactly when A is on and lost early enough, whatever B does, so φ_A = f(N) and φ_B = 0 exactly.
  func testOnlyTheServiceThatCanRuinTakesAShare() throws {
    let scenario = try makeScenario(
      """
      {"name": "two", "years": 3, "reserve": {"initial": 120000},
       "inKindServices": [{"name": "A", "monthlyValue": 50000, "annualLossProbability": 0.3},
                          {"name": "B", "monthlyValue": 1, "annualLossProbability": 0.5}]}
      """)
    let a = try attribute(scenario)
    XCTAssertEqual(a.sources.map(\.name), ["A", "B"])
    XCTAssertEqual(a.evaluations, 4)
    XCTAssertEqual(a.budgetItself, 0)
    XCTAssertGreaterThan(a.total, 0.3)
    XCTAssertEqual(a.sources[0].share, a.total)
    XCTAssertEqual(a.sources[1].share, 0)
    XCTAssertEqual([a.sources[1].lower, a.sources[1].upper], [0, 0])
    XCTAssertLessThan(a.sources[0].lower, a.total)
    XCTAssertGreaterThan(a.sources[0].upper, a.total)
  }

  /// Every expense month is a deficit and there is no reserve: every subset is ruined in month 1.
  func testADeterministicDeficitIsTheBudgetItself() throws {
    let scenario = try makeScenario(
      """
      {"name": "deficit", "years": 2, "expenses": [{"name": "Staff", "annual": 12000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 500, "annualLossProbability": 0.4}],
       "events": [{"name": "Downturn", "annualProbability": 0.3, "serviceLossMultiplier": 2}]}
      """)
    let a = try attribute(scenario, paths: 300)
    XCTAssertEqual(a.budgetItself, 1)
    XCTAssertEqual(a.total, 1)
    XCTAssertEqual(a.sources.map(\.share), [0, 0])
    XCTAssertEqual(a.sumOfShares, 1)
  }

  /// Three sources, each subset run as its own edited file (the service unlosable, the event impossible, every
  /// sponsor renewing); the Shapley values by the permutation formula φ_s = (1/n!) Σ_orders (f(before ∪ {s}) −
  /// f(before)) agree with the attribution's.
  func testThreeSourcesAgainstTheOrdersOfSwitchingOn() throws {
    func document(cdn: Bool, downturn: Bool, churn: Bool) -> String {
      """
      {"name": "three", "years": 5, "reserve": {"initial": 400000},
       "income": [{"name": "Gifts", "annual": 100000}], "expenses": [{"name": "Staff", "annual": 320000}],
       "sponsorTiers": [{"name": "Gold", "annualAmount": 50000, "count": 4,
                         "renewalProbability": \(churn ? 0.75 : 1), "newPerYear": 0.6}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 12000, "annualLossProbability": \(cdn ? 0.2 : 0),
                           "noticeMonths": 1, "annualReplacementProbability": 0.4}],
       "events": [{"name": "Downturn", "annualProbability": \(downturn ? 0.25 : 0), "durationMonths": 8,
                   "incomeMultiplier": 0.6, "newSponsorMultiplier": 0.3, "serviceLossMultiplier": 3}]}
      """
    }
    let paths = 800
    let full = try makeScenario(document(cdn: true, downturn: true, churn: true))
    for metric in ["ruin", "reserve@90%"] {
      // f(T), T as bits: 1 CDN, 2 Downturn, 4 churn (the attribution's order: services, events, churn).
      let results = try (0..<8).map { subset in
        simulate(
          try makeScenario(document(cdn: subset & 1 != 0, downturn: subset & 2 != 0, churn: subset & 4 != 0)),
          paths: paths, seed: 3)
      }
      let f = results.map { result -> Double in
        if metric == "ruin" { return Double(result.firstRuinMonth.filter { $0 > 0 }.count) / Double(paths) }
        return max(0, RadixSortFree.orderStatistic(result.requiredReserve, rank: Quantiles.ceilRank(0.9, of: paths)))
      }
      let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]]
      func shapley(_ s: Int, _ f: (Int) -> Double) -> Double {
        orders.reduce(0.0) { total, order in
          let before = order.prefix { $0 != s }.reduce(0) { $0 | (1 << $1) }
          return total + f(before | (1 << s)) - f(before)
        } / 6
      }
      let expected = (0..<3).map { s in shapley(s) { f[$0] } }
      let a = try attribute(full, metric, paths: paths)
      XCTAssertEqual(a.sources.map(\.name), ["CDN", "Downturn", "Sponsor churn"])
      XCTAssertEqual(a.budgetItself, f[0], metric)
      XCTAssertEqual(a.total, f[7], metric)
      let scale = max(1, abs(f[7]))
      for s in 0..<3 {
        XCTAssertEqual(a.sources[s].share, expected[s], accuracy: 1e-12 * scale, "\(metric) \(a.sources[s].name)")
        XCTAssertLessThanOrEqual(a.sources[s].lower, a.sources[s].upper)
      }
      XCTAssertNotEqual(expected[0], 0)
      guard metric == "ruin" else { continue }
      // The interval: mean ± 1.96·sd/√N of the paths' own Shapley values (sd over N − 1), each from the path's 0/1
      // outcomes in the eight runs.
      for s in 0..<3 {
        let perPath = (0..<paths).map { i in shapley(s) { results[$0].firstRuinMonth[i] > 0 ? 1 : 0 } }
        let mean = perPath.reduce(0, +) / Double(paths)
        let sd = (perPath.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(paths - 1)).squareRoot()
        let half = 1.959963984540054 * sd / Double(paths).squareRoot()
        XCTAssertGreaterThan(half, 0)
        XCTAssertEqual(a.sources[s].lower, mean - half, accuracy: 1e-12, a.sources[s].name)
        XCTAssertEqual(a.sources[s].upper, mean + half, accuracy: 1e-12, a.sources[s].name)
      }
    }
  }

  /// n!·φ_s of a 0/1 function is a whole number: φ_s over the scale, to rounding, and the scaled shares add up to
  /// n!·(f(N) − f(∅)) exactly, for every n up to the ten sources an attribution may have.
  func testScaledSharesOfZeroOneOutcomesAreWholeNumbers() {
    var generator = SplitMix64(seed: 4)
    for n in 1...10 {
      let shapley = Shapley(players: n)
      XCTAssertEqual(shapley.scale, (1...n).reduce(1, *))
      for _ in 0..<5 {
        let outcomes = (0..<(1 << n)).map { _ in generator.next() % 3 == 0 }
        let shares = shapley.shares(outcomes.map { $0 ? 1 : 0 })
        let scaled = (0..<n).map { s in shapley.scaledShare(of: s) { outcomes[$0] } }
        for s in 0..<n {
          XCTAssertEqual(Double(scaled[s]) / Double(shapley.scale), shares[s], accuracy: 1e-12, "n \(n)")
        }
        let change = (outcomes[(1 << n) - 1] ? 1 : 0) - (outcomes[0] ? 1 : 0)
        XCTAssertEqual(scaled.reduce(0, +), change * shapley.scale, "n \(n)")
      }
    }
  }

  func testBudgetItselfAndSharesAddUpOnEveryShippedScenario() throws {
    let folder = repositoryRoot.appendingPathComponent("scenarios")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted()
    XCTAssertGreaterThanOrEqual(files.count, 5)
    for file in files {
      let scenario = try ScenarioLoader().load(folder.appendingPathComponent(file).path)
      let metrics = ["ruin", "reserve@95%"] + (scenario.policy?.minimumMonths == nil ? [] : ["below"])
      for metric in metrics {
        let a = try attribute(scenario, metric, paths: 100)
        XCTAssertFalse(a.sources.isEmpty, file)
        XCTAssertEqual(a.sumOfShares, a.total, accuracy: 1e-12 * max(1, abs(a.total)), "\(file) \(metric)")
      }
    }
  }

  /// f(N) is the file as written: the run's own chance of ruin, of falling below the minimum, and reserve.
  func testTheTotalIsTheRunsOwnFigure() throws {
    let withMinimum = try ScenarioLoader(overrides: [ScenarioOverride(parsing: "policy={\"minimumMonths\": 3}")])
      .load(repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path)
    let paths = 300
    let result = simulate(withMinimum, paths: paths, seed: 3)
    let summary = RunSummary(result, reserveConfidences: [0.9])
    XCTAssertEqual(try attribute(withMinimum, "ruin", paths: paths).total, summary.ruinProbability.value)
    XCTAssertEqual(try attribute(withMinimum, "below", paths: paths).total, try XCTUnwrap(summary.belowMinimum).value)
    XCTAssertEqual(try attribute(withMinimum, "reserve@90%", paths: paths).total, summary.requiredReserve[0].value)
    // With responses the needs are searched per path, in every subset as in the run.
    let policy = try ScenarioLoader().load(
      repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path)
    let searched = RunSummary(simulate(policy, paths: paths, seed: 3), reserveConfidences: [0.9])
    XCTAssertEqual(try attribute(policy, "reserve@90%", paths: paths).total, searched.requiredReserve[0].value)
  }

  /// `reserve@C` past the one-pass budget streams its runs' needs (issue #23): the same figures and intervals, bit for
  /// bit, as with every run's needs held — also for a file whose responses search each path's need.
  func testAStreamedReserveAttributionEqualsTheHeldOne() throws {
    for (name, paths) in [("pypi-2020-baseline", 500), ("pypi-today-policy", 300)] {
      let scenario = try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/\(name).json").path)
      let metric = try AttributionMetric(parsing: "reserve@90%", for: scenario)
      let held = try Attribution(
        scenario: scenario, metric: metric, paths: paths, seed: 5, simulator: Simulator(threads: 2))
      // Bins for a few hundred values a run, and room to keep only some of them: passes after the first.
      let budget = StreamingBudget.tiny(
        chunkPaths: 2 * Simulator.blockSize, histogramBytes: 1 << 14, collectedBytes: 1 << 20)
      XCTAssertTrue(Attribution.streams(scenario, metric: metric, paths: paths, budget: budget))
      let shares = ProgressShares()
      let streamed = try Attribution(
        scenario: scenario, metric: metric, paths: paths, seed: 5, simulator: Simulator(threads: 2), budget: budget,
        progress: { shares.append($0) })
      XCTAssertEqual(streamed.sources, held.sources, name)
      XCTAssertEqual([streamed.budgetItself, streamed.total], [held.budgetItself, held.total], name)
      XCTAssertGreaterThan(held.sources.map { $0.upper - $0.lower }.max() ?? 0, 0, "the intervals say something")
      XCTAssertEqual(shares.values, shares.values.sorted(), "progress never goes back")
    }
  }

  func testTheThreadCountChangesNothing() throws {
    let scenario = try ScenarioLoader().load(repositoryRoot.appendingPathComponent("scenarios/pypi-today.json").path)
    for metric in ["ruin", "reserve@99%"] {
      let one = try attribute(scenario, metric, paths: 300, threads: 1)
      let three = try attribute(scenario, metric, paths: 300, threads: 3)
      XCTAssertEqual(one.sources.map(\.share), three.sources.map(\.share), metric)
      XCTAssertEqual(one.sources.map(\.lower), three.sources.map(\.lower), metric)
      XCTAssertEqual(one.sources.map(\.upper), three.sources.map(\.upper), metric)
      XCTAssertEqual([one.budgetItself, one.total], [three.budgetItself, three.total], metric)
    }
  }

  /// Eleven services, each surely lost in month 1 and paid for from month 2: service k alone adds 23 · 2000k to every
  /// need, so S1 and S2 move the median reserve least and are grouped as "other sources", 2¹⁰ subsets after 12.
  func testBeyondNineSourcesTheSmallestAreGrouped() throws {
    let services = (1...11).map { k in
      "{\"name\": \"S\(k)\", \"monthlyValue\": \(k * 2000), \"annualLossProbability\": 1}"
    }.joined(separator: ",")
    let scenario = try makeScenario(
      """
      {"name": "many", "years": 2, "reserve": {"initial": 150000}, "inKindServices": [\(services)]}
      """)
    let a = try attribute(scenario, "reserve@50%", paths: 100)
    XCTAssertEqual(a.evaluations, 12 + 1024)
    XCTAssertEqual(a.sources.count, 10)
    XCTAssertEqual(a.sources.last?.kind, .other)
    XCTAssertEqual(a.sources.last?.name, "Other sources (S1, S2)")
    XCTAssertEqual(a.sources.dropLast().map(\.name), (3...11).map { "S\($0)" })
    // The flows add up, so each share is the service's own cost and the budget itself is 0.
    XCTAssertEqual(a.budgetItself, 0)
    for (k, share) in zip(3...11, a.sources.dropLast()) {
      XCTAssertEqual(share.share, Double(23 * 2000 * k), accuracy: 1e-6)
    }
    XCTAssertEqual(a.sources.last!.share, Double(23 * 2000 * 3), accuracy: 1e-6)
    XCTAssertEqual(a.sumOfShares, a.total, accuracy: 1e-12 * a.total)
  }

  func testShapleyWeightsAgainstEveryOrder() {
    var generator = SplitMix64(seed: 9)
    let n = 4
    let f = (0..<(1 << n)).map { _ in Double(generator.next() % 1000) / 7 }
    let shapley = Shapley(players: n)
    func orders(_ rest: [Int]) -> [[Int]] {
      rest.isEmpty ? [[]] : rest.flatMap { first in orders(rest.filter { $0 != first }).map { [first] + $0 } }
    }
    let all = orders(Array(0..<n))
    XCTAssertEqual(all.count, 24)
    let shares = shapley.shares(f)
    for s in 0..<n {
      let expected =
        all.reduce(0.0) { total, order in
          let before = order.prefix { $0 != s }.reduce(0) { $0 | (1 << $1) }
          return total + f[before | (1 << s)] - f[before]
        } / 24
      XCTAssertEqual(shares[s], expected, accuracy: 1e-12)
    }
    XCTAssertEqual(f[0] + shares.reduce(0, +), f[(1 << n) - 1], accuracy: 1e-12)
  }

  func testMetricsParseAndRefuseWithOneClearMessage() throws {
    let scenario = try makeScenario("{\"name\": \"m\", \"years\": 1}")
    XCTAssertEqual(try AttributionMetric(parsing: "reserve@95%", for: scenario), .reserve(confidence: 0.95))
    XCTAssertEqual(try AttributionMetric(parsing: "reserve@0.9", for: scenario).name, "reserve@90%")
    XCTAssertEqual(try AttributionMetric(parsing: "reserve@99.5%", for: scenario).name, "reserve@99.5%")
    for bad in ["ruinous", "reserve@", "reserve@100%", "reserve@0", "reserve@x", "below"] {
      XCTAssertThrowsError(try AttributionMetric(parsing: bad, for: scenario), bad) { error in
        XCTAssertTrue("\(error)".contains("--metric '\(bad)'"), "\(error)")
      }
    }
  }
}

/// The k-th smallest of unsorted values, by sorting (the tests' own, independent of the library's selection).
private enum RadixSortFree {
  static func orderStatistic(_ values: [Double], rank: Int) -> Double { values.sorted()[rank - 1] }
}

/// Progress shares reported from any thread.
private final class ProgressShares: @unchecked Sendable {
  private let lock = NSLock()
  private var stored: [Double] = []
  var values: [Double] { lock.withLock { stored } }
  func append(_ share: Double) { lock.withLock { stored.append(share) } }
}
