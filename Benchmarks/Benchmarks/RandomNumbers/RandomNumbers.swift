// The generator alone: Philox4x32-10 blocks, and standard normals by the ziggurat over them, each at the
// addresses the engine uses (path, month, stream). Iterations of about 50 ms each.
import Benchmark
import BenchmarkSupport
import ReserveSim

let benchmarks: @Sendable () -> Void = {
  // Calls per iteration, for iterations long enough to time well; the rates are per second.
  let philoxCalls = 16_000_000
  // Blocks of 256 paths × 119 months × 4 factors, as the kernel draws them: 121,856 normals a block. 400 blocks
  // (about 0.13 s): with 40, an iteration of 13 ms was within a few ticks of getrusage's CPU time, which came out
  // at 14 or 22 ms from one check to the next.
  let normalBlocks = 400
  let blockLanes = 256, blockMonths = 2...120

  Benchmark.defaultConfiguration = .init(
    timeUnits: .microseconds, warmupIterations: 2, maxDuration: .seconds(5), maxIterations: 50)

  Benchmark(
    "Philox4x32-10-blocks",
    configuration: .init(
      metrics: BenchmarkMetric.engine(rate: .philoxBlocksPerSecond),
      thresholds: Tolerance.engine(rate: .philoxBlocksPerSecond, mallocs: Tolerance.fewMallocs))
  ) { benchmark in
    let mixed = benchmark.measure(.philoxBlocksPerSecond, units: Double(philoxCalls)) {
      _EngineBenchmarks.philoxBlocks(seed: PyPIBaseline.seed, calls: philoxCalls)
    }
    blackHole(mixed)
  }

  Benchmark(
    "Normals-Ziggurat",
    configuration: .init(
      metrics: BenchmarkMetric.engine(rate: .normalsPerSecond),
      thresholds: Tolerance.engine(rate: .normalsPerSecond, mallocs: Tolerance.fewMallocs))
  ) { benchmark in
    // The kernel's generator (VectorKernels.factorNormals, at the best instruction-set level of the CPU).
    let monthStride = blockLanes, factorStride = blockLanes * blockMonths.count
    let buffer = UnsafeMutablePointer<Double>.allocate(capacity: 4 * factorStride)
    defer { buffer.deallocate() }
    let sum = benchmark.measure(.normalsPerSecond, units: Double(4 * factorStride * normalBlocks)) {
      var sum = 0.0
      for block in 0..<normalBlocks {
        _EngineBenchmarks.factorNormals(
          seed: PyPIBaseline.seed, firstPath: block * blockLanes, lanes: blockLanes, months: blockMonths, into: buffer,
          monthStride: monthStride, factorStride: factorStride)
        sum += buffer[block]
      }
      return sum
    }
    blackHole(sum)
  }
}
