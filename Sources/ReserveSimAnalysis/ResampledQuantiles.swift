import Dispatch
import ReserveSimResults

/// Each bootstrap resample's quantiles of several runs on common random numbers, found from passes over the paths in
/// memory that does not grow with them (issue #23), so that a run too large to keep can be resampled as it streams.
///
/// Resample r gives path j the weight w_rj (`PoissonWeights`) in every run, and its answer for run s at confidence c
/// is the weighted order statistic: the least value v with Σ_{j: x_sj ≤ v} w_rj ≥ ⌈c·W_r⌉, W_r = Σ_j w_rj (the
/// sample's own ⌈cN⌉-th smallest when W_r = 0, which only a run of a few paths can draw). Every answer lies near the
/// sample's quantile: its rank among the sorted x_s moves by about √(c(1−c)N). So each (run, c) has a window of
/// values [low, high] — the sample's order statistics at `PairedBootstrap.ranks` — and a pass adds up, for
/// every resample, the weights of the paths below the window, at its two ends, and in all, and keeps the few paths
/// strictly inside it. A resample's answer is then the walk up from the weight below the window; it is resolved when
/// it falls inside, which all but about 10⁻²⁰ of them do (`answers()` says when one does not, and the caller widens
/// the windows).
///
/// Memory: 8 bytes a resample for each (run, confidence) and kind of sum (4 a slice while adding), and the paths
/// inside the windows (at most the ranks between their ends). Sums are whole numbers, so the order the paths are
/// added in does not matter.
final class ResampledQuantiles: @unchecked Sendable {
  /// The values that bound one (run, confidence)'s answers, inclusive, as `RadixSort` keys and as values.
  struct Window: Sendable {
    var low: Double
    var high: Double
    var lowKey: UInt64 { RadixSort.key(low) }
    var highKey: UInt64 { RadixSort.key(high) }
  }

  let weights: PoissonWeights
  /// The most threads `add` spreads its paths over.
  let threads: Int
  let confidences: [Double]
  let runs: Int
  /// The sample's own quantile of each (run, confidence): the answer of a resample with no weight at all.
  let sample: [[Double]]
  let windows: [[Window]]
  /// W_r.
  private var total: [Int]
  /// For (run s, confidence c) at `s · C + c`: the weight below the window, at its low end, at its high end.
  private var below: [[Int]], atLow: [[Int]], atHigh: [[Int]]
  /// The paths strictly inside each window: their key and path index.
  private var inside: [[(key: UInt64, path: Int)]]

  init(weights: PoissonWeights, confidences: [Double], sample: [[Double]], windows: [[Window]], threads: Int) {
    precondition(sample.count == windows.count && windows.allSatisfy { $0.count == confidences.count })
    self.weights = weights
    self.threads = max(1, threads)
    self.confidences = confidences
    self.sample = sample
    self.windows = windows
    runs = windows.count
    let zero = [Int](repeating: 0, count: weights.resamples)
    total = zero
    below = [[Int]](repeating: zero, count: runs * confidences.count)
    atLow = below
    atHigh = below
    inside = [[(key: UInt64, path: Int)]](repeating: [], count: runs * confidences.count)
  }

  /// Adds the paths firstPath ..< firstPath + n, whose values in run s are `values[s][0..<n]`; the paths spread over
  /// `threads` threads in slices.
  func add(_ values: [UnsafeBufferPointer<Double>], firstPath: Int) {
    precondition(values.count == runs)
    let n = values[0].count
    guard n > 0 else { return }
    let sliceSize = 8192
    let slices = (n + sliceSize - 1) / sliceSize
    let parts = [Part?](unsafeUninitializedCapacity: slices) { buffer, count in
      buffer.initialize(repeating: nil)
      let workers = min(threads, slices)
      DispatchQueue.concurrentPerform(iterations: workers) { worker in
        for slice in stride(from: worker, to: slices, by: workers) {
          let range = slice * sliceSize..<min(n, (slice + 1) * sliceSize)
          buffer[slice] = self.part(values, range, firstPath: firstPath)
        }
      }
      count = slices
    }
    // In slice order: whole numbers and lists sorted later, so the result is the same on any number of cores.
    for case let part? in parts { merge(part) }
  }

  /// One slice's sums and kept paths.
  private struct Part {
    var total: [UInt32]
    var below: [[UInt32]], atLow: [[UInt32]], atHigh: [[UInt32]]
    var inside: [[(key: UInt64, path: Int)]]
  }

