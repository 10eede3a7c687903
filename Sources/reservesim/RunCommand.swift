import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim run FILE`: simulate one scenario and print its summary.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Simulate a scenario and print how much reserve it needs.")

  @Argument(help: "Scenario JSON file.")
  var file: String

  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions
  @OptionGroup var nesting: NestedOption

  @Flag(help: "Print the summary as JSON on stdout, and nothing else.")
  var json = false

  @Option(
    help:
      "Write yearly.csv, reserve.csv and summary.csv (policy.csv with cuts or an appeal, runway.csv with in-kind services) into this folder (replaced together, or not at all)."
  )
  var csv: String?

  @Flag(help: "Refuse a file with warnings (such as a growth rate above 100% a year) instead of printing them.")
  var strict = false

  func run() throws {
    if let csv {
      try OutputFiles.check([.folder(csv, files: CSVExport.fileNames, option: "--csv")], reading: [file])
    }
    let pipeline = nesting.applied(to: try simulation.pipeline(input))
    let loaded = try pipeline.load(file)
    if let csv, CSVExport.fileNames(for: loaded.scenario) != CSVExport.fileNames {
      // The policy's and the runway's files too (SPEC §19, §21), still before simulating.
      try OutputFiles.check(
        [.folder(csv, files: CSVExport.fileNames(for: loaded.scenario), option: "--csv")], reading: [file])
    }
    try InputWarnings.report(loaded, asErrors: strict, strictOption: true, paths: simulation.paths)
    let progress = ProgressBar.forTerminal(enabled: !json)
    let (paths, seed, report) = (simulation.paths, simulation.seed, progress?.reporter)
    // Streamed when its paths' results would not fit the one-pass budget: the same summary in bounded memory.
    let output = try awaitPipeline {
      try await pipeline.run(loaded, paths: paths, seed: seed, streaming: true, progress: report)
    }
    progress?.finish()
    let summary = output.summary
    if let csv { try OutputFiles.write(CSVExport.files(summary, version: ReserveSimVersion.string), into: csv) }
    if json {
      print(try SummaryJSON.encode(summary))
    } else {
      print(TextSummary.render(summary), terminator: "")
      if let csv { print("\nCSV files written to \(csv)/") }
    }
  }
}
