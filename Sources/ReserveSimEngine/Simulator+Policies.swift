import ReserveSimScenario
import _ReserveSimKernels

extension Simulator {
  /// Whether `point` is `base` but for numbers of its policy (SPEC §15, §17, §19: the minimum, the cuts' thresholds
  /// and multiplier, the appeal's threshold, amount, chance, cool-down and limit), so that `base`'s simulation,
  /// replayed with `point`'s policy, gives `point`'s searched needs bit for bit (`runReplayingPolicies`).
  ///
  /// The same responses must exist in both (cuts, an appeal, a minimum), with the same cut lines, and the
  /// responses must depend on the balance (otherwise nothing is searched for).
  package static func replays(_ point: Scenario, on base: Scenario) -> Bool {
    guard let policy = base.policy, let own = point.policy, policy.respondsToBalance else { return false }
    guard (policy.cuts == nil) == (own.cuts == nil), (policy.appeal == nil) == (own.appeal == nil),
      (policy.minimumMonths == nil) == (own.minimumMonths == nil), policy.cuts?.lines == own.cuts?.lines
    else { return false }
    var same = point
    same.policy = policy
    return same == base
  }

  /// Whether `point`'s needs and ruin are `base`'s simulation read under `point`'s policy and reserve
  /// (`runReplaying`), bit for bit `point`'s own run: `point` is `base` but for
  /// - `reserve.initial`, a number or a distribution (a board's "what if we held $X?"): a need does not depend on B₀,
  ///   and ruin from another B₀ is a replay of the balance; every other parameter's draws are addressed by its own
  ///   path (SPEC §16), so they stay the same whether or not the reserve is drawn;
  /// - with responses that depend on the balance, the numbers of its policy (`replays(_:on:)`);
  /// - without them, also `reserve.floor` and `reserve.annualReturn` as numbers, when neither is drawn per path in
  ///   `base` (the cash flows do not depend on the reserve, so the balance and need are recomputed beside the run),
  ///   and the return only when `base` has no board minimum (whose need reads the file's discount);
  /// - without responses to the balance (no policy, or a board minimum alone), also its money side (`MoneyVariant`):
  ///   the `annual` and `annualGrowth` of its income and expense lines and its tiers' `annualAmount`, numbers or
  ///   distributions (moved, added or made numbers; drawn at their own addresses), and, without any policy, the
  ///   `monthlyValue` and `replacementCostFraction` of a service paid at one cost (no agreement, migration or
  ///   mitigation) unless `base` draws any service's parameter. Nothing but the month's cash flow and outgo reads
  ///   them, so each point's flow, outgo and need for the minimum are recomputed beside the run, the services'
  ///   payments at its own costs (`ReserveVariants`).
  package static func replaysOutcome(_ point: Scenario, on base: Scenario) -> Bool {
    // Without responses to the balance, the money side's draws may differ too (moved, added or made numbers).
    let money = base.policy?.respondsToBalance != true ? MoneyVariant.drawnKinds : []
    let others = { (scenario: Scenario) in
      scenario.uncertainParameters.filter { !Self.drawsReserve($0) && !money.contains($0.lane.kind) }
    }
    guard others(point) == others(base) else { return false }
    var same = point
    same.reserve.initial = base.reserve.initial
    same.uncertainParameters = base.uncertainParameters
    guard base.policy?.respondsToBalance != true else { return replays(same, on: base) }
    let drawn = Set(base.uncertainParameters.map(\.lane.kind))
    if !drawn.contains(.reserveFloor) && !drawn.contains(.reserveReturn) {
      same.reserve.floor = base.reserve.floor
      if base.policy?.minimumMonths == nil { same.reserve.annualReturn = base.reserve.annualReturn }
    }
    takeMoneySide(of: base, into: &same)
    return same == base
  }

