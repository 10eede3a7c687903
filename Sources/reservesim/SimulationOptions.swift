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

  /// The command's run pipeline: `input`'s loader (its `--set` edits, then `extra`) and these threads.
  func pipeline(_ input: ScenarioOptions, adding extra: [ScenarioOverride] = []) throws -> RunPipeline {
    RunPipeline(loader: try input.loader(adding: extra), simulator: simulator)
  }

  var simulator: Simulator { Simulator(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount) }
}
