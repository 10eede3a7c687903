import ArgumentParser
import Foundation
import ReserveSim

/// Options shared by every command that simulates.
///
/// Each value is taken as given even when it starts with `-` (`--paths -1`, like `--paths=-1`), so a negative
/// number gets the real range error rather than "missing value".
struct SimulationOptions: ParsableArguments {
  @Option(
    parsing: .unconditional, help: "Number of Monte Carlo paths (default: the file's simulation.paths, else 10000).")
  var paths: Int?

  @Option(
    parsing: .unconditional, help: "Random seed, 0 to 2^64 − 1 (default: the file's simulation.seed, else 1).",
    transform: { try SimulationOptions.seed($0) })
  var seed: UInt64?

  @Option(parsing: .unconditional, help: "Worker threads (default: all cores). Results do not depend on it.")
  var threads: Int?

  func validate() throws {
    if let paths, !(1...Scenario.maximumPaths).contains(paths) {
      throw ValidationError("--paths must be between 1 and \(Scenario.maximumPaths), found \(paths)")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, found \(threads)") }
  }

  /// A seed: a whole number from 0 to 2⁶⁴ − 1.
  static func seed(_ text: String) throws -> UInt64 {
    guard let seed = UInt64(text) else {
      throw ValidationError("expected a whole number from 0 to \(UInt64.max)")
    }
    return seed
  }

  /// The paths to simulate; exits 2 with one line when the command's results would not fit in the machine's
  /// memory.
  /// - Parameters:
  ///   - heldAtOnce: how many results of that many paths the command holds at once (`compare`: two).
  ///   - growingTo: the most paths the run may grow to (`check --auto-paths`), whose result is held while the
  ///     next paths are appended: twice that many paths at the peak.
  ///   - diagnostics: whether the run records per-path diagnostics (`drivers`).
  func pathCount(for scenario: Scenario, heldAtOnce: Int = 1, growingTo: Int? = nil, diagnostics: Bool = false)
    -> Int
  {
    let count = paths ?? scenario.simulation.paths
    let growing = growingTo.map { max($0, count) }
    let factor = growing != nil ? 2 : max(1, heldAtOnce)
    var simulator = self.simulator
    simulator.recordsDiagnostics = diagnostics
    do {
      try simulator.memoryEstimate(for: scenario, paths: factor * (growing ?? count)).check()
    } catch var error as InsufficientMemoryError {
      error.pathsPerRequestedPath = factor
      error.requestedPaths = growing ?? count
      if growing != nil {
        error.why = "--auto-paths may grow to that many and holds the result twice while adding paths"
      } else if heldAtOnce > 1 {
        error.why = "the command holds \(heldAtOnce) runs of them at once"
      }
      CommandLineExit.fail(String(describing: error))
    } catch {
      CommandLineExit.fail(String(describing: error))
    }
    return count
  }
  func seedValue(for scenario: Scenario) -> UInt64 { seed ?? scenario.simulation.seed }
  var simulator: Simulator { Simulator(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount) }
}
