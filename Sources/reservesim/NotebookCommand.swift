import ArgumentParser
import Foundation
import ReserveSim

/// `reservesim notebook FILE -o PATH.ipynb`: simulate a scenario and write a Jupyter notebook of the results.
struct NotebookCommand: FileOutputCommand {
  static let configuration = CommandConfiguration(
    commandName: "notebook",
    abstract: "Simulate a scenario and write a Jupyter notebook (results as data, pandas + matplotlib charts).",
    discussion: "The notebook is written without outputs; run it with Python 3, pandas and matplotlib.")

  @OptionGroup var io: ScenarioToFile
  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions
  @OptionGroup var attribution: AttributionOption
  @OptionGroup var nesting: NestedOption

  static let outputName = "Notebook"

  static func render(_ summary: RunSummary, scenario: Scenario, attribution: Attribution?) throws -> String {
    try Notebook.render(summary, scenario: scenario, version: ReserveSimVersion.string, attribution: attribution)
  }
}
