import ArgumentParser
import Foundation
import ReserveSim

/// Options shared by every command that simulates.
struct SimulationOptions: ParsableArguments {
  @Option(help: "Number of Monte Carlo paths (default: the file's simulation.paths, else 10000).")
  var paths: Int?

  @Option(help: "Random seed (default: the file's simulation.seed, else 1).")
  var seed: UInt64?

  @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
  var threads: Int?

  func validate() throws {
    if let paths, !(1...Scenario.maximumPaths).contains(paths) {
      throw ValidationError("--paths must be between 1 and \(Scenario.maximumPaths), found \(paths)")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, found \(threads)") }
  }

  /// The paths to simulate; exits 2 with one line when their arrays would not fit in the machine's memory.
  func pathCount(for scenario: Scenario) -> Int {
    let count = paths ?? scenario.simulation.paths
    do {
      try simulator.memoryEstimate(for: scenario, paths: count).check()
    } catch {
      CommandLineExit.fail(String(describing: error))
    }
    return count
  }
  func seedValue(for scenario: Scenario) -> UInt64 { seed ?? scenario.simulation.seed }
  var simulator: Simulator { Simulator(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount) }
}
