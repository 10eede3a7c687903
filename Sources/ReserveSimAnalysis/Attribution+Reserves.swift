import Dispatch
import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

extension SubsetEvaluator {
  /// f(T) = max(0, the ⌈cN⌉-th smallest need of run T); the intervals by `PairedBootstrap` over paths (the same
  /// weights in every run), and the Shapley values of each resample's f.
  ///
  /// The runs' needs are held side by side (8 bytes a path and run) while they fit `budget.onePassBytes`; past that
  /// they stream (`StreamedSubsetNeeds`): each pass simulates every run chunk by chunk, the order statistics by
  /// `BinnedSelection`, then one pass adds the bootstrap's weights — the same numbers in memory that does not grow
  /// with the paths.
  func reserves(
    _ runs: [SwitchedOffSources], confidence: Double, shapley: Shapley?, progress: (@Sendable (Double) -> Void)?
  ) throws -> Values {
    let needs: any SubsetNeeds =
      if let budget, Attribution.heldBytes(runs: runs.count, paths: paths) > budget.onePassBytes {
        StreamedSubsetNeeds(evaluator: self, runs: runs, budget: budget, progress: progress)
      } else {
        try HeldSubsetNeeds(evaluator: self, runs: runs, progress: progress)
      }
    let rank = Quantiles.ceilRank(confidence, of: paths)
    guard let shapley else {
      return Values(values: try needs.orderStatistics([rank]).map { max(0, $0[0]) }, intervals: [])
    }
    var sample: [Double] = []
    let answers = try PairedBootstrap.answers(
      runs: runs.count, paths: paths, confidences: [confidence], resamples: PairedBootstrap.defaultResamples,
      seed: PairedBootstrap.defaultSeed, threads: simulator.threads,
      orderStatistics: { ranks in
        let values = try needs.orderStatistics(ranks)
        // The first of each confidence's ranks is ⌈cN⌉ itself.
        if sample.isEmpty { sample = values.map { max(0, $0[0]) } }
        return values
      }, pass: { try needs.add(to: $0) })
    var resampled = [[Double]](repeating: [], count: shapley.players)
    for quantiles in answers {
      let shares = shapley.shares(quantiles.map { max(0, $0[0]) })
      for s in shares.indices { resampled[s].append(shares[s]) }
    }
    return Values(values: sample, intervals: resampled.map(PairedBootstrap.interval95))
  }
}

/// Where the reserve metric reads the runs' needs from.
protocol SubsetNeeds {
  /// Each run's needs at the 1-based `ranks`, `[run][rank]`.
  func orderStatistics(_ ranks: [Int]) throws -> [[Double]]
  /// Adds every path's needs in every run to `quantiles`.
  func add(to quantiles: ResampledQuantiles) throws
}

/// The runs' needs simulated once and held side by side: run j's path i at `j · N + i`.
struct HeldSubsetNeeds: SubsetNeeds {
  let paths: Int
  let runs: Int
  let needs: SharedRows<Double>

  init(evaluator: SubsetEvaluator, runs: [SwitchedOffSources], progress: (@Sendable (Double) -> Void)?) throws {
    let paths = evaluator.paths
    let shared = SharedRows<Double>(count: runs.count * paths)
    try evaluator.simulator.runSwitchingOff(
      evaluator.scenario, runs: runs, outcome: .need, paths: paths, seed: evaluator.seed, progress: progress,
      cancellation: evaluator.cancellation
    ) { firstPath, lanes, values, stride in
      for j in runs.indices {
        for lane in 0..<lanes { shared[j * paths + firstPath + lane] = values[j * stride + lane] }
      }
    }
    self.paths = paths
    self.runs = runs.count
    needs = shared
  }

  func orderStatistics(_ ranks: [Int]) throws -> [[Double]] {
    needs.withBuffer { all in
      (0..<runs).map { j in RunOutcome.orderStatistics(Array(all[j * paths..<(j + 1) * paths]), ranks: ranks) }
    }
  }

  func add(to quantiles: ResampledQuantiles) throws {
    needs.withBuffer { all in
      quantiles.add(
        (0..<runs).map { UnsafeBufferPointer(rebasing: all[$0 * paths..<($0 + 1) * paths]) }, firstPath: 0)
    }
  }
}

