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

/// The mean of the `count` largest values, added in ascending order: their sum over the count and, for when that
/// sum overflows, the mean added term by term (each term at most 1.8e308 / count), shown through `finite`.
package struct TailMean: Sendable {
  package let count: Int
  package private(set) var sum = 0.0
  package private(set) var termwise = 0.0

  package init(count: Int) { self.count = count }

  package mutating func add(_ value: Double) {
    sum += value
    termwise += value / Double(count)
  }

  /// sum / count, or the term-by-term mean (as `RunSummary.finite`) when that is not finite.
  package var mean: Double {
    let mean = sum / Double(count)
    return mean.isFinite ? mean : RunSummary.finite(termwise)
  }
}

extension BinnedSelection {
  /// A bin of keys [lo, hi] sharing their top `bits` bits, holding `count` values with `below` values under it,
  /// and the wanted ranks in it.
  struct Bin {
    var lo: UInt64
    var hi: UInt64
    var bits: Int
    var count: Int
    var below: Int
    var ranks: [Int] = []
  }

  /// Keys [lo, hi] that pass 1 keeps on speculation, `expected` of them by the sample.
  struct SpeculativeRange {
    var lo: UInt64
    var hi: UInt64
    var expected: Int
    /// Dropped: its keys outgrew twice the estimate.
    var dropped = false
  }

  struct Action {
    enum Kind { case collect, tail, refine(bits: Int) }
    var bin: Bin
    var kind: Kind
  }

  /// One variable's tallies and state. Each is mutated by one thread at a time.
  final class Variable: @unchecked Sendable {
    let request: Request
    /// Ascending unique wanted ranks.
    let ranks: [Int]
    var histogram: [UInt32]
    var counted = 0
    var largestKey: UInt64 = 0
    var nans = 0
    var transform: (@Sendable (Double) -> Double)?
    /// Bins whose ranks are not known yet.
    var pending: [Bin] = []
    /// Groups of the largest values not summed yet, ascending.
    var tailGroups: [Bin] = []
    var tailSums: [TailMean]
    var resolved: [Int: UInt64] = [:]
    /// The current pass: its actions by ascending `lo` (disjoint), and what each keeps or counts.
    var plan: [Action] = []
    var lows: [UInt64] = []
    var kept: [[UInt64]] = []
    var subCounts: [[UInt32]] = []
    /// Pass 1's speculative key ranges (ascending, disjoint) and the keys kept in each.
    var speculative: [SpeculativeRange] = [] {
      didSet { speculativeLows = speculative.map(\.lo) }
    }
    /// The ranges' lowest keys, for the search of a key's range.
    private(set) var speculativeLows: [UInt64] = []
    var speculativeKept: [[UInt64]] = []

    init(_ request: Request, bits: Int) {
      precondition(request.ranks.allSatisfy { (0..<request.count).contains($0) })
      precondition(request.tailStarts.allSatisfy { (0..<request.count).contains($0) })
      self.request = request
      ranks = Array(Set(request.ranks)).sorted()
      histogram = [UInt32](repeating: 0, count: 1 << bits)
      tailSums = request.tailStarts.map { TailMean(count: request.count - $0) }
    }

    /// After pass 1: the bin of each wanted rank, and the groups of the largest values from the bin of the first
    /// summed one; ranks inside those groups are read from them.
    func binRanks(bits: Int, capacity: Int) {
      let width = 64 - bits
      let tailStart = request.tailStarts.min()
      var below = 0, next = 0
      for index in histogram.indices {
        let count = Int(histogram[index])
        guard count > 0 else { continue }
        let lo = UInt64(index) << UInt64(width)
        let bin = Bin(lo: lo, hi: lo | Self.mask(width), bits: bits, count: count, below: below)
        if let tailStart, tailStart < below + count {
          // This bin and all above it are the tail's: group them.
          if let last = tailGroups.last, last.count + count <= capacity {
            tailGroups[tailGroups.count - 1].hi = bin.hi
            tailGroups[tailGroups.count - 1].count += count
          } else {
            tailGroups.append(bin)
          }
        } else {
          var ranked = bin
          while next < ranks.count && ranks[next] < below + count {
            ranked.ranks.append(ranks[next])
            next += 1
          }
          if !ranked.ranks.isEmpty { pending.append(ranked) }
        }
        below += count
      }
      histogram = []
      settleFullBins()
    }

