import Dispatch
import Foundation
import ReserveSimScenario

/// Runs a scenario's paths in fixed-size blocks across threads and gathers the raw per-path results.
///
/// Block b holds paths b·blockSize ..< (b+1)·blockSize; each worker takes the next block not yet taken.
/// Every block writes only its own slots, and yearly sums are combined in block order, so the result is
/// identical on any thread count and whichever worker ran a block.
public struct Simulator: Sendable {
  /// Paths per block: the unit of work and of the yearly-sum reduction.
  public static let blockSize = 256

  /// Worker threads (at least 1).
  public var threads: Int
  /// Whether to record per-path diagnostics (services lost, event months, final sponsors and traffic).
  public var recordsDiagnostics: Bool
  /// Years y whose needs within y years (need_y, and need_min,y with a minimum; SPEC §17) each path records, for
  /// targets such as `ruin<=5%@3y` (`SimulationResult.needsWithin`). Empty: none.
  public var needYears: [Int] = []
  /// Whether, when the policy's responses depend on the balance, each path's need over the horizon and for the
  /// minimum is searched for (SPEC §15, §17). A run that reads only ruin, the minimum and `needYears` (`solve`)
  /// turns it off: `requiredReserve` and `minimumNeed` are then NaN.
  public var searchesNeeds = true
  /// With balance-dependent responses, which of the needs within `needYears` are searched for: need_y for the
  /// years in `floor`, need_min,y for those in `minimum`; the others are NaN. nil: all of them.
  public var searchedNeedsWithin: (floor: Set<Int>, minimum: Set<Int>)?
  /// Whether each path records the first month each in-kind service is paid for after a loss
  /// (`SimulationResult.firstPaidMonth`, for SPEC §21's runway after a loss): 4 bytes a path and service, written
  /// only in the rare step of a loss. Off unless an output shows the runway (`run`, the report, the notebook).
  public var recordsFirstPaidMonths = false
  /// Whether the result keeps each block's yearly sums (`SimulationResult.blockFlowSums`, `blockActivitySums`), so
  /// that a run made of consecutive path ranges (chunks whose bounds are multiples of `blockSize`) can add them in
  /// the block order of one run of all its paths, bit for bit. Off: only the means are kept.
  package var keepsBlockSums = false

  public init(threads: Int = ProcessInfo.processInfo.activeProcessorCount, recordsDiagnostics: Bool = false) {
    self.threads = max(1, threads)
    self.recordsDiagnostics = recordsDiagnostics
  }

  /// Simulates `paths` paths of `scenario` from `seed`: the same as `run(_:pathRange:seed:progress:)` for
  /// paths 0..<paths.
  public func run(
    _ scenario: Scenario, paths: Int, seed: UInt64, progress: (@Sendable (Double) -> Void)? = nil
  ) -> SimulationResult {
    precondition(paths >= 1)
    return run(scenario, pathRange: 0..<paths, seed: seed, progress: progress)
  }

  /// Simulates paths `pathRange` of `scenario` from `seed`; entry 0 of each per-path array is path
  /// `pathRange.lowerBound`.
  ///
  /// Path i's random numbers depend only on (seed, i) (SPEC §8), so for a ≤ b ≤ c the run of paths a..<b
  /// followed by the run of b..<c equals the run of a..<c path by path (`SimulationResult.appending`).
  /// - Parameter progress: called now and then from a worker thread with the share of blocks done (0…1).
  /// - Complexity: O(paths × months × (factors + services + events + tiers)) time;
  ///   O(paths × years) memory for the per-path results.
  public func run(
    _ scenario: Scenario, pathRange: Range<Int>, seed: UInt64, progress: (@Sendable (Double) -> Void)? = nil
  ) -> SimulationResult {
    do {
      return try run(scenario, pathRange: pathRange, seed: seed, progress: progress, cancellation: nil)
    } catch {
      preconditionFailure("a run without a cancellation flag is never cancelled")
    }
  }

  /// `run(_:paths:seed:progress:)`, stopping when `cancellation` is set.
  /// - Throws: `CancellationError` when `cancellation` is set before the run ends.
  public func run(
    _ scenario: Scenario, paths: Int, seed: UInt64, progress: (@Sendable (Double) -> Void)? = nil,
    cancellation: CancellationFlag?
  ) throws -> SimulationResult {
    precondition(paths >= 1)
    return try run(scenario, pathRange: 0..<paths, seed: seed, progress: progress, cancellation: cancellation)
  }

