import Foundation
import XCTest

/// A newer request of the same kind from the same client cancels the older; a client that hangs up cancels its
/// run. Both free the simulation's place at once, which a server with one place shows.
final class CancellationTests: ServerTestCase {
  override var concurrentRuns: Int { 1 }

  /// A run that takes far longer than the tests wait (tens of seconds on this machine).
  static let longRun: [String: Any] = ["scenario": "pypi-today", "set": ["years": 30], "paths": 3_000_000]

  func testANewerRequestFromTheSameClientCancelsTheOlder() async throws {
    let started = Date()
    async let older = client.post("/api/run", json: Self.longRun, client: "tab-1")
    try await Task.sleep(nanoseconds: 700_000_000)
    let newer = try await client.post(
      "/api/run", json: ["scenario": "pypi-2020-baseline", "paths": 100] as [String: Any], client: "tab-1")
    let replaced = try await older
    XCTAssertEqual(replaced.status, 409, replaced.text)
    XCTAssertTrue(replaced.errorMessage?.contains("newer request") ?? false, replaced.text)
    XCTAssertEqual(newer.status, 200, newer.text)
    XCTAssertLessThan(Date().timeIntervalSince(started), 15)
  }

  func testAnotherClientsRequestIsNotCancelled() async throws {
    async let first = client.post(
      "/api/run", json: ["scenario": "pypi-2020-baseline", "paths": 3000] as [String: Any], client: "a")
    async let second = client.post(
      "/api/run", json: ["scenario": "pypi-2020-baseline", "paths": 3000] as [String: Any], client: "b")
    let (a, b) = try await (first, second)
    XCTAssertEqual(a.status, 200, a.text)
    XCTAssertEqual(b.status, 200, b.text)
  }

  func testAClientThatHangsUpCancelsItsRun() async throws {
    let body = try JSONSerialization.data(withJSONObject: Self.longRun)
    try await client.sendAndHangUp(raw: client.request("POST", "/api/run", body: body), after: 0.7)
    // With one place, a run still going would hold this one back for tens of seconds.
    let started = Date()
    let next = try await client.post(
      "/api/run", json: ["scenario": "pypi-2020-baseline", "paths": 100] as [String: Any])
    XCTAssertEqual(next.status, 200, next.text)
    XCTAssertLessThan(Date().timeIntervalSince(started), 8)
  }
}
