import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimEngine
@testable import ReserveSimResults

/// `solve` over levers on the policy's numbers (SPEC §18): one simulation of the file, every grid point's policy
/// replayed on it (`Simulator.runReplaying`), must give each point's own run's needs bit for bit, and the
/// same plans as a solve that runs every point on its own.
final class SolveReplayTests: XCTestCase {
  private static let policyFile = repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path

  /// The shipped policy file, its reserve at 600,000 (as `solve` reads it: one value, not the file's range), and
  /// that file with each of `edits` (a `--set` each) applied in turn.
  private func points(_ edits: [String]) throws -> (base: Scenario, points: [Scenario]) {
    let reserve = try ScenarioOverride(parsing: "reserve.initial=600000")
    let base = try ScenarioLoader(overrides: [reserve]).load(Self.policyFile)
    let points = try edits.map { edit in
      try ScenarioLoader(overrides: [reserve, ScenarioOverride(parsing: edit)]).load(Self.policyFile)
    }
    return (base, points)
  }

  /// Every query's needs for every point, from the replays on `threads` threads: `needs[k][q]`, one per path.
  private func replayed(
    _ base: Scenario, _ points: [Scenario], _ queries: [NeedsWithin], paths: Int, threads: Int
  ) throws -> [[[Double]]] {
    let rows = SharedRows<Double>(count: points.count * queries.count * paths)
    try Simulator(threads: threads).runReplaying(
      base, of: points, needs: queries, pathRange: 0..<paths, seed: 2026
    ) { firstPath, lanes, values, stride in
      for row in 0..<points.count * queries.count {
        for lane in 0..<lanes { rows[row * paths + firstPath + lane] = values[row * stride + lane] }
      }
    }
    return rows.withBuffer { all in
      points.indices.map { k in
        queries.indices.map { q in
          let row = k * queries.count + q
          return Array(all[row * paths..<(row + 1) * paths])
        }
      }
    }
  }

  /// Each point's needs within 1, 3 and 5 years (the horizon), for the floor and for the board's minimum, replayed on the base
  /// file's one simulation, equal that point's own run's searched needs bit for bit, on one thread and on two,
  /// across a last block that is not full (700 paths: 256 + 256 + 188).
  func testReplayedPoliciesGiveEachPointsOwnNeedsBitForBit() throws {
    let (base, points) = try points([
      "policy.cuts.belowMonths=2", "policy.cuts.expenseMultiplier=0.3", "policy.appeal.amount=400000",
      "policy.appeal.probability=0.2", "policy.minimumMonths=6", "policy.appeal.maxAppeals=0",
    ])
    XCTAssertTrue(points.allSatisfy { Simulator.replays($0, on: base) })
    let years = [1, 3, 5]
    let queries =
      years.map { NeedsWithin(years: $0, minimum: false) } + years.map { NeedsWithin(years: $0, minimum: true) }
    let paths = 700
    let oneThread = try replayed(base, points, queries, paths: paths, threads: 1)
    XCTAssertEqual(try replayed(base, points, queries, paths: paths, threads: 2), oneThread)
    var differ = 0
    for (k, point) in points.enumerated() {
      var simulator = Simulator(threads: 2)
      simulator.needYears = years
      simulator.searchedNeedsWithin = (Set(years), Set(years))
      simulator.searchesNeeds = false
      let own = simulator.run(point, paths: paths, seed: 2026)
      for (q, query) in queries.enumerated() {
        let expected =
          query.minimum ? own.minimumNeedsWithin[query.years]! : own.needsWithin[query.years]!
        XCTAssertEqual(oneThread[k][q], expected, "point \(k), query \(q)")
        XCTAssertTrue(oneThread[k][q].allSatisfy(\.isFinite))
      }
      if oneThread[k] != oneThread[0] { differ += 1 }
    }
    // The points' policies do change the needs: the replays are not all the base's.
    XCTAssertEqual(differ, points.count - 1)
  }