    /// The ranges of pass-1 bins that the sample counted so far places each wanted rank in, within six standard
    /// errors of the sample's quantile (and 64 values) either side, merged where they meet; for the sums, every bin
    /// from the first summed rank's, with the same margin, up. Each range expects at most its sample count k plus six
    /// Poisson standard errors and 8, scaled to the whole: (k + 6√k + 8)·N/n keys.
    func speculativeRanges(bits: Int, designEffect: Double) -> [SpeculativeRange] {
      let n = counted, total = request.count
      guard n > 0 else { return [] }
      let width = UInt64(64 - bits)
      // The sample's cumulative counts by bin, and the bin holding a sample rank.
      var cumulative = [Int](repeating: 0, count: histogram.count)
      var running = 0
      for (index, count) in histogram.enumerated() {
        running += Int(count)
        cumulative[index] = running
      }
      func bin(ofSampleRank rank: Int) -> Int {
        let clamped = min(max(rank, 0), n - 1)
        var low = 0, high = cumulative.count - 1
        while low < high {
          let mid = (low + high) / 2
          if cumulative[mid] > clamped { high = mid } else { low = mid + 1 }
        }
        return low
      }
      func margin(_ p: Double) -> Int {
        Int((6 * (Double(n) * p * (1 - p) * designEffect).squareRoot()).rounded(.up)) + 64
      }
      var spans: [(first: Int, last: Int)] = []
      for rank in ranks {
        let p = (Double(rank) + 0.5) / Double(total)
        let centre = Int(p * Double(n))
        let m = margin(p)
        spans.append((bin(ofSampleRank: centre - m), bin(ofSampleRank: centre + m)))
      }
      if let start = request.tailStarts.min() {
        let p = Double(start) / Double(total)
        spans.append((bin(ofSampleRank: Int(p * Double(n)) - margin(p)), histogram.count - 1))
      }
      spans.sort { $0.first < $1.first }
      var merged: [(first: Int, last: Int)] = []
      for span in spans {
        if let last = merged.last, span.first <= last.last + 1 {
          merged[merged.count - 1].last = max(last.last, span.last)
        } else {
          merged.append(span)
        }
      }
      return merged.map { span in
        let sampled = cumulative[span.last] - (span.first > 0 ? cumulative[span.first - 1] : 0)
        let k = Double(sampled)
        let expected = Int(((k + 6 * (k * designEffect).squareRoot() + 8) * Double(total) / Double(n)).rounded(.up))
        return SpeculativeRange(
          lo: UInt64(span.first) << width, hi: UInt64(span.last) << width | Self.mask(Int(width)), expected: expected)
      }
    }

    func keepSpeculatively(_ values: UnsafeBufferPointer<Double>) {
      guard let first = speculative.first?.lo, let last = speculative.last?.hi else { return }
      for x in values {
        let key = RadixSort.key(x)
        guard key >= first && key <= last else { continue }
        let low = Self.lastStart(atOrBelow: key, in: speculativeLows)
        guard key <= speculative[low].hi, !speculative[low].dropped else { continue }
        guard speculativeKept[low].count < speculative[low].expected else {
          // More than the sample allows for: drop it rather than outgrow the budget (a later pass reads its bins).
          speculative[low].dropped = true
          speculativeKept[low] = []
          continue
        }
        speculativeKept[low].append(key)
      }
    }

    /// After `binRanks`: the pending bins and the groups of sums that lie inside a speculative range take their keys
    /// from it, as a later pass's `finishPass` would; the ranges are then freed.
    func settleSpeculation() {
      guard !speculative.isEmpty else { return }

      for slot in speculativeKept.indices where !speculative[slot].dropped { speculativeKept[slot].sort() }
      /// The sorted keys of [lo, hi] when a kept range holds all of it.
      func keys(_ lo: UInt64, _ hi: UInt64) -> ArraySlice<UInt64>? {
        guard
          let slot = speculative.firstIndex(where: { $0.lo <= lo && hi <= $0.hi }), !speculative[slot].dropped
        else { return nil }
        let kept = speculativeKept[slot]
        func firstIndex(atLeast key: UInt64) -> Int {
          var low = 0, high = kept.count
          while low < high {
            let mid = (low + high) / 2
            if kept[mid] < key { low = mid + 1 } else { high = mid }
          }
          return low
        }
        let start = firstIndex(atLeast: lo)
        let end = hi == .max ? kept.count : firstIndex(atLeast: hi + 1)
        return kept[start..<end]
      }
      pending.removeAll { bin in
        guard let found = keys(bin.lo, bin.hi) else { return false }
        precondition(found.count == bin.count, "speculation kept \(found.count) values of a bin of \(bin.count)")
        for rank in bin.ranks { resolved[rank] = found[found.startIndex + rank - bin.below] }
        return true
      }
      // The groups of sums in ascending order, as long as each is held whole.
      while let group = tailGroups.first, let found = keys(group.lo, group.hi) {
        precondition(found.count == group.count, "speculation kept \(found.count) values of a group of \(group.count)")
        let keys = Array(found)
        for rank in ranks where rank >= group.below && rank < group.below + group.count {
          resolved[rank] = keys[rank - group.below]
        }
        addToSums(keys, below: group.below)
        tailGroups.removeFirst()
      }
      speculative = []
      speculativeKept = []
    }

