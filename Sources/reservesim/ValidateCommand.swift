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
    let pipeline = RunPipeline(loader: try input.loader())
    var failures: [String] = []
    var valid: [String] = []
    for file in files {
      do {
        let loaded = try pipeline.load(file)
        let (scenario, warnings) = (loaded.scenario, loaded.warningLines)
        // SPEC §22: the file's own path count must form its groups, as `run` without --paths requires.
        if let error = RunPipeline.nestingError(loaded, paths: nil) {
          failures.append(error.description)
          continue
        }
        if strict && !warnings.isEmpty {
          failures += warnings
          continue
        }
        InputWarnings.print(warnings: warnings, strictOption: true)
        valid.append("\(file): ok (\(scenario.name), \(scenario.years) years)")
        if !scenario.agreementTerms.isEmpty {
          valid.append("  dated agreements:")
          valid += scenario.agreementTerms.map { "    " + $0 }
        }
        valid += UncertaintyDescription.lines(
          scenario.uncertainParameters, inner: scenario.simulation.nested?.inner
        ).map { "  " + $0 }
      } catch let error as ScenarioError {
        failures.append(error.description)
      }
    }
    if !failures.isEmpty { CommandLineExit.fail(lines: failures) }
    for line in valid { print(line) }
  }
}
