import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim drivers FILE`: a reverse stress test — how the ruined paths differ from the surviving ones.
struct DriversCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "drivers",
    abstract: "Show what the ruined paths have in common: lost services, events, traffic and sponsors, ranked.",
    discussion: """
      Each feature is compared between ruined and surviving paths by Cliff's delta (for a lost service: the \
      share of ruined paths that lost it minus the share of surviving ones), and the strongest get a sentence.
      """)

  @Argument(help: "Scenario JSON file.")
  var file: String

  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions
  @OptionGroup var output: WhatIfOutputOptions

  func run() throws {
    try output.checkOutputs(reading: [file])
    let pipeline = try simulation.pipeline(input)
    let loaded = try pipeline.load(file)
    try InputWarnings.report(loaded, asErrors: false, paths: simulation.paths)
    let progress = ProgressBar.forTerminal(enabled: !output.json)
    let (paths, seed, report) = (simulation.paths, simulation.seed, progress?.reporter)
    let drivers = try awaitPipeline { try await pipeline.drivers(loaded, paths: paths, seed: seed, progress: report) }
    progress?.finish()
    try output.emit(
      json: { WhatIfJSON.encode(drivers) }, text: { WhatIfText.render(drivers) }, table: { WhatIfCSV.table(drivers) })
  }
}
