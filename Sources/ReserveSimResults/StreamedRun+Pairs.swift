import ReserveSimEngine
import ReserveSimScenario

extension StreamedRun {
  /// Simulates this run's paths and the same paths of `other` (the same seed: common random numbers), chunk by chunk
  /// in path order, each chunk of this run then of `other`, and hands both to `body` — a pass over pairs of runs
  /// (`compare`) in memory that does not grow with the paths: two chunks, each half the size of one run's.
  /// - Throws: `CancellationError` when `cancellation` is set.
  package func forEachPairedChunk(
    with other: Scenario, progress: (@Sendable (Double) -> Void)?, cancellation: CancellationFlag?,
    _ body: (_ this: SimulationResult, _ other: SimulationResult, _ firstPath: Int) -> Void
  ) throws {
    let size = max(
      Simulator.blockSize,
      min(budget.chunkPaths(scenario, simulator: simulator), budget.chunkPaths(other, simulator: simulator)) / 2
        / Simulator.blockSize * Simulator.blockSize)
    let total = Double(paths)
    for start in stride(from: 0, to: paths, by: size) {
      let range = start..<min(paths, start + size)
      let count = Double(range.count)
      func report(_ half: Double) -> (@Sendable (Double) -> Void)? {
        progress.map { progress in
          { @Sendable share in progress((Double(start) + (half + share) / 2 * count) / total) }
        }
      }
      let chunk = try simulator.run(
        scenario, pathRange: range, seed: seed, progress: report(0), cancellation: cancellation)
      let otherChunk = try simulator.run(
        other, pathRange: range, seed: seed, progress: report(1), cancellation: cancellation)
      body(chunk, otherChunk, start)
    }
  }
}
