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
