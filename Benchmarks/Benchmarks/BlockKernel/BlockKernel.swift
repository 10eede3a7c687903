// One block of the PyPI baseline through `PathBlockKernel`: the unit of work each thread repeats,
// without the driver, the result arrays or the summary. The kernel reuses its scratch from block to block.
import Benchmark
import BenchmarkSupport
@_spi(Engine) import ReserveSim

/// A kernel and the output buffers for one block of paths 0 ..< `paths`, set up as `Simulator` sets up
/// each worker's.
final class OneBlock {
  let paths: Int
  let kernel: PathBlockKernel
  let requiredReserve: UnsafeMutablePointer<Double>
  let yearEndBalance: UnsafeMutablePointer<Double>
  let firstRuinMonth: UnsafeMutablePointer<Int32>
  let blockFlows: UnsafeMutablePointer<Double>

  init(scenario: Scenario, paths: Int) {
    BLAS.useSingleThread()
    let plan = SimulationPlan(scenario)
    self.paths = paths
    kernel = PathBlockKernel(plan: plan, seed: PyPIBaseline.seed, capacity: paths)
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

  func simulate() {
    let output = BlockOutput(
      requiredReserve: requiredReserve, yearEndBalance: yearEndBalance, firstRuinMonth: firstRuinMonth,
      paths: paths, blockFlows: blockFlows)
    kernel.simulate(firstPath: 0, count: paths, into: output)
  }
}

let benchmarks: @Sendable () -> Void = {
  let blockSize = Simulator.blockSize
  Benchmark(
    "PyPI-one-block-\(blockSize)-paths",
    configuration: .init(
      metrics: BenchmarkMetric.engine(rate: .pathsPerSecond), timeUnits: .microseconds, warmupIterations: 3,
      maxDuration: .seconds(5), maxIterations: 300,
      thresholds: Tolerance.engine(rate: .pathsPerSecond, mallocs: Tolerance.fewMallocs))
  ) { benchmark, block in
    benchmark.measure(.pathsPerSecond, units: Double(block.paths)) { block.simulate() }
    blackHole(block.requiredReserve[0])
  } setup: {
    OneBlock(scenario: PyPIBaseline.load(), paths: blockSize)
  }
}
