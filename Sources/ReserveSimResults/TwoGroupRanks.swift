/// Exact rank statistics of one variable whose values fall in two groups (A and B), read again pass after pass (a
/// run re-simulates its paths, SPEC §8), in memory that does not grow with the count (issue #23): the sum R_A of
/// group A's mid-ranks in the pooled sample (ties share the mean of their ranks), from which Cliff's δ and the
/// Mann–Whitney U follow, and order statistics within each group.
///
/// Values are ordered by the order-preserving 64-bit key k(x) (`RadixSort.key`; −0 is read as +0, so equal values
/// have equal keys). **Pass 1** counts each group's values in 2^b bins of the keys' top bits, with each bin's least
/// and greatest key. Walking the bins upwards with the pooled count `below` under each, a bin of a + b values adds to
/// 2R_A exactly when its order is known without its keys:
/// - one key only (least = greatest: all tied): each A value's mid-rank is below + (a + b + 1)/2;
/// - group A only: its ranks are below + 1 … below + a, whatever the ties (mid-ranks keep the sum);
/// - group B only: nothing.
/// A bin with both groups and more than one key is **pending**, as is a bin that holds a wanted rank of a group
/// (unless it has one key). **Each later pass** keeps the keys of the pending bins that fit the room it is given
/// (with their group), sorts them and reads their mid-ranks and wanted ranks; the others are **refined**: counted
/// again by their next bits (up to 16, as many as the histogram budget allows) into sub-bins, each handled as in
/// pass 1 for the pass after. Every tally is a whole number (2R_A is one), so the answer is the sort's, bit for bit.
package final class TwoGroupRanks: @unchecked Sendable {
  /// A range of keys: those whose top `bits` bits are `prefix`'s, with the counts of each group under it.
  struct Bin {
    var prefix: UInt64
    var bits: Int
    /// Values of groups A and B in the bin.
    var a: Int, b: Int
    /// Values of both groups below the bin, and of each group.
    var below: Int, belowA: Int, belowB: Int
    /// Whether the bin's A values' mid-ranks are still to be added to 2R_A (both groups, more than one key).
    var ranksUnknown: Bool

    var lowest: UInt64 { prefix << (64 - bits) }
    var highest: UInt64 { lowest | (UInt64.max >> bits) }
  }

  /// A bin's tallies from a counting pass: each group's values and the least and greatest key.
  struct SubBin {
    var prefix: UInt64
    var a: Int, b: Int
    var least: UInt64, greatest: UInt64
  }

  /// What a later pass does with a pending bin.
  enum Plan {
    case collect
    case refine(bits: Int)
  }

  let bits: Int
  let histogramBytes: Int
  private var countA: [Int], countB: [Int], least: [UInt64], greatest: [UInt64]
  /// 2R_A so far.
  private(set) var twiceRankSum = 0
  private var wantedA: Set<Int> = [], wantedB: Set<Int> = []
  private var resolvedA: [Int: UInt64] = [:], resolvedB: [Int: UInt64] = [:]
  private(set) var pending: [Bin] = []
  private var plans: [Plan] = []
  /// A later pass's kept keys and their groups (per bin to collect) or sub-bin tallies (per bin to refine).
  private var kept: [(keys: [UInt64], inA: [Bool])] = []
  private var subCounts: [(a: [Int], b: [Int], least: [UInt64], greatest: [UInt64])] = []

  /// Bytes a kept value takes in a later pass: its key and its group.
  package static let keptBytes = 9

  /// - Parameter histogramBytes: pass 1's bins (32 bytes each) and a later pass's sub-bins.
  package init(histogramBytes: Int) {
    let bins = max(16, histogramBytes / 32)
    bits = min(16, max(4, Int.bitWidth - 1 - bins.leadingZeroBitCount))
    self.histogramBytes = histogramBytes
    countA = [Int](repeating: 0, count: 1 << bits)
    countB = countA
    least = [UInt64](repeating: .max, count: 1 << bits)
    greatest = [UInt64](repeating: 0, count: 1 << bits)
  }

  @inline(__always)
  static func key(_ x: Double) -> UInt64 { RadixSort.key(x + 0.0) }

  // MARK: Pass 1

  /// Pass 1: counts `values`, each in group A where `inA` is true.
  package func count(_ values: UnsafeBufferPointer<Double>, inA: UnsafeBufferPointer<Bool>) {
    let shift = UInt64(64 - bits)
    for i in values.indices {
      let key = Self.key(values[i])
      let bin = Int(key >> shift)
      if inA[i] { countA[bin] += 1 } else { countB[bin] += 1 }
      least[bin] = min(least[bin], key)
      greatest[bin] = max(greatest[bin], key)
    }
  }

  /// Ends pass 1: adds what the bins tell of 2R_A and finds the pending bins, for the wanted 0-based ranks of each
  /// group.
  package func finishCounting(wantedA: [Int], wantedB: [Int]) {
    self.wantedA = Set(wantedA)
    self.wantedB = Set(wantedB)
    let bins: [SubBin] = (0..<(1 << bits)).map { (bin: Int) -> SubBin in
      SubBin(prefix: UInt64(bin), a: countA[bin], b: countB[bin], least: least[bin], greatest: greatest[bin])
    }
    walk(bins, bits: bits, below: 0, belowA: 0, belowB: 0, ranksUnknown: true)
    countA = []
    countB = []
    least = []
    greatest = []
  }

  /// Handles consecutive bins of `bits` bits (ascending) that start with `below` values under them (`belowA`,
  /// `belowB` of each group): adds what each tells of 2R_A (when `ranksUnknown`: the parent's mid-ranks are still to
  /// be added), resolves wanted ranks in bins of one key, and keeps the others as pending.
  private func walk(
    _ bins: [SubBin], bits: Int, below start: Int, belowA startA: Int, belowB startB: Int, ranksUnknown: Bool
  ) {
    var below = start, belowA = startA, belowB = startB
    for bin in bins where bin.a + bin.b > 0 {
      let single = bin.least == bin.greatest
      let wantsA = wantedA.contains { $0 >= belowA && $0 < belowA + bin.a }
      let wantsB = wantedB.contains { $0 >= belowB && $0 < belowB + bin.b }
      var unknown = false
      if ranksUnknown {
        if single {
          twiceRankSum += bin.a * (2 * below + bin.a + bin.b + 1)
        } else if bin.b == 0 {
          twiceRankSum += bin.a * (2 * below + bin.a + 1)
        } else if bin.a > 0 {
          unknown = true
        }
      }
      if single {
        for rank in wantedA where rank >= belowA && rank < belowA + bin.a { resolvedA[rank] = bin.least }
        for rank in wantedB where rank >= belowB && rank < belowB + bin.b { resolvedB[rank] = bin.least }
      } else if unknown || wantsA || wantsB {
        pending.append(
          Bin(
            prefix: bin.prefix, bits: bits, a: bin.a, b: bin.b, below: below, belowA: belowA, belowB: belowB,
            ranksUnknown: unknown))
      }
      below += bin.a + bin.b
      belowA += bin.a
      belowB += bin.b
    }
  }

  // MARK: Later passes

  /// Values in the pending bins.
  package var pendingValues: Int { pending.reduce(0) { $0 + $1.a + $1.b } }

  /// Whether 2R_A and every wanted rank are known.
  package var isDone: Bool { pending.isEmpty }

  /// Plans the next pass: the pending bins that fit in `room` (values kept, shared with other variables; what they
  /// take is taken off) are collected, smallest first; the others are refined.
  package func planPass(room: inout Int) {
    let order = pending.indices.sorted { pending[$0].a + pending[$0].b < pending[$1].a + pending[$1].b }
    plans = [Plan](repeating: .collect, count: pending.count)
    var refined: [Int] = []
    for i in order {
      let size = pending[i].a + pending[i].b
      if size <= room {
        room -= size
      } else {
        refined.append(i)
      }
    }
    // The sub-bins of every refined bin share the histogram budget (32 bytes a sub-bin).
    let perBin = max(2, histogramBytes / (32 * max(1, refined.count)))
    let subBits = min(16, Int.bitWidth - 1 - perBin.leadingZeroBitCount)
    for i in refined { plans[i] = .refine(bits: min(subBits, 64 - pending[i].bits)) }
    kept = pending.indices.map { i in
      guard case .collect = plans[i] else { return ([], []) }
      var keys: [UInt64] = [], inA: [Bool] = []
      keys.reserveCapacity(pending[i].a + pending[i].b)
      inA.reserveCapacity(pending[i].a + pending[i].b)
      return (keys, inA)
    }
    subCounts = pending.indices.map { i in
      guard case .refine(let more) = plans[i] else { return ([], [], [], []) }
      return (
        [Int](repeating: 0, count: 1 << more), [Int](repeating: 0, count: 1 << more),
        [UInt64](repeating: .max, count: 1 << more), [UInt64](repeating: 0, count: 1 << more)
      )
    }
  }

  /// A later pass: keeps or counts the values that fall in the pending bins.
  package func collect(_ values: UnsafeBufferPointer<Double>, inA: UnsafeBufferPointer<Bool>) {
    guard !pending.isEmpty else { return }
    // The pending bins are disjoint ranges of keys, ascending.
    let starts = pending.map(\.lowest)
    for i in values.indices {
      let key = Self.key(values[i])
      var low = 0, high = starts.count
      while high - low > 1 {
        let mid = (low + high) / 2
        if starts[mid] <= key { low = mid } else { high = mid }
      }
      guard starts[low] <= key, key <= pending[low].highest else { continue }
      switch plans[low] {
      case .collect:
        kept[low].keys.append(key)
        kept[low].inA.append(inA[i])
      case .refine(let more):
        let sub = Int((key << UInt64(pending[low].bits)) >> UInt64(64 - more))
        if inA[i] { subCounts[low].a[sub] += 1 } else { subCounts[low].b[sub] += 1 }
        subCounts[low].least[sub] = min(subCounts[low].least[sub], key)
        subCounts[low].greatest[sub] = max(subCounts[low].greatest[sub], key)
      }
    }
  }

  /// Ends a later pass: reads the collected bins' mid-ranks and wanted ranks, and splits the refined ones.
  package func finishPass() {
    let bins = pending
    pending = []
    for (i, bin) in bins.enumerated() {
      switch plans[i] {
      case .collect:
        var keys = zip(kept[i].keys, kept[i].inA).map { (key: $0, inA: $1) }
        kept[i] = ([], [])
        keys.sort { $0.key < $1.key }
        var start = 0, seenA = 0, seenB = 0
        while start < keys.count {
          var end = start
          while end < keys.count && keys[end].key == keys[start].key { end += 1 }
          let a = keys[start..<end].reduce(0) { $0 + ($1.inA ? 1 : 0) }, b = end - start - a
          if bin.ranksUnknown { twiceRankSum += a * (2 * (bin.below + start) + a + b + 1) }
          for rank in wantedA where rank >= bin.belowA + seenA && rank < bin.belowA + seenA + a {
            resolvedA[rank] = keys[start].key
          }
          for rank in wantedB where rank >= bin.belowB + seenB && rank < bin.belowB + seenB + b {
            resolvedB[rank] = keys[start].key
          }
          seenA += a
          seenB += b
          start = end
        }
      case .refine(let more):
        let counts = subCounts[i]
        let base: UInt64 = bin.prefix << UInt64(more)
        let subBins: [SubBin] = (0..<(1 << more)).map { (sub: Int) -> SubBin in
          SubBin(
            prefix: base | UInt64(sub), a: counts.a[sub], b: counts.b[sub], least: counts.least[sub],
            greatest: counts.greatest[sub])
        }
        walk(
          subBins, bits: bin.bits + more, below: bin.below, belowA: bin.belowA, belowB: bin.belowB,
          ranksUnknown: bin.ranksUnknown)
      }
    }
    pending.sort { $0.lowest < $1.lowest }
    kept = []
    subCounts = []
  }

  // MARK: Answers

  /// R_A, the sum of group A's mid-ranks in the pooled sample (1-based), once known.
  package var rankSum: Double { Double(twiceRankSum) / 2 }

  /// The value of 0-based rank `rank` of group A (`inA`) or B, once known.
  package func orderStatistic(inA: Bool, rank: Int) -> Double {
    guard let key = (inA ? resolvedA : resolvedB)[rank] else { preconditionFailure("rank \(rank) was not asked for") }
    return RadixSort.value(key)
  }
}
