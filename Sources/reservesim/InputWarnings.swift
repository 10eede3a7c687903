import Foundation
import ReserveSim

/// A scenario's warnings (`LoadedScenario.warningLines`) on the command line: printed on stderr as
/// `reservesim: warning: FILE: PATH: …`, or, where the user asked for strictness (`run --strict`,
/// `validate --strict`, always `check`), refusing the file with exit 2.
enum InputWarnings {
  /// Prints the warnings on stderr, or with `asErrors` exits 2 naming each.
  /// - Parameter strictOption: whether the command takes `--strict` (`run`, `validate`), which each warning then
  ///   names as the way to refuse it; elsewhere it names `validate --strict`.
  /// - Parameter paths: the run's path count (the file's own when nil): a count the file's nested draws cannot
  ///   group is refused first, so that a refused run prints its one line and no warning before it.
  static func report(_ loaded: LoadedScenario, asErrors: Bool, strictOption: Bool = false, paths: Int?) throws {
    if let error = RunPipeline.nestingError(loaded, paths: paths) { throw error }
    let lines = loaded.warningLines
    guard !lines.isEmpty else { return }
    if asErrors { CommandLineExit.fail(lines: lines) }
    print(warnings: lines, strictOption: strictOption)
  }

  /// Prints each line on stderr as a warning, saying how to refuse it.
  static func print(warnings lines: [String], strictOption: Bool) {
    let refusal = strictOption ? "use --strict to refuse" : "validate --strict refuses it"
    for line in lines {
      FileHandle.standardError.write(Data("reservesim: warning: \(line) (\(refusal))\n".utf8))
    }
  }
}
