// One block of the PyPI baseline through `PathBlockKernel`: the unit of work each thread repeats,
// without the driver, the result arrays or the summary. The kernel reuses its scratch from block to block.
import Benchmark
import BenchmarkSupport
import ReserveSim

let benchmarks: @Sendable () -> Void = {
  let blockSize = Simulator.blockSize
  Benchmark(
    "PyPI-one-block-\(blockSize)-paths",
    configuration: .init(
      metrics: BenchmarkMetric.engine(rate: .pathsPerSecond), timeUnits: .microseconds, warmupIterations: 3,
      maxDuration: .seconds(5), maxIterations: 300,
      thresholds: Tolerance.engine(rate: .pathsPerSecond, mallocs: Tolerance.fewMallocs))
  ) { benchmark, block in
    let need = benchmark.measure(.pathsPerSecond, units: Double(block.paths)) { block.simulate() }
    blackHole(need)
  } setup: {
    _EngineBenchmarks.OneBlock(scenario: PyPIBaseline.load(), seed: PyPIBaseline.seed, paths: blockSize)
  }
}
