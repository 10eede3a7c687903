import ReserveSimScenario

/// The engine's inner parts as the benchmarks package drives them (`Benchmarks/`): one block through the
/// kernel, the random generator alone. Not API: the benchmarks are a package of their own, so they cannot see
/// `package` declarations, and these are the few entry points they need.
public enum _EngineBenchmarks {
  /// A kernel and its output buffers for one block of paths 0 ..< `paths`, set up as `Simulator` sets up each
  /// worker's; `simulate()` runs the block again (the kernel reuses its scratch from block to block).
  public final class OneBlock {
    public let paths: Int
    let kernel: PathBlockKernel
    let requiredReserve: UnsafeMutablePointer<Double>
    let yearEndBalance: UnsafeMutablePointer<Double>
    let firstRuinMonth: UnsafeMutablePointer<Int32>
    let blockFlows: UnsafeMutablePointer<Double>

    /// - Complexity: O(paths × years) memory.
    public init(scenario: Scenario, seed: UInt64, paths: Int) {
      BLAS.useSingleThread()
      let plan = SimulationPlan(scenario)
      self.paths = paths
      kernel = PathBlockKernel(plan: plan, seed: seed, capacity: paths)
      requiredReserve = .allocate(capacity: paths)
      yearEndBalance = .allocate(capacity: paths * plan.years)
      firstRuinMonth = .allocate(capacity: paths)
      blockFlows = .allocate(capacity: plan.years * YearlyFlow.count)
    }

    deinit {
      requiredReserve.deallocate()
      yearEndBalance.deallocate()
      firstRuinMonth.deallocate()
      blockFlows.deallocate()
    }

    /// Simulates the block; returns path 0's need (for the benchmark to keep).
    public func simulate() -> Double {
      let output = BlockOutput(
        requiredReserve: requiredReserve, yearEndBalance: yearEndBalance, firstRuinMonth: firstRuinMonth,
        paths: paths, blockFlows: blockFlows)
      kernel.simulate(firstPath: 0, count: paths, into: output)
      return requiredReserve[0]
    }
  }

  /// `calls` Philox4x32-10 blocks at counters (i, 2, 0x01000000, 0) under `seed`'s key, their words XORed
  /// together (so the work cannot be skipped).
  public static func philoxBlocks(seed: UInt64, calls: Int) -> UInt32 {
    let streams = RandomStreams(seed: seed)
    var mixed: UInt32 = 0
    for i in 0..<calls {
      let w = Philox4x32.block(UInt32(truncatingIfNeeded: i), 2, 0x0100_0000, 0, key: streams.key0, streams.key1)
      mixed ^= w.0 ^ w.1 ^ w.2 ^ w.3
    }
    return mixed
  }

  /// The kernel's standard normals for `lanes` paths from `firstPath` over `months` at the engine's addresses
  /// (`VectorKernels.factorNormals`, at the best instruction-set level of the CPU).
  public static func factorNormals(
    seed: UInt64, firstPath: Int, lanes: Int, months: ClosedRange<Int>, into out: UnsafeMutablePointer<Double>,
    monthStride: Int, factorStride: Int
  ) {
    VectorKernels.factorNormals(
      RandomStreams(seed: seed), firstPath: firstPath, lanes: lanes, months: months, into: out,
      monthStride: monthStride, factorStride: factorStride)
  }
}
