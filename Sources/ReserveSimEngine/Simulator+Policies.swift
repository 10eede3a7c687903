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

  /// Simulates paths `range` of `base` once and searches every path's needs under the policy of each of `points`
  /// (each of which `replays(_:on:)` `base`), handing each block's needs to `take`: policy k's query q for path
  /// firstPath + i at `values[(k · rows + q) · stride + i]`, rows = needs.count, plus 1 with `ruin` (row needs.count:
  /// 1 where the path, from its own B₀ with policy k, is ruined within the horizon, as its run would be). The same
  /// needs, bit for bit, as a run of each point on its own (`searchedNeedsWithin`), at the cost of one simulation and
  /// the searches.
  ///
  /// Blocks are spread over the threads as `run` spreads them; `take` is called once per block from its worker
  /// and must write only what belongs to those paths.
  /// - Throws: `CancellationError` when `cancellation` is set before the runs end.
  /// - Complexity: O(paths × months × (factors + services + events + tiers)) for the simulation, and
  ///   O(points × needs) searches of every path; memory per worker O(points × needs × blockSize) besides its
  ///   kernel.
  package func runReplayingPolicies(
    _ base: Scenario, of points: [Scenario], needs: [NeedsWithin], ruin: Bool = false, pathRange range: Range<Int>,
    seed: UInt64, progress: (@Sendable (Double) -> Void)? = nil, cancellation: CancellationFlag? = nil,
    take: @Sendable (_ firstPath: Int, _ lanes: Int, _ values: UnsafePointer<Double>, _ stride: Int) -> Void
  ) throws {
    precondition(!points.isEmpty && !(needs.isEmpty && !ruin) && points.allSatisfy { Self.replays($0, on: base) })
    let rows = needs.count + (ruin ? 1 : 0)
    let policies = PolicyPlans(points.map { MonthPasses.policy(SimulationPlan($0)) })
    try forEachBlock(
      of: SimulationPlan(base), seed: seed, range: range, values: points.count * rows * Self.blockSize,
      keepsShocks: false,
      progress: progress, cancellation: cancellation,
      simulate: { kernel, firstPath, lanes, values in
        kernel.simulate(
          firstPath: firstPath, count: lanes, replaying: policies.plans, needs: needs, ruin: ruin, into: values)
      }, take: take)
  }
}

extension Simulator {
  /// `runReplayingPolicies` over paths 0 ..< `paths`, every block's values held in path order: row r = k · rows + q
  /// (policy k's query q, or its ruin flags at q = needs.count; rows as there) at `[r · paths ..< (r + 1) · paths]`.
  /// - Complexity: as `runReplayingPolicies`, and points × rows × paths doubles held.
  package func heldReplayingPolicies(
    _ base: Scenario, of points: [Scenario], needs: [NeedsWithin], ruin: Bool = false, paths: Int, seed: UInt64,
    progress: (@Sendable (Double) -> Void)? = nil, cancellation: CancellationFlag? = nil
  ) throws -> SharedRows<Double> {
    let rows = points.count * (needs.count + (ruin ? 1 : 0))
    let held = SharedRows<Double>(count: rows * paths)
    try runReplayingPolicies(
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
