import Dispatch
import ReserveSimEngine
import ReserveSimScenario

extension StreamedRun {
  /// One per-path feature compared between two groups of paths: each group's mean (its values added in path order)
  /// and median (PERCENTILE.INC), and R_A, the sum of group A's mid-ranks in the pooled sample (`TwoGroupRanks`).
  package struct GroupComparison: Sendable, Equatable {
    package var meanA, meanB, medianA, medianB, rankSumA: Double
  }

  /// Compares per-path features between two groups of paths, streamed: pass 1 counts each group, adds each
  /// feature's values in path order and counts them in `TwoGroupRanks`' bins; later passes simulate the same paths
  /// again (SPEC §8) until every feature's rank sum and medians are known. The same numbers as the sort of one run
  /// of all paths; nothing is kept per path.
  /// - Parameters:
  ///   - features: each feature's values on a chunk's paths (one array per feature, in the chunk's path order).
  ///   - inA: whether each of a chunk's paths is in group A.
  /// - Returns: the paths in group A and in group B, and each feature's comparison (empty when a group is empty).
  /// - Throws: `CancellationError` when `cancellation` is set.
  package func compareGroups(
    features count: Int, _ features: (SimulationResult) -> [[Double]], inA: (SimulationResult) -> [Bool],
    progress: (@Sendable (Progress) -> Void)? = nil, cancellation: CancellationFlag? = nil
  ) throws -> (a: Int, b: Int, comparisons: [GroupComparison]) {
    let ranks = (0..<count).map { _ in TwoGroupRanks(histogramBytes: budget.histogramBytes / max(1, count)) }
    var sumsA = [Double](repeating: 0, count: count), sumsB = sumsA
    var totalA = 0, totalB = 0
    let chunkPaths = budget.chunkPaths(scenario, simulator: simulator)
    try forEachChunk(simulator, chunkPaths, pass: 1, passes: 2, progress: progress, cancellation: cancellation) {
      chunk, _ in
      let groups = inA(chunk)
      let values = features(chunk)
      for first in groups { if first { totalA += 1 } else { totalB += 1 } }
      sumsA.withUnsafeMutableBufferPointer { sumsA in
        sumsB.withUnsafeMutableBufferPointer { sumsB in
          let (sumsA, sumsB) = (sumsA, sumsB)
          Self.forEachFeature(values, groups) { f, values, groups in
            // In path order, as the one-pass mean adds each group's values.
            var a = sumsA[f], b = sumsB[f]
            for i in values.indices { if groups[i] { a += values[i] } else { b += values[i] } }
            (sumsA[f], sumsB[f]) = (a, b)
            ranks[f].count(values, inA: groups)
          }
        }
      }
    }
    guard totalA > 0 && totalB > 0 else { return (totalA, totalB, []) }
    func medianRanks(_ n: Int) -> [Int] {
      let (lower, upper) = Quantiles.percentileRanks(0.5, of: n)
      return [lower] + (upper.map { [$0] } ?? [])
    }
    for r in ranks { r.finishCounting(wantedA: medianRanks(totalA), wantedB: medianRanks(totalB)) }
    try laterPasses(
      simulator, chunkPaths, progress: progress, cancellation: cancellation,
      isDone: { ranks.allSatisfy(\.isDone) },
      plan: {
        // The values kept are shared: the features with the fewest pending values first.
        var room = budget.collectedBytes / TwoGroupRanks.keptBytes
        for r in ranks.sorted(by: { $0.pendingValues < $1.pendingValues }) { r.planPass(room: &room) }
        return ranks.contains { !$0.isDone }
      },
      collect: { chunk, _ in
        Self.forEachFeature(features(chunk), inA(chunk)) { f, values, groups in ranks[f].collect(values, inA: groups) }
      },
      finish: { for r in ranks { r.finishPass() } })
    let comparisons = ranks.indices.map { f in
      GroupComparison(
        meanA: sumsA[f] / Double(totalA), meanB: sumsB[f] / Double(totalB),
        medianA: Quantiles.percentile(0.5, of: totalA) { ranks[f].orderStatistic(inA: true, rank: $0) },
        medianB: Quantiles.percentile(0.5, of: totalB) { ranks[f].orderStatistic(inA: false, rank: $0) },
        rankSumA: ranks[f].rankSum)
    }
    return (totalA, totalB, comparisons)
  }

  /// Calls `body` with each feature's values and the paths' groups, the features spread over the cores.
  private static func forEachFeature(
    _ values: [[Double]], _ groups: [Bool],
    _ body: (Int, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Bool>) -> Void
  ) {
    groups.withUnsafeBufferPointer { groups in
      DispatchQueue.concurrentPerform(iterations: values.count) { f in
        values[f].withUnsafeBufferPointer { body(f, $0, groups) }
      }
    }
  }
}