  /// `run(_:pathRange:seed:progress:)`, stopping when `cancellation` is set: each worker checks it before
  /// each block of `blockSize` paths, so a run stops within a block's time of the request.
  /// - Throws: `CancellationError` when `cancellation` is set before the run ends.
  public func run(
    _ scenario: Scenario, pathRange: Range<Int>, seed: UInt64, progress: (@Sendable (Double) -> Void)? = nil,
    cancellation: CancellationFlag?
  ) throws -> SimulationResult {
    precondition(pathRange.lowerBound >= 0 && !pathRange.isEmpty)
    BLAS.useSingleThread()
    let plan = SimulationPlan(scenario)
    let years = plan.years
    let paths = pathRange.count
    let runStart = pathRange.lowerBound
    let blocks = (paths + Self.blockSize - 1) / Self.blockSize
    let workers = min(threads, blocks)

    // Results are written in place into the arrays the result keeps (no copies: at 1M paths × 10 years the
    // year-end balances alone are 80 MB).
    // Left unset here: every block writes each of its slots, and the pages are first touched by the workers.
    var need = [Double](unsafeUninitializedCapacity: paths) { $1 = paths }
    var yearEnd = [Double](unsafeUninitializedCapacity: paths * years) { $1 = paths * years }
    var ruin = [Int32](unsafeUninitializedCapacity: paths) { $1 = paths }
    let belowCount = plan.minimumMonths == nil ? 0 : paths
    var belowMinimum = [Int32](unsafeUninitializedCapacity: belowCount) { $1 = belowCount }
    var minimumNeed = [Double](unsafeUninitializedCapacity: belowCount) { $1 = belowCount }
    let needYears = Array(Set(self.needYears)).sorted()
    let withinCount = paths * needYears.count, minimumWithinCount = belowCount * needYears.count
    var needsWithin = [Double](unsafeUninitializedCapacity: withinCount) { $1 = withinCount }
    var minimumNeedsWithin = [Double](unsafeUninitializedCapacity: minimumWithinCount) { $1 = minimumWithinCount }
    let flowStride = years * YearlyFlow.count
    var flows = [Double](repeating: 0, count: blocks * flowStride)
    // The policy's activity per block and year (SPEC §19), only when the file has cuts or an appeal.
    let activityStride = plan.respondsToBalance ? years * PolicyActivityField.count : 0
    let activity = UnsafeMutableBufferPointer<Double>.allocate(capacity: blocks * activityStride)
    activity.initialize(repeating: 0)
    defer { activity.deallocate() }
    let diagnostics = recordsDiagnostics ? PathDiagnostics(paths: paths, scenario: scenario) : nil
    // Each service's first paid month per path (SPEC §21), only when asked for; every block clears its own slots.
    let firstPaid = UnsafeMutableBufferPointer<Int32>.allocate(
      capacity: recordsFirstPaidMonths ? paths * plan.serviceMonthlyValue.count : 0)
    defer { firstPaid.deallocate() }
    let doneCounter = ProgressCounter(total: blocks)

    need.withUnsafeMutableBufferPointer { needBuffer in
      yearEnd.withUnsafeMutableBufferPointer { yearEndBuffer in
        ruin.withUnsafeMutableBufferPointer { ruinBuffer in
          flows.withUnsafeMutableBufferPointer { flowBuffer in
            belowMinimum.withUnsafeMutableBufferPointer { belowBuffer in
              minimumNeed.withUnsafeMutableBufferPointer { minimumNeedBuffer in
                needsWithin.withUnsafeMutableBufferPointer { withinBuffer in
                  minimumNeedsWithin.withUnsafeMutableBufferPointer { minimumWithinBuffer in
                    var output = BlockOutput(
                      requiredReserve: needBuffer.baseAddress!, yearEndBalance: yearEndBuffer.baseAddress!,
                      firstRuinMonth: ruinBuffer.baseAddress!, paths: paths, runStart: runStart,
                      blockFlows: flowBuffer.baseAddress!, diagnostics: diagnostics,
                      belowMinimumMonth: belowCount > 0 ? belowBuffer.baseAddress : nil)
                    output.minimumNeed = belowCount > 0 ? minimumNeedBuffer.baseAddress : nil
                    output.needsWithin = withinCount > 0 ? withinBuffer.baseAddress : nil
                    output.minimumNeedsWithin = minimumWithinCount > 0 ? minimumWithinBuffer.baseAddress : nil
                    output.blockActivity = activityStride > 0 ? activity.baseAddress : nil
                    output.firstPaidMonth = firstPaid.isEmpty ? nil : firstPaid.baseAddress
                    simulateBlocks(
                      plan: plan, seed: seed, needYears: needYears, into: output, workers: workers, blocks: blocks,
                      runStart: runStart, flowStride: flowStride, activityStride: activityStride, progress: progress,
                      done: doneCounter,
                      cancellation: cancellation)
                  }
                }
              }
            }
          }
        }
      }
    }

    try cancellation?.check()

    // Yearly sums, combined in block order whatever the thread count.
    var yearlyFlowSums = [Double](repeating: 0, count: flowStride)
    for block in 0..<blocks {
      for i in 0..<flowStride { yearlyFlowSums[i] += flows[block * flowStride + i] }
    }
    var result = SimulationResult(
      scenario: scenario, paths: paths, seed: seed, requiredReserve: need, yearEndBalance: yearEnd,
      firstRuinMonth: ruin, yearlyFlowMeans: yearlyFlowSums.map { $0 / Double(paths) }, diagnostics: diagnostics,
      belowMinimumMonth: belowMinimum)
    result.minimumNeed = minimumNeed
    result.firstPaidMonth = recordsFirstPaidMonths ? Array(firstPaid) : nil
    for (k, years) in needYears.enumerated() {
      result.needsWithin[years] = Array(needsWithin[k * paths..<(k + 1) * paths])
      if minimumWithinCount > 0 {
        result.minimumNeedsWithin[years] = Array(minimumNeedsWithin[k * paths..<(k + 1) * paths])
      }
    }
    if activityStride > 0 {
      // Combined in block order too.
      var activitySums = [Double](repeating: 0, count: activityStride)
      for block in 0..<blocks {
        for i in 0..<activityStride { activitySums[i] += activity[block * activityStride + i] }
      }
      result.policyActivityMeans = activitySums.map { $0 / Double(paths) }
    }
    if keepsBlockSums {
      result.blockFlowSums = flows
      result.blockActivitySums = Array(activity)
    }
    if !scenario.uncertainParameters.isEmpty {
      result.parameterDraws = LaneParameters.draws(
        seed: seed, firstPath: runStart, inner: scenario.simulation.pathsPerDraw)
    }
    return result
  }
}

