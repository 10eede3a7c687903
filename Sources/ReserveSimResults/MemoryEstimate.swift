import Foundation
import ReserveSimEngine
import ReserveSimScenario

/// The memory a run needs, known before anything is allocated, and the check that refuses a run the machine
/// cannot hold (instead of a failed allocation and a crash part-way).
///
/// A run of N paths over Y years holds, per path (`Simulator.run`, `SimulationResult`): the need (8 bytes), the
/// first ruin month (4), the year-end balances (8·Y) and, when the policy sets a minimum, the first month below
/// it (4); for each year whose needs within it are recorded (`solve`), 8, twice with a minimum; with diagnostics a
/// byte per service, 4 per event kind, 8 per tier and 8 per factor; for the runway after a loss (SPEC §21) 4 per
/// service, counted twice for the moment the simulator copies them into the result. On top of those, at two moments:
/// - while simulating, each block of 256 paths' yearly flow sums (4 flows · Y · 8 bytes: Y/8 bytes a path);
/// - then, while `RunSummary` sorts the needs (`RadixSort`), the keys, their scratch copy and the sorted needs:
///   24 bytes a path.
/// - with uncertain estimates (SPEC §16), while `UncertaintyRanking` runs: 8 bytes a path for ruin as a number, 16
///   for the outputs side by side, and per worker (one per core, at most one per estimate) 52: the (key, path)
///   words and their scratch (16), the order bits (4) and two outputs whole and by subsample (32), for each path
///   the ranking reads — at most `UncertaintyRanking.samplePaths` (2²⁰) — so past that many paths what it adds
///   beyond the other transient arrays does not grow (`rankingBytes`).
/// - with estimates drawn per group (SPEC §22): the summary keeps the needs sorted with their groups (12 bytes a
///   path, twice with a minimum), and their sort holds keys, groups and both scratch copies besides (32 a path).
/// So the peak is 12 + 8·Y + max(Y/8, 24) bytes a path without uncertain estimates (116 at 10 years, 836 at 100), plus the process itself
/// (`processBytes`) and each worker's block buffers: the normals and correlated shocks of 256 paths for every
/// month (at most 8 factors · 8 bytes · 256 a month). Not counted: the percentile buckets of `HistogramSelect`,
/// small unless a year's balances are nearly all equal.
///
/// This is a one-pass run's estimate. A run that `StreamingBudget.streams` (`run`, `check`) is estimated by
/// `StreamingBudget.estimate` instead: fixed bytes (the process, the block buffers, one chunk, the bins, the values
/// kept) and no bytes a path (issue #23).
public struct MemoryEstimate: Sendable, Equatable {
  /// Resident memory of the process besides the paths' arrays (the runtime, Foundation, OpenBLAS, the plan),
  /// as measured at one path, rounded up.
  public static let processBytes = 32 << 20

  /// Bytes each path adds at the peak.
  public let bytesPerPath: Double
  /// Bytes that do not depend on the path count: the process and the workers' block buffers.
  public let fixedBytes: Int
  /// What the ranking of uncertain estimates holds at this path count beyond the other transient arrays (they are
  /// not held at once): its bytes a path for the paths it reads, less `bytesPerPath`'s transient share for every
  /// path, when that is more; 0 otherwise and without uncertain estimates.
  public let rankingBytes: Int
  /// The most `rankingBytes` can be at any path count (at 2²⁰ paths), for `largestPathCount`.
  private let largestRankingBytes: Int
  /// Paths the estimate is for.
  public let paths: Int
  /// Years each path runs.
  public let years: Int

  /// fixedBytes + rankingBytes + paths · bytesPerPath.
  public var bytes: Int { fixedBytes + rankingBytes + Int((Double(paths) * bytesPerPath).rounded(.up)) }

