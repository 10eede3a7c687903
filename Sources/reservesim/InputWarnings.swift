import Foundation
import ReserveSim

/// A scenario's warnings (`Scenario.warnings`) on the command line: printed on stderr as
/// `reservesim: warning: FILE: PATH: …`, or, where the user asked for strictness (`run --strict`,
/// `validate --strict`, always `check`), refusing the file with exit 2.
enum InputWarnings {
  /// The scenario's warnings, one line each, naming the file.
  static func lines(_ scenario: Scenario, file: String) -> [String] {
    scenario.warnings.map { ScenarioError.oneLine("\(file): \($0)") }
  }

  /// Prints the warnings on stderr, or with `asErrors` exits 2 naming each.
  static func report(_ scenario: Scenario, file: String, asErrors: Bool) {
    let lines = lines(scenario, file: file)
    guard !lines.isEmpty else { return }
    if asErrors { CommandLineExit.fail(lines: lines) }
    for line in lines { FileHandle.standardError.write(Data("reservesim: warning: \(line)\n".utf8)) }
  }
}
