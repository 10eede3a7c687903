import Foundation

/// Events (SPEC §6): which are active each month, and the products of their multipliers per lane.
extension PathBlockKernel {
  /// Which events are active in month m, and the products of their multipliers per lane.
  ///
  /// With at most `SimulationPlan.maximumTabulatedEvents` kinds, each lane's active set is kept as a bitmask in
  /// `activeEvents`: `incomeMultiplier` is read from the plan's table for that set, and the services and the
  /// sponsor roll-over read their own tables by the set. With more kinds, the products are multiplied per lane
  /// (`lossMultiplier`, `renewalMultiplier` and `newSponsorMultiplier` are then what they read).
  func applyEvents(month m: Int, firstPath: Int, lanes: Int, output: BlockOutput) {
    let diagnostics = output.diagnostics, paths = output.paths, slot = firstPath - output.runStart
    let plan = self.plan
    let cap = capacity
    let month = Int32(m)
    let tabulated = plan.eventSetCount > 0
    for lane in 0..<lanes { activeEvents[lane] = 0 }
    if !tabulated {
      for lane in 0..<lanes {
        incomeMultiplier[lane] = 1
        renewalMultiplier[lane] = 1
        newSponsorMultiplier[lane] = 1
        lossMultiplier[lane] = 1
      }
    }
    for k in 0..<plan.eventDuration.count {
      let duration = Int32(plan.eventDuration[k])
      let starts = eventStart + k * cap
      let bit: Int32 = tabulated ? 1 << k : 0
      for lane in 0..<lanes {
        var start = starts[lane]
        if month >= start &+ duration {
          // The last occurrence is over (or none yet): wait Geometric(q) months from this one.
          let w = streams.words(
            path: UInt32(truncatingIfNeeded: firstPath + lane), month: UInt32(m), stream: .eventStarts, index: UInt32(k)
          )
          start =
            month
            &+ Distributions.geometricWait(
              uniform: RandomStreams.unit53(w.0, w.1), logNoSuccess: plan.eventLogNoStart[k])
            &- 1
          starts[lane] = start
        }
        if start <= month {
          if tabulated {
            activeEvents[lane] |= bit
          } else {
            incomeMultiplier[lane] *= plan.eventIncomeMultiplier[k]
            renewalMultiplier[lane] *= plan.eventRenewalMultiplier[k]
            newSponsorMultiplier[lane] *= plan.eventNewSponsorMultiplier[k]
            lossMultiplier[lane] *= plan.eventLossMultiplier[k]
          }
          if let diagnostics { diagnostics.eventMonths[k * paths + slot + lane] += 1 }
        }
      }
    }
    if tabulated {
      plan.eventSetIncomeMultiplier.withUnsafeBufferPointer { income in
        for lane in 0..<lanes { incomeMultiplier[lane] = income[Int(activeEvents[lane])] }
      }
    }
  }
}
