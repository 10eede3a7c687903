import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimEngine
@testable import ReserveSimScenario

/// A board's "what if we held $X?": scenarios that differ from a base only in `reserve.initial` (and, with a policy,
/// in the policy's numbers) read their needs and ruin from one simulation of the base (`Simulator.runReplaying`:
/// the other reserves' balances beside the block's own, or the policy's replays from them). Each must be the point's
/// own run, bit for bit.
final class ReserveReplayTests: XCTestCase {
  private static func file(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("scenarios/\(name).json").path
  }

  /// `base` with `value` written at `path` as `sweep` and `sensitivity` write it: a number, or a distribution there
  /// moved to be centred on it.
  private func setting(_ path: String, _ value: Double, in base: Scenario) throws -> Scenario {
    try ScenarioParameters.setting(value, at: try ParameterAddress(parsing: path, in: base), in: base)
  }

  /// The predicate: the initial reserve may differ as a number or a distribution, beside the policy's numbers or,
  /// without responses to the balance, the reserve's floor and return, and without any policy the lines' amounts and
  /// growth; anything else — a line's name, factor or years, a new line, a line drawn per path, a line beside a
  /// policy, another estimate's distribution, a drawn floor, the return beside a board minimum or a policy — is run
  /// on its own.
  func testOnlyTheReserveAndThePolicysNumbersAreReplayed() throws {
    let plain = try ScenarioLoader().load(Self.file("pypi-2020-baseline"))
    XCTAssertTrue(Simulator.replaysOutcome(plain, on: plain))
    let held = try setting("reserve.initial", 2e6, in: plain)
    XCTAssertTrue(Simulator.replaysOutcome(held, on: plain))
    XCTAssertEqual(Simulator.reserveSource(held, on: plain), .number(2e6))
    let ranged = try ScenarioLoader(overrides: [ScenarioOverride(parsing: "reserve.initial={\"range\": [1e6, 2e6]}")])
      .load(Self.file("pypi-2020-baseline"))
    XCTAssertTrue(Simulator.replaysOutcome(ranged, on: plain))
    guard case .drawn = Simulator.reserveSource(ranged, on: plain) else { return XCTFail("a drawn reserve") }
    XCTAssertEqual(Simulator.reserveSource(ranged, on: ranged), .own)
    var budget = held
    budget.expenses[0].annual *= 1.1
    budget.income[0].annualGrowth = 0.05
    XCTAssertTrue(Simulator.replaysOutcome(budget, on: plain), "a line's amount and growth, without a policy")
    var costs = plain
    costs.sponsorTiers[0].annualAmount = 200_000
    costs.inKindServices[0].monthlyValue *= 1.5
    costs.inKindServices[1].replacementCostFraction = 1
    XCTAssertTrue(Simulator.replaysOutcome(costs, on: plain), "a tier's amount, a service's value and cost")
    var notice = plain
    notice.inKindServices[0].noticeMonths = 3
    XCTAssertFalse(Simulator.replaysOutcome(notice, on: plain), "a service's notice moves its payments")
    var renamed = plain
    renamed.expenses[0].name = "Staff"
    XCTAssertFalse(Simulator.replaysOutcome(renamed, on: plain), "a line's name")
    var refactored = plain
    refactored.expenses[0].factor = .inflation
    XCTAssertFalse(Simulator.replaysOutcome(refactored, on: plain), "a line's factor")
    var dated = plain
    dated.expenses[0].untilYear = 5
    XCTAssertFalse(Simulator.replaysOutcome(dated, on: plain), "a line's years")
    var added = plain
    added.expenses.append(MoneyLine(name: "Audit", annual: 20_000))
    XCTAssertFalse(Simulator.replaysOutcome(added, on: plain), "a new line")
    var today = try ScenarioLoader().load(Self.file("pypi-today"))
    today.policy = nil
    var tier = today
    tier.sponsorTiers[4].annualAmount *= 2
    XCTAssertTrue(Simulator.replaysOutcome(tier, on: today), "a tier's amount beside a drawn count")
    var datedValue = today
    datedValue.inKindServices[0].monthlyValue *= 2
    XCTAssertFalse(Simulator.replaysOutcome(datedValue, on: today), "a service with an agreement and migration")
    var drawnService = today
    drawnService.inKindServices[2].replacementCostFraction = 0.9
    XCTAssertFalse(Simulator.replaysOutcome(drawnService, on: today), "services' values drawn per path")
    let drawnLines = try ScenarioLoader().load(Self.file("pypi-2020-uncertain"))
    XCTAssertTrue(
      Simulator.replaysOutcome(try setting("expenses[1].annual", 90_000, in: drawnLines), on: drawnLines),
      "a line's amount beside lines drawn per path")
    XCTAssertTrue(
      Simulator.replaysOutcome(try setting("expenses[0].annual", 600_000, in: drawnLines), on: drawnLines),
      "a line's distribution moved")
    var reserve = held
    (reserve.reserve.floor, reserve.reserve.annualReturn) = (100_000, 0.05)
    XCTAssertTrue(Simulator.replaysOutcome(reserve, on: plain))
    var minimum = plain
    minimum.policy = ResponsePolicy(minimumMonths: 3)
    var minimumFloor = minimum
    minimumFloor.reserve.floor = 100_000
    XCTAssertTrue(Simulator.replaysOutcome(minimumFloor, on: minimum))
    var minimumReturn = minimum
    minimumReturn.reserve.annualReturn = 0.05
    XCTAssertFalse(Simulator.replaysOutcome(minimumReturn, on: minimum), "the minimum's need reads the return")
    let drawnFloor = try ScenarioLoader(overrides: [ScenarioOverride(parsing: "reserve.floor={\"range\": [1, 2e5]}")])
      .load(Self.file("pypi-2020-baseline"))
    var otherReturn = drawnFloor
    otherReturn.reserve.annualReturn = 0.05
    XCTAssertFalse(Simulator.replaysOutcome(otherReturn, on: drawnFloor), "a floor drawn per path")
    XCTAssertTrue(Simulator.replaysOutcome(try setting("reserve.initial", 2e6, in: drawnFloor), on: drawnFloor))

    // A file whose estimates are distributions: the reserve's may move or become a number, no other's.
    let uncertain = try ScenarioLoader().load(Self.file("pypi-today"))
    XCTAssertTrue(Simulator.replaysOutcome(try setting("reserve.initial", 2e6, in: uncertain), on: uncertain))
    XCTAssertTrue(Simulator.replaysOutcome(try setting("reserve.initial", 0, in: uncertain), on: uncertain))
    let other = try XCTUnwrap(uncertain.uncertainParameters.first { $0.lane.kind != .reserveInitial })
    let moved = try setting(other.path.description, other.distribution.value(at: 0.3), in: uncertain)
    XCTAssertFalse(Simulator.replaysOutcome(moved, on: uncertain))

    // A policy file: its numbers and the reserve together, but not a cut line.
    let policy = try ScenarioLoader().load(Self.file("pypi-today-policy"))
    var both = try setting("reserve.initial", 2e6, in: policy)
    both.policy?.cuts?.belowMonths = 4
    XCTAssertTrue(Simulator.replaysOutcome(both, on: policy))
    var returns = both
    returns.reserve.annualReturn = 0.05
    XCTAssertFalse(Simulator.replaysOutcome(returns, on: policy), "a policy's replay reads the file's return")
    both.policy?.cuts?.lines = []
    XCTAssertFalse(Simulator.replaysOutcome(both, on: policy))
    var policyBudget = policy
    policyBudget.expenses[0].annual *= 1.1
    XCTAssertFalse(Simulator.replaysOutcome(policyBudget, on: policy), "responses read the lines")
    var minimumBudget = minimum
    minimumBudget.expenses[0].annual *= 1.1
    XCTAssertTrue(Simulator.replaysOutcome(minimumBudget, on: minimum), "each variant's minimum is its own")
    minimumBudget.inKindServices[0].monthlyValue *= 2
    XCTAssertFalse(Simulator.replaysOutcome(minimumBudget, on: minimum), "beside a policy a service's cost is not")
  }