  /// Each point's responses' activity, replayed from its reserve on the base file's one simulation, equals the
  /// activity means of that point's own run from that reserve, bit for bit, every field and year, on one thread and
  /// on two (700 paths: a last block that is not full).
  func testReplayedActivityIsEachPlansOwnRunsBitForBit() throws {
    let (base, points) = try points([
      "policy.cuts.belowMonths=5", "policy.cuts.expenseMultiplier=0.3", "policy.appeal.amount=400000",
      "policy.appeal.maxAppeals=1",
    ])
    let reserves = [0, 250_000, 1_000_000, 4_000_000.0]
    let paths = 700
    let one = try Simulator(threads: 1).policyActivityMeans(
      base, of: points, reserves: reserves, pathRange: 0..<paths, seed: 2026)
    let two = try Simulator(threads: 2).policyActivityMeans(
      base, of: points, reserves: reserves, pathRange: 0..<paths, seed: 2026)
    XCTAssertEqual(one, two)
    for (k, point) in points.enumerated() {
      var funded = point
      funded.reserve.initial = reserves[k]
      let own = Simulator(threads: 2).run(funded, paths: paths, seed: 2026)
      XCTAssertEqual(one[k], own.policyActivityMeans, "point \(k)")
      // Cuts and appeals happen: the comparison is not of zeros.
      for field in [PolicyActivityField.cutAmount, .appeals, .raised, .cutSoFar] {
        XCTAssertGreaterThan(
          (1...base.years).map { field.value(year: $0, in: one[k]) }.reduce(0, +), 0, "point \(k), \(field)")
      }
    }
  }

  /// The searches' bounds are shared by the points whose bound replays read the same numbers: the bound without
  /// responses by every point with the file's minimum, the bound at their most by the points with the same
  /// multiplier and appeal amount (thresholds, chance, cool-down and limit are not read at the most).
  func testPointsShareTheBoundsTheirReplaysReadAlike() throws {
    func bounds(_ edits: [String]) throws -> Int {
      let (base, points) = try points(edits)
      let kernel = PathBlockKernel(plan: SimulationPlan(base), seed: 2026, capacity: 256)
      let values = UnsafeMutablePointer<Double>.allocate(capacity: points.count * 256)
      defer { values.deallocate() }
      kernel.simulate(
        firstPath: 0, count: 256, replaying: points.map { MonthPasses.policy(SimulationPlan($0)) },
        reserves: points.map { ReserveVariant(start: .own, plan: SimulationPlan($0)) },
        needs: [NeedsWithin(years: 5, minimum: false)], into: values)
      return kernel.replay!.bounds.count
    }
    let thresholds = [
      "policy.cuts.belowMonths=2", "policy.cuts.belowMonths=4", "policy.appeal.belowMonths=1",
      "policy.appeal.probability=0.3", "policy.appeal.cooldownMonths=6", "policy.appeal.maxAppeals=5",
    ]
    XCTAssertEqual(try bounds(thresholds), 2, "one bound without responses, one at their most")
    let amounts = ["policy.cuts.expenseMultiplier=0.2", "policy.cuts.expenseMultiplier=0.5", "policy.appeal.amount=1"]
    XCTAssertEqual(try bounds(amounts), 4, "one without responses, one at their most per multiplier and amount")
    XCTAssertEqual(try bounds(["policy.minimumMonths=1", "policy.minimumMonths=2"]), 4, "each minimum its own")
  }

  /// Only the policy's numbers may differ: a budget line, the cut lines, or a response added or taken away change
  /// what the simulation records, so such a point is run on its own.
  func testOnlyThePolicysNumbersAreReplayed() throws {
    let (base, replayable) = try points([
      "policy.cuts.restoreMonths=9", "policy.appeal.cooldownMonths=3", "policy.appeal.belowMonths=1",
    ])
    XCTAssertTrue(replayable.allSatisfy { Simulator.replays($0, on: base) })
    XCTAssertTrue(Simulator.replays(base, on: base))
    let (_, others) = try points([
      "expenses[Infrastructure staff (4)].annual=500000", "policy.cuts.lines=[\"Other infrastructure costs\"]",
      "policy.appeal=null", "reserve.annualReturn=0.05",
    ])
    for (k, point) in others.enumerated() { XCTAssertFalse(Simulator.replays(point, on: base), "edit \(k)") }
    // A file whose policy does not respond to the balance searches nothing.
    let (quiet, _) = try points([])
    var minimumOnly = quiet
    minimumOnly.policy = ResponsePolicy(minimumMonths: 3)
    XCTAssertFalse(Simulator.replays(minimumOnly, on: minimumOnly))
  }

