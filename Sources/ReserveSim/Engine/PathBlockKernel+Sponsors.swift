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
              counts[lane] = rollOverByChunks(tier: t, lane: lane, path: firstPath + lane, month: month)
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

  /// The roll-over of one lane of tier t by the exact chunked samplers of `Distributions`, at the lane's own
  /// rates: chunk c takes the block at tier t's address with draw c + 1, words 0–1 for the renewals and 2–3
  /// for the arrivals.
  @inline(never)
  func rollOverByChunks(tier t: Int, lane: Int, path: Int, month: Int) -> Int32 {
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
    return Int32(clamping: renewed + joined)
  }
}
