import Dispatch
import Foundation

/// A run's needs in ascending order with each need's group, when estimates are drawn per group (SPEC §22): each
/// group's own required reserve, and the interval of the run's reserve by a bootstrap over whole groups.
package struct GroupedNeeds: Sendable {
  /// Resamples of the bootstrap over groups (as `compare`'s paired bootstrap).
  package static let resamples = 200
  /// The generator's seed, fixed so an interval never changes between runs.
  package static let seed: UInt64 = 0x5EED_0F_6C0_0905

  /// All needs, ascending, each finite (an overflow shown as ±`Double.greatestFiniteMagnitude`, as `RunSummary`).
  let sorted: [Double]
  /// The group ⌊i / n⌋ of the path behind `sorted[k]`.
  let groupOfRank: [UInt32]
  let inner: Int
  let groups: Int

  /// - Complexity: O(N) (a radix sort carrying the groups).
  package init(needs: [Double], inner: Int) {
    let (values, groups) = RadixSort.sortedWithGroups(needs, inner: inner)
    sorted = values.map { RunSummary.finite($0, undefined: .greatestFiniteMagnitude) }
    groupOfRank = groups
    self.inner = inner
    self.groups = needs.count / inner
  }

  /// Whether a group of n paths has a reserve at confidence c: at least 10 of its paths beyond the rank,
  /// n − ⌊cn⌋ ≥ 10.
  package static func hasGroupReserve(confidence c: Double, inner n: Int) -> Bool {
    n - Quantiles.floorCount(c * Double(n)) >= 10
  }

  /// r_j(c) for each confidence and group: the ⌈cn⌉-th smallest of group j's n needs (`[c][j]`), in one pass up
  /// the sorted needs counting each group's paths.
  /// - Complexity: O(N × confidences).
  package func groupReserves(confidences: [Double]) -> [[Double]] {
    let ranks = confidences.map { Quantiles.ceilRank($0, of: inner) }
    var seen = [Int](repeating: 0, count: groups)
    var reserves = [[Double]](repeating: [Double](repeating: 0, count: groups), count: confidences.count)
    for (position, group) in groupOfRank.enumerated() {
      let j = Int(group)
      seen[j] += 1
      for (c, rank) in ranks.enumerated() where rank == seen[j] { reserves[c][j] = sorted[position] }
    }
    return reserves
  }

  /// The 95% percentile interval of the ⌈cN⌉-th smallest need over resamples of J whole groups drawn with
  /// replacement, each shown as max(0, ·).
  ///
  /// A resample gives group j a weight w_j (how often it was drawn; Σ w_j · n = N). Its ⌈cN⌉-th smallest need is
  /// the least sorted need x_k with T(k) = Σ_{q>k} w_{g(q)} ≤ N − ⌈cN⌉, found by walking down from the largest need,
  /// one walk for every confidence; the resamples are spread over the cores, their weights drawn in order first, so
  /// the interval does not depend on the thread count.
  ///
  /// The walk starts at a checkpoint instead of the top: every `spacing` positions down from the largest need, each
  /// group's count of the needs above (counted once), so T at a checkpoint is Σ_j w_j · count_j, exact in integers.
  /// A walk jumps to the lowest checkpoint whose T is within the allowed tail — it could not have stopped above it,
  /// since T only grows downwards — and walks on from there as before: the same need, in at most `spacing` steps
  /// instead of N(1 − c).
  /// - Parameter spacing: positions between checkpoints (`checkpointSpacing` by default; n for the plain walk).
  /// - Complexity: O(N + resamples × (K × J + spacing) × confidences) with K = N / spacing checkpoints, and
  ///   K × J ≤ 2²² counts.
  package func bootstrapIntervals(confidences: [Double], spacing: Int? = nil) -> [(lower: Double, upper: Double)] {
    let n = sorted.count
    let resamples = Self.resamples
    let groups = self.groups
    var weights = [Int32](repeating: 0, count: resamples * groups)
    Self.drawResamples(groups: groups) { r, j in weights[r * groups + j] += 1 }
    let tails = confidences.map { n - Quantiles.ceilRank($0, of: n) }
    // Confidences by increasing allowed tail, so one walk down finds them all.
    let byTail = tails.indices.sorted { tails[$0] < tails[$1] }
    let step = max(1, spacing ?? Self.checkpointSpacing(paths: n, groups: groups))
    let checkpoints = n > 0 ? (n - 1) / step : 0
    // counts[(k − 1) · J + j]: group j's needs at positions above n − 1 − k · step, for k = 1 … K.
    var counts = [Int32](repeating: 0, count: checkpoints * groups)
    counts.withUnsafeMutableBufferPointer { counts in
      var running = [Int32](repeating: 0, count: groups)
      var position = n - 1
      for k in 0..<checkpoints {
        for _ in 0..<step {
          running[Int(groupOfRank[position])] += 1
          position -= 1
        }
        for j in 0..<groups { counts[k * groups + j] = running[j] }
      }
    }
    var quantiles = [Double](repeating: 0, count: resamples * confidences.count)
    quantiles.withUnsafeMutableBufferPointer { out in
      let out = out
      weights.withUnsafeBufferPointer { weights in
        counts.withUnsafeBufferPointer { counts in
          sorted.withUnsafeBufferPointer { values in
            groupOfRank.withUnsafeBufferPointer { group in
              let workers = min(resamples, ProcessInfo.processInfo.activeProcessorCount)
              DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for r in stride(from: worker, to: resamples, by: workers) {
                  let w = weights.baseAddress! + r * groups
                  /// T at checkpoint k (1 … K): Σ_j w_j · count_j.
                  func tailAbove(checkpoint k: Int) -> Int64 {
                    let row = counts.baseAddress! + (k - 1) * groups
                    var sum: Int64 = 0
                    for j in 0..<groups { sum += Int64(w[j]) * Int64(row[j]) }
                    return sum
                  }
                  var position = n - 1
                  var tail: Int64 = 0
                  var checkpoint = 0
                  for c in byTail {
                    let allowed = Int64(tails[c])
                    // Jump down the checkpoints below the walk while their T stays within the allowed tail.
                    while checkpoint < checkpoints {
                      let below = n - 1 - (checkpoint + 1) * step
                      guard below < position else {
                        checkpoint += 1
                        continue
                      }
                      let next = tailAbove(checkpoint: checkpoint + 1)
                      if next > allowed { break }
                      checkpoint += 1
                      position = below
                      tail = next
                    }
                    while position > 0 {
                      let next = tail + Int64(w[Int(group[position])])
                      if next > allowed { break }
                      tail = next
                      position -= 1
                    }
                    out[r * confidences.count + c] = values[position]
                  }
                }
              }
            }
          }
        }
      }
    }
    return Self.intervals(resampled: quantiles, confidences: confidences.count)
  }

  /// The resamples of J whole groups drawn with replacement, in order: `draw(r, j)` for each of resample r's J
  /// draws, group j (SplitMix64 from `seed`, so every run and `GroupBootstrapSelection` see the same resamples).
  static func drawResamples(groups: Int, _ draw: (_ resample: Int, _ group: Int) -> Void) {
    var generator = SplitMix64(seed: seed)
    for r in 0..<resamples {
      for _ in 0..<groups { draw(r, generator.index(below: groups)) }
    }
  }

  /// Each confidence's 95% percentile interval of the resamples' answers (`resampled[r · confidences + c]`), each
  /// end shown as max(0, ·).
  static func intervals(resampled: [Double], confidences: Int) -> [(lower: Double, upper: Double)] {
    (0..<confidences).map { c in
      let sorted = (0..<resamples).map { resampled[$0 * confidences + c] }.sorted()
      return (max(0, Quantiles.percentile(sorted: sorted, 0.025)), max(0, Quantiles.percentile(sorted: sorted, 0.975)))
    }
  }

  /// Positions between the bootstrap's checkpoints: at least 1,024, and wide enough that the checkpoints' counts
  /// (K × J of them) stay within 2²² (16 MiB).
  static func checkpointSpacing(paths n: Int, groups: Int) -> Int {
    max(1_024, (n * groups + (1 << 22) - 1) >> 22)
  }
}