  /// Writes `base`'s money side into `point` where `point` may have its own beside a run of `base` (see
  /// `replaysOutcome(_:on:)`; lists of other lengths are left for the comparison to refuse).
  private static func takeMoneySide(of base: Scenario, into point: inout Scenario) {
    for (i, line) in zip(point.income.indices, base.income) {
      (point.income[i].annual, point.income[i].annualGrowth) = (line.annual, line.annualGrowth)
    }
    for (i, line) in zip(point.expenses.indices, base.expenses) {
      (point.expenses[i].annual, point.expenses[i].annualGrowth) = (line.annual, line.annualGrowth)
    }
    for (i, tier) in zip(point.sponsorTiers.indices, base.sponsorTiers) {
      point.sponsorTiers[i].annualAmount = tier.annualAmount
    }
    guard !base.uncertainParameters.contains(where: { $0.lane.kind.group == .service }) else { return }
    let dated = SimulationPlan.servicesAreDated(base)
    for (i, service) in zip(point.inKindServices.indices, base.inKindServices) where !dated[i] {
      (point.inKindServices[i].monthlyValue, point.inKindServices[i].replacementCostFraction) =
        (service.monthlyValue, service.replacementCostFraction)
    }
  }

  /// Where `point`'s B₀ comes from beside a run of `base` (`replaysOutcome(_:on:)`).
  static func reserveSource(_ point: Scenario, on base: Scenario) -> ReserveSource {
    guard let drawn = point.uncertainParameters.first(where: drawsReserve) else {
      return .number(point.reserve.initial)
    }
    return drawn == base.uncertainParameters.first(where: drawsReserve)
      ? .own : .drawn(drawn, pathsPerDraw: point.simulation.pathsPerDraw)
  }

  private static func drawsReserve(_ parameter: UncertainParameter) -> Bool { parameter.lane.kind == .reserveInitial }

  /// Simulates paths `range` of `base` once and reads every path's needs and ruin under each of `points` (each of
  /// which `replaysOutcome(_:on:)` `base`), handing each block's values to `take`: point k's query q for path
  /// firstPath + i at `values[(k · rows + q) · stride + i]`, rows = needs.count, plus 1 with `ruin` (row needs.count:
  /// 1 where the path, from point k's B₀ with its policy, is ruined within the horizon, as its run would be). The same
  /// numbers, bit for bit, as a run of each point on its own (`searchedNeedsWithin`, `firstRuinMonth`), at the cost of
  /// one simulation and the searches or balance replays (`PathBlockKernel.simulate(firstPath:count:replaying:…)`).
  /// Where no response depends on the balance, only the horizon's needs can be asked for.
  ///
  /// Blocks are spread over the threads as `run` spreads them; `take` is called once per block from its worker
  /// and must write only what belongs to those paths.
  /// - Throws: `CancellationError` when `cancellation` is set before the runs end.
  /// - Complexity: O(paths × months × (factors + services + events + tiers)) for the simulation, and
  ///   O(points × needs) searches of every path; memory per worker O(points × needs × blockSize) besides its
  ///   kernel.
  package func runReplaying(
    _ base: Scenario, of points: [Scenario], needs: [NeedsWithin], ruin: Bool = false, pathRange range: Range<Int>,
    seed: UInt64, progress: (@Sendable (Double) -> Void)? = nil, cancellation: CancellationFlag? = nil,
    take: @Sendable (_ firstPath: Int, _ lanes: Int, _ values: UnsafePointer<Double>, _ stride: Int) -> Void
  ) throws {
    precondition(
      !points.isEmpty && !(needs.isEmpty && !ruin) && points.allSatisfy { Self.replaysOutcome($0, on: base) })
    let rows = needs.count + (ruin ? 1 : 0)
    let plans = points.map(SimulationPlan.init)
    let policies = PolicyPlans(plans.map(MonthPasses.policy))
    let basePlan = SimulationPlan(base)
    let baseMoney = MoneyVariant(base, plan: basePlan)
    let reserves = zip(points, plans).map { point, plan in
      let money = MoneyVariant(point, plan: plan)
      return ReserveVariant(
        start: Self.reserveSource(point, on: base), plan: plan, money: money == baseMoney ? nil : money)
    }
    try forEachBlock(
      of: basePlan, seed: seed, range: range, values: points.count * rows * Self.blockSize,
      keepsShocks: false,
      progress: progress, cancellation: cancellation,
      simulate: { kernel, firstPath, lanes, values in
        kernel.simulate(
          firstPath: firstPath, count: lanes, replaying: policies.plans, reserves: reserves, needs: needs,
          ruin: ruin, into: values)
      }, take: take)
  }
}

