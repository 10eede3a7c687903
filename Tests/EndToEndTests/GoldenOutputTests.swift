import Foundation
import XCTest

/// Golden outputs: `run --json` and `run --csv DIR` of every shipped scenario (`scenarios/*.json` but the schema)
/// at a fixed path count and seed, compared byte for byte with the files committed in `Golden/<scenario>/`
/// (`run.json`, `csv/*.csv`: `policy.csv` too for a file with cuts or an appeal, `runway.csv` for one with in-kind
/// services). Any change to a number, a key, the formatting or the set of files fails here, naming
/// the file and its first differing line.
///
/// When a change is intended, re-record with
///
///     RESERVESIM_RECORD_GOLDEN=1 swift test --filter GoldenOutputTests
///
/// and say in the commit that moves a golden file why it moved (docs/contributing.md, "Golden outputs").
final class GoldenOutputTests: XCTestCase {
  /// The one switch that re-records the golden files instead of comparing.
  static let recordVariable = "RESERVESIM_RECORD_GOLDEN"
  /// 4,000 paths keep every golden file small (under 20 KB) and the test quick on a debug build.
  static let paths = "4000"
  static let seed = "20261206"
  /// The scenario also run at other thread counts (SPEC §8: no output depends on it); it has uncertain estimates,
  /// whose ranking is reduced across threads too.
  static let threadedScenario = "pypi-2020-uncertain"
  /// Files that draw their estimates per group of paths (SPEC §22) run at 4,000 paths in groups of 200, the fewest
  /// groups a run may have (20).
  static let goldenInner = "200"

