import Foundation
import XCTest

/// Runs the built `reservesim` binary and captures what it prints: the one helper every end-to-end test uses.
struct CommandLineRunner {
  struct Outcome {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The build products folder (where the test bundle and the `reservesim` binary are).
  static var productsDirectory: URL {
    #if os(macOS)
      for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        return bundle.bundleURL.deletingLastPathComponent()
      }
      fatalError("couldn't find the products directory")
    #else
      return Bundle.main.bundleURL
    #endif
  }

  /// The repository root (for the shipped scenarios).
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// The built `reservesim`: beside the test bundle, else in this package's `.build/debug`.
  static func executable() throws -> URL {
    let candidates = [
      productsDirectory.appendingPathComponent("reservesim"),
      repository.appendingPathComponent(".build/debug/reservesim"),
    ]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
      throw NotBuilt(candidates: candidates.map(\.path))
    }
    return found
  }

  struct NotBuilt: Error, CustomStringConvertible {
    var candidates: [String]
    var description: String { "reservesim is not built; looked in \(candidates)" }
  }

  /// Runs `reservesim ARGUMENTS` with stdin closed, in `directory` (else this process's working directory),
  /// with this process's environment less `GITHUB_ACTIONS` (so no test depends on the CI it runs in) plus
  /// `environment`. Both pipes are read while the child runs, so a chatty stderr cannot block it.
  static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws
    -> Outcome
  {
    let process = Process()
    process.executableURL = try executable()
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.environment = ProcessInfo.processInfo.environment.filter { $0.key != "GITHUB_ACTIONS" }
      .merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let stderr = DataBox()
    let group = DispatchGroup()
    DispatchQueue.global().async(group: group) { stderr.data = err.fileHandleForReading.readDataToEndOfFile() }
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Outcome(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: stderr.data, as: UTF8.self))
  }

  /// Written by one reader thread, read after `DispatchGroup.wait()`.
  private final class DataBox: @unchecked Sendable {
    var data = Data()
  }

  /// A fresh temporary folder.
  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("reservesim-e2e-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}

extension CommandLineRunner {
  /// Writes `contents` to `name` in `folder`; returns its path.
  static func write(_ contents: String, named name: String, in folder: URL) throws -> String {
    let url = folder.appendingPathComponent(name)
    try contents.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  /// `text` parsed as a JSON object (failing the test, with the text, when it is not one).
  static func jsonObject(_ text: String) throws -> [String: Any] {
    try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
  }
}
