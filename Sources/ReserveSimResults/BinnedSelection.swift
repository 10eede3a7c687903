/// Exact order statistics, and sums of the largest values in ascending order, of variables whose values are read
/// again pass after pass (a run re-simulates its paths, SPEC §8), in memory that does not grow with the count
/// (issue #23).
///
/// Each value x has the order-preserving 64-bit key k(x) (`RadixSort.key`: x < y ⇔ k(x) < k(y) for non-NaN
/// values; −0 just before +0). **Pass 1** counts, per variable, the values in each of 2^b bins of the keys' top b
/// bits (`count`). The wanted rank r (0-based) lies in the bin where the running count first exceeds r: the bin
/// [lo, hi] of keys with `below` values under it holds ranks below … below + count − 1. **Each later pass**
/// (`collect`) keeps only the keys inside the bins that hold a wanted rank, sorts them, and reads rank r as
/// `sorted[r − below]`; a bin too full for the budget is **refined** instead (its values are counted by their next
/// bits, as in pass 1, so its ranks fall into narrower bins for the next pass), and a bin of all 64 bits holds one
/// key, which is its value. The result is the element of the ascending sort at each rank, bit for bit.
///
/// The largest values of a variable whose ascending sum is wanted (`Request.tailStarts`) are taken from the bin of
/// the first of them upwards, in groups of consecutive bins that fit the budget, in ascending order: one group per
/// pass at least, so the sums are added in the same order as over the sorted array. A single pass-1 bin with more
/// values than the budget is collected whole (not refined; it would need ties in the top of the needs).
///
/// **Speculation** saves pass 2 in the common case: after pass 1 has counted a first sample of the values
/// (`speculate`), each wanted rank's place is estimated from the sample's bins, and the rest of pass 1 (the sample
/// again included, `keep`) also keeps the keys in a range of bins around each estimate — wide enough for six
/// standard errors of the sample's quantile — and, for the sums, every key from a little below the first summed
/// one. When pass 1 ends, a bin that holds a wanted rank and lies inside a kept range has all its keys at hand:
/// its ranks (and the groups of sums inside such ranges) are read as a later pass would read them, bit for bit.
/// Only what speculation missed takes a later pass. A range whose keys outgrow their estimate (the sample's count
/// plus six of its standard errors, scaled up) is dropped, so speculation never holds more than the budget.
///
/// Every tally is a count or a list of keys, so two runs' pass-1 histograms add (for shards of a run).
package final class BinnedSelection: @unchecked Sendable {
  /// What one variable needs.
  package struct Request: Sendable {
    /// The values the variable has (N).
    package var count: Int
    /// The wanted ranks, 0-based (0 … N − 1), in any order, repeats allowed.
    package var ranks: [Int]
    /// The 0-based ranks from which an ascending sum to the largest value is wanted, one sum each.
    package var tailStarts: [Int] = []

    package init(count: Int, ranks: [Int], tailStarts: [Int] = []) {
      self.count = count
      self.ranks = ranks
      self.tailStarts = tailStarts
    }
  }

  /// The bits of pass 1's bins, the same for every variable: as many as the histogram budget allows, 4 to 24.
  package let bits: Int
  /// Keys the budget holds at once in a pass.
  package let capacity: Int
  /// Bytes the refinement histograms of one pass may take.
  let refinementBytes: Int
  let variables: [Variable]
  /// Passes made so far (1 after pass 1).
  package private(set) var passes = 0

  /// - Parameters:
  ///   - histogramBytes: pass 1's bins (4 bytes each, 2^`bits` per variable) and a later pass's refinements.
  ///   - collectedBytes: the keys a later pass keeps (8 bytes each).
  package init(_ requests: [Request], histogramBytes: Int, collectedBytes: Int) {
    let perVariable = max(1, histogramBytes / (4 * max(1, requests.count)))
    let bits = min(24, max(4, Int.bitWidth - 1 - perVariable.leadingZeroBitCount))
    self.bits = bits
    capacity = max(1, collectedBytes / 8)
    refinementBytes = histogramBytes
    variables = requests.map { Variable($0, bits: bits) }
  }

  /// Pass 1's speculation (see the type's note): after `speculate`, pass 1 also `keep`s each variable's keys in its
  /// speculative ranges, up to the collected budget in all. Call it once, after counting a first sample (a first
  /// chunk of every variable).
  /// - Parameter designEffects: per variable, how much more a sample count varies than among independent values
  ///   (paths that share their estimates, SPEC §22, are not independent): the margins widen by its square root.
  package func speculate(designEffects: [Double]? = nil) {
    var room = capacity
    // The variables in order; each takes its ranges while the estimated keys fit what is left.
    for (index, v) in variables.enumerated() {
      let ranges = v.speculativeRanges(bits: bits, designEffect: max(1, designEffects?[index] ?? 1))
      let needed = ranges.reduce(0) { $0 + $1.expected }
      guard needed <= room else { continue }
      room -= needed
      v.speculative = ranges
      v.speculativeKept = ranges.map { range in
        var keys: [UInt64] = []
        keys.reserveCapacity(range.expected)
        return keys
      }
    }
  }

  /// Pass 1 with speculation: keeps the keys of `values` in variable `variable`'s speculative ranges (the values
  /// already counted by `count`, once each). Calls for different variables may run at the same time.
  package func keep(_ variable: Int, _ values: UnsafeBufferPointer<Double>) {
    variables[variable].keepSpeculatively(values)
  }

  /// Whether every wanted rank and sum is known.
  package var isDone: Bool { variables.allSatisfy { $0.pending.isEmpty && $0.tailGroups.isEmpty } }

  // MARK: Pass 1

  /// Pass 1: counts `values` of variable `variable`. Calls for different variables may run at the same time.
  package func count(_ variable: Int, _ values: UnsafeBufferPointer<Double>) {
    let v = variables[variable]
    let shift = UInt64(64 - bits)
    var largest = v.largestKey, nans = 0
    v.histogram.withUnsafeMutableBufferPointer { histogram in
      for x in values {
        let key = RadixSort.key(x)
        histogram[Int(key >> shift)] &+= 1
        largest = max(largest, key)
        if x.isNaN { nans += 1 }
      }
    }
    v.largestKey = largest
    v.nans += nans
    v.counted += values.count
  }

  /// Whether variable `variable` has a non-finite value at its top or a NaN anywhere (known after pass 1): the
  /// summary then shows its values through `RunSummary.finite`.
  package func overflowed(_ variable: Int) -> Bool {
    let v = variables[variable]
    return !RadixSort.value(v.largestKey).isFinite || v.nans > 0
  }

  /// Ends pass 1: finds each wanted rank's bin and the groups of the largest values. `transform` maps a value to
  /// what the sums add (RunSummary's `finite` when the variable overflowed).
  package func finishCounting(transform: (Int) -> (@Sendable (Double) -> Double)?) {
    for (index, v) in variables.enumerated() {
      precondition(v.counted == v.request.count, "variable \(index): \(v.counted) values, not \(v.request.count)")
      v.transform = transform(index)
      v.binRanks(bits: bits, capacity: capacity)
      v.settleSpeculation()
    }
    passes = 1
  }

  // MARK: Later passes

  /// Plans the next pass: which bins' keys it keeps and which it refines, within the budget.
  /// - Returns: whether the pass after it is already known to be needed (a refinement or more groups of sums).
  @discardableResult
  package func planPass() -> Bool {
    var room = capacity
    var taken = false
    for v in variables {
      v.plan.removeAll()
      var end = 0
      while end < v.tailGroups.count, v.tailGroups[end].count <= room {
        room -= v.tailGroups[end].count
        end += 1
      }
      v.plan.append(contentsOf: v.tailGroups[..<end].map { Action(bin: $0, kind: .tail) })
      v.tailGroups.removeFirst(end)
      taken = taken || end > 0
    }
    var bins: [(variable: Variable, bin: Bin)] = []
    for v in variables { bins += v.pending.map { (v, $0) } }
    bins.sort { $0.bin.count < $1.bin.count }
    var refined: [(variable: Variable, bin: Bin)] = []
    for (v, bin) in bins {
      if bin.count <= room {
        room -= bin.count
        v.plan.append(Action(bin: bin, kind: .collect))
      } else {
        refined.append((v, bin))
      }
    }
    if !taken, bins.isEmpty, let v = variables.first(where: { !$0.tailGroups.isEmpty }) {
      // A group larger than the budget on its own: taken whole (see the type's note).
      v.plan.append(Action(bin: v.tailGroups.removeFirst(), kind: .tail))
    }
    if !refined.isEmpty {
      let perBin = max(2, refinementBytes / (4 * refined.count))
      let subBits = min(16, Int.bitWidth - 1 - perBin.leadingZeroBitCount)
      for (v, bin) in refined {
        v.plan.append(Action(bin: bin, kind: .refine(bits: min(subBits, 64 - bin.bits))))
      }
    }
    for v in variables { v.startPass() }
    return !refined.isEmpty || variables.contains { !$0.tailGroups.isEmpty }
  }

  /// A later pass: keeps or counts the keys of `values` that fall in the planned bins of variable `variable`.
  /// Calls for different variables may run at the same time.
  package func collect(_ variable: Int, _ values: UnsafeBufferPointer<Double>) {
    variables[variable].collect(values)
  }

  /// Ends a later pass: selects the ranks in the bins kept, adds the groups of sums, splits the refined bins.
  package func finishPass() {
    for v in variables { v.finishPass() }
    passes += 1
  }

  // MARK: Answers

  /// The value of 0-based rank `rank` of variable `variable` in ascending (key) order, once known.
  package func orderStatistic(_ variable: Int, rank: Int) -> Double {
    guard let key = variables[variable].resolved[rank] else { preconditionFailure("rank \(rank) was not asked for") }
    return RadixSort.value(key)
  }

  /// The sums from each of the variable's `tailStarts` to its largest value, in ascending order, once known.
  package func tailMeans(_ variable: Int) -> [TailMean] { variables[variable].tailSums }
}
