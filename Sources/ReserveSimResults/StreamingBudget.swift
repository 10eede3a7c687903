import ReserveSimEngine
import ReserveSimScenario

/// The memory a run may give its paths' results (issue #23): below `onePassBytes` a run keeps every path's results
/// as before; above it, a run that can (`streams`) is summarised chunk by chunk (`StreamedRun`) in a fixed amount
/// of memory, whatever its path count.
public struct StreamingBudget: Sendable, Equatable {
  /// A run whose per-path memory (`MemoryEstimate`'s bytes a path × paths) fits in this runs in one pass.
  public var onePassBytes = 256 << 20
  /// One chunk's per-path results, simulated and folded at a time.
  public var chunkBytes = 48 << 20
  /// The bins of pass 1 and the refinements of a later pass (`BinnedSelection`).
  public var histogramBytes = 48 << 20
  /// The values a later pass keeps to select the wanted ranks from; pass 1 keeps as many on speculation.
  public var collectedBytes = 160 << 20
  /// Whether pass 1 keeps the values near each wanted rank's place in its first chunk (`BinnedSelection.speculate`),
  /// so that a later pass is needed only for what that missed.
  public var speculates = true

  public init() {}

  /// A budget for tests: everything in a few kilobytes, so that even small runs take several chunks and passes.
  package static func tiny(chunkPaths: Int = 3 * Simulator.blockSize, histogramBytes: Int, collectedBytes: Int)
    -> StreamingBudget
  {
    var budget = StreamingBudget()
    budget.onePassBytes = 0
    budget.chunkBytes = 0
    budget.minimumChunkPaths = chunkPaths
    budget.histogramBytes = histogramBytes
    budget.collectedBytes = collectedBytes
    return budget
  }

  /// The fewest paths in a chunk (a multiple of `Simulator.blockSize`).
  package var minimumChunkPaths = Simulator.blockSize
  /// The most paths in a chunk: more gains nothing (the threads already have 1,024 blocks to share).
  static let maximumChunkPaths = 1 << 18

  /// Whether `simulator`'s run of `paths` paths of `scenario` is streamed: its one-pass memory is over
  /// `onePassBytes`, and its outputs need no more than `UncertaintyRanking.samplePaths` paths' values side by side
  /// — no estimates drawn per group (SPEC §22).
  public func streams(_ scenario: Scenario, paths: Int, simulator: Simulator) -> Bool {
    guard Self.canStream(scenario) else { return false }
    let estimate = simulator.memoryEstimate(for: scenario, paths: paths)
    return Double(paths) * estimate.bytesPerPath > Double(onePassBytes)
  }

  /// Whether a run of `scenario` can be summarised chunk by chunk: no estimates drawn per group, whose intervals
  /// (a bootstrap over groups) read every path's need. Uncertain estimates (SPEC §16) can: their ranking reads a
  /// fixed sample of paths (`UncertaintyRanking.samplePaths`).
  public static func canStream(_ scenario: Scenario) -> Bool {
    scenario.simulation.nested == nil
  }

  /// Paths in each chunk: as many as `chunkBytes` holds at the one-pass estimate's bytes a path, a multiple of
  /// `Simulator.blockSize` between `minimumChunkPaths` and 2¹⁸.
  func chunkPaths(_ scenario: Scenario, simulator: Simulator) -> Int {
    let perPath = simulator.memoryEstimate(for: scenario, paths: 1).bytesPerPath
    let fitting = Int(Double(chunkBytes) / perPath) / Simulator.blockSize * Simulator.blockSize
    return max(minimumChunkPaths, min(Self.maximumChunkPaths, fitting))
  }

  /// The memory a streamed run needs: the process, the workers' block buffers, a chunk's results, the bins and
  /// the values kept, and with uncertain estimates the ranking's sample and its workspace (`rankingBytes`) — none
  /// of it grows with the paths.
  public func estimate(for scenario: Scenario, paths: Int, simulator: Simulator) -> MemoryEstimate {
    let onePass = simulator.memoryEstimate(for: scenario, paths: paths)
    let chunk = Double(chunkPaths(scenario, simulator: simulator)) * onePass.bytesPerPath
    let fixed =
      onePass.fixedBytes + Int(chunk.rounded(.up)) + histogramBytes + collectedBytes
      + Self.rankingBytes(scenario, paths: paths, threads: simulator.threads)
    return MemoryEstimate(fixedBytes: fixed, paths: paths, years: scenario.years)
  }

  /// The ranking's memory in a streamed run of `paths` (SPEC §16): for each path it reads, the need and ruin kept
  /// by pass 1 (16 bytes) and the ranking's own buffers (`MemoryEstimate.rankingBytesPerPath`); 0 without
  /// uncertain estimates.
  static func rankingBytes(_ scenario: Scenario, paths: Int, threads: Int) -> Int {
    guard !scenario.uncertainParameters.isEmpty else { return 0 }
    let sample = UncertaintyRanking.sampleCount(of: paths)
    return sample * (16 + Int(MemoryEstimate.rankingBytesPerPath(scenario, threads: threads)))
  }
}