extension Simulator {
  /// `runReplaying` over paths 0 ..< `paths`, every block's values held in path order: row r = k · rows + q
  /// (point k's query q, or its ruin flags at q = needs.count; rows as there) at `[r · paths ..< (r + 1) · paths]`.
  /// - Complexity: as `runReplaying`, and points × rows × paths doubles held.
  package func heldReplaying(
    _ base: Scenario, of points: [Scenario], needs: [NeedsWithin], ruin: Bool = false, paths: Int, seed: UInt64,
    progress: (@Sendable (Double) -> Void)? = nil, cancellation: CancellationFlag? = nil
  ) throws -> SharedRows<Double> {
    let rows = points.count * (needs.count + (ruin ? 1 : 0))
    let held = SharedRows<Double>(count: rows * paths)
    try runReplaying(
      base, of: points, needs: needs, ruin: ruin, pathRange: 0..<paths, seed: seed, progress: progress,
      cancellation: cancellation
    ) { firstPath, lanes, values, stride in
      for row in 0..<rows {
        for lane in 0..<lanes { held[row * paths + firstPath + lane] = values[row * stride + lane] }
      }
    }
    return held
  }
}

extension Simulator {
  /// The responses' activity means by year (`SimulationResult.policyActivityMeans`' layout, SPEC §19) of each of
  /// `points` (each of which `replays(_:on:)` `base`) run from B₀ = `reserves[k]`, over paths `range`: `base`
  /// simulated once, and each point's policy replayed from its reserve. Bit for bit the means of a run of each point
  /// with `reserve.initial` = its reserve (the same block sums, added in block order).
  /// - Throws: `CancellationError` when `cancellation` is set before the runs end.
  /// - Complexity: one simulation of the paths and one replay per point; memory O(points × years × blocks).
  package func policyActivityMeans(
    _ base: Scenario, of points: [Scenario], reserves: [Double], pathRange range: Range<Int>, seed: UInt64,
    progress: (@Sendable (Double) -> Void)? = nil, cancellation: CancellationFlag? = nil
  ) throws -> [[Double]] {
    precondition(!points.isEmpty && points.count == reserves.count)
    precondition(points.allSatisfy { Self.replays($0, on: base) })
    let policies = PolicyPlans(points.map { MonthPasses.policy(SimulationPlan($0)) })
    let perPoint = base.years * PolicyActivityField.count
    let perBlock = points.count * perPoint
    let blocks = (range.count + Self.blockSize - 1) / Self.blockSize
    let sums = SharedRows<Double>(count: blocks * perBlock)
    try forEachBlock(
      of: SimulationPlan(base), seed: seed, range: range, values: perBlock, keepsShocks: false, progress: progress,
      cancellation: cancellation,
      simulate: { kernel, firstPath, lanes, values in
        kernel.simulate(
          firstPath: firstPath, count: lanes, replaying: policies.plans, from: reserves, activitySums: values)
      },
      take: { firstPath, _, values, _ in
        let block = (firstPath - range.lowerBound) / Self.blockSize
        for i in 0..<perBlock { sums[block * perBlock + i] = values[i] }
      })
    // Added in block order, as `run` adds its blocks' sums, whatever the thread count.
    return sums.withBuffer { all in
      points.indices.map { k in
        var totals = [Double](repeating: 0, count: perPoint)
        for block in 0..<blocks {
          for i in 0..<perPoint { totals[i] += all[block * perBlock + k * perPoint + i] }
        }
        return totals.map { $0 / Double(range.count) }
      }
    }
  }
}

/// Policies for the workers: plain numbers, read only.
private struct PolicyPlans: @unchecked Sendable {
  let plans: [rs_policy_plan]
  init(_ plans: [rs_policy_plan]) { self.plans = plans }
}
