import Dispatch
import ReserveSimScenario

extension Simulator {
  /// Runs paths `pathRange` of `scenario` (0 ..< `paths` when nil) once for each entry of `runs`, with that entry's risk sources
  /// switched off (SPEC §20), all on common random numbers, and hands each block's outcomes to `take`.
  ///
  /// Blocks are spread over the threads as `run` spreads them; `take(firstPath, lanes, values, stride)` is called
  /// once per block from its worker, with the outcome of run j for path firstPath + i at `values[j · stride + i]`;
  /// it must write only what belongs to those paths, so the result does not depend on the thread count.
  /// - Parameter progress: called now and then from a worker with the share of blocks done (0…1).
  /// - Throws: `CancellationError` when `cancellation` is set before the runs end.
  /// - Complexity: O(runs × paths × months × (factors + services + events + tiers)); memory per worker
  ///   O(runs × blockSize) besides its kernel.
  package func runSwitchingOff(
    _ scenario: Scenario, runs: [SwitchedOffSources], outcome: PathBlockKernel.PathOutcome, paths: Int, seed: UInt64,
    pathRange: Range<Int>? = nil, progress: (@Sendable (Double) -> Void)? = nil,
    cancellation: CancellationFlag? = nil,
    take: @Sendable (_ firstPath: Int, _ lanes: Int, _ values: UnsafePointer<Double>, _ stride: Int) -> Void
  ) throws {
    precondition(!runs.isEmpty)
    try forEachBlock(
      of: SimulationPlan(scenario), seed: seed, range: pathRange ?? 0..<paths, values: runs.count * Self.blockSize,
      keepsShocks: true,
      progress: progress, cancellation: cancellation,
      simulate: { kernel, firstPath, lanes, values in
        kernel.simulate(firstPath: firstPath, count: lanes, switchingOff: runs, outcome: outcome, into: values)
      }, take: take)
  }

  /// Simulates each block of `range` with a kernel of its worker, `simulate(kernel, firstPath, lanes, values)` writing
  /// at most `count` values (rows of `blockSize` lanes, or sums), then hands them to `take(firstPath, lanes, values,
  /// blockSize)` from the same worker. Blocks are taken in turn as `run` takes them; each block's values depend only on its paths.
  /// - Throws: `CancellationError` when `cancellation` is set before the blocks end.
  func forEachBlock(
    of plan: SimulationPlan, seed: UInt64, range: Range<Int>, values count: Int, keepsShocks: Bool,
    progress: (@Sendable (Double) -> Void)?, cancellation: CancellationFlag?,
    simulate: @Sendable (PathBlockKernel, _ firstPath: Int, _ lanes: Int, UnsafeMutablePointer<Double>) -> Void,
    take: @Sendable (_ firstPath: Int, _ lanes: Int, _ values: UnsafePointer<Double>, _ stride: Int) -> Void
  ) throws {
    // A range starts at a block's first path, so its blocks are the whole run's (SPEC §8).
    precondition(!range.isEmpty && range.lowerBound % Self.blockSize == 0 && count > 0)
    BLAS.useSingleThread()
    let blocks = (range.count + Self.blockSize - 1) / Self.blockSize
    let workers = min(threads, blocks)
    let doneCounter = ProgressCounter(total: blocks)
    let queue = BlockQueue(blocks: blocks)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      let kernel = PathBlockKernel(plan: plan, seed: seed, capacity: Self.blockSize, keepsShocks: keepsShocks)
      let values = UnsafeMutablePointer<Double>.allocate(capacity: count)
      defer { values.deallocate() }
      while let block = queue.next() {
        if let cancellation, cancellation.isCancelled { break }
        let firstPath = range.lowerBound + block * Self.blockSize
        let lanes = min(Self.blockSize, range.upperBound - firstPath)
        simulate(kernel, firstPath, lanes, values)
        take(firstPath, lanes, values, Self.blockSize)
        if let progress, let share = doneCounter.increment() { progress(share) }
      }
    }
    try cancellation?.check()
  }
}
