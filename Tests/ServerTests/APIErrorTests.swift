import Foundation
import XCTest

/// Bad input gets the command line's one-line message as JSON with its status, never a stack trace or a dropped
/// connection, and the server keeps serving after it.
final class APIErrorTests: ServerTestCase {
  /// 400 with `{"error": MESSAGE}`; the message is what `reservesim` prints after "reservesim: ".
  func assertBadRequest(
    _ path: String, _ body: Any, is cli: [String]? = nil, contains fragment: String? = nil,
    file: StaticString = #filePath, line: UInt = #line
  ) async throws {
    let response = try await client.post(path, json: body)
    XCTAssertEqual(response.status, 400, response.text, file: file, line: line)
    XCTAssertEqual(response.headers["content-type"], "application/json", file: file, line: line)
    let message = try XCTUnwrap(response.errorMessage, response.text, file: file, line: line)
    XCTAssertFalse(message.contains("\n"), file: file, line: line)
    if let fragment { XCTAssertTrue(message.contains(fragment), message, file: file, line: line) }
    if let cli {
      let outcome = try Self.reservesim(cli)
      XCTAssertEqual(outcome.status, 2, file: file, line: line)
      XCTAssertEqual("reservesim: " + message + "\n", outcome.stderr, file: file, line: line)
    }
  }

  func testBadInputIs400WithTheCommandLinesMessage() async throws {
    let today = Self.shippedScenarios.first { $0.hasSuffix("pypi-today.json") }!
    try await assertBadRequest(
      "/api/run", ["scenario": "pypi-today", "set": ["reserve.initial": "abc"]],
      is: ["run", today, "--set", "reserve.initial=abc"])
    try await assertBadRequest(
      "/api/run", ["scenario": "pypi-today", "set": ["reserve.nonsense": 1]],
      is: ["run", today, "--set", "reserve.nonsense=1"])
    try await assertBadRequest(
      "/api/solve", ["scenario": "pypi-today", "targets": ["ruin<=5%@99y"]],
      is: ["solve", today, "--target", "ruin<=5%@99y"])
    try await assertBadRequest("/api/run", ["scenario": "elsewhere"], contains: "no served scenario is named")
    try await assertBadRequest("/api/run", "{not json", contains: "request body")
    try await assertBadRequest("/api/run", "[1, 2]", contains: "expected a JSON object")
    try await assertBadRequest("/api/run", ["scenario": "pypi-today", "pathz": 3], contains: "unknown key \"pathz\"")
    try await assertBadRequest("/api/run", ["scenario": "pypi-today", "paths": 0], contains: "paths must be between")
    try await assertBadRequest("/api/run", ["scenario": "pypi-today", "seed": -1], contains: "\"seed\"")
    try await assertBadRequest("/api/solve", ["scenario": "pypi-today"], contains: "at least one target")
    // A file outside the served list is not read, even by its path.
    try await assertBadRequest("/api/run", ["scenario": "/etc/passwd"], contains: "no served scenario")
  }

  func testABodyOverOneMegabyteIs413() async throws {
    let padding = String(repeating: "x", count: (1 << 20) + 10)
    let response = try await client.post("/api/run", json: "{\"scenario\": \"\(padding)\"}")
    XCTAssertEqual(response.status, 413, response.text)
    XCTAssertNotNil(response.errorMessage)
    try await assertStillServing()
  }

  func testPathsBeyondTheMachinesMemoryAre422() async throws {
    let body: [String: Any] = ["scenario": "pypi-2020-baseline", "set": ["years": 100], "paths": 1_000_000_000]
    let response = try await client.post("/api/run", json: body)
    XCTAssertEqual(response.status, 422, response.text)
    XCTAssertTrue(response.errorMessage?.contains("paths over 100 years need about") ?? false, response.text)
    for endpoint in ["/api/view", "/api/view/progress", "/api/compare"] {
      let refused = try await client.post(endpoint, json: body)
      XCTAssertEqual(refused.status, 422, "\(endpoint): \(refused.text)")
    }
  }

  func testUnknownRoutesAre404AndGarbageDoesNotStopTheServer() async throws {
    let missing = try await client.get("/api/nothing")
    XCTAssertEqual(missing.status, 404)
    XCTAssertEqual(missing.errorMessage, "no such route: GET /api/nothing")
    let wrongMethod = try await client.get("/api/run")
    XCTAssertEqual(wrongMethod.status, 404, wrongMethod.text)
    XCTAssertNotNil(wrongMethod.errorMessage, wrongMethod.text)
    _ = try? await client.send(raw: Data("THIS IS NOT HTTP\r\n\r\n".utf8))
    _ = try? await client.send(raw: Data([0, 1, 2, 255, 254]))
    try await assertStillServing()
  }

  func assertStillServing(file: StaticString = #filePath, line: UInt = #line) async throws {
    let response = try await client.post(
      "/api/run", json: ["scenario": "pypi-2020-baseline", "paths": 50] as [String: Any])
    XCTAssertEqual(response.status, 200, response.text, file: file, line: line)
  }
}
