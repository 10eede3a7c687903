import Foundation
import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// Runs subsets of risk sources on common random numbers and reduces the paths' outcomes to each subset's metric
/// f(T) and, with the Shapley weights, each source's 95% interval (`Attribution`).
struct SubsetEvaluator {
  let scenario: Scenario
  let metric: AttributionMetric
  let paths: Int
  let seed: UInt64
  let simulator: Simulator
  let cancellation: CancellationFlag?
  /// Past its one-pass budget the reserve metric streams (`reserves`); nil: the needs are held whatever their size.
  var budget: StreamingBudget? = nil

  /// f(T) for each run, and with Shapley weights each player's 95% interval.
  struct Values {
    var values: [Double]
    var intervals: [(lower: Double, upper: Double)]
  }

  /// f(T) of each of `runs` (with `shapley`, `runs[T]` is subset T of its players, and the intervals are filled).
  func evaluate(
    _ runs: [SwitchedOffSources], shapley: Shapley? = nil, progress: (@Sendable (Double) -> Void)?
  ) throws -> Values {
    switch metric {
    case .ruin: return try proportions(runs, outcome: .ruined, shapley: shapley, progress: progress)
    case .below: return try proportions(runs, outcome: .belowMinimum, shapley: shapley, progress: progress)
    case .reserve(let confidence):
      return try reserves(runs, confidence: confidence, shapley: shapley, progress: progress)
    }
  }

  /// f(T) = (paths with the outcome)/N; per path, φ_s(i) = Σ_T w(|T|)(y_{T∪s}(i) − y_T(i)) over the path's own 0/1
  /// outcomes, and the interval mean ± 1.96·sd/√N of those (variance over N − 1). Nothing is kept per path: each
  /// run's count and, per source, how many paths have each value of n!·φ_s(i) (a whole number,
  /// `Shapley.scaledShare`) add up block by block in any order, so memory does not grow with N and the numbers are
  /// the same on any thread count.
  private func proportions(
    _ runs: [SwitchedOffSources], outcome: PathBlockKernel.PathOutcome, shapley: Shapley?,
    progress: (@Sendable (Double) -> Void)?
  ) throws -> Values {
    let paths = self.paths
    let players = shapley?.players ?? 0
    let tally = OutcomeTally(runs: runs.count, players: players)
    try simulator.runSwitchingOff(
      scenario, runs: runs, outcome: outcome, paths: paths, seed: seed, progress: progress,
      cancellation: cancellation
    ) { _, lanes, values, stride in
      var counts = [Int](repeating: 0, count: runs.count)
      for j in runs.indices {
        for lane in 0..<lanes where values[j * stride + lane] > 0 { counts[j] += 1 }
      }
      var shares = [[Int: Int]](repeating: [:], count: players)
      if let shapley {
        for lane in 0..<lanes {
          for s in 0..<players {
            shares[s][shapley.scaledShare(of: s) { values[$0 * stride + lane] > 0 }, default: 0] += 1
          }
        }
      }
      tally.add(counts: counts, shares: shares)
    }
    let values = tally.counts.map { Double($0) / Double(paths) }
    let intervals = tally.shares.map { Self.meanInterval(counts: $0, scale: shapley?.scale ?? 1, of: paths) }
    return Values(values: values, intervals: intervals)
  }

  /// mean ± z₉₅·sd/√N of N values v/`scale`, given as how many there are of each whole v (sd over N − 1; 0 for one
  /// path), summed over v ascending.
  static func meanInterval(counts: [Int: Int], scale: Int, of n: Int) -> (lower: Double, upper: Double) {
    let values = counts.keys.sorted()
    let total = values.reduce(0) { $0 + $1 * counts[$1]! }
    let mean = Double(total) / Double(scale) / Double(n)
    var squares = 0.0
    for v in values {
      let deviation = Double(v) / Double(scale) - mean
      squares += Double(counts[v]!) * deviation * deviation
    }
    let sd = n > 1 ? (squares / Double(n - 1)).squareRoot() : 0
    let half = ConfidenceIntervals.z95 * sd / Double(n).squareRoot()
    return (mean - half, mean + half)
  }
}

/// What the blocks of a `ruin` or `below` attribution add up, under a lock: each run's paths with the outcome, and
/// per source how many paths have each value of n!·φ_s(i). Whole numbers, so the order the blocks add in does not
/// matter.
final class OutcomeTally: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var counts: [Int]
  private(set) var shares: [[Int: Int]]

  init(runs: Int, players: Int) {
    counts = [Int](repeating: 0, count: runs)
    shares = [[Int: Int]](repeating: [:], count: players)
  }

  /// Adds one block's counts by run and counts of values by source.
  func add(counts block: [Int], shares blockShares: [[Int: Int]]) {
    lock.lock()
    defer { lock.unlock() }
    for j in block.indices { counts[j] += block[j] }
    for s in blockShares.indices { shares[s].merge(blockShares[s], uniquingKeysWith: +) }
  }
}