extension Simulator {
  /// Runs the blocks on `workers` threads, each taking the next block not yet taken (`BlockQueue`); each block writes
  /// its own slots of `output` and its own row of the yearly sums, so the result does not depend on the thread
  /// count or on which worker ran a block. Taken in turn rather than dealt out ahead (worker w: blocks w, w + T, …),
  /// the blocks keep both cores busy to the end when one runs slower (measured on a 2-core VM, 1M paths: one
  /// worker finished its half 0.14 s before the other).
  func simulateBlocks(
    plan: SimulationPlan, seed: UInt64, needYears: [Int], into output: BlockOutput, workers: Int, blocks: Int,
    runStart: Int, flowStride: Int, activityStride: Int, progress: (@Sendable (Double) -> Void)?,
    done doneCounter: ProgressCounter,
    cancellation: CancellationFlag?
  ) {
    let paths = output.paths
    let queue = BlockQueue(blocks: blocks)
    DispatchQueue.concurrentPerform(iterations: workers) { _ in
      let kernel = PathBlockKernel(
        plan: plan, seed: seed, capacity: Self.blockSize, needYears: needYears, searchesNeeds: searchesNeeds,
        searchedNeedsWithin: searchedNeedsWithin)
      while let block = queue.next() {
        if let cancellation, cancellation.isCancelled { break }
        let offset = block * Self.blockSize
        var blockOutput = output
        blockOutput.blockFlows = output.blockFlows + block * flowStride
        blockOutput.blockActivity = output.blockActivity.map { $0 + block * activityStride }
        kernel.simulate(firstPath: runStart + offset, count: min(Self.blockSize, paths - offset), into: blockOutput)
        if let progress, let share = doneCounter.increment() { progress(share) }
      }
    }
  }
}

/// Hands out blocks 0, 1, 2, … to the workers, each block once.
final class BlockQueue: @unchecked Sendable {
  private let lock = NSLock()
  private var taken = 0
  let blocks: Int
  init(blocks: Int) { self.blocks = blocks }

  /// The next block not yet taken; nil when every block is.
  func next() -> Int? {
    lock.lock()
    defer { lock.unlock() }
    guard taken < blocks else { return nil }
    taken += 1
    return taken - 1
  }
}

/// Counts finished blocks across threads and says when another percent is done.
final class ProgressCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var done = 0
  private var lastReported = -1
  let total: Int
  init(total: Int) { self.total = total }

  /// Marks one block done; returns the share done when it crossed a new whole percent.
  func increment() -> Double? {
    lock.lock()
    defer { lock.unlock() }
    done += 1
    let percent = done * 100 / total
    guard percent != lastReported else { return nil }
    lastReported = percent
    return Double(done) / Double(total)
  }
}