  /// Each point's horizon needs and ruin, read from the base's one simulation, equal its own run's (`requiredReserve`
  /// and `firstRuinMonth` > 0) bit for bit, on one thread and two, across a last block that is not full: a plain file
  /// (the other reserves' balances, with their own floor and return too), a file with ranges and nested draws (the
  /// reserve's range moved, or made a number), and a policy file (the replays from each reserve, with other policy
  /// numbers too).
  func testEachReserveGivesItsOwnRunsNeedsAndRuinBitForBit() throws {
    let cases: [(file: String, paths: Int, edits: (Scenario) throws -> [Scenario])] = [
      (
        "pypi-2020-baseline", 700,
        { base in
          var floorAndReturn = try self.setting("reserve.initial", 4e6, in: base)
          (floorAndReturn.reserve.floor, floorAndReturn.reserve.annualReturn) = (500_000, 0.06)
          return try [0, 6e5].map { try self.setting("reserve.initial", $0, in: base) } + [floorAndReturn]
        }
      ),
      (
        "pypi-today", 1100,
        { base in try [0, 4e5, 2e6].map { try self.setting("reserve.initial", $0, in: base) } }
      ),
      (
        "pypi-today-policy", 700,
        { base in
          var cut = try self.setting("reserve.initial", 1e6, in: base)
          cut.policy?.cuts?.belowMonths = 4
          return [
            try self.setting("reserve.initial", 0, in: base), cut, try self.setting("reserve.initial", 3e6, in: base),
          ]
        }
      ),
    ]
    for (name, paths, edits) in cases {
      let base = try ScenarioLoader().load(Self.file(name))
      let own = try assertReplayedBitForBit(base, points: [base] + (try edits(base)), paths: paths, name: name)
      if name == "pypi-2020-baseline" {
        XCTAssertNotEqual(own[3].requiredReserve, own[0].requiredReserve, "another floor and return move the needs")
      }
    }
  }

