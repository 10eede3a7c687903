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
  var attribution: AttributionOption { get }
  /// The file's text for a run summarised at `RunSummary.reserveCurveConfidences`, with the attribution when asked.
  static func render(_ summary: RunSummary, scenario: Scenario, attribution: Attribution?) throws -> String
}

/// `--attribute METRIC`: add where the risk comes from (SPEC §20) to the file.
struct AttributionOption: ParsableArguments {
  @Option(
    name: .customLong("attribute"),
    help: ArgumentHelp(
      "Also share this metric over the risk sources (ruin, below or reserve@C), as `attribute` does.",
      valueName: "metric"))
  var metric: String?
}

extension FileOutputCommand {
  /// Checks the output path, runs the pipeline (a progress bar on a terminal), writes the output
  /// (`OutputFiles`), and prints the headline and where the file went. Bad input throws before anything is
  /// simulated or written.
  func run() throws {
    try OutputFiles.check([.file(io.output, option: "-o")], reading: [io.file])
    let pipeline = nesting.applied(to: try simulation.pipeline(input))
    let loaded = try pipeline.load(io.file)
    try InputWarnings.report(loaded, asErrors: false, paths: simulation.paths)
    if let metric = attribution.metric {
      // A bad metric stops the command before anything is simulated.
      do { _ = try AttributionMetric(parsing: metric, for: loaded.scenario) } catch let error as ScenarioError {
        throw error.inFile(io.file)
      }
    }
    let progress = ProgressBar.forTerminal(enabled: true)
    let (paths, seed, report) = (simulation.paths, simulation.seed, progress?.reporter)
    // Streamed when too large to keep every path (issue #23): the file reads nothing but the summary, whose reserve
    // curve is at its own confidences.
    let output = try awaitPipeline {
      try await pipeline.run(
        loaded, paths: paths, seed: seed, reserveConfidences: RunSummary.reserveCurveConfidences, streaming: true,
        progress: report)
    }
    let attribution = try attribution.metric.map { metric in
      try awaitPipeline {
        try await pipeline.attribute(loaded, metric: metric, paths: paths, seed: seed, progress: report)
      }
    }
    progress?.finish()
    try OutputFiles.write(
      Self.render(output.summary, scenario: output.scenario, attribution: attribution), to: io.output)
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
