import Foundation

/// Sponsor tiers (SPEC §4): revenue during a year and the roll-over at its end.
extension PathBlockKernel {
  /// Sponsor revenue per month of the year: Σ_t count_t · annualAmount_t / 12.
  func sponsorRevenue(lanes: Int) {
    let plan = self.plan
    for lane in 0..<lanes { sponsorMonthly[lane] = 0 }
    for t in 0..<plan.tierMonthlyAmount.count {
      let amount = plan.tierMonthlyAmount[t]
      let counts = sponsors + t * capacity
      for lane in 0..<lanes { sponsorMonthly[lane] += Double(counts[lane]) * amount }
    }
  }

  /// The roll-over of one lane of tier t by the exact chunked samplers of `Distributions`, at the lane's own
  /// rates: chunk c takes the block at tier t's address with draw c + 1, words 0–1 for the renewals and 2–3
  /// for the arrivals.
  @inline(never)
  func rollOverByChunks(tier t: Int, lane: Int, path: Int, month: Int) -> Int64 {
    let plan = self.plan
    let count = Int(sponsors[t * capacity + lane])
    let renewalFactor: Double, arrivalFactor: Double
    if plan.eventSetCount > 0 {
      let set = Int(activeEvents[lane])
      (renewalFactor, arrivalFactor) = (plan.eventSetRenewalMultiplier[set], plan.eventSetNewSponsorMultiplier[set])
    } else {
      (renewalFactor, arrivalFactor) = (renewalMultiplier[lane], newSponsorMultiplier[lane])
    }
    let p = Swift.min(1, plan.tierRenewalProbability[t] * renewalFactor)
    let lambda = plan.tierNewPerYear[t] * arrivalFactor
    let logProbability = VectorMath.log(p), logFailure = VectorMath.log(1 - p)
    let chunkTrials = Distributions.binomialChunk
    let binomialChunks = (count + chunkTrials - 1) / chunkTrials
    let poissonChunks = lambda > 0 ? Int((lambda / Distributions.poissonChunk).rounded(.up)) : 0
    let massAtZero = poissonChunks > 0 ? VectorMath.exp(-lambda / Double(poissonChunks)) : 1
    var renewed = 0, joined = 0
    for chunk in 0..<Swift.max(binomialChunks, poissonChunks) {
      let w = streams.words(
        path: UInt32(truncatingIfNeeded: path), month: UInt32(month), stream: .sponsorDraws, index: UInt32(t),
        draw: UInt32(chunk + 1))
      if chunk < binomialChunks {
        renewed += Distributions.binomialChunk(
          trials: Swift.min(chunkTrials, count - chunk * chunkTrials), probability: p, logProbability: logProbability,
          logFailure: logFailure, uniform: RandomStreams.unit53(w.0, w.1))
      }
      if chunk < poissonChunks {
        joined += Distributions.poissonChunk(
          mean: lambda / Double(poissonChunks), massAtZero: massAtZero, uniform: RandomStreams.unit53(w.2, w.3))
      }
    }
    return Int64(renewed + joined)
  }
}
