import Dispatch

extension Simulator {
  /// Simulates only paths `pathRange` of `scenario` from `seed`: each path gets exactly the numbers it has in
  /// any run that contains it.
  ///
  /// Path i's random numbers depend only on (seed, i) (SPEC §8), so for 0 ≤ a ≤ b ≤ c the run of paths
  /// a..<b followed by the run of paths b..<c equals the run of a..<c path by path. The result holds the
  /// range's paths in order (entry 0 is path a) and its `paths` is the range's length; yearly flow means are
  /// over the range. Ranges record no diagnostics. Blocks of `blockSize` paths start at a.
  /// - Parameter progress: called now and then from a worker thread with the share of blocks done (0…1).
  /// - Complexity: O((b − a) × months × (factors + services + events + tiers)) time; O((b − a) × years + a)
  ///   memory.
  public func run(
    _ scenario: Scenario, pathRange: Range<Int>, seed: UInt64, progress: (@Sendable (Double) -> Void)? = nil
  ) -> SimulationResult {
    precondition(pathRange.lowerBound >= 0 && !pathRange.isEmpty)
    BLAS.useSingleThread()
    let plan = SimulationPlan(scenario)
    let years = plan.years
    let first = pathRange.lowerBound
    let count = pathRange.count
    let blocks = (count + Self.blockSize - 1) / Self.blockSize

    // The kernel writes path i at slot i and year y of path i at slot y·stride + i. With the stride set to
    // `count`, buffers that start `first` slots early take the range's paths without any slot below 0:
    // path i of year y lands at y·count + i, i.e. at y·count + (i − first) of the range after the pad.
    let range = _RangeBuffers(first: first, count: count, years: years, blocks: blocks)
    defer { range.deallocate() }

    let doneCounter = ProgressCounter(total: blocks)
    let workers = min(threads, blocks)
    DispatchQueue.concurrentPerform(iterations: workers) { worker in
      let kernel = PathBlockKernel(plan: plan, seed: seed, capacity: Self.blockSize)
      for block in stride(from: worker, to: blocks, by: workers) {
        let offset = block * Self.blockSize
        kernel.simulate(
          firstPath: first + offset, count: min(Self.blockSize, count - offset), into: range.output(block: block))
        if let progress, let share = doneCounter.increment() { progress(share) }
      }
    }
    return range.result(scenario: scenario, seed: seed)
  }

  /// `result` (paths 0..<result.paths) extended to `total` paths by simulating only the new paths
  /// result.paths..<total; equal, path by path, to a run of `total` paths.
  /// - Complexity: that of `run(_:pathRange:seed:progress:)` for the new paths, plus O(total × years) to
  ///   concatenate.
  public func extend(
    _ result: SimulationResult, toPaths total: Int, progress: (@Sendable (Double) -> Void)? = nil
  ) -> SimulationResult {
    guard total > result.paths else { return result }
    return result.appending(
      run(result.scenario, pathRange: result.paths..<total, seed: result.seed, progress: progress))
  }
}

extension SimulationResult {
  /// This result followed by `next`, which must hold the paths right after this result's (same scenario and
  /// seed), as `Simulator.run(_:pathRange:seed:progress:)` gives them.
  ///
  /// Per-path arrays are concatenated (year-major balances year by year); yearly flow means combine as
  /// path-weighted means (N₁·m₁ + N₂·m₂)/(N₁ + N₂), equal to one run's up to rounding. Diagnostics are dropped.
  /// - Complexity: O((N₁ + N₂) × years).
  public func appending(_ next: SimulationResult) -> SimulationResult {
    precondition(next.scenario == scenario && next.seed == seed, "results of different runs")
    let total = paths + next.paths
    var yearEnd: [Double] = []
    yearEnd.reserveCapacity(total * years)
    for year in 1...years {
      yearEnd += balances(year: year)
      yearEnd += next.balances(year: year)
    }
    let weight = (Double(paths) / Double(total), Double(next.paths) / Double(total))
    return SimulationResult(
      scenario: scenario, paths: total, seed: seed,
      requiredReserve: requiredReserve + next.requiredReserve,
      yearEndBalance: yearEnd,
      firstRuinMonth: firstRuinMonth + next.firstRuinMonth,
      yearlyFlowMeans: zip(yearlyFlowMeans, next.yearlyFlowMeans).map { weight.0 * $0 + weight.1 * $1 },
      diagnostics: nil)
  }
}

/// Output buffers for a run of paths first..<first+count, padded by `first` slots in front so that the
/// kernel's path-indexed writes stay inside them (see `Simulator.run(_:pathRange:seed:progress:)`).
struct _RangeBuffers: @unchecked Sendable {
  let first: Int
  let count: Int
  let years: Int
  let blocks: Int
  let need: UnsafeMutablePointer<Double>
  let yearEnd: UnsafeMutablePointer<Double>
  let ruin: UnsafeMutablePointer<Int32>
  let flows: UnsafeMutablePointer<Double>
  var flowStride: Int { years * YearlyFlow.count }

  init(first: Int, count: Int, years: Int, blocks: Int) {
    self.first = first
    self.count = count
    self.years = years
    self.blocks = blocks
    need = .allocate(capacity: first + count)
    yearEnd = .allocate(capacity: first + count * years)
    ruin = .allocate(capacity: first + count)
    flows = .allocate(capacity: blocks * years * YearlyFlow.count)
  }

  func deallocate() {
    need.deallocate()
    yearEnd.deallocate()
    ruin.deallocate()
    flows.deallocate()
  }

  /// Where block `block` of the range writes.
  func output(block: Int) -> BlockOutput {
    BlockOutput(
      requiredReserve: need, yearEndBalance: yearEnd, firstRuinMonth: ruin, paths: count,
      blockFlows: flows + block * flowStride, diagnostics: nil)
  }

  /// The range's result; yearly sums are added in block order, then divided by the range's paths.
  func result(scenario: Scenario, seed: UInt64) -> SimulationResult {
    var yearlyFlowSums = [Double](repeating: 0, count: flowStride)
    for block in 0..<blocks {
      for i in 0..<flowStride { yearlyFlowSums[i] += flows[block * flowStride + i] }
    }
    var balances: [Double] = []
    balances.reserveCapacity(count * years)
    for year in 0..<years {
      balances += UnsafeBufferPointer(start: yearEnd + year * count + first, count: count)
    }
    return SimulationResult(
      scenario: scenario, paths: count, seed: seed,
      requiredReserve: Array(UnsafeBufferPointer(start: need + first, count: count)),
      yearEndBalance: balances,
      firstRuinMonth: Array(UnsafeBufferPointer(start: ruin + first, count: count)),
      yearlyFlowMeans: yearlyFlowSums.map { $0 / Double(count) },
      diagnostics: nil)
  }
}
