import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimEngine
@testable import ReserveSimResults

/// SPEC §18: the least reserve per lever point, exactly from the paths' needs, on common random numbers.
final class SolveTests: XCTestCase {
  /// Solves `scenario` on `paths` paths the way the pipeline does (needs within the targets' years recorded).
  private func solve(
    _ scenario: Scenario, targets: [String], levers: [String] = [], frontier: Bool = false, paths: Int = 2000,
    seed: UInt64 = 11
  ) throws -> Solve {
    try Solve(
      scenario: scenario, targets: targets.map { try SolveTarget(parsing: $0, for: scenario) },
      levers: levers.map { text in
        guard let axis = try SweepAxis(parsing: text) else {
          throw ScenarioError(file: nil, path: .root, message: text)
        }
        return axis
      }, frontier: frontier, seed: seed,
      checkSeed: seed + 1,
      simulate: { scenario, seed, years in
        var simulator = Simulator(threads: 2)
        simulator.needYears = years.floor.union(years.minimum).sorted()
        simulator.searchedNeedsWithin = years
        return simulator.run(scenario, paths: paths, seed: seed)
      }, cost: ResponseCost.init(measuring:))
  }

  /// What `body` throws, in words ("no error" when it does not).
  private func message(_ body: () throws -> Any) -> String {
    do {
      _ = try body()
      return "no error"
    } catch { return String(describing: error) }
  }

  private static let stochastic = """
    {"name": "stochastic", "years": 4, "reserve": {"initial": 0},
     "factors": {"donations": {"annualGrowth": 0, "annualVolatility": 0.4}},
     "income": [{"name": "Donations", "annual": 100000, "factor": "donations"}],
     "expenses": [{"name": "Staff", "annual": 110000}, {"name": "Travel", "annual": 10000}],
     "inKindServices": [{"name": "CDN", "monthlyValue": 3000, "annualLossProbability": 0.3}],
     "policy": {"minimumMonths": 3}}
    """

  /// Over the whole horizon the targets are `run`'s reserves: ruin ≤ 5% is the reserve at 95%, below ≤ 5% the
  /// reserve for the minimum at 95%, to the cent, on the same seed and paths.
  func testHorizonTargetsEqualRunsReservesToTheCent() throws {
    let scenario = try makeScenario(Self.stochastic)
    let summary = RunSummary(simulate(scenario, paths: 2000, seed: 11))
    let ruin = try solve(scenario, targets: ["ruin<=5%"])
    // To the cent: solve rounds up to the next cent (a margin over rounding), run shows the need itself.
    let cent = 0.01 + 1e-9
    XCTAssertEqual(ruin.best.reserve, summary.requiredReserve.first { $0.confidence == 0.95 }!.value, accuracy: cent)
    let below = try solve(scenario, targets: ["below<=5%@4y"])
    XCTAssertEqual(
      below.best.reserve, summary.requiredReserveForMinimum.first { $0.confidence == 0.95 }!.value, accuracy: cent)
    let both = try solve(scenario, targets: ["ruin<=5%", "below<=5%"])
    XCTAssertEqual(both.best.reserve, max(ruin.best.reserve, below.best.reserve))
    XCTAssertEqual(both.best.binding, below.best.reserve >= ruin.best.reserve ? 1 : 0)
  }

  /// A constant deficit E a month: within y years need_y = 12y·E and need_min,y = (12y + k)·E, whatever the horizon.
  func testWithinYearsOnADeterministicDeficit() throws {
    let scenario = try makeScenario(
      """
      {"name": "deficit", "years": 5, "expenses": [{"name": "Rent", "annual": 120000}],
       "policy": {"minimumMonths": 3}}
      """)
    let s = try solve(scenario, targets: ["ruin<=1%@2y", "below<=10%@3y"], paths: 300)
    XCTAssertEqual(s.best.reserve, (36 + 3) * 10_000 + 0.01)
    XCTAssertEqual(s.best.binding, 1)
    XCTAssertEqual(s.best.months!, 39, accuracy: 1e-5)
    let ruinOnly = try solve(scenario, targets: ["ruin<=1%@2y"], paths: 300)
    XCTAssertEqual(ruinOnly.best.reserve, 24 * 10_000 + 0.01)
  }

