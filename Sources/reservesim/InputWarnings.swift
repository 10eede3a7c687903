import Foundation
import ReserveSim

/// A scenario's warnings (`LoadedScenario.warningLines`) on the command line: printed on stderr as
/// `reservesim: warning: FILE: PATH: …`, or, where the user asked for strictness (`run --strict`,
/// `validate --strict`, always `check`), refusing the file with exit 2.
enum InputWarnings {
  /// Prints the warnings on stderr, or with `asErrors` exits 2 naming each.
  static func report(_ loaded: LoadedScenario, asErrors: Bool) {
    let lines = loaded.warningLines
    guard !lines.isEmpty else { return }
    if asErrors { CommandLineExit.fail(lines: lines) }
    print(warnings: lines)
  }

  /// Prints each line on stderr as a warning.
  static func print(warnings lines: [String]) {
    for line in lines { FileHandle.standardError.write(Data("reservesim: warning: \(line)\n".utf8)) }
  }
}
