import ArgumentParser
import Foundation
import ReserveSim

/// `reservesim validate FILE…`: check scenario files without simulating.
struct ValidateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "validate", abstract: "Check scenario files; errors name the file, the JSON path and the problem.")

  @Argument(help: "Scenario JSON files.")
  var files: [String]

  @OptionGroup var input: ScenarioOptions

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one scenario file") }
  }

  func run() throws {
    let loader = try input.loader()
    var failures: [String] = []
    var valid: [String] = []
    for file in files {
      do {
        let scenario = try loader.load(file)
        valid.append("\(file): ok (\(scenario.name), \(scenario.years) years)")
      } catch let error as ScenarioError {
        failures.append(error.description)
      }
    }
    if !failures.isEmpty { CommandLineExit.fail(lines: failures) }
    for line in valid { print(line) }
  }
}
