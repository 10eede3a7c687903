import Foundation
import ReserveSimServer
import XCTest

/// A server on an ephemeral port for each test, serving every shipped scenario, and the `reservesim` binary to
/// compare its answers with.
class ServerTestCase: XCTestCase {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The shipped scenarios (`scenarios/*.json` but the schema), by path.
  static var shippedScenarios: [String] {
    let folder = repository.appendingPathComponent("scenarios")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted().map {
      folder.appendingPathComponent($0).path
    }
  }

  var server: RunningServer!
  var client: RawHTTPClient!

  /// How many requests simulate at once in the test's server.
  var concurrentRuns: Int { 2 }

  override func setUp() async throws {
    let service = try ServeService(files: Self.shippedScenarios, concurrentRuns: concurrentRuns, threads: 2)
    server = try await RunningServer.start(service: service)
    client = RawHTTPClient(port: server.port)
  }

  override func tearDown() async throws {
    await server?.stop()
  }

  /// Runs the built `reservesim` with `arguments`: its exit status, stdout and stderr.
  static func reservesim(_ arguments: [String]) throws -> (status: Int32, stdout: Data, stderr: String) {
    let products = Bundle.main.bundleURL
    let candidates = [
      products.appendingPathComponent("reservesim"), repository.appendingPathComponent(".build/debug/reservesim"),
    ]
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
      throw RawHTTPClient.Failure(description: "reservesim is not built; looked in \(candidates.map(\.path))")
    }
    let process = Process()
    process.executableURL = binary
    process.arguments = arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let errors = ErrorText()
    let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile() }
    reader.start()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errors.done { Thread.sleep(forTimeInterval: 0.01) }
    return (process.terminationStatus, stdout, String(decoding: errors.data, as: UTF8.self))
  }

  /// stderr, written by its reader thread.
  final class ErrorText: @unchecked Sendable {
    private let lock = NSLock()
    private var _data: Data?
    var data: Data {
      get { lock.withLock { _data ?? Data() } }
      set { lock.withLock { _data = newValue } }
    }
    var done: Bool { lock.withLock { _data != nil } }
  }

  /// Parsed JSON, for comparing documents regardless of spacing.
  static func parse(_ data: Data) throws -> NSObject {
    try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) as! NSObject
  }

  /// The served name of a shipped file.
  static func name(_ file: String) -> String { URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent }
}

/// A request body with more keys: `["years": 4] + small`.
func + (a: [String: Any], b: [String: Any]) -> [String: Any] { a.merging(b) { $1 } }
