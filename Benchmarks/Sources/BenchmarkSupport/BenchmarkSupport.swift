// Shared pieces of the ReserveSim benchmarks: where the scenario is, the custom metrics, the tolerances.
// Not API.
import Benchmark
import Foundation
import ReserveSim

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The shipped PyPI baseline, the scenario every engine benchmark runs.
public enum PyPIBaseline {
  /// `scenarios/pypi-2020-baseline.json`, found from this source file so the benchmarks run from any folder.
  public static let path: String = {
    var url = URL(fileURLWithPath: #filePath)  // Benchmarks/Sources/BenchmarkSupport/BenchmarkSupport.swift
    for _ in 0..<4 { url.deleteLastPathComponent() }  // → the repository root
    return url.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
  }()

  /// The seed the scenario file names, so runs match `reservesim run` on the same file.
  public static let seed: UInt64 = 20_200_403

  /// `scenarios/pypi-2020-uncertain.json`: the baseline with its ten most uncertain estimates as ranges (SPEC §16).
  public static let uncertainPath: String = path.replacingOccurrences(
    of: "pypi-2020-baseline", with: "pypi-2020-uncertain")

  /// `scenarios/pypi-today-policy.json`: PyPI today with a reserve policy whose cuts and appeal react to the
  /// balance (SPEC §15).
  public static let todayPolicyPath: String = path.replacingOccurrences(
    of: "pypi-2020-baseline", with: "pypi-today-policy")

  /// The scenario, loaded and validated; stops the benchmark with the loader's message if it cannot be.
  public static func load(_ file: String = path) -> Scenario {
    do {
      return try ScenarioLoader().load(file)
    } catch {
      fatalError("Cannot load the benchmark scenario \(path): \(error)")
    }
  }
}

extension BenchmarkMetric {
  /// Monte Carlo paths simulated per second of wall clock (larger is better).
  public static let pathsPerSecond = BenchmarkMetric.custom(
    "paths/s", polarity: .prefersLarger, useScalingFactor: false)
  /// Philox4x32-10 blocks (four 32-bit words each) per second.
  public static let philoxBlocksPerSecond = BenchmarkMetric.custom(
    "Philox blocks/s", polarity: .prefersLarger, useScalingFactor: false)
  /// Standard normals (the ziggurat over Philox words) per second.
  public static let normalsPerSecond = BenchmarkMetric.custom(
    "normals/s", polarity: .prefersLarger, useScalingFactor: false)
  /// User + system CPU time of the iteration over all threads, in microseconds: steadier than the wall clock
  /// when something else runs on the machine, and with the wall clock it shows how well threads are used.
  public static let cpuMicroseconds = BenchmarkMetric.custom(
    "CPU time (μs)", polarity: .prefersSmaller, useScalingFactor: false)
  /// The process's peak resident memory in bytes (getrusage's high-water mark, setup included).
  ///
  /// Used instead of the harness's `.peakMemoryResident` and `.cpuTotal`: those read /proc, and their
  /// sampling thread allocates, which adds about one malloc per millisecond to `.mallocCountTotal`. Each
  /// benchmark runs in a process of its own, so the mark is that benchmark's.
  public static let peakResidentMemory = BenchmarkMetric.custom(
    "Memory (peak resident)", polarity: .prefersSmaller, useScalingFactor: false)

  /// What every engine benchmark records, with `rate` its throughput.
  public static func engine(rate: BenchmarkMetric) -> [BenchmarkMetric] {
    [.wallClock, .cpuMicroseconds, rate, .peakResidentMemory, .mallocCountTotal]
  }
}

/// How far a run may drift from the stored thresholds (Thresholds/*.p90.json) before
/// `./run.sh check` fails. package-benchmark compares the p90 of each stored metric with the stored p90;
/// a stored metric without a tolerance here would have to match exactly. A drift past the tolerance in the
/// good direction is reported too (as an improvement): record new thresholds then (`./run.sh update`).
///
/// The rates (paths/s and the like) are not stored, `run.sh update` leaves them out: package-benchmark
/// 1.38.1 stores a larger-is-better metric at the wrong tail. They are units over the wall clock, which is.
///
/// The machine is 2 shared cores, so time is loose; memory and allocation counts are nearly deterministic,
/// and CPU time barely moves when another process takes the other core.
public enum Tolerance {
  /// Time and rates: 25% either way.
  public static var time: BenchmarkThresholds { .init(relative: [.p90: 25]) }
  /// Peak resident memory: 15%.
  public static var memory: BenchmarkThresholds { .init(relative: [.p90: 15]) }
  /// malloc calls of a whole run: ±100 (Dispatch's worker threads vary by a few dozen; the per-run tables
  /// take about 14,000, so a relative bound would hide it, but one allocation per 256-path block adds 390 to a
  /// 100k-path run).
  public static var mallocs: BenchmarkThresholds { .init(absolute: [.p90: 100]) }
  /// malloc calls where a fixed handful is expected (the kernel reuses its scratch): ±2.
  public static var fewMallocs: BenchmarkThresholds { .init(absolute: [.p90: 2]) }

  /// Tolerances for every metric of `BenchmarkMetric.engine(rate:)`.
  public static func engine(rate: BenchmarkMetric, mallocs: BenchmarkThresholds = Tolerance.mallocs)
    -> [BenchmarkMetric: BenchmarkThresholds]
  {
    [.wallClock: time, .cpuMicroseconds: time, rate: time, .peakResidentMemory: memory, .mallocCountTotal: mallocs]
  }
}

extension Benchmark {
  /// Runs `body` once, timing it, and records `units / wall seconds` as `rate`, the CPU time it took and the
  /// process's peak resident memory so far. The harness's own wall clock covers the whole iteration.
  @inlinable
  public func measure<T>(_ rate: BenchmarkMetric, units: Double, _ body: () -> T) -> T {
    let clock = ContinuousClock()
    let cpuStart = ProcessUsage.now()
    let start = clock.now
    let result = body()
    let (seconds, attoseconds) = start.duration(to: clock.now).components
    let cpuEnd = ProcessUsage.now()
    measurement(rate, Int((units / (Double(seconds) + Double(attoseconds) * 1e-18)).rounded()))
    measurement(.cpuMicroseconds, cpuEnd.cpuMicroseconds - cpuStart.cpuMicroseconds)
    measurement(.peakResidentMemory, cpuEnd.peakResidentBytes)
    return result
  }
}

/// getrusage(RUSAGE_SELF): CPU time and the resident high-water mark, without allocating.
public struct ProcessUsage {
  /// User + system time of all threads so far.
  public var cpuMicroseconds: Int
  /// Maximum resident set size so far, in bytes.
  public var peakResidentBytes: Int

  public static func now() -> ProcessUsage {
    var usage = rusage()
    #if canImport(Glibc)
      getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
      let kilobytesPerUnit = 1024  // ru_maxrss is in kilobytes on Linux
    #else
      getrusage(RUSAGE_SELF, &usage)
      let kilobytesPerUnit = 1  // and in bytes on macOS
    #endif
    func microseconds(_ t: timeval) -> Int { Int(t.tv_sec) * 1_000_000 + Int(t.tv_usec) }
    return ProcessUsage(
      cpuMicroseconds: microseconds(usage.ru_utime) + microseconds(usage.ru_stime),
      peakResidentBytes: Int(usage.ru_maxrss) * kilobytesPerUnit)
  }
}
