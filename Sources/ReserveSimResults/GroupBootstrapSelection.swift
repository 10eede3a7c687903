import ReserveSimEngine

/// The bootstrap over groups of one variable's needs (SPEC §22), streamed: the same intervals as
/// `GroupedNeeds.bootstrapIntervals`, bit for bit, from passes over the paths in path order instead of every need
/// sorted side by side (issue #23).
///
/// Resample r gives group j the weight w_rj (`GroupedNeeds.drawResamples`, the same draws), and its answer at
/// confidence c is the least need v with W_r(> v) = Σ_{needs x > v} w_{r,g(x)} ≤ A_c = N − ⌈cN⌉ — the need at the
/// first position, walking down the sorted needs, where the weights walked reach past A_c. That is a weighted
/// order statistic, found as `BinnedSelection` finds a plain one, in bins of the needs' order-preserving keys
/// (`RadixSort.key`):
/// - pass 1 counts every need's weight for every resample in bins of its key's top 16 bits; for each (r, c) the
///   target bin is the first, from the top, whose weight takes W past A_c, and W above it is kept;
/// - while the needs in the targets are too many to keep (`collectLimit`), a pass counts, for each (r, c), the
///   weights in the next 8 bits of its own target only (16, 24, …, 64 bits; each level divides a target's needs by
///   about 256, so one is enough below some 10⁹ paths);
/// - then a pass keeps the needs in the targets with their groups, and each (r, c) walks its target from the top
///   as the sorted walk would, from the weight above it. At 64 bits a target is a single key and needs no walk.
///
/// Speculation (`speculate`) usually saves that second pass: from the run's first chunk, pass 1 guesses the bins the
/// targets will fall in and keeps their needs as it counts; when every target is among them, the walks read those.
///
/// Memory: the weights (200 bytes a group), the pass-1 bins that hold needs (1.6 KB each, a few thousand at most
/// for needs in dollars), at deeper levels 2 KB for each (r, c) and each distinct target, and at most
/// `collectLimit` needs kept (16 bytes each) — none of it grows with the paths beyond the weights.
package final class GroupBootstrapSelection: @unchecked Sendable {
  /// What the next pass does.
  package enum Stage: Equatable {
    /// Counts weights in the bins below the targets' `bits` top key bits.
    case counting
    /// Keeps the needs inside the targets.
    case collecting
    /// Every answer is known.
    case done
  }

  /// The resamples' weights, transposed: `values[j · resamples + r]` = w_rj. A weight over 255 would need one group
  /// drawn 256 times out of J draws — about e⁻¹/256! for any J.
  package struct Weights: Sendable {
    package let groups: Int
    let values: [UInt8]

    package init(groups: Int) {
      let resamples = GroupedNeeds.resamples
      var values = [UInt8](repeating: 0, count: groups * resamples)
      GroupedNeeds.drawResamples(groups: groups) { r, j in
        let at = j * resamples + r
        precondition(values[at] < .max, "a bootstrap weight over 255")
        values[at] += 1
      }
      self.groups = groups
      self.values = values
    }
  }

  let inner: Int
  let paths: Int
  let confidences: [Double]
  let weights: Weights
  /// The most needs a collecting pass keeps.
  let collectLimit: Int
  /// The memory each need kept takes: its key and its group.
  package static let bytesPerCollectedNeed = MemoryLayout<(key: UInt64, group: UInt32)>.stride

  /// The counts' memory beyond the needs kept, for `confidences` confidences: pass 1's bin index and up to 4,096
  /// bins (needs over more than 256 binades would take more), or a deeper level's counts.
  static func countingBytes(confidences: Int) -> Int {
    let pass1 = (1 << firstBits) * 4 + 4_096 * (resamples + 1) * 8
    let deeper = 2 * resamples * confidences * (1 << levelBits) * 8
    return max(pass1, deeper)
  }

  /// A_c = N − ⌈cN⌉ per confidence.
  private let tails: [Int64]
  private static let resamples = GroupedNeeds.resamples
  /// Key bits counted at pass 1 and at each deeper level.
  private static let firstBits = 16
  private static let levelBits = 8

  package private(set) var stage = Stage.counting
  /// Top key bits that fix each target (0 in pass 1: one target, everything).
  private var bits = 0
  /// Per (r, c), at r · C + c: the target (the top `bits` bits of its keys) and W_r above it.
  private var target: [UInt64]
  private var above: [Int64]
  /// The distinct targets, ascending; `slot[target]` its index; `members[slot]` the (r, c) in it.
  private var targets: [UInt64] = [0]
  private var slot: [UInt64: Int] = [0: 0]
  private var members: [[Int]]
  /// Pass 1: the bins that hold needs, each a row of the resamples' weights and the plain count (`resamples` + 1).
  private var rowOfBin = [Int32](repeating: -1, count: 1 << firstBits)
  private var rowBins: [Int] = []
  private var rows: [Int64] = []
  /// Deeper levels: each (r, c)'s weights in its target's 2⁸ sub-bins, and each target's plain counts.
  private var weighted: [Int64] = []
  private var plain: [Int64] = []
  /// A collecting pass: the needs inside the targets, key and group, in path order.
  private var collected: [(key: UInt64, group: UInt32)] = []
  /// Pass 1's guess of the 16-bit bins the targets fall in (`speculate`), empty when not guessing, and the needs in
  /// them so far (dropped, with the guess, when more than `collectLimit`).
  private var guessed: [Bool] = []
  private var kept: [(key: UInt64, group: UInt32)] = []
  /// The answers, raw (before `RunSummary.finite`), at r · C + c.
  private var answers: [Double] = []

  /// - Parameters:
  ///   - paths: N, a multiple of `inner`.
  ///   - collectLimit: the most needs a pass keeps side by side; more take deeper levels of counting first.
  package init(paths: Int, inner: Int, confidences: [Double], weights: Weights, collectLimit: Int) {
    precondition(paths % inner == 0 && weights.groups == paths / inner)
    self.paths = paths
    self.inner = inner
    self.confidences = confidences
    self.weights = weights
    self.collectLimit = max(1, collectLimit)
    tails = confidences.map { Int64(paths - Quantiles.ceilRank($0, of: paths)) }
    let pairs = Self.resamples * confidences.count
    target = [UInt64](repeating: 0, count: pairs)
    above = [Int64](repeating: 0, count: pairs)
    members = [Array(0..<pairs)]
  }

  /// Adds the needs of paths `firstPath ..< firstPath + values.count` (raw, as simulated) to the pass under way.
  package func add(_ values: UnsafeBufferPointer<Double>, firstPath: Int) {
    guard stage != .done, !values.isEmpty else { return }
    var group = firstPath / inner, left = inner - firstPath % inner
    weights.values.withUnsafeBufferPointer { w in
      for value in values {
        let key = RadixSort.key(value)
        let row = w.baseAddress! + group * Self.resamples
        switch stage {
        case .counting where bits == 0:
          countFirst(key, row)
          if !guessed.isEmpty { keepIfGuessed(key, group) }
        case .counting: countDeeper(key, row)
        case .collecting: if slot[key >> UInt64(64 - bits)] != nil { collected.append((key, UInt32(group))) }
        case .done: break
        }
        left -= 1
        if left == 0 {
          group += 1
          left = inner
        }
      }
    }
  }

  private func countFirst(_ key: UInt64, _ w: UnsafePointer<UInt8>) {
    let bin = Int(key >> UInt64(64 - Self.firstBits))
    var row = Int(rowOfBin[bin])
    if row < 0 {
      row = rowBins.count
      rowOfBin[bin] = Int32(row)
      rowBins.append(bin)
      rows.append(contentsOf: repeatElement(0, count: Self.resamples + 1))
    }
    let width = Self.resamples + 1
    rows.withUnsafeMutableBufferPointer { rows in
      let counts = rows.baseAddress! + row * width
      for r in 0..<Self.resamples { counts[r] += Int64(w[r]) }
      counts[Self.resamples] += 1
    }
  }

  /// Pass 1, after its first chunk: the bins where each confidence's answers will probably fall, whose needs the rest
  /// of pass 1 keeps (`keepGuessed` for the first chunk again). Resample r's answer at c lies at the pooled rank
  /// c + Σ_j (w_rj − 1)·F_j/N, F_j the share of group j's needs above it: within c ± 6·sd_j(F_j)/√J of the rank, to
  /// which the chunk's own error in placing the rank adds 6·√(c(1 − c)/n) + 1/n. The guess needs the chunk to hold
  /// 10 whole groups or more; a wrong one costs the second pass, never a figure.
  /// - Parameter values: the needs of the run's first chunk, paths 0 ..< values.count.
  package func speculate(firstChunk values: UnsafeBufferPointer<Double>) {
    let n = values.count, wholeGroups = values.count / inner
    guard stage == .counting, bits == 0, wholeGroups >= 10 else { return }
    let keys = values.map(RadixSort.key)
    let sorted = keys.sorted()
    let groups = Double(weights.groups)
    var bins = [Bool](repeating: false, count: 1 << Self.firstBits)
    for c in confidences {
      let place = sorted[Quantiles.ceilRank(c, of: n) - 1]
      let above = (0..<wholeGroups).map { j -> Double in
        Double(keys[j * inner..<(j + 1) * inner].filter { $0 > place }.count) / Double(inner)
      }
      let variance = GroupShares.variance(above, mean: above.reduce(0, +) / Double(wholeGroups))
      let margin =
        6 * (variance / groups).squareRoot() + 6 * (c * (1 - c) / Double(n)).squareRoot() + 1 / Double(n)
      let low = sorted[max(0, Int(((c - margin) * Double(n)).rounded(.down)) - 1)]
      let high = sorted[min(n - 1, Int(((c + margin) * Double(n)).rounded(.up)))]
      for bin in Int(low >> UInt64(64 - Self.firstBits))...Int(high >> UInt64(64 - Self.firstBits)) { bins[bin] = true }
    }
    guessed = bins
  }

  /// Keeps the guessed bins' needs of paths `firstPath ..< firstPath + values.count` without counting them: the
  /// first chunk again, after `speculate`.
  package func keepGuessed(_ values: UnsafeBufferPointer<Double>, firstPath: Int) {
    guard !guessed.isEmpty else { return }
    for (offset, value) in values.enumerated() { keepIfGuessed(RadixSort.key(value), (firstPath + offset) / inner) }
  }

  private func keepIfGuessed(_ key: UInt64, _ group: Int) {
    guard guessed[Int(key >> UInt64(64 - Self.firstBits))] else { return }
    kept.append((key, UInt32(group)))
    if kept.count > collectLimit {
      guessed = []
      kept = []
    }
  }

  private func countDeeper(_ key: UInt64, _ w: UnsafePointer<UInt8>) {
    guard let s = slot[key >> UInt64(64 - bits)] else { return }
    let sub = Int(key >> UInt64(64 - bits - Self.levelBits) & UInt64(1 << Self.levelBits - 1))
    let c = confidences.count
    plain[s << Self.levelBits + sub] += 1
    for pair in members[s] { weighted[pair << Self.levelBits + sub] += Int64(w[pair / c]) }
  }

  /// Ends a pass: each (r, c) moves to its sub-bin that takes W past A_c, or, after a collecting pass, walks its
  /// target's needs. Then says what the next pass does (`stage`).
  package func finishPass() {
    switch stage {
    case .counting: finishCounting()
    case .collecting: finishCollecting()
    case .done: return
    }
  }

  private func finishCounting() {
    let c = confidences.count
    var newTarget = target, newAbove = above
    var plainCount: [UInt64: Int64] = [:]
    if bits == 0 {
      let width = Self.resamples + 1
      let descending = rowBins.indices.sorted { rowBins[$0] > rowBins[$1] }
      for pair in target.indices {
        let r = pair / c
        var w = above[pair]
        for row in descending {
          let next = w + rows[row * width + r]
          if next > tails[pair % c] {
            newTarget[pair] = UInt64(rowBins[row])
            plainCount[newTarget[pair]] = rows[row * width + Self.resamples]
            break
          }
          w = next
        }
        newAbove[pair] = w
      }
      rowOfBin = []
      rows = []
      rowBins = []
      bits = Self.firstBits
    } else {
      let size = 1 << Self.levelBits
      for pair in target.indices {
        let s = slot[target[pair]]!
        var w = above[pair]
        for sub in stride(from: size - 1, through: 0, by: -1) {
          let next = w + weighted[pair << Self.levelBits + sub]
          if next > tails[pair % c] {
            newTarget[pair] = target[pair] << UInt64(Self.levelBits) | UInt64(sub)
            plainCount[newTarget[pair]] = plain[s << Self.levelBits + sub]
            break
          }
          w = next
        }
        newAbove[pair] = w
      }
      bits += Self.levelBits
    }
    target = newTarget
    above = newAbove
    targets = plainCount.keys.sorted()
    slot = Dictionary(uniqueKeysWithValues: targets.enumerated().map { ($1, $0) })
    members = targets.map { _ in [] }
    for pair in target.indices { members[slot[target[pair]]!].append(pair) }
    let settled = !guessed.isEmpty && targets.allSatisfy { guessed[Int($0)] }
    guessed = []
    if bits == 64 {
      // A target of 64 bits is one key: the answer itself.
      answers = target.map(RadixSort.value)
      stage = .done
    } else if settled {
      // Pass 1 kept every need of every target: the walks need no second pass.
      collected = kept.filter { slot[$0.key >> UInt64(64 - bits)] != nil }
      kept = []
      finishCollecting()
    } else if plainCount.values.reduce(0, +) <= Int64(collectLimit) {
      kept = []
      collected.reserveCapacity(Int(plainCount.values.reduce(0, +)))
      weighted = []
      plain = []
      stage = .collecting
    } else {
      kept = []
      weighted = [Int64](repeating: 0, count: target.count << Self.levelBits)
      plain = [Int64](repeating: 0, count: targets.count << Self.levelBits)
    }
  }

  private func finishCollecting() {
    let c = confidences.count
    // The needs descending by key, in place: each target is a run of them (targets are disjoint ranges of keys).
    // Equal keys are one value, so their order does not matter.
    collected.sort { $0.key > $1.key }
    let shift = UInt64(64 - bits)
    /// The positions of target t's needs in `collected`.
    func run(of t: UInt64) -> Range<Int> {
      func first(where below: (UInt64) -> Bool) -> Int {
        var low = 0, high = collected.count
        while low < high {
          let mid = (low + high) / 2
          if below(collected[mid].key >> shift) { high = mid } else { low = mid + 1 }
        }
        return low
      }
      return first(where: { $0 <= t })..<first(where: { $0 < t })
    }
    answers = [Double](repeating: 0, count: target.count)
    weights.values.withUnsafeBufferPointer { w in
      for pair in target.indices {
        let r = pair / c
        let items = collected[run(of: target[pair])]
        var tail = above[pair]
        var found = items.last!.key
        for item in items {
          let next = tail + Int64(w[Int(item.group) * Self.resamples + r])
          if next > tails[pair % c] {
            found = item.key
            break
          }
          tail = next
        }
        answers[pair] = RadixSort.value(found)
      }
    }
    collected = []
    stage = .done
  }

  /// Each confidence's 95% interval, as `GroupedNeeds.bootstrapIntervals` gives it; only when `stage` is `.done`.
  package func intervals() -> [(lower: Double, upper: Double)] {
    precondition(stage == .done, "the bootstrap needs more passes")
    return GroupedNeeds.intervals(
      resampled: answers.map { RunSummary.finite($0, undefined: .greatestFiniteMagnitude) },
      confidences: confidences.count)
  }
}
