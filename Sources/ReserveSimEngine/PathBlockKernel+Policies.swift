import _ReserveSimKernels

/// One block simulated once, and its needs and ruin read under several policies and initial reserves (SPEC §7, §15,
/// §17, §18).
extension PathBlockKernel {
  /// Simulates paths `firstPath ..< firstPath + count` once, then reads each path's needs and ruin for every point k
  /// (policy `policies[k]` from the B₀ of `reserves[k]`) and every query in `needs`, writing point
  /// k's query q for lane i to `values[(k · rows + q) · capacity + i]`, rows = needs.count, plus 1 with `ruin`: then
  /// row needs.count is 1 where the lane, from point k's B₀ with its policy, is ruined within the horizon (SPEC §7),
  /// else 0.
  ///
  /// A need does not depend on B₀ (it is the least B₀ that survives). With responses that depend on the balance,
  /// the policies' numbers (thresholds, multiplier, appeal) change cash flows only after the recorded flows
  /// (`PolicyReplay`): every point's needs are searched on replays of the one simulation and its ruin replayed from
  /// its B₀, bit for bit a run of the file with that policy and reserve; their cut lines must be the file's.
  /// Without such responses the flows do not depend on the balance, and each point may also have its own floor and
  /// return: its need (`needs` over the horizon only; for the minimum, the file's return only) and its ruin are its
  /// own balance's from its B₀ on the block's flows (`ReserveVariants`); `policies` are the file's.
  /// - Complexity: one simulation of the block, and O(points × needs) searches or one balances' pass a month per point.
  package func simulate(
    firstPath: Int, count lanes: Int, replaying policies: [rs_policy_plan], reserves: [ReserveVariant],
    needs: [NeedsWithin], ruin: Bool = false, into values: UnsafeMutablePointer<Double>
  ) {
    precondition(lanes <= capacity && policies.count == reserves.count)
    precondition(needs.allSatisfy { (1...plan.years).contains($0.years) })
    let rows = needs.count + (ruin ? 1 : 0)
    if reserveVariantRows?.variants != reserves {
      let ownCosts = laneParameters?.services != nil
      reserveVariantRows = ReserveVariants(
        reserves, streams: streams, capacity: capacity,
        paymentIsRecorded: plan.serviceIsDated.map { $0 || ownCosts })
    }
    guard plan.respondsToBalance else {
      precondition(needs.allSatisfy { $0.years == plan.years }, "without responses only the horizon's needs are read")
      precondition(
        !needs.contains { $0.minimum } || reserves.allSatisfy { $0.discount == plan.discount },
        "the needs for the minimum are the file's: its return only")
      reserveVariants = reserveVariantRows
      defer { reserveVariants = nil }
      laneParameters?.draw(firstPath: firstPath, lanes: lanes)
      setStartBalances(lanes: lanes)
      run(firstPath: firstPath, lanes: lanes, policy: monthPasses.policy, recording: nil)
      guard let variants = reserveVariants else { return }
      for k in reserves.indices {
        for (q, query) in needs.enumerated() {
          let read: UnsafePointer<Double> =
            query.minimum
            ? variants.minimumNeed(k, blockNeed: minimumNeed) : UnsafePointer(variants.need + k * capacity)
          (values + (k * rows + q) * capacity).update(from: read, count: lanes)
        }
        if ruin {
          let (row, ruined) = (values + (k * rows + needs.count) * capacity, variants.ruinMonth + k * capacity)
          for lane in 0..<lanes { row[lane] = ruined[lane] > 0 ? 1 : 0 }
        }
      }
      return
    }
    precondition(reserves.allSatisfy { $0.money == nil }, "responses read the file's own money lines")
    recordFlows(firstPath: firstPath, lanes: lanes)
    for (k, policy) in policies.enumerated() {
      // Points with the same policy (a sweep of the reserve alone) have the same needs: searched once.
      let searched = policies.firstIndex { $0.numbers == policy.numbers }!
      for (q, query) in needs.enumerated() {
        let row = values + (k * rows + q) * capacity
        if searched < k {
          row.update(from: values + (searched * rows + q) * capacity, count: lanes)
        } else {
          searchNeeds(
            firstPath: firstPath, lanes: lanes, target: query.minimum ? .minimum : .floor, withinYears: query.years,
            policy: policy, into: row)
        }
      }
      if ruin, let replay, let variants = reserveVariantRows {
        replay.selectAll()
        replay.startBalance.update(
          from: variants.startBalances(k, firstPath: firstPath, lanes: lanes, own: startBalance), count: lanes)
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

extension rs_policy_plan {
  /// Every number of the policy, in the struct's order: two policies with the same numbers respond alike.
  var numbers: [Double] {
    [
      minimumMonths, Double(hasCuts), cutBelow, cutRestore, cutMultiplier, Double(hasAppeal), appealBelow,
      appealAmount, appealProbability, Double(appealCooldown), Double(appealLimit), Double(alwaysAct),
    ]
  }
}
