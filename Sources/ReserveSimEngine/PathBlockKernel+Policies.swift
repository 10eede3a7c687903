import _ReserveSimKernels

/// One block simulated once, and its needs searched for under several policies (SPEC §15, §17, §18).
extension PathBlockKernel {
  /// Simulates paths `firstPath ..< firstPath + count` once, then searches each path's needs for every policy in
  /// `policies` and every query in `needs`, writing policy k's query q for lane i to
  /// `values[(k · needs.count + q) · capacity + i]`.
  ///
  /// The policies' numbers (thresholds, multiplier, appeal) change cash flows only after the recorded flows
  /// (`PolicyReplay`): every policy's needs are replays of the one simulation, bit for bit the needs of a run of
  /// the file with that policy. Their cut lines must be the file's.
  /// - Complexity: one simulation of the block, and O(policies × needs) searches.
  package func simulate(
    firstPath: Int, count lanes: Int, replaying policies: [rs_policy_plan], needs: [NeedsWithin],
    into values: UnsafeMutablePointer<Double>
  ) {
    precondition(lanes <= capacity && plan.respondsToBalance)
    precondition(needs.allSatisfy { (1...plan.years).contains($0.years) })
    laneParameters?.draw(firstPath: firstPath, lanes: lanes)
    setStartBalances(lanes: lanes)
    replay?.startBlock(lanes: lanes)
    run(firstPath: firstPath, lanes: lanes, policy: monthPasses.policy, recording: nil)
    for (k, policy) in policies.enumerated() {
      for (q, query) in needs.enumerated() {
        searchNeeds(
          firstPath: firstPath, lanes: lanes, target: query.minimum ? .minimum : .floor, withinYears: query.years,
          policy: policy,
          into: values + (k * needs.count + q) * capacity)
      }
    }
  }
}