  /// A budget's "what if staff cost 20% more?" without a policy: points whose income and expense lines have other
  /// amounts or growth, whose tiers pay other amounts or whose services cost more (with another reserve too) read
  /// their needs and ruin beside the base's one simulation, bit for bit their own runs: on the plain file (its
  /// services paid in one pass) and on today's file without its policy and its lines' ranges (services with
  /// agreements, migration and mitigation, and other estimates drawn per path).
  func testEachBudgetGivesItsOwnRunsNeedsAndRuinBitForBit() throws {
    let plain = try ScenarioLoader().load(Self.file("pypi-2020-baseline"))
    var today = try ScenarioLoader().load(Self.file("pypi-today"))
    today.policy = nil
    today.uncertainParameters.removeAll { [.lineAnnual, .lineGrowth].contains($0.lane.kind) }
    for (name, base, paths) in [("pypi-2020-baseline", plain, 700), ("pypi-today without policy", today, 1100)] {
      var staff = base
      staff.expenses[0].annual *= 1.2
      var growth = try setting("reserve.initial", 2.5e6, in: base)
      growth.expenses[0].annualGrowth += 0.04
      var lines = base
      lines.income[0].annual *= 0.7
      lines.expenses[lines.expenses.count - 1].annual *= 2
      var tiers = base
      tiers.sponsorTiers[0].annualAmount *= 3
      tiers.sponsorTiers[tiers.sponsorTiers.count - 1].annualAmount = 0
      var points = [base, staff, growth, lines, tiers]
      if base.uncertainParameters.isEmpty {
        var services = try setting("reserve.initial", 2e6, in: base)
        services.inKindServices[0].monthlyValue *= 1.5
        services.inKindServices[1].replacementCostFraction = 1
        services.inKindServices[2].monthlyValue *= 4
        points.append(services)
      }
      let own = try assertReplayedBitForBit(base, points: points, paths: paths, name: name)
      XCTAssertNotEqual(own[1].requiredReserve, own[0].requiredReserve, "\(name): the staff cost moves the needs")
    }
  }

  /// Money numbers drawn per path (SPEC §16), without a policy: points whose lines' ranges are moved, made numbers or
  /// newly written, or whose tier's amount becomes a range, draw their lanes' own beside the base's one simulation,
  /// bit for bit their own runs: on the uncertain baseline (its donations and staff drawn, nested draws too) and on
  /// today's file without its policy (three lines drawn, services and tiers' counts drawn).
  func testEachDrawnBudgetGivesItsOwnRunsNeedsAndRuinBitForBit() throws {
    var today = try ScenarioLoader().load(Self.file("pypi-today"))
    today.policy = nil
    let uncertain = try ScenarioLoader().load(Self.file("pypi-2020-uncertain"))
    var nested = uncertain
    nested.simulation.nested = NestedDraws(inner: 100)
    for (name, base, paths) in [
      ("pypi-2020-uncertain", uncertain, 700), ("pypi-today without policy", today, 1100),
      ("pypi-2020-uncertain nested", nested, 2000),
    ] {
      let moved = try setting("expenses[0].annual", base.expenses[0].annual * 1.3, in: base)
      var number = base
      let donations = try ParameterAddress(parsing: "income[0].annual", in: base)
      number.uncertainParameters.removeAll { $0.lane == donations.lane }
      number.income[0].annual *= 0.8
      let tierRange = try ScenarioLoader(overrides: [
        ScenarioOverride(parsing: "sponsorTiers[0].annualAmount={\"range\": [50000, 400000]}")
      ]).load(Self.file(name.hasPrefix("pypi-today") ? "pypi-today" : "pypi-2020-uncertain"))
      var tiers = base
      tiers.sponsorTiers = tierRange.sponsorTiers
      tiers.uncertainParameters += tierRange.uncertainParameters.filter { $0.lane.kind == .tierAmount }
      let points = [base, moved, number, tiers]
      let own = try assertReplayedBitForBit(base, points: points, paths: paths, name: name, distinctRuin: false)
      for k in 1..<points.count {
        XCTAssertNotEqual(own[k].requiredReserve, own[0].requiredReserve, "\(name), point \(k) moves the needs")
      }
    }
  }

