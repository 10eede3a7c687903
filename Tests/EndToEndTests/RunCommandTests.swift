import Foundation
import XCTest

/// `reservesim run` and `validate` through the binary: outputs, and every kind of bad input.
final class RunCommandTests: XCTestCase {
  var folder: URL!

  override func setUpWithError() throws { folder = try CommandLineRunner.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  private func write(_ name: String, _ text: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  private let small = """
    {"name": "Small", "years": 2, "reserve": {"initial": 1000},
     "income": [{"name": "grant", "annual": 1200}],
     "inKindServices": [{"name": "CDN", "monthlyValue": 500, "annualLossProbability": 0.5}]}
    """

  func testJSONSummaryHasTheContractKeys() throws {
    let file = try write("small.json", small)
    let outcome = try CommandLineRunner.run(["run", file, "--paths", "2000", "--seed", "4", "--json"])
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertEqual(outcome.stderr, "")
    let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(object["scenario"] as? String, "Small")
    XCTAssertEqual(object["paths"] as? Int, 2000)
    XCTAssertEqual(object["seed"] as? Int, 4)
    XCTAssertEqual(object["years"] as? Int, 2)
    XCTAssertEqual(object["initialReserve"] as? Double, 1000)
    let ruin = try XCTUnwrap(object["ruinProbability"] as? [String: Double])
    XCTAssertNotNil(ruin["value"])
    XCTAssertNotNil(ruin["standardError"])
    XCTAssertEqual((object["ruinProbabilityByYear"] as? [Double])?.count, 2)
    let reserve = try XCTUnwrap(object["requiredReserve"] as? [[String: Double]])
    XCTAssertEqual(Set(reserve.compactMap { $0["confidence"] }).isSuperset(of: [0.5, 0.9, 0.95, 0.99]), true)
    let shortfall = try XCTUnwrap(object["expectedShortfall"] as? [[String: Double]])
    XCTAssertTrue(shortfall.contains { $0["confidence"] == 0.95 })
    let balances = try XCTUnwrap(object["balanceByYear"] as? [[String: Double]])
    XCTAssertEqual(balances.count, 2)
    for key in ["year", "p5", "p25", "p50", "p75", "p95", "mean"] { XCTAssertNotNil(balances[0][key], key) }
  }

  func testThreadsDoNotChangeTheOutput() throws {
    let file = try write("small.json", small)
    let one = try CommandLineRunner.run(["run", file, "--paths", "800", "--json", "--threads", "1"])
    let two = try CommandLineRunner.run(["run", file, "--paths", "800", "--json", "--threads", "2"])
    XCTAssertEqual(one.status, 0)
    XCTAssertEqual(one.stdout, two.stdout)
  }

  func testReadableSummaryAndCSVFiles() throws {
    let file = try write("small.json", small)
    let csv = folder.appendingPathComponent("out").path
    let outcome = try CommandLineRunner.run(["run", file, "--paths", "1000", "--csv", csv])
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertTrue(outcome.stdout.contains("the chance of running out within 2 years is"))
    for name in ["yearly.csv", "reserve.csv", "summary.csv"] {
      XCTAssertTrue(FileManager.default.fileExists(atPath: csv + "/" + name), name)
    }
    let yearly = try String(contentsOfFile: csv + "/yearly.csv", encoding: .utf8)
    XCTAssertTrue(yearly.hasPrefix("year,balanceP5,"))
    XCTAssertEqual(yearly.split(separator: "\r\n").count, 3)
  }

  func testShippedBaselineRuns() throws {
    let baseline = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
    let outcome = try CommandLineRunner.run(["run", baseline, "--paths", "500"])
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertTrue(outcome.stdout.contains("Reserve needed"))
  }

  /// Bad input: exit 2, one line on stderr naming the file (and the JSON path), nothing on stdout.
  private func assertBadInput(
    _ arguments: [String], mentions fragments: [String], file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let outcome = try CommandLineRunner.run(arguments)
    XCTAssertEqual(outcome.status, 2, "exit code; stderr: \(outcome.stderr)", file: file, line: line)
    XCTAssertEqual(outcome.stdout, "", file: file, line: line)
    XCTAssertEqual(
      outcome.stderr.split(separator: "\n").count, 1, "one message: \(outcome.stderr)", file: file, line: line)
    XCTAssertFalse(outcome.stderr.contains("Fatal error"), file: file, line: line)
    for fragment in fragments {
      XCTAssertTrue(
        outcome.stderr.contains(fragment), "'\(fragment)' missing from: \(outcome.stderr)", file: file, line: line)
    }
  }

  func testBadInputsExitTwoWithOneClearMessage() throws {
    let missing = folder.appendingPathComponent("nope.json").path
    try assertBadInput(["run", missing], mentions: [missing, "no such file"])
    try assertBadInput(
      ["run", try write("malformed.json", "{\"name\": \"x\", \"years\": 2,")],
      mentions: ["malformed.json", "malformed JSON"])
    let cases: [(String, [String])] = [
      (#"{"years": 2}"#, ["$.name", "required"]),
      (#"{"name": "x"}"#, ["$.years", "required"]),
      (#"{"name": "x", "years": 0}"#, ["$.years", "[1, 100]"]),
      (#"{"name": "x", "years": 2.5}"#, ["$.years", "whole number"]),
      (#"{"name": "x", "years": 2, "reserv": {}}"#, ["$.reserv", "unknown field", "reserve"]),
      (
        #"{"name": "x", "years": 2, "inKindServices": [{"name": "CDN", "annualLossProbabilty": 0.1}]}"#,
        ["$.inKindServices[0].annualLossProbabilty", "annualLossProbability"]
      ),
      (
        #"{"name": "x", "years": 2, "income": [{"name": "a", "annual": "100"}]}"#,
        ["$.income[0].annual", "expected a number"]
      ),
      (#"{"name": "x", "years": 2, "sponsorTiers": [{"name": "a", "count": -3}]}"#, ["$.sponsorTiers[0].count"]),
      (
        #"{"name": "x", "years": 2, "inKindServices": [{"name": "a", "annualLossProbability": 1.2}]}"#,
        ["$.inKindServices[0].annualLossProbability", "[0, 1]"]
      ),
      (
        #"{"name": "x", "years": 2, "events": [{"name": "a", "annualProbability": -0.1}]}"#,
        ["$.events[0].annualProbability"]
      ),
      (
        #"{"name": "x", "years": 2, "income": [{"name": "a", "factor": "traffik"}]}"#,
        ["$.income[0].factor", "traffic"]
      ),
      (
        #"{"name": "x", "years": 2, "correlations": [{"between": ["traffic", "unitCost"], "rho": 1}]}"#,
        ["$.correlations", "positive definite"]
      ),
      (#"{"name": "x", "years": 2, "simulation": {"paths": 0}}"#, ["$.simulation.paths"]),
      (#"{"name": "x", "years": 2, "income": [{"name": "a"}, {"name": "a"}]}"#, ["$.income[1].name", "duplicate"]),
      (#"["not", "an", "object"]"#, ["expected a scenario object"]),
    ]
    for (index, (text, fragments)) in cases.enumerated() {
      let file = try write("bad\(index).json", text)
      try assertBadInput(["run", file], mentions: [file] + fragments)
      try assertBadInput(["validate", file], mentions: [file] + fragments)
    }
  }

  func testBadCommandLineValuesExitTwo() throws {
    let file = try write("small.json", small)
    try assertBadInput(["run", file, "--paths", "0"], mentions: ["--paths"])
    try assertBadInput(["run", file, "--threads", "0"], mentions: ["--threads"])
    try assertBadInput(["run", file, "--paths", "many"], mentions: ["many"])
    try assertBadInput(["run", file, "--set", "inKindServices[Fastly].noticeMonths=2"], mentions: ["Fastly", "CDN"])
    try assertBadInput(["run", file, "--set", "reserve.initail=5"], mentions: ["$.reserve.initail", "initial"])
  }

  func testNothingIsWrittenWhenTheCSVFolderCannotBeMade() throws {
    let file = try write("small.json", small)
    let blocker = try write("blocker", "a file, not a folder")
    try assertBadInput(["run", file, "--paths", "100", "--csv", blocker], mentions: [blocker])
    XCTAssertEqual(try String(contentsOfFile: blocker, encoding: .utf8), "a file, not a folder")
  }

  func testValidateAcceptsGoodFilesAndReportsEveryBadOne() throws {
    let good = try write("good.json", small)
    let ok = try CommandLineRunner.run(["validate", good])
    XCTAssertEqual(ok.status, 0)
    XCTAssertTrue(ok.stdout.contains("ok"))
    let bad = try write("bad.json", #"{"name": "x", "years": 200}"#)
    let outcome = try CommandLineRunner.run(["validate", good, bad])
    XCTAssertEqual(outcome.status, 2)
    XCTAssertTrue(outcome.stderr.contains("bad.json: $.years"))
  }
}

/// The progress bar appears on a terminal only, and never with `--json`.
final class ProgressBarTests: XCTestCase {
  /// Runs the binary under `script(1)`, which gives it a pseudo-terminal, and returns what the terminal showed.
  private func onTerminal(_ arguments: [String]) throws -> String {
    let binary = try CommandLineRunner.executable().path
    let baseline = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
    let command = ([binary, "run", baseline] + arguments).map { "'\($0)'" }.joined(separator: " ") + " >/dev/null"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qfc", command, "/dev/null"]
    process.environment = ProcessInfo.processInfo.environment.merging(["RESERVESIM_PROGRESS_DELAY": "0"]) { $1 }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = Pipe()
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  func testATerminalShowsTheBarWithAnETA() throws {
    try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) is not installed")
    XCTAssertTrue(try onTerminal(["--paths", "800"]).contains("ETA"))
  }

  func testJSONAndPipesShowNoBar() throws {
    try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) is not installed")
    XCTAssertFalse(try onTerminal(["--paths", "800", "--json"]).contains("ETA"))
    let piped = try CommandLineRunner.run(
      [
        "run", CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path,
        "--paths", "800",
      ], environment: ["RESERVESIM_PROGRESS_DELAY": "0"])
    XCTAssertFalse(piped.stderr.contains("ETA"))
  }
}

/// Values the schema rejects, the decoder rejects too.
final class StrictValueTests: XCTestCase {
  func testCurrencyStartAndNamesAreStrict() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let cases: [(String, String)] = [
      (#"{"name": "x", "years": 1, "currency": "ÆØÅ"}"#, "$.currency"),
      (#"{"name": "x", "years": 1, "start": "+202-05"}"#, "$.start"),
      (#"{"name": "x", "years": 1, "start": "2020-+1"}"#, "$.start"),
      (#"{"name": "\n\n", "years": 1}"#, "$.name"),
    ]
    for (index, (text, path)) in cases.enumerated() {
      let file = folder.appendingPathComponent("strict\(index).json").path
      try text.write(toFile: file, atomically: true, encoding: .utf8)
      let outcome = try CommandLineRunner.run(["validate", file])
      XCTAssertEqual(outcome.status, 2, text)
      XCTAssertTrue(outcome.stderr.contains(path), outcome.stderr)
    }
  }
}

/// The largest values the format allows still run to the end in reasonable time, and one past them is bad input.
final class ExtremeValueTests: XCTestCase {
  func testTheLargestAllowedValuesRunAndLargerOnesAreRejected() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let largest = """
      {"name": "large", "years": 3, "reserve": {"initial": 1e15, "annualReturn": 10},
       "factors": {"traffic": {"annualGrowth": 10, "annualVolatility": 5}},
       "income": [{"name": "a", "annual": 1e12, "annualGrowth": 10, "factor": "traffic"}],
       "sponsorTiers": [{"name": "t", "annualAmount": 1e12, "count": 1000000, "renewalProbability": 0.5,
                         "newPerYear": 100000}],
       "inKindServices": [{"name": "s", "monthlyValue": 1e12, "scaling": "traffic", "annualLossProbability": 1,
                           "replacementCostFraction": 100}],
       "events": [{"name": "e", "annualProbability": 1, "durationMonths": 2, "incomeMultiplier": 1000,
                   "serviceLossMultiplier": 1000}]}
      """
    let file = folder.appendingPathComponent("large.json").path
    try largest.write(toFile: file, atomically: true, encoding: .utf8)
    let outcome = try CommandLineRunner.run(["run", file, "--paths", "16", "--json"])
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)))
    for (key, value) in [("\"count\": 1000000", "\"count\": 1000001"), ("\"annual\": 1e12", "\"annual\": 1.1e12")] {
      let bad = folder.appendingPathComponent("bad.json").path
      try largest.replacingOccurrences(of: key, with: value).write(toFile: bad, atomically: true, encoding: .utf8)
      XCTAssertEqual(try CommandLineRunner.run(["validate", bad]).status, 2, value)
    }
  }
}

/// `report` and `notebook` take `--set` like every command that reads scenarios.
final class FileOutputSetTests: XCTestCase {
  func testReportAndNotebookApplyEdits() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let baseline = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
    for command in ["report", "notebook"] {
      let out = folder.appendingPathComponent("out-\(command)").path
      let edited = try CommandLineRunner.run(
        [command, baseline, "-o", out, "--paths", "300", "--set", "reserve.initial=9000000"])
      XCTAssertEqual(edited.status, 0, edited.stderr)
      XCTAssertTrue(edited.stdout.contains("$9M in reserve"), edited.stdout)
      let bad = try CommandLineRunner.run(
        [command, baseline, "-o", out + "-bad", "--paths", "300", "--set", "inKindServices[Nope].noticeMonths=1"])
      XCTAssertEqual(bad.status, 2)
      XCTAssertFalse(FileManager.default.fileExists(atPath: out + "-bad"))
    }
  }
}
