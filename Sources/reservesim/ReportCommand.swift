import ArgumentParser
import Foundation
import ReserveSim

/// `reservesim report FILE -o PATH.html`: simulate a scenario and write a self-contained HTML report.
struct ReportCommand: FileOutputCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Simulate a scenario and write a self-contained HTML report with charts.",
    discussion: "The page loads nothing from the network and prints on A4.")

  @OptionGroup var io: ScenarioToFile
  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions
  @OptionGroup var attribution: AttributionOption
  @OptionGroup var nesting: NestedOption

  static let outputName = "Report"

  static func render(_ summary: RunSummary, scenario: Scenario, attribution: Attribution?) throws -> String {
    HTMLReport.render(summary, scenario: scenario, version: ReserveSimVersion.string, attribution: attribution)
  }
}