  /// Beside a board minimum (SPEC §17; no response to the balance): today's file as shipped, its staff's range moved
  /// and a tier paid more, read their needs for the floor and for the minimum and their ruin beside one simulation,
  /// bit for bit their own runs (each point's outgo is its own expenses and the services' payments).
  func testEachBudgetBesideAMinimumGivesItsOwnRunsNeedsBitForBit() throws {
    let base = try ScenarioLoader().load(Self.file("pypi-today"))
    XCTAssertNotNil(base.policy?.minimumMonths)
    let staff = try setting("expenses[0].annual", base.expenses[0].annual * 1.3, in: base)
    var tier = try setting("reserve.initial", 2e6, in: base)
    tier.sponsorTiers[1].annualAmount *= 4
    let points = [base, staff, tier]
    let paths = 1100
    XCTAssertTrue(points.allSatisfy { Simulator.replaysOutcome($0, on: base) })
    let own = points.map { Simulator(threads: 2).run($0, paths: paths, seed: 2026) }
    XCTAssertNotEqual(own[1].minimumNeed, own[0].minimumNeed, "the staff's cost moves the minimum's needs")
    for threads in [1, 2] {
      let held = try Simulator(threads: threads).heldReplaying(
        base, of: points,
        needs: [NeedsWithin(years: base.years, minimum: false), NeedsWithin(years: base.years, minimum: true)],
        ruin: true, paths: paths, seed: 2026)
      held.withBuffer { all in
        for (k, run) in own.enumerated() {
          let rows = (0..<3).map { q in Array(all[(3 * k + q) * paths..<(3 * k + q + 1) * paths]) }
          XCTAssertEqual(rows[0], run.requiredReserve, "point \(k), \(threads) threads: needs")
          XCTAssertEqual(rows[1], run.minimumNeed, "point \(k), \(threads) threads: needs for the minimum")
          XCTAssertEqual(rows[2].map { $0 > 0 }, run.firstRuinMonth.map { $0 > 0 }, "point \(k): ruin")
        }
      }
    }
  }

  /// Asserts that `points`' horizon needs and ruin read beside one simulation of `base` on one thread and two are
  /// their own runs' bit for bit, and (with `distinctRuin`) that each point ruins its own number of paths; returns
  /// the own runs.
  @discardableResult
  private func assertReplayedBitForBit(
    _ base: Scenario, points: [Scenario], paths: Int, name: String, distinctRuin: Bool = true
  ) throws -> [SimulationResult] {
    XCTAssertTrue(points.allSatisfy { Simulator.replaysOutcome($0, on: base) }, name)
    let own = points.map { Simulator(threads: 2).run($0, paths: paths, seed: 2026) }
    if distinctRuin {
      let ruined = own.map { $0.firstRuinMonth.filter { $0 > 0 }.count }
      XCTAssertEqual(Set(ruined).count, points.count, "\(name): every point ruins its own number of paths")
    }
    for threads in [1, 2] {
      let held = try Simulator(threads: threads).heldReplaying(
        base, of: points, needs: [NeedsWithin(years: base.years, minimum: false)], ruin: true, paths: paths,
        seed: 2026)
      held.withBuffer { all in
        for (k, run) in own.enumerated() {
          let needs = Array(all[2 * k * paths..<(2 * k + 1) * paths])
          let ruin = all[(2 * k + 1) * paths..<(2 * k + 2) * paths].map { $0 > 0 }
          XCTAssertEqual(needs, run.requiredReserve, "\(name), point \(k), \(threads) threads: needs")
          XCTAssertEqual(ruin, run.firstRuinMonth.map { $0 > 0 }, "\(name), point \(k), \(threads) threads: ruin")
        }
      }
    }
    return own
  }
}
