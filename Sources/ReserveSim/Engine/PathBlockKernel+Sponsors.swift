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
  func rollOverSponsors(month: Int, firstPath: Int, lanes: Int) {
    let plan = self.plan
    let chunkTrials = Distributions.binomialChunk
    let key0 = streams.key0, key1 = streams.key1
    let offsets = SIMD4<UInt32>(0, 1, 2, 3)
    for t in 0..<plan.tierMonthlyAmount.count {
      let renewal = plan.tierRenewalProbability[t]
      let arrivals = plan.tierNewPerYear[t]
      let tables = plan.tierTables[t]
      // ln p, ln(1 − p) and the Poisson chunking at the tier's own rates, for the draws the tables do not cover.
      let baseLogs = (VectorMath.log(renewal), VectorMath.log(1 - renewal))
      let baseChunks = arrivals > 0 ? Int((arrivals / Distributions.poissonChunk).rounded(.up)) : 0
      let baseMassAtZero = baseChunks > 0 ? VectorMath.exp(-arrivals / Double(baseChunks)) : 1
      let counts = sponsors + t * capacity
      let stream = RandomStreams.Stream.sponsorDraws.rawValue | UInt32(t)
      for group in stride(from: 0, to: lanes, by: 4) {
        // The first draw of four lanes at once; further chunks (counts above 512, means above 500) below.
        let paths = SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: firstPath + group)) &+ offsets
        let first = Philox4x32.blocks(paths, UInt32(month), stream, 0, key: key0, key1)
        for lane in group..<Swift.min(group + 4, lanes) {
          let j = lane - group
          let count = Int(counts[lane])
          let renewalFactor = renewalMultiplier[lane], arrivalFactor = newSponsorMultiplier[lane]
          let p = Swift.min(1, renewal * renewalFactor)
          let lambda = arrivals * arrivalFactor
          if (p >= 1 || p <= 0 || count == 0) && lambda <= 0 {
            counts[lane] = p >= 1 ? Int32(count) : 0
            continue
          }
          let renewalUniform = RandomStreams.unit53(first.0[j], first.1[j])
          let arrivalUniform = RandomStreams.unit53(first.2[j], first.3[j])
          // The common case: the tier's own rates, a count the tables cover, one chunk each.
          if renewalFactor == 1 && arrivalFactor == 1 && count <= SponsorInversionTables.maximumCount
            && (lambda <= 0 || tables.tabulatesArrivals)
          {
            let renewed =
              tables.renewalIsCertainOrImpossible
              ? (p >= 1 ? count : 0) : tables.renewals(of: count, uniform: renewalUniform)
            let joined = lambda > 0 ? tables.arrivals(uniform: arrivalUniform) : 0
            counts[lane] = Int32(clamping: renewed + joined)
            continue
          }
          let logs = renewalFactor == 1 ? baseLogs : (VectorMath.log(p), VectorMath.log(1 - p))
          let binomialChunks = (count + chunkTrials - 1) / chunkTrials
          let poissonChunks: Int
          let massAtZero: Double
          if arrivalFactor == 1 {
            (poissonChunks, massAtZero) = (baseChunks, baseMassAtZero)
          } else {
            poissonChunks = lambda > 0 ? Int((lambda / Distributions.poissonChunk).rounded(.up)) : 0
            massAtZero = poissonChunks > 0 ? VectorMath.exp(-lambda / Double(poissonChunks)) : 1
          }
          var renewed = 0, joined = 0
          for chunk in 0..<Swift.max(binomialChunks, poissonChunks) {
            let w =
              chunk == 0
              ? (first.0[j], first.1[j], first.2[j], first.3[j])
              : streams.words(
                path: UInt32(truncatingIfNeeded: firstPath + lane), month: UInt32(month), stream: .sponsorDraws,
                index: UInt32(t), draw: UInt32(chunk))
            if chunk < binomialChunks {
              renewed += Distributions.binomialChunk(
                trials: Swift.min(chunkTrials, count - chunk * chunkTrials), probability: p, logProbability: logs.0,
                logFailure: logs.1, uniform: RandomStreams.unit53(w.0, w.1))
            }
            if chunk < poissonChunks {
              joined += Distributions.poissonChunk(
                mean: lambda / Double(poissonChunks), massAtZero: massAtZero, uniform: RandomStreams.unit53(w.2, w.3))
            }
          }
          counts[lane] = Int32(clamping: renewed + joined)
        }
      }
    }
  }
}