  /// A solve over two policy levers through the pipeline's runs (the needs replayed, in groups of points whose
  /// needs fit the budget, the plans' costs replayed from their reserves) gives the plans, costs, check and frontier
  /// of a solve that runs every point on its own; so do groups of two points' needs or two plans' costs, and budgets
  /// below one point's needs or one plan's sums, where the replays decline and each point runs on its own.
  func testASolveOverPolicyLeversEqualsOneRunPerPoint() throws {
    let base = try ScenarioLoader().load(Self.policyFile)
    let targets = try ["ruin<=5%@5y", "below<=20%@3y"].map { try SolveTarget(parsing: $0, for: base) }
    let levers = try ["policy.cuts.belowMonths=2:4:2", "policy.appeal.amount=50000:250000:2"].map {
      try XCTUnwrap(SweepAxis(parsing: $0))
    }
    let paths = 300
    func solve(runs: SolveRuns) throws -> Solve {
      try Solve(
        scenario: base, targets: targets, levers: levers, frontier: true, seed: 2026, checkSeed: 2027, runs: runs)
    }
    let simulator = Simulator(threads: 2)
    let one = try solve(
      runs: SolveRuns(
        simulate: { scenario, seed, years in
          try RunPipeline.recording(simulator, needs: years).run(
            scenario, paths: paths, seed: seed, cancellation: nil)
        }, cost: ResponseCost.init(measuring:)))
    // Two queries (ruin within 5 years, below within 3), 8 bytes a path each, beside a sort's 4 doubles a path; a
    // plan's cost, 8 bytes a field, year and block (2 blocks).
    let (needsOfOne, sorting) = (2 * paths * 8, SolveRuns.sortScratch * paths * 8)
    let onePoint = sorting + needsOfOne
    let onePlan = 2 * base.years * PolicyActivityField.count * MemoryLayout<Double>.stride
    XCTAssertLessThan(2 * onePlan, onePoint)
    for bytes in [StreamingBudget().onePassBytes, sorting + 2 * needsOfOne, 2 * onePlan, onePlan - 1] {
      var budget = StreamingBudget()
      budget.onePassBytes = bytes
      var runs = RunPipeline.solveRuns(
        paths: paths, simulator: simulator, budget: budget, cancellation: CancellationFlag(), progress: { nil })
      let (replaying, costing) = (try XCTUnwrap(runs.replayedNeeds), try XCTUnwrap(runs.replayedCosts))
      var asked = (needs: 0, costs: 0)
      runs.replayedNeeds = { base, points, seed, queries in
        asked.needs += 1
        return try replaying(base, points, seed, queries)
      }
      runs.replayedCosts = { base, points, reserves, seed in
        asked.costs += 1
        return try costing(base, points, reserves, seed)
      }
      let queries = Solve.queries(targets, frontierLevels: []).list
      let needsHeld = try replaying(base, [base], 2026, queries) != nil
      XCTAssertEqual(needsHeld, bytes >= onePoint, "budget \(bytes): one point's needs held only when they fit")
      let costsHeld = try costing(base, [base], [1e6], 2026) != nil
      XCTAssertEqual(costsHeld, bytes >= onePlan, "budget \(bytes): one plan's sums held only when they fit")
      // Both declined: every run is the pipeline's own streamed run, which its own tests cover.
      guard needsHeld || costsHeld else { continue }
      // Where a replay declines, each point runs on its own (as `one` does): the same plans either way.
      let replayed = try solve(runs: runs)
      XCTAssertEqual(replayed.rows, one.rows, "budget \(bytes)")
      XCTAssertEqual(replayed.check, one.check)
      XCTAssertEqual(replayed.frontier, one.frontier)
      XCTAssertEqual(replayed.paths, paths)
      XCTAssertTrue(asked == (1, 1), "the grid's needs and costs are asked for once each")
    }
    // The levers move the plans and their costs: the solve is not one row repeated.
    XCTAssertGreaterThan(Set(one.rows.map(\.reserve)).count, 1)
    XCTAssertGreaterThan(Set(one.rows.map(\.cost.expectedCutPerYear)).count, 1)
    XCTAssertTrue(one.rows.contains { $0.cost.appealsPerPath > 0 })
  }

  /// A lever on anything but the policy's numbers runs each point on its own: the replays are not asked for.
  func testOtherLeversRunEachPoint() throws {
    let base = try ScenarioLoader().load(Self.policyFile)
    let targets = [try SolveTarget(parsing: "ruin<=5%@5y", for: base)]
    let levers = [try XCTUnwrap(SweepAxis(parsing: "expenses[Infrastructure staff (4)].annual=400000:500000:2"))]
    var runs = RunPipeline.solveRuns(
      paths: 300, simulator: Simulator(threads: 2), budget: StreamingBudget(), cancellation: CancellationFlag(),
      progress: { nil })
    runs.replayedNeeds = { _, _, _, _ in
      XCTFail("a budget line's lever was replayed")
      return nil
    }
    let solve = try Solve(
      scenario: base, targets: targets, levers: levers, frontier: false, seed: 2026, checkSeed: 2027, runs: runs)
    XCTAssertEqual(solve.rows.count, 2)
  }
}
