import Foundation

/// Sponsor tiers (SPEC §4): revenue during a year and the roll-over at its end.
extension PathBlockKernel {
  /// Sponsor revenue per month of the year: Σ_t count_t · annualAmount_t / 12.
  func sponsorRevenue(lanes: Int) {
    let plan = self.plan
    for lane in 0..<lanes { sponsorMonthly[lane] = 0 }
    for t in 0..<plan.tierMonthlyAmount.count {
      let counts = sponsors + t * capacity
      if let own = laneParameters?.tierMonthlyAmount {
        let amounts = own + t * capacity
        for lane in 0..<lanes { sponsorMonthly[lane] += Double(counts[lane]) * amounts[lane] }
      } else {
        let amount = plan.tierMonthlyAmount[t]
        for lane in 0..<lanes { sponsorMonthly[lane] += Double(counts[lane]) * amount }
      }
    }
  }

  /// The roll-over of one lane of tier t by the exact samplers of `Distributions`, at the lane's own rates:
  /// Binomial(count, p) renewals from the `UniformSequence` in words 0–1 and Poisson(λ) arrivals from the one in
  /// words 2–3 of the blocks at tier t's address, draws 1, 2, … (inversion takes draw 1 alone, so counts up to
  /// 512 and means up to 500 give the bits they always gave). Expected cost bounded whatever the count or λ.
  @inline(never)
  func rollOverByChunks(tier t: Int, lane: Int, path: Int, month: Int) -> Int64 {
    let plan = self.plan
    let count = Int64(sponsors[t * capacity + lane])
    let renewalFactor: Double, arrivalFactor: Double
    if plan.eventSetCount > 0 {
      let set = Int(activeEvents[lane])
      (renewalFactor, arrivalFactor) = (plan.eventSetRenewalMultiplier[set], plan.eventSetNewSponsorMultiplier[set])
    } else {
      (renewalFactor, arrivalFactor) = (renewalMultiplier[lane], newSponsorMultiplier[lane])
    }
    // The lane's own rates where they differ between paths (SPEC §16).
    let renewal = laneParameters.map { $0.tierRenewal[t * capacity + lane] } ?? plan.tierRenewalProbability[t]
    let arrivals = laneParameters.map { $0.tierNewPerYear[t * capacity + lane] } ?? plan.tierNewPerYear[t]
    // Sponsor churn switched off (SPEC §20): every sponsor renews.
    let p = switchedOff.sponsorChurn ? 1 : Swift.min(1, renewal * renewalFactor)
    let lambda = arrivals * arrivalFactor
    let address = (path: UInt32(truncatingIfNeeded: path), month: UInt32(month), tier: UInt32(t))
    var renewalUniforms = UniformSequence(
      streams, path: address.path, month: address.month, stream: .sponsorDraws, index: address.tier, words: .low)
    var arrivalUniforms = UniformSequence(
      streams, path: address.path, month: address.month, stream: .sponsorDraws, index: address.tier, words: .high)
    let renewed = Distributions.binomial(trials: count, probability: p, uniforms: &renewalUniforms)
    let joined = Distributions.poisson(mean: lambda, uniforms: &arrivalUniforms)
    return renewed.addingReportingOverflow(joined).overflow ? .max : renewed + joined
  }
}
