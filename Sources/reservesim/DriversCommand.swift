import ArgumentParser
import Foundation
import ReserveSim

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
    let scenario = try input.loader().load(file)
    InputWarnings.report(scenario, file: file, asErrors: false)
    let progress = ProgressBar.forTerminal(enabled: !output.json)
    let simulator = Simulator(threads: simulation.simulator.threads, recordsDiagnostics: true)
    let report: (@Sendable (Double) -> Void)? = progress?.reporter
    let result = simulator.run(
      scenario, paths: simulation.pathCount(for: scenario, diagnostics: true),
      seed: simulation.seedValue(for: scenario), progress: report)
    progress?.finish()
    let drivers = RuinDrivers(result)
    try output.emit(
      json: { WhatIfJSON.encode(drivers) }, text: { WhatIfText.render(drivers) }, table: { WhatIfCSV.table(drivers) })
  }
}
