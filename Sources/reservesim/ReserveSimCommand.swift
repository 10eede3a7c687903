import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim`: how much cash must a non-profit hold to survive losing its donors and donated services?
@main
struct ReserveSimCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reservesim",
    abstract: "Monte Carlo reserve planning for organisations that live on sponsors and donated services.",
    discussion: "Bad input (missing file, malformed JSON, unknown field, out-of-range value) exits with code 2.",
    version: ReserveSimVersion.string,
    subcommands: [
      RunCommand.self, CheckCommand.self, ValidateCommand.self, ReportCommand.self, NotebookCommand.self,
      CompareCommand.self, SensitivityCommand.self, SweepCommand.self, DriversCommand.self, SolveCommand.self,
      AttributeCommand.self,
      SchemaCommand.self, ServeCommand.self,
    ]
  )

  /// Parses and runs a subcommand; any usage or input error exits 2 with one message on stderr.
  static func main() {
    InterruptCleanup.install(beforeExit: { ProgressBar.clearActive() })
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch let error as ScenarioError {
      CommandLineExit.fail(error.description)
    } catch let error as InsufficientMemoryError {
      CommandLineExit.fail(error.description)
    } catch let error as OutputError {
      CommandLineExit.fail(error.description)
    } catch {
      let code = exitCode(for: error)
      if code == .success {
        // --help, --version
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
      // A usage error: argument-parser would use 64; the contract says bad input is 2.
      CommandLineExit.fail(ScenarioError.oneLine(message(for: error)))
    }
  }
}

/// How the tool stops on bad input: one line per problem on stderr, exit code 2, nothing on stdout.
enum CommandLineExit {
  static let badInput: Int32 = 2

  static func fail(_ message: String) -> Never { fail(lines: [message]) }

  /// Prints each message as one line starting "reservesim: ", with control characters escaped, and exits 2.
  static func fail(lines messages: [String]) -> Never {
    let text = messages.map { "reservesim: " + ScenarioError.oneLine($0) + "\n" }.joined()
    FileHandle.standardError.write(Data(text.utf8))
    Foundation.exit(badInput)
  }
}
