import Foundation
import XCTest

/// Every endpoint answers what the command line prints: `POST /api/run` is `run --json`, `/api/compare` is
/// `compare --json`, `/api/solve` is `solve --json`, as parsed JSON.
final class APIEndpointTests: ServerTestCase {
  /// Small runs of every shipped file: a file with nested draws (SPEC §22) gets groups of 100 paths, so that 2,000
  /// paths make its 20 groups.
  static let small: [String: Any] = ["simulation.nested.inner": 100]
  static let smallArguments = ["--set", "simulation.nested.inner=100"]

  func testThePageIsOneSelfContainedFile() async throws {
    let page = try await client.get("/")
    XCTAssertEqual(page.status, 200)
    XCTAssertEqual(page.headers["content-type"], "text/html; charset=utf-8")
    XCTAssertTrue(page.text.contains("<script>"))
    // Nothing loaded from elsewhere: no script or style source, no address outside the page.
    for outside in ["src=\"http", "href=\"http", "<script src", "<link", "@import", "//cdn"] {
      XCTAssertFalse(page.text.contains(outside), outside)
    }
  }

  func testScenariosListsEveryServedFileWithItsControls() async throws {
    let response = try await client.get("/api/scenarios")
    XCTAssertEqual(response.status, 200)
    let list = try XCTUnwrap(response.json() as? [String: Any])
    XCTAssertEqual(list["previewPaths"] as? Int, 10_000)
    // A file with nested draws of 1,000 paths a group previews its first 20 groups.
    let previews = try XCTUnwrap(list["scenarios"] as? [[String: Any]]).map { $0["previewPaths"] as? Int }
    XCTAssertEqual(Set(previews), [10_000, 20_000])
    let scenarios = try XCTUnwrap(list["scenarios"] as? [[String: Any]])
    XCTAssertEqual(scenarios.map { $0["name"] as? String }, Self.shippedScenarios.map(Self.name))
    let today = try XCTUnwrap(scenarios.first { $0["name"] as? String == "pypi-today" })
    let groups = try XCTUnwrap(today["groups"] as? [[String: Any]])
    XCTAssertEqual(groups.first?["title"] as? String, "Reserve and horizon")
    let controls = groups.flatMap { ($0["controls"] as? [[String: Any]]) ?? [] }
    // reserve.initial is written as a range: one slider per end, the file's ends as values.
    let initial = try XCTUnwrap(controls.first { $0["path"] as? String == "reserve.initial" })
    XCTAssertEqual(initial["distribution"] as? String, "range")
    XCTAssertEqual((initial["ends"] as? [Double])?.count, 2)
    for control in controls {
      let (low, high, value) = (control["min"] as! Double, control["max"] as! Double, control["value"] as! Double)
      XCTAssertTrue(low <= value && value <= high, "\(control)")
    }
  }

  func testRunIsTheCommandsJSONForEveryShippedScenario() async throws {
    for file in Self.shippedScenarios {
      let name = Self.name(file)
      let response = try await client.post(
        "/api/run",
        json: ["scenario": name, "set": ["years": 4] + Self.small, "paths": 2000, "seed": 7] as [String: Any])
      XCTAssertEqual(response.status, 200, "\(name): \(response.text)")
      let cli = try Self.reservesim(
        ["run", file, "--json"] + Self.smallArguments + ["--set", "years=4", "--paths", "2000", "--seed", "7"])
      XCTAssertEqual(cli.status, 0, cli.stderr)
      XCTAssertEqual(try Self.parse(response.body), try Self.parse(cli.stdout), name)
    }
  }

  func testCompareIsTheCommandsJSON() async throws {
    let file = Self.shippedScenarios.first { $0.hasSuffix("cdn-loss.json") }!
    let body: [String: Any] = [
      "scenario": "cdn-loss", "set": ["years": 3] + Self.small, "setB": ["reserve.initial": 2_000_000], "paths": 2000,
    ]
    let response = try await client.post("/api/compare", json: body)
    XCTAssertEqual(response.status, 200, response.text)
    let cli = try Self.reservesim([
      "compare", file, "--json", "--set", "simulation.nested.inner=100", "--set", "years=3", "--set-b",
      "reserve.initial=2000000", "--paths", "2000",
    ])
    XCTAssertEqual(cli.status, 0, cli.stderr)
    XCTAssertEqual(try Self.parse(response.body), try Self.parse(cli.stdout))
  }

  func testCompareOfTwoServedFilesIsTheCommandsJSON() async throws {
    let a = Self.shippedScenarios.first { $0.hasSuffix("pypi-today.json") }!
    let b = Self.shippedScenarios.first { $0.hasSuffix("cdn-loss.json") }!
    let response = try await client.post(
      "/api/compare",
      json: ["scenario": "pypi-today", "b": "cdn-loss", "set": Self.small, "paths": 2000] as [String: Any])
    XCTAssertEqual(response.status, 200, response.text)
    let cli = try Self.reservesim(["compare", a, b, "--json"] + Self.smallArguments + ["--paths", "2000"])
    XCTAssertEqual(try Self.parse(response.body), try Self.parse(cli.stdout))
  }

