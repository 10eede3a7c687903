import Foundation

/// In-kind services (SPEC §5): donation periods, exponential loss clocks, notice and paid months.
extension PathBlockKernel {
  /// A new donation period of service s from `month`: a fresh exponential loss clock E = −ln u and the
  /// uniform for the replacement wait after a loss, both from the stream address of that month.
  @inline(__always)
  func startDonation(service s: Int, lane: Int, path: Int, month: Int) {
    let w = streams.words(
      path: UInt32(truncatingIfNeeded: path), month: UInt32(month), stream: .serviceDraws, index: UInt32(s))
    let cell = s * capacity + lane
    serviceClock[cell] = -VectorMath.log(RandomStreams.unit53(w.0, w.1))
    serviceReplacementDraw[cell] = RandomStreams.unit53(w.2, w.3)
    servicePayStart[cell] = 0
    servicePayEnd[cell] = 0
  }

  /// Runs each service's month (SPEC §5), subtracts what the organisation pays from the cash flow and adds it to
  /// the lane's year sum.
  func payServices(month m: Int, firstPath: Int, lanes: Int, output: BlockOutput) {
    let diagnostics = output.diagnostics, paths = output.paths, slot = firstPath - output.runStart
    let plan = self.plan
    let cap = capacity
    let month = Int32(m)
    let sets = plan.eventSetCount
    let paidSum = yearSum(.serviceCosts)
    plan.eventSetServiceAddedHazard.withUnsafeBufferPointer { addedHazards in
      for s in 0..<plan.serviceMonthlyValue.count {
        let cost = plan.serviceCostFraction[s] * plan.serviceMonthlyValue[s]
        let scale = plan.serviceScalesWithTraffic[s] ? trafficCost : level + Factor.inflation.index * cap
        let logHazard = plan.serviceMonthlyLogHazard[s]
        let hazard = plan.serviceMonthlyHazard[s]
        let notice = Int32(plan.serviceNoticeMonths[s])
        let logNoReplacement = plan.serviceLogNoReplacement[s]
        let addedBySet = sets > 0 ? addedHazards.baseAddress! + s * sets : nil
        // This service's rows and the lane buffers, as locals: the loop then keeps them in registers.
        let clock = serviceClock + s * cap, replacementDraw = serviceReplacementDraw + s * cap
        let payStarts = servicePayStart + s * cap, payEnds = servicePayEnd + s * cap
        let activeEvents = self.activeEvents, lossMultiplier = self.lossMultiplier, cashFlow = self.cashFlow
        for lane in 0..<lanes {
          let payStart = payStarts[lane]
          if payStart == 0 {
            // Donated: the month adds −ln(1 − min(1, h·multiplier)) to the hazard the clock has run, read from
            // the plan's table for the lane's set of active events when there is one.
            let added: Double
            if let addedBySet {
              added = addedBySet[Int(activeEvents[lane])]
            } else {
              let multiplier = lossMultiplier[lane]
              added = multiplier == 1 ? logHazard : -Foundation.log1p(-Swift.min(1, hazard * multiplier))
            }
            let left = clock[lane] - added
            clock[lane] = left
            if left <= 0 {
              // Lost this month: the donor covers m … m+n; paid from m+n+1 until a new donor is found.
              let start = month &+ notice &+ 1
              payStarts[lane] = start
              payEnds[lane] =
                start
                &+ Distributions.geometricWait(uniform: replacementDraw[lane], logNoSuccess: logNoReplacement) &- 1
              if let diagnostics { diagnostics.serviceLost[s * paths + slot + lane] = 1 }
            }
          } else if payStart <= month {
            let paid = cost * scale[lane]
            cashFlow[lane] -= paid
            paidSum[lane] += paid
            if month == payEnds[lane] {
              startDonation(service: s, lane: lane, path: firstPath + lane, month: m + 1)
            }
          }
        }
      }
    }
  }
}