/// The runs' needs simulated again for each pass, chunk by chunk, and never held whole: the order statistics by
/// `BinnedSelection` (a variable per run; pass 1 counts in bins and, from the first chunk on, keeps the values near
/// each rank's estimated place; a later pass only for what that missed), the bootstrap's pass by
/// `ResampledQuantiles.add` per chunk.
struct StreamedSubsetNeeds: SubsetNeeds {
  let evaluator: SubsetEvaluator
  let runs: [SwitchedOffSources]
  let budget: StreamingBudget
  let progress: (@Sendable (Double) -> Void)?
  /// Passes begun so far: pass p reports its share within 1 − 2^−(p−1) … 1 − 2^−p of the whole, as the passes'
  /// count is not known ahead.
  let passes = PassCounter()
  /// Paths a chunk holds: the runs' needs of a chunk within `budget.chunkBytes`.
  var chunkPaths: Int {
    let fitting = budget.chunkBytes / (8 * runs.count) / Simulator.blockSize * Simulator.blockSize
    return max(budget.minimumChunkPaths, fitting)
  }

  func orderStatistics(_ ranks: [Int]) throws -> [[Double]] {
    let paths = evaluator.paths
    let selection = BinnedSelection(
      [BinnedSelection.Request](
        repeating: BinnedSelection.Request(count: paths, ranks: ranks.map { $0 - 1 }), count: runs.count),
      histogramBytes: budget.histogramBytes, collectedBytes: budget.collectedBytes)
    try selection.selectPassByPass(speculates: budget.speculates) { _, _, eachChunk in
      try forEachChunk { chunk in eachChunk { Self.forEachRun(chunk, $0) } }
    }
    return runs.indices.map { j in ranks.map { selection.orderStatistic(j, rank: $0 - 1) } }
  }

  func add(to quantiles: ResampledQuantiles) throws {
    try forEachChunk { chunk in quantiles.add(chunk.runs, firstPath: chunk.firstPath) }
  }

  /// One chunk's needs: run j's at `runs[j]`, for paths firstPath ..< firstPath + count.
  struct Chunk {
    var firstPath: Int
    var runs: [UnsafeBufferPointer<Double>]
  }

  /// Simulates every run of the paths chunk by chunk, in path order, and hands each chunk to `body`.
  private func forEachChunk(_ body: (Chunk) throws -> Void) throws {
    let paths = evaluator.paths, size = min(chunkPaths, paths)
    let pass = passes.next()
    let shared = SharedRows<Double>(count: runs.count * size)
    defer { shared.release() }
    for start in stride(from: 0, to: paths, by: size) {
      let range = start..<min(paths, start + size)
      let runCount = runs.count
      try evaluator.simulator.runSwitchingOff(
        evaluator.scenario, runs: runs, outcome: .need, paths: paths, seed: evaluator.seed, pathRange: range,
        progress: nil, cancellation: evaluator.cancellation
      ) { firstPath, lanes, values, stride in
        for j in 0..<runCount {
          for lane in 0..<lanes { shared[j * size + firstPath - start + lane] = values[j * stride + lane] }
        }
      }
      try shared.withBuffer { all in
        try body(
          Chunk(
            firstPath: start,
            runs: (0..<runCount).map { UnsafeBufferPointer(rebasing: all[$0 * size..<$0 * size + range.count]) }))
      }
      let begun = 1 - 1 / Double(1 << min(pass - 1, 52))
      progress?(begun + Double(range.upperBound) / Double(paths) / Double(1 << min(pass, 52)))
    }
  }

  /// Calls `body` with each run's values of `chunk`, the runs spread over the cores.
  private static func forEachRun(_ chunk: Chunk, _ body: (Int, UnsafeBufferPointer<Double>) -> Void) {
    DispatchQueue.concurrentPerform(iterations: chunk.runs.count) { body($0, chunk.runs[$0]) }
  }
}

/// Counts a streamed evaluation's passes.
final class PassCounter: @unchecked Sendable {
  private var count = 0
  /// The number of the pass that begins (1, 2, …).
  func next() -> Int {
    count += 1
    return count
  }
}
