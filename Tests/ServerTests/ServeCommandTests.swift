import Foundation
import XCTest

/// `reservesim serve` starts the `reservesim-serve` beside it, which prints where it listens and answers; bad
/// arguments exit 2 with one line, as every command does.
final class ServeCommandTests: XCTestCase {
  func testReservesimServeStartsTheServerBesideIt() async throws {
    let binary = Bundle.main.bundleURL.appendingPathComponent("reservesim")
    try XCTSkipUnless(
      FileManager.default.isExecutableFile(atPath: binary.path)
        && FileManager.default.isExecutableFile(atPath: binary.deletingLastPathComponent().path + "/reservesim-serve"),
      "reservesim and reservesim-serve are built beside the tests by swift test")
    let process = Process()
    process.executableURL = binary
    process.arguments = ["serve", ServerTestCase.repository.path + "/scenarios/cdn-loss.json", "--port", "0"]
    let out = Pipe()
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    defer { process.terminate() }
    // The first line: "Serving cdn-loss on http://127.0.0.1:PORT/".
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line += chunk
    }
    let text = String(decoding: line, as: UTF8.self)
    XCTAssertTrue(text.hasPrefix("Serving cdn-loss on http://127.0.0.1:"), text)
    let port = try XCTUnwrap(Int(text.split(separator: ":").last?.split(separator: "/").first ?? ""), text)
    let list = try await RawHTTPClient(port: port).get("/api/scenarios")
    XCTAssertEqual(list.status, 200)
    XCTAssertTrue(list.text.contains("\"cdn-loss\""))
  }

  func testBadArgumentsExit2WithOneLine() throws {
    for arguments in [[], ["--port", "70000", "x.json"], ["missing.json"]] {
      let outcome = try ServerTestCase.reservesim(["serve"] + arguments)
      XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)")
      XCTAssertEqual(outcome.stderr.split(separator: "\n").count, 1, outcome.stderr)
      XCTAssertTrue(outcome.stderr.hasPrefix("reservesim-serve: "), outcome.stderr)
    }
  }
}
