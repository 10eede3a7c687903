import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim attribute FILE`: where the risk comes from — the Shapley allocation of a metric over the risk
/// sources (SPEC §20).
struct AttributeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "attribute",
    abstract: "Share a metric out over the risk sources: services, events, sponsor churn, markets, estimates.",
    discussion: """
      Every subset of sources is simulated switched on, the others off, on the same paths; each source's share is \
      its Shapley value, and the budget itself (every source off) and the shares add up to the metric of the file. \
      Beyond 9 sources the smallest are grouped as "other sources" (at most 1,024 runs).
      """)

  @Argument(help: "Scenario JSON file.")
  var file: String

  @Option(help: ArgumentHelp("ruin, below or reserve@C (such as reserve@95%).", valueName: "metric"))
  var metric = "ruin"

  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions

  @Flag(help: "Print the result as JSON on stdout, and nothing else.")
  var json = false

  @Option(help: ArgumentHelp("Write attribution.csv into this folder.", valueName: "dir"))
  var csv: String?

  @Option(help: ArgumentHelp("Write an HTML page with the table and a bar chart.", valueName: "path"))
  var report: String?

  func run() throws {
    var outputs: [OutputTarget] = []
    if let csv { outputs.append(.folder(csv, files: [AttributionOutput.csvFileName], option: "--csv")) }
    if let report { outputs.append(.file(report, option: "--report")) }
    try OutputFiles.check(outputs, reading: [file])
    let pipeline = try simulation.pipeline(input)
    let loaded = try pipeline.load(file)
    InputWarnings.report(loaded, asErrors: false)
    let progress = ProgressBar.forTerminal(enabled: !json)
    let (metric, paths, seed, reporter) = (metric, simulation.paths, simulation.seed, progress?.reporter)
    let attribution = try awaitPipeline {
      try await pipeline.attribute(loaded, metric: metric, paths: paths, seed: seed, progress: reporter)
    }
    progress?.finish()
    var files: [(path: String, contents: OutputFiles.Contents)] = []
    if let csv {
      files.append((csv, .files([(AttributionOutput.csvFileName, AttributionOutput.table(attribution).text)])))
    }
    if let report {
      files.append((report, .file(AttributionOutput.report(attribution, version: ReserveSimVersion.string))))
    }
    try OutputFiles.write(files)
    if json {
      print(AttributionOutput.json(attribution))
    } else {
      print(AttributionOutput.text(attribution), terminator: "")
      if let csv { print("\nCSV written to \(csv)/\(AttributionOutput.csvFileName)") }
      if let report { print("Report written to \(report)") }
    }
  }
}
