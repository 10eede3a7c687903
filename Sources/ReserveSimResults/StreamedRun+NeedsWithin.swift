import Dispatch
import ReserveSimEngine
import ReserveSimScenario

extension StreamedRun {
  /// Exact order statistics of needs within years (what `solve` reads, SPEC §18), in memory that does not grow with
  /// the paths: pass 1 counts each variable's values in `BinnedSelection`'s bins (keeping, after the first chunk,
  /// the values near each wanted rank's estimated place); each later pass simulates the same paths again (SPEC §8)
  /// and keeps only the values in the bins that hold a rank still unknown. The values are as simulated (not through
  /// `RunSummary.finite`), bit for bit the ascending sort's of one run of all paths.
  ///
  /// `simulator` must record every variable asked for (`needYears`, and `searchedNeedsWithin` with
  /// balance-dependent responses).
  /// - Parameter wanted: each variable and its 0-based ranks (0 … N − 1).
  /// - Returns: per variable, its values at its ranks, in the order asked.
  /// - Throws: `CancellationError` when `cancellation` is set.
  package func orderStatistics(
    _ wanted: [(variable: NeedsWithin, ranks: [Int])], progress: (@Sendable (Progress) -> Void)? = nil,
    cancellation: CancellationFlag? = nil
  ) throws -> [[Double]] {
    let selection = BinnedSelection(
      wanted.map { BinnedSelection.Request(count: paths, ranks: $0.ranks) }, histogramBytes: budget.histogramBytes,
      collectedBytes: budget.collectedBytes)
    let chunkPaths = budget.chunkPaths(scenario, simulator: simulator)
    let variables = wanted.map(\.variable)
    try selection.selectPassByPass(
      speculates: budget.speculates,
      // With estimates drawn per group (SPEC §22), the design effects widen speculation's margins.
      designEffects: { values in
        RunSummary.groupSize(scenario, paths: paths).map {
          Self.designEffects(values, variables: variables.count, inner: $0)
        }
      }
    ) { pass, more, eachChunk in
      try forEachChunk(
        simulator, chunkPaths, pass: pass, passes: more ? pass + 1 : pass, progress: progress,
        cancellation: cancellation
      ) { chunk, _ in eachChunk { Self.fold(chunk, variables, $0) } }
    }
    return wanted.indices.map { v in wanted[v].ranks.map { selection.orderStatistic(v, rank: $0) } }
  }

  /// Calls `body` with each variable's values in `chunk`, the variables spread over the cores.
  private static func fold(
    _ chunk: SimulationResult, _ variables: [NeedsWithin], _ body: (Int, UnsafeBufferPointer<Double>) -> Void
  ) {
    let rows = variables.map { variable in
      guard let row = (variable.minimum ? chunk.minimumNeedsWithin : chunk.needsWithin)[variable.years] else {
        preconditionFailure("the simulator does not record the needs within \(variable.years) years")
      }
      return row
    }
    DispatchQueue.concurrentPerform(iterations: rows.count) { v in rows[v].withUnsafeBufferPointer { body(v, $0) } }
  }
}