  /// Where cuts change nothing (multiplier 1), the searched needs within y years equal the exact ones within
  /// their tolerance max(1, 10⁻⁶·B₀).
  func testSearchWithinYearsEqualsExactWhereResponsesChangeNothing() throws {
    let exact = try makeScenario(Self.stochastic)
    var inert = exact
    inert.policy?.cuts = ExpenseCuts(belowMonths: 6, expenseMultiplier: 1)
    var simulator = Simulator(threads: 2)
    simulator.needYears = [2, 4]
    let a = simulator.run(exact, paths: 512, seed: 3)
    let b = simulator.run(inert, paths: 512, seed: 3)
    XCTAssertEqual(b.requiredReserveMethod, .search)
    for year in [2, 4] {
      for (x, y) in zip(a.needsWithin[year]!, b.needsWithin[year]!) {
        XCTAssertEqual(y, x, accuracy: max(1, 1e-6 * abs(x)))
      }
      for (x, y) in zip(a.minimumNeedsWithin[year]!, b.minimumNeedsWithin[year]!) {
        XCTAssertEqual(y, x, accuracy: max(1, 1e-6 * abs(x)))
      }
    }
    // need_y grows with y: a constraint over more months can only ask for more.
    for (two, four) in zip(a.needsWithin[2]!, a.needsWithin[4]!) { XCTAssertLessThanOrEqual(two, four) }
    XCTAssertEqual(a.needsWithin[4]!, a.requiredReserve)
  }

  /// Rows are sorted (reserve, then cuts, then grid order); the efficient flags match their definition; the
  /// out-of-sample interval contains its estimate; each row's reserve meets its targets on the paths.
  func testRowsFlagsAndTheOutOfSampleCheck() throws {
    let scenario = try makeScenario(Self.stochastic)
    let s = try solve(
      scenario, targets: ["ruin<=10%@3y", "below<=20%"], levers: ["expenses[Travel].annual=0:20000:3"],
      frontier: true)
    XCTAssertEqual(s.rows.count, 3)
    for (a, b) in zip(s.rows, s.rows.dropFirst()) {
      XCTAssertLessThanOrEqual(
        [a.reserve, a.cost.expectedCutPerYear, Double(a.gridIndex)].lexicographicallyPrecedes(
          [b.reserve, b.cost.expectedCutPerYear, Double(b.gridIndex)]) ? 0 : 1, 0)
    }
    for row in s.rows {
      let dominated = s.rows.contains {
        $0.reserve <= row.reserve && $0.cost.expectedCutPerYear <= row.cost.expectedCutPerYear
          && ($0.reserve < row.reserve || $0.cost.expectedCutPerYear < row.cost.expectedCutPerYear)
      }
      XCTAssertEqual(row.efficient, !dominated)
    }
    // Less travel needs less reserve: the cheapest plan spends nothing on it.
    XCTAssertEqual(s.best.levers, [0])
    XCTAssertEqual(s.check.count, 2)
    for check in s.check { XCTAssertTrue(check.lower <= check.value && check.value <= check.upper) }
    // Each row meets both targets on the solve's own paths.
    for row in s.rows {
      var point = scenario
      point.expenses[1].annual = row.levers[0]
      point.reserve.initial = row.reserve
      let summary = RunSummary(simulate(point, paths: 2000, seed: 11))
      XCTAssertLessThanOrEqual(summary.ruinProbability(withinYears: 3).value, 0.1)
      XCTAssertLessThanOrEqual(summary.belowMinimum!.value, 0.2)
    }
    // The frontier falls as the allowed chance grows, and at the target's own chance it is the best row.
    let frontier = try XCTUnwrap(s.frontier)
    XCTAssertEqual(frontier.map(\.atMost), [0.005, 0.01, 0.02, 0.05, 0.1, 0.2])
    for (a, b) in zip(frontier, frontier.dropFirst()) { XCTAssertGreaterThanOrEqual(a.reserve, b.reserve) }
    XCTAssertEqual(frontier.first { $0.atMost == 0.1 }!.reserve, s.best.reserve)
  }

  /// The responses' cost at the row's reserve (SPEC §18), on a file where cover stays under the triggers: cuts of
  /// 40% of a 10,000-a-month line from month 2 on (23 months over 2 years: 92,000, 46,000 a year), in force on every
  /// path; an appeal whenever allowed, at most 3.
  func testTheResponsesCostAtTheRowsReserve() throws {
    let scenario = try makeScenario(
      """
      {"name": "always cutting", "years": 2, "expenses": [{"name": "Rent", "annual": 120000}],
       "policy": {"cuts": {"belowMonths": 100, "restoreMonths": 100, "expenseMultiplier": 0.6},
                  "appeal": {"belowMonths": 100, "amount": 1000, "cooldownMonths": 1, "maxAppeals": 3}}}
      """)
    let s = try solve(scenario, targets: ["ruin<=10%"], paths: 256)
    XCTAssertEqual(s.best.cost.expectedCutPerYear, 46_000, accuracy: 1e-6)
    XCTAssertEqual(s.best.cost.cutShare, 1)
    XCTAssertEqual(s.best.cost.appealsPerPath, 3)
    // The reserve is the need with those responses: 24 months of rent less the cuts and the appeals' 3,000.
    XCTAssertEqual(s.best.reserve, 240_000 - 92_000 - 3_000 + 0.01, accuracy: 1)
  }