  /// - Parameters:
  ///   - threads: worker threads (each keeps its block buffers; at most one per block of 256 paths).
  ///   - recordsDiagnostics: whether the run keeps per-path diagnostics (`Simulator.recordsDiagnostics`).
  ///   - recordsFirstPaidMonths: whether it keeps each service's first paid month (`Simulator.recordsFirstPaidMonths`).
  ///   - needYears: how many years' needs within them it records (`Simulator.needYears`, 8 bytes a path each, twice
  ///     with a minimum).
  /// - Complexity: O(1).
  public init(
    scenario: Scenario, paths: Int, threads: Int, recordsDiagnostics: Bool = false,
    recordsFirstPaidMonths: Bool = false, needYears: Int = 0
  ) {
    let years = scenario.years
    var kept = Double(8 + 4 + 8 * years)  // need, first ruin month, year-end balances
    if scenario.policy?.minimumMonths != nil { kept += 4 }  // first month below the minimum
    // The needs within years (`solve`): need_y, and need_min,y with a minimum, for each year recorded.
    kept += Double(8 * needYears * (scenario.policy?.minimumMonths != nil ? 2 : 1))
    if recordsDiagnostics {
      kept += Double(scenario.inKindServices.count + 4 * scenario.events.count + 8 * scenario.sponsorTiers.count)
      kept += Double(8 * Factor.allCases.count)
    }
    if recordsFirstPaidMonths { kept += Double(2 * 4 * scenario.inKindServices.count) }
    let flowsPerPath = Double(YearlyFlow.count * 8 * years) / Double(Simulator.blockSize)
    let sortPerPath = 24.0
    let transientPerPath = max(flowsPerPath, sortPerPath, scenario.simulation.nested != nil ? 32 : 0)
    let rankingPerPath = Self.rankingBytesPerPath(scenario, threads: threads)
    let sample = UncertaintyRanking.sampleCount(of: paths, inner: scenario.simulation.pathsPerDraw)
    rankingBytes = Int(max(0, rankingPerPath * Double(sample) - transientPerPath * Double(paths)).rounded(.up))
    largestRankingBytes = Int(
      (max(0, rankingPerPath - transientPerPath) * Double(UncertaintyRanking.samplePaths)).rounded(.up))
    let blocks = (paths + Simulator.blockSize - 1) / Simulator.blockSize
    let workers = max(1, min(threads, blocks))
    let blockBuffers = 8 * 8 * Simulator.blockSize * scenario.months
    if scenario.simulation.nested != nil { kept += scenario.policy?.minimumMonths != nil ? 24 : 12 }
    self.bytesPerPath = kept + transientPerPath
    self.fixedBytes = Self.processBytes + workers * blockBuffers
    self.paths = paths
    self.years = years
  }

  /// The ranking's bytes a path it reads (`UncertaintyRanking`): ruin as a number (8), the outputs side by side
  /// (16) and per worker (one per core, at most one per estimate) 52; 0 without uncertain estimates.
  static func rankingBytesPerPath(_ scenario: Scenario, threads: Int) -> Double {
    guard !scenario.uncertainParameters.isEmpty else { return 0 }
    return 8 + 16 + 52 * Double(min(threads, scenario.uncertainParameters.count))
  }

  /// An estimate of `fixedBytes` whatever the paths: a streamed run's (`StreamingBudget.estimate`), or a run that
  /// keeps nothing per path (`attribute`'s ruin and below).
  package init(fixedBytes: Int, paths: Int, years: Int) {
    bytesPerPath = 0
    self.fixedBytes = fixedBytes
    rankingBytes = 0
    largestRankingBytes = 0
    self.paths = paths
    self.years = years
  }

  /// The most paths whose estimate fits in `available` bytes at the same horizon and threads (0 when none; every
  /// path count the format allows when the memory does not grow with paths).
  public func largestPathCount(fitting available: Int) -> Int {
    let room = Double(available - fixedBytes - largestRankingBytes)
    guard room > 0 else { return 0 }
    return bytesPerPath > 0
      ? min(Scenario.maximumPaths, Int((room / bytesPerPath).rounded(.down))) : Scenario.maximumPaths
  }

  /// Refuses the run when its estimate exceeds the memory available.
  /// - Parameter available: bytes the run may use; by default what the machine reports (`availableBytes()`);
  ///   nothing is checked when that is unknown.
  /// - Throws: `InsufficientMemoryError` saying how much the run needs, how much there is, and how many paths fit.
  public func check(available: Int? = MemoryEstimate.availableBytes()) throws {
    guard let available, bytes > available else { return }
    throw InsufficientMemoryError(estimate: self, available: available)
  }