    /// The index of the last of the ascending `starts` at or below `key` (0 when none is; the caller has checked
    /// that key ≥ starts[0]).
    static func lastStart(atOrBelow key: UInt64, in starts: [UInt64]) -> Int {
      var low = 0, high = starts.count
      while high - low > 1 {
        let mid = (low + high) / 2
        if starts[mid] <= key { low = mid } else { high = mid }
      }
      return low
    }

    /// Keys whose low `width` bits vary: 2^width − 1 (all ones for 64).
    static func mask(_ width: Int) -> UInt64 { width >= 64 ? .max : (1 << UInt64(width)) - 1 }

    /// A bin of all 64 bits holds a single key: its ranks are that key.
    func settleFullBins() {
      for bin in pending where bin.bits == 64 {
        for rank in bin.ranks { resolved[rank] = bin.lo }
      }
      pending.removeAll { $0.bits == 64 }
    }

    func startPass() {
      plan.sort { $0.bin.lo < $1.bin.lo }
      lows = plan.map(\.bin.lo)
      kept = plan.map { action in
        if case .refine = action.kind { return [] }
        var keys: [UInt64] = []
        keys.reserveCapacity(action.bin.count)
        return keys
      }
      subCounts = plan.map { action in
        if case .refine(let subBits) = action.kind { return [UInt32](repeating: 0, count: 1 << subBits) }
        return []
      }
      let planned = Set(plan.map(\.bin.lo))
      pending.removeAll { planned.contains($0.lo) }
    }

    func collect(_ values: UnsafeBufferPointer<Double>) {
      guard let first = lows.first, let last = plan.last?.bin.hi else { return }
      for x in values {
        let key = RadixSort.key(x)
        guard key >= first && key <= last else { continue }
        let low = Self.lastStart(atOrBelow: key, in: lows)
        let action = plan[low]
        guard key <= action.bin.hi else { continue }
        switch action.kind {
        case .collect, .tail:
          kept[low].append(key)
        case .refine(let subBits):
          let shift = UInt64(64 - action.bin.bits - subBits)
          subCounts[low][Int((key - action.bin.lo) >> shift)] += 1
        }
      }
    }

    func finishPass() {
      for (slot, action) in plan.enumerated() {
        let bin = action.bin
        switch action.kind {
        case .collect, .tail:
          // Sorted in place: a sorted copy would hold the bin's keys twice (80 MB more at 100M paths' worst 10%).
          kept[slot].sort()
          let keys = kept[slot]
          kept[slot] = []
          precondition(keys.count == bin.count, "a pass saw \(keys.count) values in a bin of \(bin.count)")
          for rank in ranks where rank >= bin.below && rank < bin.below + bin.count {
            resolved[rank] = keys[rank - bin.below]
          }
          if case .tail = action.kind { addToSums(keys, below: bin.below) }
        case .refine(let subBits):
          let width = 64 - bin.bits - subBits
          var below = bin.below, next = 0
          let wanted = bin.ranks.sorted()
          for (index, count32) in subCounts[slot].enumerated() where count32 > 0 {
            let count = Int(count32)
            let lo = bin.lo + (UInt64(index) << UInt64(width))
            var sub = Bin(lo: lo, hi: lo | Self.mask(width), bits: bin.bits + subBits, count: count, below: below)
            while next < wanted.count && wanted[next] < below + count {
              sub.ranks.append(wanted[next])
              next += 1
            }
            if !sub.ranks.isEmpty { pending.append(sub) }
            below += count
          }
          precondition(below == bin.below + bin.count, "a pass saw other values in a refined bin")
        }
      }
      plan = []
      lows = []
      kept = []
      subCounts = []
      settleFullBins()
    }

    /// Adds the ascending keys of a group (ranks below … below + keys.count − 1) to each sum that has begun.
    /// A group wholly below a sum's start adds nothing to it (with several groups, a later start's sum begins in a
    /// later group).
    private func addToSums(_ keys: [UInt64], below: Int) {
      for (j, start) in request.tailStarts.enumerated() {
        let from = max(0, start - below)
        guard from < keys.count else { continue }
        var sum = tailSums[j]
        for i in from..<keys.count {
          let value = RadixSort.value(keys[i])
          sum.add(transform.map { $0(value) } ?? value)
        }
        tailSums[j] = sum
      }
    }
  }
}