  func testRanksComeFromTheDecimalAsWritten() {
    XCTAssertEqual(SolveTarget.rank(atMost: 0.05, paths: 10_000), 9_500)
    XCTAssertEqual(SolveTarget.rank(atMost: 0.05, paths: 10_000), Quantiles.ceilRank(0.95, of: 10_000))
    XCTAssertEqual(SolveTarget.rank(atMost: 0.1, paths: 10), 9)
    XCTAssertEqual(SolveTarget.rank(atMost: 0, paths: 10), 10)
    XCTAssertEqual(SolveTarget.rank(atMost: 1, paths: 10), 1)
  }

  func testBadTargetsAndLevers() throws {
    let noMinimum = try makeScenario(#"{"name": "x", "years": 3, "expenses": [{"name": "Rent", "annual": 1}]}"#)
    XCTAssertTrue(message { try SolveTarget(parsing: "below<=5%@3y", for: noMinimum) }.contains("policy.minimumMonths"))
    XCTAssertTrue(message { try SolveTarget(parsing: "reserve@95%<=2M", for: noMinimum) }.contains("solve finds"))
    XCTAssertTrue(
      message { try self.solve(noMinimum, targets: ["ruin<=5%"], levers: ["reserve.initial=0:1:2"]) }
        .contains("the unknown"))
    XCTAssertTrue(
      message { try self.solve(noMinimum, targets: ["ruin<=5%"], levers: ["expenses[Rent].annual=0:1:1001"]) }
        .contains("1000"), "more than 1,000 values on one lever")
    XCTAssertTrue(
      message {
        try self.solve(
          noMinimum, targets: ["ruin<=5%"],
          levers: ["expenses[Rent].annual=0:1:40", "expenses[Rent].annualGrowth=0:1:40"])
      }.contains("at most 1000"))
    XCTAssertTrue(
      message { try self.solve(noMinimum, targets: ["ruin<=5%"], levers: ["expenses[Food].annual=0:1:2"]) }
        .contains("Food"))
    XCTAssertTrue(message { try self.solve(noMinimum, targets: ["ruin<=5%"], levers: ["name=0:1:2"]) }.contains("name"))
  }

  /// A plan that needs more than reserve.initial can hold cannot be run: as the best plan, solve says so (no check
  /// is possible); as another row, its responses' cost is not measured and a note says so.
  func testAPlanBeyondTheReservesRangeIsSaidSo() throws {
    let scenario = try makeScenario(
      """
      {"name": "runaway", "years": 5, "reserve": {"initial": 0},
       "expenses": [{"name": "Staff", "annual": 1e12, "annualGrowth": 0}, {"name": "Travel", "annual": 1000}],
       "policy": {"minimumMonths": 3,
                  "cuts": {"belowMonths": 3, "restoreMonths": 6, "expenseMultiplier": 0.5, "lines": ["Travel"]}}}
      """)
    let grid = try solve(
      scenario, targets: ["ruin<=5%"], levers: ["expenses[Staff].annualGrowth=0:10:2"], paths: 300)
    XCTAssertEqual(grid.rows.count, 2)
    XCTAssertEqual(grid.best.levers, [0])
    XCTAssertLessThan(grid.best.reserve, 1e15)
    XCTAssertGreaterThan(grid.rows[1].reserve, 1e15, "1e12 a year growing elevenfold a year for five years")
    XCTAssertEqual(grid.rows[1].cost, .none)
    XCTAssertTrue(
      grid.notes.contains { $0.contains("1 of the plans need more than a scenario can hold") }, "\(grid.notes)")
    XCTAssertEqual(grid.check.count, 1)
    let error = message {
      try self.solve(scenario, targets: ["ruin<=5%"], levers: ["expenses[Staff].annualGrowth=10:10:1"], paths: 300)
    }
    XCTAssertTrue(error.contains("more than a scenario can hold"), error)
    XCTAssertTrue(error.contains("no plan on this grid can be funded"), error)
    XCTAssertTrue(error.contains("at most 1,000,000,000,000,000"), error)
    XCTAssertEqual(Solve.grouped(1.0734706094849632e19), "10,700,000,000,000,000,000")
    XCTAssertEqual(Solve.grouped(123_456), "123,000")
  }
}