  /// Memory available to this process: the least of the kernel's MemAvailable (/proc/meminfo) and, in a
  /// container, the cgroup's limit less its anonymous memory; else free pages (`sysconf`); nil when none can be
  /// read.
  public static func availableBytes() -> Int? {
    var candidates: [Int] = []
    if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
      let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
      let kibibytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    {
      candidates.append(kibibytes * 1024)
    }
    if let limit = readInteger("/sys/fs/cgroup/memory.max") {
      // The cgroup's anonymous memory (its page cache can be reclaimed), else all it uses.
      let stat = (try? String(contentsOfFile: "/sys/fs/cgroup/memory.stat", encoding: .utf8)) ?? ""
      let anonymous = stat.split(separator: "\n").first { $0.hasPrefix("anon ") }.flatMap { Int($0.dropFirst(5)) }
      if let usage = anonymous ?? readInteger("/sys/fs/cgroup/memory.current") {
        candidates.append(max(0, limit - usage))
      }
    }
    if candidates.isEmpty {
      #if os(Linux)
        let pages = sysconf(Int32(_SC_AVPHYS_PAGES)), pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0 && pageSize > 0 { candidates.append(pages * pageSize) }
      #endif
    }
    return candidates.min()
  }

  /// A whole number alone in a file ("max" and missing files give nil).
  private static func readInteger(_ path: String) -> Int? {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
    return Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
  }
}

extension Simulator {
  /// The memory `run(_:paths:seed:progress:)` and the `RunSummary` of its result will need, with this
  /// simulator's threads and diagnostics: call `check()` on it before running.
  public func memoryEstimate(for scenario: Scenario, paths: Int) -> MemoryEstimate {
    MemoryEstimate(
      scenario: scenario, paths: paths, threads: threads, recordsDiagnostics: recordsDiagnostics,
      recordsFirstPaidMonths: recordsFirstPaidMonths, needYears: needYears.count)
  }

  /// Checks that a run of `paths` paths of `scenario` fits in the machine's memory.
  /// - Parameters:
  ///   - heldAtOnce: how many results of that many paths are held at once (`compare`: two).
  ///   - growingTo: the most paths the run may grow to (`check --auto-paths`), whose result is held while the
  ///     next paths are appended: twice that many paths at the peak.
  /// - Throws: `InsufficientMemoryError`, its message speaking of the paths asked for and why more are held.
  public func checkMemory(for scenario: Scenario, paths: Int, heldAtOnce: Int = 1, growingTo: Int? = nil) throws {
    let growing = growingTo.map { max($0, paths) }
    let factor = growing != nil ? 2 : max(1, heldAtOnce)
    do {
      try memoryEstimate(for: scenario, paths: factor * (growing ?? paths)).check()
    } catch var error as InsufficientMemoryError {
      error.pathsPerRequestedPath = factor
      error.requestedPaths = growing ?? paths
      if growing != nil {
        error.why = "--auto-paths may grow to that many and holds the result twice while adding paths"
      } else if heldAtOnce > 1 {
        error.why = "the command holds \(heldAtOnce) runs of them at once"
      }
      throw error
    }
  }
}

/// A run that needs more memory than the machine has: one line for the treasurer, with the largest path count
/// that fits at this horizon.
public struct InsufficientMemoryError: Error, CustomStringConvertible, Sendable {
  public let estimate: MemoryEstimate
  public let available: Int
  /// How many paths' results the command holds per path it is asked for (2 for `compare`), and what it is
  /// asked for, when that differs from `estimate.paths`: the message then speaks of the paths asked for.
  public var pathsPerRequestedPath = 1
  public var requestedPaths: Int? = nil
  /// Why the command holds more than one result at once, for the message ("compare holds two runs").
  public var why: String? = nil

  public var description: String {
    let fits = estimate.largestPathCount(fitting: available) / max(1, pathsPerRequestedPath)
    var text = "\(Self.grouped(requestedPaths ?? estimate.paths)) paths over \(estimate.years) years need about "
    text += "\(Self.gigabytes(estimate.bytes)) of memory"
    if let why { text += " (\(why))" }
    text += ", but this machine has \(Self.gigabytes(available)) available; "
    return text + "at most \(Self.grouped(fits)) paths fit at this horizon"
  }

  /// Bytes in gigabytes (10⁹) with one decimal.
  static func gigabytes(_ bytes: Int) -> String {
    String(format: "%.1f GB", Double(bytes) / 1e9)
  }

  /// A count with its thousands separated by commas: 28,592,701.
  static func grouped(_ count: Int) -> String {
    var digits = String(count.magnitude)
    var groups: [Substring] = []
    while digits.count > 3 {
      groups.insert(digits.suffix(3), at: 0)
      digits.removeLast(3)
    }
    groups.insert(Substring(digits), at: 0)
    return (count < 0 ? "-" : "") + groups.joined(separator: ",")
  }
}
