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

  /// count_{y+1} = Binomial(count_y, min(1, renewalProbability·R)) + Poisson(newPerYear·N), with R and N the
  /// products of the event multipliers active in month `month` = 12y.
  ///
  /// One draw per tier from the tabulated transition (`SponsorTransitionTables`) with a 64-bit uniform: tiers
  /// 2k and 2k + 1 take words 0–1 and 2–3 of the block at tier 2k's address (draw 0). Transitions the tables
  /// do not cover go to `rollOverByChunks`.
  func rollOverSponsors(month: Int, firstPath: Int, lanes: Int) {
    let plan = self.plan
    let tables = plan.sponsorTransitions
    let tiers = plan.tierMonthlyAmount.count
    let sets = tables.setCount
    // With more event kinds than the sets cover, a lane whose active events change the rates is not tabulated.
    let setsKnown = plan.eventSetCount > 0
    let rowsPerRates = SponsorTransitionTables.maximumCount + 1
    let key0 = streams.key0, key1 = streams.key1
    let offsets = SIMD4<UInt32>(0, 1, 2, 3)
    tables.rows.withUnsafeBufferPointer { rowBuffer in
      tables.cells.withUnsafeBufferPointer { cellBuffer in
        tables.ratesOfTierAndSet.withUnsafeBufferPointer { ratesBuffer in
          guard let rows = rowBuffer.baseAddress, let ratesOfTierAndSet = ratesBuffer.baseAddress else { return }
          let cells = cellBuffer.baseAddress  // nil when nothing is tabulated

          /// One lane of tier t from its 64-bit uniform.
          @inline(__always)
          func rollOver(tier t: Int, lane: Int, uniform: UInt64) {
            let counts = sponsors + t * capacity
            let count = counts[lane]
            let set = Int(activeEvents[lane])
            let ratesChanged = !setsKnown && (renewalMultiplier[lane] != 1 || newSponsorMultiplier[lane] != 1)
            let rates = Int(ratesOfTierAndSet[t * sets + set])
            let row = rows[rates * rowsPerRates + Int(Swift.min(count, Int32(rowsPerRates - 1)))]
            if let cells, count < Int32(rowsPerRates) && row.size > 0 && !ratesChanged {
              counts[lane] = SponsorTransitionTables.draw(row, cells: cells, uniform: uniform)
            } else {
              counts[lane] = Int32(
                clamping: rollOverByChunks(tier: t, lane: lane, path: firstPath + lane, month: month))
            }
          }

          for pair in stride(from: 0, to: tiers, by: 2) {
            let stream = RandomStreams.Stream.sponsorDraws.rawValue | UInt32(pair)
            let second = pair + 1 < tiers
            for group in stride(from: 0, to: lanes, by: 4) {
              let paths = SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: firstPath + group)) &+ offsets
              let w = Philox4x32.blocks(paths, UInt32(month), stream, 0, key: key0, key1)
              let first = SIMD4<UInt64>(truncatingIfNeeded: w.0) &<< 32 | SIMD4<UInt64>(truncatingIfNeeded: w.1)
              let next = SIMD4<UInt64>(truncatingIfNeeded: w.2) &<< 32 | SIMD4<UInt64>(truncatingIfNeeded: w.3)
              for lane in group..<Swift.min(group + 4, lanes) {
                rollOver(tier: pair, lane: lane, uniform: first[lane - group])
                if second { rollOver(tier: pair + 1, lane: lane, uniform: next[lane - group]) }
              }
            }
          }
        }
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
    let p = Swift.min(1, plan.tierRenewalProbability[t] * renewalFactor)
    let lambda = plan.tierNewPerYear[t] * arrivalFactor
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