  func testSolveIsTheCommandsJSON() async throws {
    let file = Self.shippedScenarios.first { $0.hasSuffix("pypi-today-policy.json") }!
    let body: [String: Any] = [
      "scenario": "pypi-today-policy", "targets": ["ruin<=5%@3y"], "levers": ["policy.cuts.belowMonths=2:6:3"],
      "set": Self.small, "paths": 2000, "seed": "11",
    ]
    let response = try await client.post("/api/solve", json: body)
    XCTAssertEqual(response.status, 200, response.text)
    let cli = try Self.reservesim([
      "solve", file, "--json", "--target", "ruin<=5%@3y", "--lever", "policy.cuts.belowMonths=2:6:3", "--paths", "2000",
      "--set", "simulation.nested.inner=100",
      "--seed", "11",
    ])
    XCTAssertEqual(cli.status, 0, cli.stderr)
    XCTAssertEqual(try Self.parse(response.body), try Self.parse(cli.stdout))
  }

  /// The page's view: B (edited) and A (as written) are plain runs on the same paths, B − A is `compare`'s.
  func testViewHoldsTheRunTheFileAsWrittenAndTheirComparison() async throws {
    let edit: [String: Any] = ["reserve.initial": 3_000_000]
    let view = try await client.post(
      "/api/view", json: ["scenario": "pypi-2020-uncertain", "set": edit, "paths": 500] as [String: Any])
    XCTAssertEqual(view.status, 200, view.text)
    let parts = try XCTUnwrap(view.json() as? [String: Any])
    let run = try await client.post(
      "/api/run", json: ["scenario": "pypi-2020-uncertain", "set": edit, "paths": 500] as [String: Any])
    let base = try await client.post(
      "/api/run", json: ["scenario": "pypi-2020-uncertain", "paths": 500] as [String: Any])
    let compare = try await client.post(
      "/api/compare", json: ["scenario": "pypi-2020-uncertain", "setB": edit, "paths": 500] as [String: Any])
    XCTAssertEqual(parts["run"] as? NSObject, try Self.parse(run.body))
    XCTAssertEqual(parts["base"] as? NSObject, try Self.parse(base.body))
    XCTAssertEqual(parts["compare"] as? NSObject, try Self.parse(compare.body))
    let charts = try XCTUnwrap(parts["charts"] as? [String: String])
    for key in ["fan", "ruin", "reserve"] {
      XCTAssertTrue(charts[key]?.hasPrefix("<svg") ?? false, key)
      XCTAssertTrue(charts[key]?.contains("as written") ?? false, key)
    }
  }

  /// An edit that shortens the horizon: the file as written is drawn only over the edited chart's years.
  func testViewOfAShorterHorizonKeepsTheFileAsWrittenInsideTheChart() async throws {
    let view = try await client.post(
      "/api/view", json: ["scenario": "pypi-2020-uncertain", "set": ["years": 3], "paths": 300] as [String: Any])
    XCTAssertEqual(view.status, 200, view.text)
    let parts = try XCTUnwrap(view.json() as? [String: Any])
    XCTAssertEqual((parts["run"] as? [String: Any])?["years"] as? Int, 3)
    XCTAssertEqual((parts["base"] as? [String: Any])?["years"] as? Int, 10)
    let fan = try XCTUnwrap((parts["charts"] as? [String: String])?["fan"])
    // The dashed grey line has the 4 points of years 0 … 3, not the 11 of the file's ten years.
    let line = try XCTUnwrap(fan.components(separatedBy: "<polyline").first { $0.contains("#777777") })
    let points = try XCTUnwrap(
      line.components(separatedBy: "points=\"").dropFirst().first?.split(separator: "\"").first)
    XCTAssertEqual(points.split(separator: " ").count, 4, String(points))
  }

  /// The full run's stream: progress lines that never go back, then the view itself.
  func testViewWithProgressStreamsSharesThenTheView() async throws {
    let body: [String: Any] = ["scenario": "pypi-2020-uncertain", "set": ["years": 3], "paths": 6000]
    let stream = try await client.post("/api/view/progress", json: body)
    XCTAssertEqual(stream.status, 200, stream.text)
    XCTAssertEqual(stream.headers["content-type"], "application/x-ndjson")
    let lines = try stream.text.split(separator: "\n").map {
      try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
    let shares = lines.compactMap { $0["progress"] as? Double }
    XCTAssertGreaterThan(shares.count, 2, stream.text)
    XCTAssertEqual(shares, shares.sorted())
    XCTAssertLessThanOrEqual(shares.last ?? 2, 1)
    let plain = try await client.post("/api/view", json: body)
    XCTAssertEqual(lines.last?["result"] as? NSObject, try Self.parse(plain.body))
    let bad = try await client.post("/api/view/progress", json: ["scenario": "nowhere"])
    XCTAssertEqual(bad.status, 400)
  }

  func testExportsAreTheEditedScenarioItsCSVFilesAndItsReport() async throws {
    let body: [String: Any] = ["scenario": "pypi-2020-uncertain", "set": ["reserve.initial": 1_234_567], "paths": 300]
    let scenario = try await client.post("/api/export/scenario", json: body)
    XCTAssertEqual(scenario.status, 200, scenario.text)
    let document = try XCTUnwrap(scenario.json() as? [String: Any])
    XCTAssertEqual((document["reserve"] as? [String: Any])?["initial"] as? Double, 1_234_567)
    let csv = try await client.post("/api/export/csv", json: body)
    let files = try XCTUnwrap(csv.json() as? [String: String])
    XCTAssertTrue(Set(files.keys).isSuperset(of: ["yearly.csv", "reserve.csv", "summary.csv"]), "\(files.keys)")
    let report = try await client.post("/api/export/report", json: body)
    XCTAssertEqual(report.status, 200)
    XCTAssertTrue(report.text.hasPrefix("<!DOCTYPE html>") || report.text.hasPrefix("<!doctype html>"))
    XCTAssertTrue(report.text.contains("<svg"))
  }
}