  /// Whether scenario `name` (or a file it extends) sets `simulation.nested`.
  static func isNested(_ name: String) -> Bool {
    let url = CommandLineRunner.repository.appendingPathComponent("scenarios/\(name).json")
    guard let data = try? Data(contentsOf: url),
      let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return false }
    if let simulation = document["simulation"] as? [String: Any], simulation["nested"] != nil { return true }
    guard let base = document["extends"] as? String else { return false }
    return isNested(String(base.dropLast(".json".count)))
  }

  /// `Tests/EndToEndTests/Golden` (excluded from the target in Package.swift).
  static let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
    "Golden")

  private var recording: Bool { ProcessInfo.processInfo.environment[Self.recordVariable] == "1" }
  private let fileManager = FileManager.default

  /// The shipped scenarios' names (without `.json`), sorted.
  private func shippedScenarios() throws -> [String] {
    let folder = CommandLineRunner.repository.appendingPathComponent("scenarios")
    return try fileManager.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".json") && $0 != "schema.json" }
      .map { String($0.dropLast(".json".count)) }.sorted()
  }

  private func folders(in url: URL) throws -> [String] {
    try fileManager.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey])
      .filter { try $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory == true }
      .map(\.lastPathComponent).sorted()
  }

  /// `reservesim run scenarios/NAME.json --paths 4000 --seed 20261206 EXTRA`, run in the repository (so that the
  /// file is named relative to it); fails unless it exits 0.
  private func run(_ name: String, _ extra: [String], file: StaticString = #filePath, line: UInt = #line) throws
    -> CommandLineRunner.Outcome
  {
    let nesting = Self.isNested(name) ? ["--nested", Self.goldenInner] : []
    let arguments = ["run", "scenarios/\(name).json", "--paths", Self.paths, "--seed", Self.seed] + nesting + extra
    let outcome = try CommandLineRunner.run(arguments, in: CommandLineRunner.repository)
    XCTAssertEqual(
      outcome.status, 0, "reservesim \(arguments.joined(separator: " ")): \(outcome.stderr)", file: file, line: line)
    return outcome
  }

  func testEveryShippedScenarioMatchesItsGoldenOutputs() throws {
    let names = try shippedScenarios()
    XCTAssertGreaterThanOrEqual(names.count, 5, "the shipped scenarios were not found")
    if recording {
      try fileManager.createDirectory(at: Self.goldenFolder, withIntermediateDirectories: true)
      // A removed or renamed scenario's golden files go too.
      for stale in try folders(in: Self.goldenFolder) where !names.contains(stale) {
        try fileManager.removeItem(at: Self.goldenFolder.appendingPathComponent(stale))
      }
    } else {
      XCTAssertEqual(
        try folders(in: Self.goldenFolder), names,
        "Golden/ must hold one folder per shipped scenario; \(Self.howToRecord)")
    }
    for name in names {
      let folder = Self.goldenFolder.appendingPathComponent(name)
      if recording {
        try? fileManager.removeItem(at: folder)
        try fileManager.createDirectory(
          at: folder.appendingPathComponent("csv"), withIntermediateDirectories: true)
      }
      // run --json: stdout.
      let json = try run(name, ["--json"])
      assertGolden(Data(json.stdout.utf8), "\(name)/run.json")

      // run --csv DIR: the files written.
      let scratch = try CommandLineRunner.temporaryDirectory()
      defer { try? fileManager.removeItem(at: scratch) }
      let csv = scratch.appendingPathComponent("csv")
      _ = try run(name, ["--csv", csv.path])
      let written = try fileManager.contentsOfDirectory(atPath: csv.path).sorted()
      // policy.csv only for a file with cuts or an appeal, the files whose JSON has `policyActivity` (SPEC §19).
      let responds = json.stdout.contains("\n  \"policyActivity\": [")
      // runway.csv only for a file with in-kind services, whose JSON lists them in `runwayAfterLoss` (SPEC §21).
      let services = json.stdout.contains("\n  \"runwayAfterLoss\": [\n")
      XCTAssertEqual(
        written,
        (responds ? ["policy.csv"] : []) + ["reserve.csv"] + (services ? ["runway.csv"] : [])
          + ["summary.csv", "yearly.csv"], name)
      if !recording {
        let golden = try fileManager.contentsOfDirectory(atPath: folder.appendingPathComponent("csv").path).sorted()
        XCTAssertEqual(golden, written, "\(name): the golden CSV set differs from the written one; \(Self.howToRecord)")
      }
      for file in written {
        assertGolden(try Data(contentsOf: csv.appendingPathComponent(file)), "\(name)/csv/\(file)")
      }
    }
    if recording {
      throw XCTSkip("recorded the golden outputs of \(names.count) scenarios in \(Self.goldenFolder.path)")
    }
  }

  /// SPEC §8: the same file, seed and paths give the same output on any thread count: one scenario at 1, 2 and 3
  /// threads matches the same golden file (recorded at the default, all cores).
  func testTheThreadCountDoesNotMoveTheGoldenOutput() throws {
    try XCTSkipIf(recording, "recording: compared on the next run")
    // The second draws its estimates per group (SPEC §22), whose intervals come from a bootstrap over groups.
    for scenario in [Self.threadedScenario, "pypi-today"] {
      for threads in [1, 2, 3] {
        let json = try run(scenario, ["--json", "--threads", "\(threads)"])
        assertGolden(Data(json.stdout.utf8), "\(scenario)/run.json", context: "at --threads \(threads)")
      }
    }
  }

  static let howToRecord =
    "if the change is intended, re-record with `\(recordVariable)=1 swift test --filter GoldenOutputTests` "
    + "and say why in the commit"

  /// Compares `actual` with the golden file at `Golden/RELATIVE` byte for byte (or writes it when recording).
  private func assertGolden(
    _ actual: Data, _ relative: String, context: String = "", file: StaticString = #filePath, line: UInt = #line
  ) {
    let url = Self.goldenFolder.appendingPathComponent(relative)
    let place = "Tests/EndToEndTests/Golden/\(relative)" + (context.isEmpty ? "" : " (\(context))")
    if recording {
      do {
        try actual.write(to: url)
      } catch {
        XCTFail("could not write \(place): \(error)", file: file, line: line)
      }
      return
    }
    guard let expected = fileManager.contents(atPath: url.path) else {
      XCTFail("\(place) is missing; \(Self.howToRecord)", file: file, line: line)
      return
    }
    guard expected != actual else { return }
    XCTFail(
      "\(place) differs from the output: \(Self.firstDifference(expected, actual)); \(Self.howToRecord)",
      file: file, line: line)
  }

  /// "line N: golden … / output …" for the first line (split at LF bytes, so a CR shows) where two texts differ.
  static func firstDifference(_ expected: Data, _ actual: Data) -> String {
    let a = expected.split(separator: 10, omittingEmptySubsequences: false)
    let b = actual.split(separator: 10, omittingEmptySubsequences: false)
    func shown(_ lines: [Data], _ index: Int) -> String {
      guard index < lines.count else { return "<end of file>" }
      let text = String(decoding: lines[index], as: UTF8.self)
      return (text.count > 300 ? String(text.prefix(300)) + "…" : text).debugDescription
    }
    let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    return "first difference at line \(index + 1): golden \(shown(a, index)), output \(shown(b, index))"
  }
}
