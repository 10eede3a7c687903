// The PyPI baseline end to end, as `reservesim run` does it minus the file and the printing:
// simulate N paths, then summarise them (quantiles, intervals, yearly table).
import Benchmark
import BenchmarkSupport
import Foundation
import ReserveSim

// Names carry no spaces or slashes: package-benchmark 1.38.1 writes threshold files with those replaced by
// '_' but looks them up by the raw name, so such a benchmark would never be checked.
let benchmarks: @Sendable () -> Void = {
  Benchmark.defaultConfiguration = .init(
    metrics: BenchmarkMetric.engine(rate: .pathsPerSecond), timeUnits: .milliseconds, warmupIterations: 1,
    maxDuration: .seconds(30), maxIterations: 7, thresholds: Tolerance.engine(rate: .pathsPerSecond))

  let scenario = PyPIBaseline.load()
  let allThreads = ProcessInfo.processInfo.activeProcessorCount

  /// One simulation of `file` (the baseline unless given) plus its summary per iteration.
  func simulateAndSummarise(
    _ name: String, _ file: Scenario? = nil, paths: Int, threads: Int, configuration: Benchmark.Configuration
  ) {
    let simulated = file ?? scenario
    Benchmark(name, configuration: configuration) { benchmark in
      let summary = benchmark.measure(.pathsPerSecond, units: Double(paths)) {
        RunSummary(Simulator(threads: threads).run(simulated, paths: paths, seed: PyPIBaseline.seed))
      }
      blackHole(summary)
    }
  }

  // Scale, on every core the machine has.
  simulateAndSummarise("PyPI-100k-paths", paths: 100_000, threads: allThreads, configuration: .init())
  simulateAndSummarise(
    "PyPI-1M-paths", paths: 1_000_000, threads: allThreads,
    configuration: .init(warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 3))

  // SPEC §16: the same baseline with ten estimates as ranges — per-path parameters through the month's passes,
  // and the ranking of the estimates in the summary. The bar: within 2× of PyPI-1M-paths.
  simulateAndSummarise(
    "PyPI-1M-paths-10-uncertain", PyPIBaseline.load(PyPIBaseline.uncertainPath), paths: 1_000_000,
    threads: allThreads, configuration: .init(warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 3))

  // Threads: the same 100k paths on one worker and on two (the results are identical by design).
  simulateAndSummarise("PyPI-100k-paths-1-thread", paths: 100_000, threads: 1, configuration: .init(maxIterations: 5))
  simulateAndSummarise("PyPI-100k-paths-2-threads", paths: 100_000, threads: 2, configuration: .init(maxIterations: 5))

  // SPEC §15, §18: the shipped policy file, whose cuts and appeal react to the balance, so every path's need is
  // searched for by replays of its recorded flows; beside it the same file with its responses removed (the bar:
  // the policy within 2× of it, both on 2 threads).
  let todayPolicy = PyPIBaseline.load(PyPIBaseline.todayPolicyPath)
  var withoutResponses = todayPolicy
  withoutResponses.policy = ResponsePolicy(minimumMonths: todayPolicy.policy?.minimumMonths)
  let big = Benchmark.Configuration(warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 3)
  simulateAndSummarise("PyPI-today-policy-1M-paths", todayPolicy, paths: 1_000_000, threads: 2, configuration: big)
  simulateAndSummarise(
    "PyPI-today-policy-without-responses-1M-paths", withoutResponses, paths: 1_000_000, threads: 2,
    configuration: big)

  // `solve` over a 5 × 5 grid of two policy levers at 100k paths (the bar: under 30 s on 2 cores), as the
  // command runs it (`RunPipeline.solve`): levers on the policy's numbers only, so the file is simulated once for
  // every point's needs and once for every plan's cost, each point's policy replayed on it; then the check.
  Benchmark(
    "Solve-5x5-policy-levers-100k-paths",
    configuration: .init(
      metrics: [.wallClock, .cpuTotal], warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 3,
      // Without tolerances every stored metric would have to match exactly (check failed on any noise).
      thresholds: [.wallClock: Tolerance.time, .cpuTotal: Tolerance.time])
  ) { benchmark in
    let pipeline = RunPipeline(simulator: Simulator(threads: 2))
    let solve = try await pipeline.solve(
      pipeline.load(PyPIBaseline.todayPolicyPath), targets: ["ruin<=5%@5y"],
      levers: ["policy.cuts.belowMonths=2:4:5", "policy.cuts.expenseMultiplier=0.4:0.8:5"].map {
        try SweepAxis(parsing: $0)!
      }, paths: 100_000, seed: PyPIBaseline.seed)
    blackHole(solve)
  }

  /// `sweep` of `file` over `axis`, 200k paths on 2 threads, as the command runs it (`RunPipeline.sweep`).
  func sweepBenchmark(_ name: String, file: String, axis: String) {
    Benchmark(
      name,
      configuration: .init(
        metrics: [.wallClock, .cpuTotal], warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 5,
        thresholds: [.wallClock: Tolerance.time, .cpuTotal: Tolerance.time])
    ) { benchmark in
      let pipeline = RunPipeline(simulator: Simulator(threads: 2))
      let sweep = try await pipeline.sweep(
        pipeline.load(file), axes: [try SweepAxis(parsing: axis)!], paths: 200_000, seed: PyPIBaseline.seed)
      blackHole(sweep)
    }
  }

  // The initial reserve over 7 points of the uncertain baseline (its reserve a range, moved per point): a path's
  // need does not depend on its B₀, so the file is simulated once and each point's balance runs beside it
  // (`ReserveVariants`).
  sweepBenchmark("Sweep-reserve-7-points-200k-paths", file: PyPIBaseline.uncertainPath, axis: "reserve.initial=0:3e6:7")

  // The baseline's staff growth over 7 points: without a policy, each point's cash flow is its own lines beside the
  // file's one simulation (`ReserveVariants`' money months).
  sweepBenchmark(
    "Sweep-staff-growth-7-points-200k-paths", file: PyPIBaseline.path,
    axis: "expenses[Infrastructure staff].annualGrowth=0.06:0.18:7")

  // `compare` of the shipped policy file against itself with the cuts at 4 months' cover and a larger appeal, 200k
  // paths on 2 threads, as the command runs it (`RunPipeline.compare`): B differs only in the policy's numbers, so
  // the file is simulated once and both policies replayed on it; then the paired bootstrap.
  Benchmark(
    "Compare-policy-numbers-200k-paths",
    configuration: .init(
      metrics: [.wallClock, .cpuTotal], warmupIterations: 0, maxDuration: .seconds(60), maxIterations: 5,
      thresholds: [.wallClock: Tolerance.time, .cpuTotal: Tolerance.time])
  ) { benchmark in
    let pipeline = RunPipeline(simulator: Simulator(threads: 2))
    let a = try pipeline.load(PyPIBaseline.todayPolicyPath)
    var b = a
    b.scenario.policy?.cuts?.belowMonths = 4
    b.scenario.policy?.appeal?.amount = 200_000
    blackHole(try await pipeline.compare(a, b, paths: 200_000, seed: PyPIBaseline.seed))
  }

  // `compare`'s paired bootstrap alone (Comparison: 200 resamples of Poisson weights, the windows' selections), of
  // two 100k-path results made in setup: the baseline, and the baseline whose CDN is lost twice as often.
  Benchmark(
    "Compare-bootstrap-100k-paths",
    configuration: .init(maxDuration: .seconds(20), maxIterations: 10)
  ) { benchmark, results in
    blackHole(
      benchmark.measure(.pathsPerSecond, units: Double(results.a.paths)) {
        Comparison(a: results.a, b: results.b, threads: 2)
      })
  } setup: {
    var riskier = scenario
    riskier.inKindServices[0].annualLossProbability *= 2
    let simulator = Simulator(threads: 2)
    return (
      a: simulator.run(scenario, paths: 100_000, seed: PyPIBaseline.seed),
      b: simulator.run(riskier, paths: 100_000, seed: PyPIBaseline.seed)
    )
  }

  // The summary alone (sorting the needs, year-end percentiles), from a 100k-path result made in setup.
  Benchmark(
    "RunSummary-100k-paths",
    configuration: .init(maxDuration: .seconds(10), maxIterations: 20)
  ) { benchmark, result in
    blackHole(benchmark.measure(.pathsPerSecond, units: Double(result.paths)) { RunSummary(result) })
  } setup: {
    Simulator().run(scenario, paths: 100_000, seed: PyPIBaseline.seed)
  }
}
