import _ReserveSimKernels

/// One block simulated once, and its needs searched for under several policies (SPEC §15, §17, §18).
extension PathBlockKernel {
  /// Simulates paths `firstPath ..< firstPath + count` once, then searches each path's needs for every policy in
  /// `policies` and every query in `needs`, writing policy k's query q for lane i to
  /// `values[(k · rows + q) · capacity + i]`, rows = needs.count, plus 1 with `ruin`: then row needs.count is 1 where
  /// the lane, replayed from its own B₀ with policy k, is ruined within the horizon (SPEC §7), else 0.
  ///
  /// The policies' numbers (thresholds, multiplier, appeal) change cash flows only after the recorded flows
  /// (`PolicyReplay`): every policy's needs are replays of the one simulation, bit for bit the needs of a run of
  /// the file with that policy. Their cut lines must be the file's.
  /// - Complexity: one simulation of the block, and O(policies × needs) searches.
  package func simulate(
    firstPath: Int, count lanes: Int, replaying policies: [rs_policy_plan], needs: [NeedsWithin], ruin: Bool = false,
    into values: UnsafeMutablePointer<Double>
  ) {
    precondition(lanes <= capacity && plan.respondsToBalance)
    precondition(needs.allSatisfy { (1...plan.years).contains($0.years) })
    recordFlows(firstPath: firstPath, lanes: lanes)
    let rows = needs.count + (ruin ? 1 : 0)
    for (k, policy) in policies.enumerated() {
      for (q, query) in needs.enumerated() {
        searchNeeds(
          firstPath: firstPath, lanes: lanes, target: query.minimum ? .minimum : .floor, withinYears: query.years,
          policy: policy,
          into: values + (k * rows + q) * capacity)
      }
      if ruin, let replay {
        replay.selectAll()
        replay.startBalance.update(from: startBalance, count: lanes)
        replay.replay(
          at: blockMonth(month: 0, firstPath: firstPath, lanes: lanes), lastMonth: plan.months, policy: policy)
        let row = values + (k * rows + needs.count) * capacity
        for lane in 0..<lanes { row[lane] = replay.ruinMonth[lane] > 0 ? 1 : 0 }
      }
    }
  }

  /// Simulates paths `firstPath ..< firstPath + count` once, then replays every lane over the horizon from B₀ =
  /// `reserves[k]` with `policies[k]`, writing policy k's activity summed over the block's lanes for year y and
  /// field f (`PolicyActivityField`) to `sums[(k · years + y − 1) · PolicyActivityField.count + f]`: bit for bit the
  /// block sums of a run of the file with that policy and reserve (SPEC §18's cost of a plan, §19).
  /// - Complexity: one simulation of the block, and one replay of it per policy.
  package func simulate(
    firstPath: Int, count lanes: Int, replaying policies: [rs_policy_plan], from reserves: [Double],
    activitySums sums: UnsafeMutablePointer<Double>
  ) {
    precondition(lanes <= capacity && plan.respondsToBalance && policies.count == reserves.count)
    guard let replay else { return }
    recordFlows(firstPath: firstPath, lanes: lanes)
    let at = blockMonth(month: 0, firstPath: firstPath, lanes: lanes)
    let perPolicy = plan.years * PolicyActivityField.count
    for (k, policy) in policies.enumerated() {
      replay.startBalance.update(repeating: reserves[k], count: lanes)
      // Summed as a run sums its activity rows: over the lanes, in lane order.
      addSums(replay.activity(at: at, policy: policy), rows: perPolicy, into: sums + k * perPolicy, lanes: lanes)
    }
  }

  /// Simulates the block from the lanes' own B₀ with the file's policy, recording the flows its replays read
  /// (`PolicyReplay`); nothing is written out.
  private func recordFlows(firstPath: Int, lanes: Int) {
    laneParameters?.draw(firstPath: firstPath, lanes: lanes)
    setStartBalances(lanes: lanes)
    replay?.startBlock(lanes: lanes)
    run(firstPath: firstPath, lanes: lanes, policy: monthPasses.policy, recording: nil)
  }
}
