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
  /// `onePassBytes`. Every file can be: uncertain estimates (SPEC §16) are ranked on a fixed sample of paths
  /// (`UncertaintyRanking.samplePaths`), and estimates drawn per group (SPEC §22) keep a few numbers a group
  /// (`GroupTallies`, `GroupBootstrapSelection`).
  public func streams(_ scenario: Scenario, paths: Int, simulator: Simulator) -> Bool {
    let estimate = simulator.memoryEstimate(for: scenario, paths: paths)
    return Double(paths) * estimate.bytesPerPath + Double(estimate.rankingBytes) > Double(onePassBytes)
  }

  /// Paths in each chunk: as many as `chunkBytes` holds at the one-pass estimate's bytes a path, a multiple of
  /// `Simulator.blockSize` between `minimumChunkPaths` and 2¹⁸.
  func chunkPaths(_ scenario: Scenario, simulator: Simulator) -> Int {
    let perPath = simulator.memoryEstimate(for: scenario, paths: 1).bytesPerPath
    let fitting = Int(Double(chunkBytes) / perPath) / Simulator.blockSize * Simulator.blockSize
    return max(minimumChunkPaths, min(Self.maximumChunkPaths, fitting))
  }

  /// The memory a streamed run needs: the process, the workers' block buffers, and the larger of what the passes
  /// hold (a chunk's results, the bins, the values kept) and what the ranking of uncertain estimates holds after
  /// them (its sample and workspace, `rankingBytes`), with estimates drawn per group their tallies
  /// (`groupBytes`) — none of it grows with the paths, but for a few hundred bytes a group.
  /// - Parameter reserveConfidences: how many confidences of the reserve the run shows (a report's curve: 15).
  public func estimate(
    for scenario: Scenario, paths: Int, simulator: Simulator,
    reserveConfidences: Int = RunSummary.defaultReserveConfidences.count
  ) -> MemoryEstimate {
    let onePass = simulator.memoryEstimate(for: scenario, paths: paths)
    let chunk = Double(chunkPaths(scenario, simulator: simulator)) * onePass.bytesPerPath
    let confidences = reserveConfidences + scenario.assertions.count
    let passes =
      Int(chunk.rounded(.up)) + histogramBytes + collectedBytes + countingBytes(scenario, confidences: confidences)
    let ranking = Self.rankingBytes(scenario, paths: paths, threads: simulator.threads)
    let fixed =
      onePass.fixedBytes + max(passes, ranking) + groupBytes(scenario, paths: paths, confidences: confidences)
    return MemoryEstimate(fixedBytes: fixed, paths: paths, years: scenario.years)
  }

  /// With estimates drawn per group (SPEC §22): each group's tallies (`GroupTallies`: its counts by year, its
  /// reserves at `confidences` confidences — the run's and, at most, one for each assertion) and its bootstrap
  /// weights; 0 otherwise. Grows with the groups, J = N / n: 300 bytes or so a group at 10 years, 1 KB at 100.
  func groupBytes(_ scenario: Scenario, paths: Int, confidences: Int) -> Int {
    guard let inner = scenario.simulation.nested?.inner, inner > 0 else { return 0 }
    let minimum = scenario.policy?.minimumMonths != nil
    let perGroup =
      scenario.years * 4 * (minimum ? 2 : 1) + 8 * confidences + GroupedNeeds.resamples
    return paths / inner * perGroup
  }

  /// The bootstraps' counts at `confidences` confidences with estimates drawn per group
  /// (`GroupBootstrapSelection.countingBytes` each); 0 otherwise. The needs they keep come out of `collectedBytes`
  /// (`selectionBytes`).
  func countingBytes(_ scenario: Scenario, confidences: Int) -> Int {
    Self.bootstraps(scenario) * GroupBootstrapSelection.countingBytes(confidences: confidences)
  }

  /// The needs each bootstrap over groups may keep (SPEC §22): a tenth of `collectedBytes`.
  var bootstrapCollectedBytes: Int { collectedBytes / 10 }

  /// What the bins' selection may keep of `collectedBytes`: all of it, but what the bootstraps over groups keep.
  func selectionBytes(_ scenario: Scenario) -> Int {
    collectedBytes - Self.bootstraps(scenario) * bootstrapCollectedBytes
  }

  /// The bootstraps over groups a streamed run of `scenario` keeps: one for the needs and one for the needs for the
  /// minimum with estimates drawn per group, none otherwise.
  private static func bootstraps(_ scenario: Scenario) -> Int {
    guard scenario.simulation.nested != nil else { return 0 }
    return scenario.policy?.minimumMonths != nil ? 2 : 1
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
