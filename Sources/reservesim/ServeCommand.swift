import ArgumentParser
import Foundation

/// `reservesim serve FILE…`: starts `reservesim-serve` (the what-if page, docs/serve.md), which is built as a
/// product of its own so that `reservesim` never compiles the web server; it must sit beside this binary.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve the what-if page for scenario files (runs reservesim-serve from beside this binary).",
    discussion: """
      reservesim serve FILE… [--host 127.0.0.1] [--port 8080] [--paths N]. Build the server with \
      swift build --product reservesim-serve; see docs/serve.md.
      """)

  @Argument(
    parsing: .captureForPassthrough, help: "FILE… [--host H] [--port P] [--paths N], as reservesim-serve takes.")
  var arguments: [String] = []

  func run() throws {
    let folder = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0]))
      .resolvingSymlinksInPath().deletingLastPathComponent()
    let server = folder.appendingPathComponent("reservesim-serve").path
    guard FileManager.default.isExecutableFile(atPath: server) else {
      CommandLineExit.fail(
        "serve needs reservesim-serve beside this binary (\(server)): build it with "
          + "swift build --product reservesim-serve")
    }
    let argv = ([server] + arguments).map { strdup($0) } + [nil]
    execv(server, argv)
    CommandLineExit.fail("could not start \(server): \(String(cString: strerror(errno)))")
  }
}