  /// A slice's sums. A path below a window is below every window whose low end is higher too, so its weights are
  /// added once per run, to the bucket of the lowest such window (the run's windows in the order of their low ends),
  /// and each window's weight below is the sum of its bucket and the buckets before it: the same whole numbers as
  /// adding the path to every window it is below, for one addition a path and run instead of one a window.
  private func part(_ values: [UnsafeBufferPointer<Double>], _ range: Range<Int>, firstPath: Int) -> Part {
    let resamples = weights.resamples, count = confidences.count, cells = runs * count
    let zero = [UInt32](repeating: 0, count: resamples)
    var part = Part(
      total: zero, below: [[UInt32]](repeating: zero, count: cells), atLow: [[UInt32]](repeating: zero, count: cells),
      atHigh: [[UInt32]](repeating: zero, count: cells),
      inside: [[(key: UInt64, path: Int)]](repeating: [], count: cells))
    let keys = windows.flatMap { $0.map { ($0.lowKey, $0.highKey) } }
    /// Each run's cells by their windows' low ends, ascending, and those ends.
    let byLow = (0..<runs).map { s in (0..<count).map { s * count + $0 }.sorted { keys[$0].0 < keys[$1].0 } }
    let lows = byLow.map { $0.map { keys[$0].0 } }
    var buckets = [[UInt32]](repeating: zero, count: cells)
    let w = UnsafeMutablePointer<UInt8>.allocate(capacity: weights.stride)
    defer { w.deallocate() }
    func add(_ sums: inout [UInt32]) {
      sums.withUnsafeMutableBufferPointer { s in
        for r in 0..<resamples { s[r] &+= UInt32(w[r]) }
      }
    }
    for i in range {
      let path = firstPath + i
      weights.weights(path: path, into: w)
      add(&part.total)
      for s in 0..<runs {
        let key = RadixSort.key(values[s][i])
        // The first window (by its low end) the path is below; it is below every one after it too.
        var first = 0
        while first < count && lows[s][first] <= key { first += 1 }
        if first < count { add(&buckets[s * count + first]) }
        for cell in byLow[s][..<first] {
          let (low, high) = keys[cell]
          if key == low {
            add(&part.atLow[cell])
          } else if key < high {
            part.inside[cell].append((key, path))
          } else if key == high {
            add(&part.atHigh[cell])
          }
        }
      }
    }
    for s in 0..<runs {
      var below = zero
      for (position, cell) in byLow[s].enumerated() {
        for r in 0..<resamples { below[r] &+= buckets[s * count + position][r] }
        part.below[cell] = below
      }
    }
    return part
  }

  private func merge(_ part: Part) {
    func add(_ from: [UInt32], to sums: inout [Int]) {
      for r in sums.indices { sums[r] += Int(from[r]) }
    }
    add(part.total, to: &total)
    for cell in below.indices {
      add(part.below[cell], to: &below[cell])
      add(part.atLow[cell], to: &atLow[cell])
      add(part.atHigh[cell], to: &atHigh[cell])
      inside[cell] += part.inside[cell]
    }
  }

  /// Every resample's answers, `[r][run][confidence]`, or nil when some answer fell outside its window.
  func answers() -> [[[Double]]]? {
    let resamples = weights.resamples, count = confidences.count
    var result = [[[Double]]](
      repeating: [[Double]](repeating: [Double](repeating: 0, count: count), count: runs), count: resamples)
    let w = UnsafeMutablePointer<UInt8>.allocate(capacity: weights.stride)
    defer { w.deallocate() }
    for cell in inside.indices {
      let (s, c) = cell.quotientAndRemainder(dividingBy: count)
      let window = windows[s][c]
      // The paths inside in ascending order (ties by path, which does not change the answer), with their weights.
      let kept = inside[cell].sorted { ($0.key, $0.path) < ($1.key, $1.path) }
      var keptWeights = [UInt8](repeating: 0, count: kept.count * weights.stride)
      for (k, entry) in kept.enumerated() {
        weights.weights(path: entry.path, into: w)
        for r in 0..<resamples { keptWeights[k * weights.stride + r] = w[r] }
      }
      for r in 0..<resamples {
        guard total[r] > 0 else {
          result[r][s][c] = sample[s][c]
          continue
        }
        let target = Quantiles.ceilRank(confidences[c], of: total[r])
        var reached = below[cell][r]
        guard reached < target else { return nil }
        reached += atLow[cell][r]
        if reached >= target {
          result[r][s][c] = window.low
          continue
        }
        var found: Double? = nil
        for (k, entry) in kept.enumerated() {
          reached += Int(keptWeights[k * weights.stride + r])
          if reached >= target {
            found = RadixSort.value(entry.key)
            break
          }
        }
        if found == nil && reached + atHigh[cell][r] >= target { found = window.high }
        guard let found else { return nil }
        result[r][s][c] = found
      }
    }
    return result
  }
}
