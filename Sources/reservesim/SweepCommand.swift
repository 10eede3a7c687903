import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim sweep FILE --set PATH=START:END:COUNT`: the answers over a grid of one or two parameters.
struct SweepCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sweep",
    abstract: "Run a scenario over a grid of one or two parameters and print a CSV row per grid point.",
    discussion: """
      An axis is a --set whose value is START:END:COUNT (e.g. --set reserve.initial=0:3e6:7); other --set edits \
      apply to every point. Every point runs on common random numbers, so the curves are smooth and move only \
      where the model does. Columns: the axis values, ruinProbability, requiredReserve50 … requiredReserve99.
      """)

  @Argument(help: "Scenario JSON file.")
  var file: String

  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions

  @Flag(help: "Print the grid as JSON on stdout instead of CSV.")
  var json = false

  @Option(help: ArgumentHelp("Write the CSV to this file instead of stdout.", valueName: "path"))
  var csv: String?

  func run() throws {
    if let csv { try OutputFiles.check([.file(csv, option: "--csv")], reading: [file]) }
    var axes: [SweepAxis] = []
    var edits: [ScenarioOverride] = []
    var editTexts: [String] = []
    for text in input.set {
      if let axis = try SweepAxis(parsing: text) {
        axes.append(axis)
      } else {
        edits.append(try ScenarioOverride(parsing: text))
        editTexts.append(text)
      }
    }
    if axes.isEmpty {
      CommandLineExit.fail("sweep needs an axis: --set PATH=START:END:COUNT, e.g. --set reserve.initial=0:3e6:7")
    }
    let pipeline = RunPipeline(loader: input.loader(applying: edits), simulator: simulation.simulator)
    let loaded = try pipeline.load(file)
    try InputWarnings.report(loaded, asErrors: false, paths: simulation.paths)
    let progress = ProgressBar.forTerminal(enabled: !json)
    let (grid, paths, seed, report) = (axes, simulation.paths, simulation.seed, progress?.reporter)
    var sweep = try awaitPipeline {
      try await pipeline.sweep(loaded, axes: grid, paths: paths, seed: seed, progress: report)
    }
    progress?.finish()
    sweep.edits = editTexts
    let table = WhatIfCSV.table(sweep)
    if let csv { try OutputFiles.write(table.text, to: csv) }
    if json {
      print(WhatIfJSON.encode(sweep))
      return
    }
    // Stdout stays a CSV a spreadsheet opens: the settings go to stderr, as the progress does.
    FileHandle.standardError.write(Data((WhatIfText.context(sweep) + "\n").utf8))
    if let csv {
      print("\(sweep.rows.count) rows written to \(csv)")
    } else {
      print(table.text, terminator: "")
    }
  }
}
