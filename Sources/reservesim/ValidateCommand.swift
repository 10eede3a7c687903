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

  @Flag(help: "Refuse a file with warnings (such as a growth rate above 100% a year) instead of printing them.")
  var strict = false

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
        let warnings = InputWarnings.lines(scenario, file: file)
        if strict && !warnings.isEmpty {
          failures += warnings
          continue
        }
        for line in warnings { FileHandle.standardError.write(Data("reservesim: warning: \(line)\n".utf8)) }
        valid.append("\(file): ok (\(scenario.name), \(scenario.years) years)")
        valid += UncertaintyDescription.lines(scenario.uncertainParameters).map { "  " + $0 }
      } catch let error as ScenarioError {
        failures.append(error.description)
      }
    }
    if !failures.isEmpty { CommandLineExit.fail(lines: failures) }
    for line in valid { print(line) }
  }
}
