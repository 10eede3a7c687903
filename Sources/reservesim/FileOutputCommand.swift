import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// A command that simulates one scenario file and writes one output file (`report`, `notebook`): each
/// declares its arguments and how to render, this runs the rest.
protocol FileOutputCommand: ParsableCommand {
  var io: ScenarioToFile { get }
  var input: ScenarioOptions { get }
  var simulation: SimulationOptions { get }
  var nesting: NestedOption { get }
  /// "Report", "Notebook": named in the closing message.
  static var outputName: String { get }
  /// The file's text for a run summarised at `RunSummary.reserveCurveConfidences`.
  static func render(_ summary: RunSummary, scenario: Scenario) throws -> String
}

extension FileOutputCommand {
  /// Checks the output path, runs the pipeline (a progress bar on a terminal), writes the output
  /// (`OutputFiles`), and prints the headline and where the file went. Bad input throws before anything is
  /// simulated or written.
  func run() throws {
    try OutputFiles.check([.file(io.output, option: "-o")], reading: [io.file])
    let pipeline = nesting.applied(to: try simulation.pipeline(input))
    let loaded = try pipeline.load(io.file)
    InputWarnings.report(loaded, asErrors: false)
    let progress = ProgressBar.forTerminal(enabled: true)
    let (paths, seed, report) = (simulation.paths, simulation.seed, progress?.reporter)
    let output = try awaitPipeline {
      try await pipeline.run(
        loaded, paths: paths, seed: seed, reserveConfidences: RunSummary.reserveCurveConfidences, progress: report)
    }
    progress?.finish()
    try OutputFiles.write(Self.render(output.summary, scenario: output.scenario), to: io.output)
    print(output.summary.headline)
    print("\(Self.outputName) written to \(io.output)")
  }
}

/// The scenario file a command reads and the `-o PATH` it writes.
struct ScenarioToFile: ParsableArguments {
  @Argument(help: "Scenario JSON file.")
  var file: String

  @Option(
    name: [.customShort("o"), .long],
    help: "The file to write (replaced atomically if it exists; a device or FIFO is written through).")
  var output: String

  func validate() throws {
    if output.isEmpty { throw ValidationError("-o needs a file name") }
  }
}
