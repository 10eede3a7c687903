import ArgumentParser
import Foundation
import ReserveSim

/// A command that simulates one scenario file and writes one output file (`report`, `notebook`): each
/// declares its arguments and how to render, this runs the rest.
protocol FileOutputCommand: ParsableCommand {
  var io: ScenarioToFile { get }
  var input: ScenarioOptions { get }
  var simulation: SimulationOptions { get }
  /// "Report", "Notebook": named in the closing message.
  static var outputName: String { get }
  /// The file's text for a run summarised at `RunSummary.reserveCurveConfidences`.
  static func render(_ summary: RunSummary, scenario: Scenario) throws -> String
}

extension FileOutputCommand {
  /// Loads and simulates the scenario (a progress bar on a terminal), writes the output atomically, and
  /// prints the headline and where the file went. Bad input throws `ScenarioError` before anything is written.
  func run() throws {
    let scenario = try input.loader().load(io.file)
    let progress = ProgressBar.forTerminal(enabled: true)
    let result = simulation.simulator.run(
      scenario, paths: simulation.pathCount(for: scenario), seed: simulation.seedValue(for: scenario),
      progress: progress?.reporter)
    progress?.finish()
    let summary = RunSummary(result, reserveConfidences: RunSummary.reserveCurveConfidences)
    try AtomicFiles.write(Self.render(summary, scenario: scenario), to: io.output)
    print(summary.headline)
    print("\(Self.outputName) written to \(io.output)")
  }
}

/// The scenario file a command reads and the `-o PATH` it writes.
struct ScenarioToFile: ParsableArguments {
  @Argument(help: "Scenario JSON file.")
  var file: String

  @Option(name: [.customShort("o"), .long], help: "The file to write (replaced atomically if it exists).")
  var output: String

  func validate() throws {
    var isFolder: ObjCBool = false
    if output.isEmpty { throw ValidationError("-o needs a file name") }
    if FileManager.default.fileExists(atPath: output, isDirectory: &isFolder), isFolder.boolValue {
      throw ValidationError("-o \(output) is a folder; name a file")
    }
  }
}
