import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimServer

/// `reservesim-serve FILE…` (also `reservesim serve FILE…`): the what-if page and its HTTP API on a local port.
@main
struct ServeCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reservesim-serve",
    abstract: "Serve the what-if page for scenario files: controls for every assumption, answers that move.",
    discussion: """
      Reads only the files named here (and their extends). Binds 127.0.0.1 unless --host says otherwise. The API is \
      described in docs/serve.md.
      """)

  @Argument(help: "Scenario JSON files to serve.")
  var files: [String]

  @Option(help: "Address to listen on (127.0.0.1: this machine only).")
  var host = "127.0.0.1"

  @Option(parsing: .unconditional, help: "Port to listen on (0: any free port).")
  var port = 8080

  @Option(parsing: .unconditional, help: "Paths of the page's full runs (default: each file's simulation.paths).")
  var paths: Int?

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one scenario file to serve") }
    if !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535, found \(port)") }
    if let paths, !(1...Scenario.maximumPaths).contains(paths) {
      throw ValidationError("--paths must be between 1 and \(Scenario.maximumPaths), found \(paths)")
    }
  }

  func run() async throws {
    let service: ServeService
    do {
      service = try ServeService(files: files, paths: paths)
      try service.checkFiles()
    } catch let error as APIError {
      Self.fail(error.message)
    } catch {
      Self.fail(String(describing: error))
    }
    if !["127.0.0.1", "localhost", "::1"].contains(host) {
      FileHandle.standardError.write(
        Data(
          "reservesim-serve: warning: listening on \(host): anyone who can reach this address can run simulations\n"
            .utf8))
    }
    let host = host
    let app = ServeApplication.make(service: service, host: host, port: port) { port in
      print("Serving \(service.scenarios.entries.map(\.name).joined(separator: ", ")) on http://\(host):\(port)/")
      fflush(stdout)
    }
    try await app.runService()
  }

  /// Parses and runs; a usage error, a bad file or a port that cannot be bound exits 2 with one line on stderr,
  /// as `reservesim` does on bad input.
  static func main() async {
    do {
      let parsed = try parseAsRoot()
      if let serve = parsed as? ServeCommand {
        try await serve.run()
      } else {
        var other = parsed
        try other.run()
      }
    } catch {
      if exitCode(for: error) == .success {
        print(fullMessage(for: error))
        Foundation.exit(0)
      }
      fail(message(for: error))
    }
  }

  static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("reservesim-serve: \(ScenarioError.oneLine(message))\n".utf8))
    Foundation.exit(2)
  }
}
