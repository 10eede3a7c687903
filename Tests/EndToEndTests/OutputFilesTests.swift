import Foundation
import XCTest

@testable import reservesim

/// How the binary writes its outputs (docs/outputs.md, "How files are written"): devices and FIFOs written
/// through, links followed, `--csv` as one set, every target checked before simulating, temporaries removed on
/// signals. Failures and pauses are injected with `RESERVESIM_TEST_FAULT`.
final class OutputFilesTests: XCTestCase {
  private var folder: URL!
  private let pypi = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
  /// The files `run --csv` writes for it, sorted (runway.csv for its in-kind services, SPEC §21).
  static let runFiles = ["reserve.csv", "runway.csv", "summary.csv", "yearly.csv"]
  private let fileManager = FileManager.default

  override func setUpWithError() throws { folder = try CommandLineRunner.temporaryDirectory() }
  override func tearDownWithError() throws { try? fileManager.removeItem(at: folder) }

  private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

  /// Asserts the contract for bad output: exit 2, one line on stderr holding every fragment, nothing on stdout.
  private func assertRefused(
    _ run: CommandLineRunner.Outcome, mentioning fragments: [String], file: StaticString = #filePath,
    line: UInt = #line
  ) {
    XCTAssertEqual(run.status, 2, run.stderr, file: file, line: line)
    XCTAssertEqual(run.stdout, "", file: file, line: line)
    XCTAssertEqual(run.stderr.split(separator: "\n").count, 1, run.stderr, file: file, line: line)
    for fragment in fragments { XCTAssertTrue(run.stderr.contains(fragment), run.stderr, file: file, line: line) }
  }

  /// The kind of file at `path` as lstat(2) reports it (S_IFCHR, S_IFIFO, S_IFLNK, …), 0 when missing.
  private func fileType(_ path: String) -> mode_t {
    var status = stat()
    return lstat(path, &status) == 0 ? status.st_mode & S_IFMT : 0
  }

  /// Makes a device node like `device` (same numbers) at `path`, as `mknod` does; false without the privilege.
  private func copyDevice(_ device: String, to path: String) -> Bool {
    var status = stat()
    return stat(device, &status) == 0 && status.st_mode & S_IFMT == S_IFCHR
      && mknod(path, S_IFCHR | 0o666, status.st_rdev) == 0
  }

  /// A device that refuses every write with ENOSPC: a copy of /dev/full in the test folder where this process
  /// may make one (so that a regression run as the superuser cannot replace the system's), else /dev/full.
  private func fullDevice() throws -> String {
    let copy = path("full-copy")
    if copyDevice("/dev/full", to: copy) { return copy }
    try XCTSkipIf(geteuid() == 0, "mknod failed as the superuser; not risking the system's /dev/full")
    return "/dev/full"
  }

  /// Every name in the test folder, hidden ones and those in subfolders included.
  private func everything() throws -> [String] { try fileManager.subpathsOfDirectory(atPath: folder.path).sorted() }

  /// Reads the CSV files a run of `pypi` writes into `csv`, by name.
  private func csvSet(_ csv: String) throws -> [String: Data] {
    var set: [String: Data] = [:]
    for name in ["yearly.csv", "reserve.csv", "summary.csv", "runway.csv"] {
      set[name] = try Data(contentsOf: URL(fileURLWithPath: csv + "/" + name))
    }
    return set
  }

  // MARK: - Devices, FIFOs, links

  func testACharacterDeviceIsWrittenThroughAndStaysADevice() throws {
    let device = path("null-copy")
    try XCTSkipUnless(copyDevice("/dev/null", to: device), "mknod needs privileges")
    let run = try CommandLineRunner.run(["report", pypi, "-o", device, "--paths", "200"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertEqual(fileType(device), S_IFCHR)
    XCTAssertEqual(try everything(), ["null-copy"])
  }

  func testAFullDeviceIsAnErrorWithTheSystemsReason() throws {
    let target = try fullDevice()
    let run = try CommandLineRunner.run(["report", pypi, "-o", target, "--paths", "200"])
    assertRefused(run, mentioning: [target, "No space left on device"])
    XCTAssertEqual(fileType(target), S_IFCHR)
  }

  func testAFIFOReceivesTheReportAndStaysAFIFO() throws {
    let fifo = path("pipe")
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    let received = DataBox()
    let reader = Thread {
      received.data = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data()
      received.done.signal()
    }
    reader.start()
    let run = try CommandLineRunner.run(["report", pypi, "-o", fifo, "--paths", "200"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertEqual(received.done.wait(timeout: .now() + 30), .success)
    XCTAssertTrue(String(decoding: received.data, as: UTF8.self).hasPrefix("<!DOCTYPE html>"))
    XCTAssertEqual(fileType(fifo), S_IFIFO)
    XCTAssertEqual(try everything(), ["pipe"])
  }

  /// A reader that takes ten bytes and leaves: the rest (4,000 rows, more than a pipe holds) cannot be written,
  /// and that is an error with its reason, not a death by SIGPIPE.
  func testAFIFOWhoseReaderLeavesIsAnError() throws {
    let scenario = path("small.json")
    try Data(#"{"name": "Small", "years": 1, "income": [{"name": "grant", "annual": 1200}]}"#.utf8)
      .write(to: URL(fileURLWithPath: scenario))
    let fifo = path("pipe")
    XCTAssertEqual(mkfifo(fifo, 0o600), 0)
    let reader = Thread {
      let handle = FileHandle(forReadingAtPath: fifo)
      _ = try? handle?.read(upToCount: 10)
      try? handle?.close()
    }
    reader.start()
    let run = try CommandLineRunner.run([
      "sweep", scenario, "--paths", "1", "--set", "reserve.initial=0:1e6:100", "--set", "income[0].annual=0:1e6:40",
      "--csv", fifo,
    ])
    assertRefused(run, mentioning: [fifo, "Broken pipe"])
    XCTAssertEqual(fileType(fifo), S_IFIFO)
  }

  private final class DataBox: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
  }

  func testASymbolicLinkKeepsPointingAtItsReplacedTarget() throws {
    try Data("old".utf8).write(to: URL(fileURLWithPath: path("target.html")))
    try fileManager.createSymbolicLink(atPath: path("link.html"), withDestinationPath: "target.html")
    let run = try CommandLineRunner.run(["report", pypi, "-o", path("link.html"), "--paths", "200"])
    XCTAssertEqual(run.status, 0, run.stderr)
    XCTAssertEqual(fileType(path("link.html")), S_IFLNK)
    XCTAssertTrue(try String(contentsOfFile: path("target.html"), encoding: .utf8).hasPrefix("<!DOCTYPE html>"))
    XCTAssertEqual(try everything(), ["link.html", "target.html"])
  }

  func testAPathEndingInASlashIsNotAFile() throws {
    let run = try CommandLineRunner.run(["report", pypi, "-o", path("new") + "/", "--paths", "5000000"])
    assertRefused(run, mentioning: ["ends with '/'"])
    XCTAssertEqual(try everything(), [])
  }

  func testADanglingLinkIsRefusedBeforeSimulating() throws {
    try fileManager.createSymbolicLink(atPath: path("link.html"), withDestinationPath: "missing.html")
    let run = try CommandLineRunner.run(["report", pypi, "-o", path("link.html"), "--paths", "5000000"])
    assertRefused(run, mentioning: [path("link.html"), "symbolic link to a missing file"])
    XCTAssertEqual(try everything(), ["link.html"])
  }

  // MARK: - Checked before simulating

  /// 5,000,000 paths of the baseline take minutes: each refusal comes back in seconds, having simulated nothing.
  func testEveryOutputIsCheckedBeforeSimulating() throws {
    let file = path("a-file")
    try Data("keep".utf8).write(to: URL(fileURLWithPath: file))
    try fileManager.createDirectory(atPath: path("a-folder"), withIntermediateDirectories: false)
    let many = ["--paths", "5000000"]
    let cases: [([String], [String])] = [
      (["run", pypi, "--csv", file] + many, [file, "not a folder"]),
      (["report", pypi, "-o", path("a-folder")] + many, [path("a-folder"), "is a folder"]),
      (["notebook", pypi, "-o", file + "/n.ipynb"] + many, [file, "not a folder"]),
      (["check", pypi, "--junit", path("a-folder")] + many, ["is a folder"]),
      (["sensitivity", pypi, "--svg", file + "/t.svg"] + many, ["not a folder"]),
      (["sensitivity", pypi, "--svg", path("same"), "--csv", path("same")] + many, ["--svg", "--csv"]),
      (["sweep", pypi, "--set", "reserve.initial=0:1e6:3", "--csv", path("a-folder")] + many, ["is a folder"]),
      (["compare", pypi, "--csv", path("a-folder")] + many, ["is a folder"]),
      (["drivers", pypi, "--csv", file + "/d.csv"] + many, ["not a folder"]),
    ]
    for (arguments, fragments) in cases {
      let started = Date()
      let run = try CommandLineRunner.run(arguments)
      assertRefused(run, mentioning: fragments)
      XCTAssertLessThan(Date().timeIntervalSince(started), 20, "\(arguments[0]) simulated before refusing")
    }
    XCTAssertEqual(try everything(), ["a-file", "a-folder"])
    XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "keep")
  }

  func testNoOutputOverwritesTheScenarioItReads() throws {
    let scenario = path("scenario.json")
    try fileManager.copyItem(atPath: pypi, toPath: scenario)
    try fileManager.createSymbolicLink(atPath: path("link.json"), withDestinationPath: "scenario.json")
    let original = try Data(contentsOf: URL(fileURLWithPath: scenario))
    for arguments in [
      ["report", scenario, "-o", scenario], ["notebook", scenario, "-o", path("link.json")],
      ["check", pypi, scenario, "--junit", scenario], ["compare", pypi, scenario, "--csv", scenario],
      ["sensitivity", scenario, "--svg", path("link.json")],
    ] {
      let run = try CommandLineRunner.run(arguments + ["--paths", "5000000"])
      assertRefused(run, mentioning: ["is the scenario file this command reads"])
    }
    XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: scenario)), original)
    XCTAssertEqual(try everything(), ["link.json", "scenario.json"])
  }

  func testAFolderWithoutWritePermissionNamesTheReason() throws {
    try XCTSkipIf(geteuid() == 0, "the superuser may write anywhere")
    let locked = path("locked")
    try fileManager.createDirectory(atPath: locked, withIntermediateDirectories: false)
    chmod(locked, 0o555)
    defer { chmod(locked, 0o755) }
    let run = try CommandLineRunner.run(["report", pypi, "-o", locked + "/r.html", "--paths", "5000000"])
    assertRefused(run, mentioning: [locked, "Permission denied"])
  }

  func testControlCharactersInAPathAreEscapedInTheMessage() throws {
    try Data("keep".utf8).write(to: URL(fileURLWithPath: path("a-file")))
    let run = try CommandLineRunner.run(["report", pypi, "-o", path("a-file") + "/x\n\u{1B}[31m.html"])
    assertRefused(run, mentioning: ["x\\n\\u{1B}[31m.html"])
    XCTAssertFalse(run.stderr.dropLast().contains { $0.isNewline || $0 == "\u{1B}" })
  }

  // MARK: - --csv as one set

  func testACSVSetIsCheckedWholeBeforeAnyFileIsReplaced() throws {
    let csv = path("csv")
    try fileManager.createDirectory(atPath: csv + "/reserve.csv", withIntermediateDirectories: true)
    try Data("earlier".utf8).write(to: URL(fileURLWithPath: csv + "/yearly.csv"))
    let run = try CommandLineRunner.run(["run", pypi, "--paths", "200", "--csv", csv])
    assertRefused(run, mentioning: [csv + "/reserve.csv", "is a folder"])
    XCTAssertEqual(try String(contentsOfFile: csv + "/yearly.csv", encoding: .utf8), "earlier")
    XCTAssertEqual(try everything(), ["csv", "csv/reserve.csv", "csv/yearly.csv"])
  }

  func testAFailedRenameRestoresTheFilesAlreadyReplaced() throws {
    let csv = path("csv")
    XCTAssertEqual(try CommandLineRunner.run(["run", pypi, "--paths", "200", "--csv", csv]).status, 0)
    let before = try csvSet(csv)
    for failing in 1...3 {
      let run = try CommandLineRunner.run(
        ["run", pypi, "--paths", "300", "--csv", csv], environment: ["RESERVESIM_TEST_FAULT": "rename-fails:\(failing)"]
      )
      let name = ["yearly.csv", "reserve.csv", "summary.csv"][failing - 1]
      assertRefused(run, mentioning: [csv + "/" + name, "Input/output error"])
      XCTAssertEqual(try csvSet(csv), before, "rename \(failing) failed")
      XCTAssertEqual(try everything(), ["csv"] + Self.runFiles.map { "csv/" + $0 })
    }
  }

  func testAFolderTheRunCreatedIsRemovedWhenTheWriteFails() throws {
    let csv = path("new/nested/csv")
    let run = try CommandLineRunner.run(
      ["run", pypi, "--paths", "200", "--csv", csv], environment: ["RESERVESIM_TEST_FAULT": "rename-fails:2"])
    assertRefused(run, mentioning: ["Input/output error"])
    XCTAssertEqual(try everything(), [])
  }

  /// `sensitivity --svg --csv`: two outputs, written together or not at all.
  func testACommandsOutputsAreWrittenTogetherOrNotAtAll() throws {
    let arguments = ["sensitivity", pypi, "--paths", "100", "--param", "reserve.initial"]
    let (svg, csv) = (path("charts/tornado.svg"), path("tables/sensitivity.csv"))
    let device = try fullDevice()
    let full = try CommandLineRunner.run(arguments + ["--svg", svg, "--csv", device])
    assertRefused(full, mentioning: [device, "No space left on device"])
    XCTAssertEqual(try everything().filter { $0 != "full-copy" }, [])
    try? fileManager.removeItem(atPath: device)
    let failing = try CommandLineRunner.run(
      arguments + ["--svg", svg, "--csv", csv], environment: ["RESERVESIM_TEST_FAULT": "rename-fails:2"])
    assertRefused(failing, mentioning: [csv, "Input/output error"])
    XCTAssertEqual(try everything(), [])
    let written = try CommandLineRunner.run(arguments + ["--svg", svg, "--csv", csv])
    XCTAssertEqual(written.status, 0, written.stderr)
    XCTAssertEqual(try everything(), ["charts", "charts/tornado.svg", "tables", "tables/sensitivity.csv"])
  }

  // MARK: - Signals

  func testASignalBeforeTheCommitRemovesEverythingTheRunMade() throws {
    let csv = path("csv")
    XCTAssertEqual(try CommandLineRunner.run(["run", pypi, "--paths", "200", "--csv", csv]).status, 0)
    let before = try csvSet(csv)
    for (signal, status) in [(SIGTERM, 143), (SIGINT, 130), (SIGHUP, 129)] as [(Int32, Int32)] {
      for target in [csv, path("fresh/csv")] {
        let run = try StoppedRun(["run", pypi, "--paths", "300", "--csv", target], fault: "stop-before-commit")
        defer { run.kill() }
        let staged = try everything().filter { $0.contains(".reservesim-") }
        XCTAssertEqual(staged.count, 1 + Self.runFiles.count, "a staging folder with the run's files: \(staged)")
        XCTAssertEqual(run.resume(sending: signal), status)
        XCTAssertEqual(try csvSet(csv), before)
        XCTAssertEqual(try everything(), ["csv"] + Self.runFiles.map { "csv/" + $0 })
      }
    }
  }

  func testASignalDuringTheCommitWaitsForTheWholeSet() throws {
    let csv = path("csv")
    XCTAssertEqual(try CommandLineRunner.run(["run", pypi, "--paths", "200", "--csv", csv]).status, 0)
    let reference = path("reference")
    XCTAssertEqual(try CommandLineRunner.run(["run", pypi, "--paths", "300", "--csv", reference]).status, 0)
    let run = try StoppedRun(["run", pypi, "--paths", "300", "--csv", csv], fault: "stop-after-rename:1")
    defer { run.kill() }
    XCTAssertEqual(run.resume(sending: SIGTERM), 143)
    XCTAssertEqual(try csvSet(csv), try csvSet(reference))
    XCTAssertFalse(try everything().contains { $0.contains(".reservesim-") })
  }

  func testTwoRunsIntoOneFolderNeverMix() throws {
    let csv = path("csv")
    var references: [String: [String: Data]] = [:]
    for seed in ["1", "2"] {
      let reference = path("reference-\(seed)")
      XCTAssertEqual(
        try CommandLineRunner.run(["run", pypi, "--paths", "200", "--seed", seed, "--csv", reference]).status, 0)
      references[seed] = try csvSet(reference)
    }
    // The first run stops with one file renamed, holding the folder's lock; the second must wait for it.
    let first = try StoppedRun(
      ["run", pypi, "--paths", "200", "--seed", "1", "--csv", csv], fault: "stop-after-rename:1")
    defer { first.kill() }
    let second = try StoppedRun(["run", pypi, "--paths", "200", "--seed", "2", "--csv", csv], fault: nil)
    defer { second.kill() }
    Thread.sleep(forTimeInterval: 1.5)
    XCTAssertTrue(second.process.isRunning, "the second run did not wait for the folder's lock")
    XCTAssertEqual(first.resume(sending: nil), 0)
    second.process.waitUntilExit()
    XCTAssertEqual(second.process.terminationStatus, 0)
    XCTAssertEqual(try csvSet(csv), references["2"])
  }

  func testASignalDuringTheSimulationLeavesNothing() throws {
    let csv = path("fresh/csv")
    let run = try StoppedRun(["run", pypi, "--paths", "5000000", "--csv", csv], fault: nil)
    defer { run.kill() }
    Thread.sleep(forTimeInterval: 1)
    XCTAssertTrue(run.process.isRunning)
    XCTAssertEqual(run.resume(sending: SIGTERM), 143)
    XCTAssertEqual(try everything(), [])
  }

  /// The binary started with a fault, waited for until it has stopped itself (Linux: /proc), when there is one.
  private struct StoppedRun {
    let process = Process()

    init(_ arguments: [String], fault: String?) throws {
      process.executableURL = try CommandLineRunner.executable()
      process.arguments = arguments
      process.environment = ProcessInfo.processInfo.environment.merging(
        fault.map { ["RESERVESIM_TEST_FAULT": $0] } ?? [:]
      ) { $1 }
      process.standardOutput = FileHandle.nullDevice
      process.standardError = FileHandle.nullDevice
      process.standardInput = FileHandle.nullDevice
      guard fault == nil || FileManager.default.fileExists(atPath: "/proc/self/stat") else {
        throw XCTSkip("needs /proc to see the process stop")
      }
      try process.run()
      guard fault != nil else { return }
      let deadline = Date().addingTimeInterval(60)
      while !isStopped {
        guard Date() < deadline, process.isRunning else {
          kill()
          throw NeverStopped()
        }
        Thread.sleep(forTimeInterval: 0.02)
      }
    }

    struct NeverStopped: Error {}

    var isStopped: Bool {
      guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
        let end = status.lastIndex(of: ")")
      else { return false }
      return status[status.index(end, offsetBy: 2)] == "T"
    }

    /// Ends the process if a failed assertion left it stopped or running.
    func kill() {
      guard process.isRunning else { return }
      Foundation.kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }

    /// Sends `signal` (if any) and SIGCONT, and returns the exit status.
    func resume(sending signal: Int32?) -> Int32 {
      if let signal { Foundation.kill(process.processIdentifier, signal) }
      Foundation.kill(process.processIdentifier, SIGCONT)
      process.waitUntilExit()
      return process.terminationStatus
    }
  }
}

/// The progress bar's frames: each covers the whole of the one before it.
final class ProgressBarFrameTests: XCTestCase {
  /// What a terminal line shows after `output`: "\r" returns to column 0, other characters overwrite.
  private func screen(_ output: String) -> String {
    var line: [Character] = []
    var column = 0
    for character in output {
      if character == "\r" {
        column = 0
        continue
      }
      if column < line.count { line[column] = character } else { line.append(character) }
      column += 1
    }
    return String(line)
  }

  func testAShorterETALeavesNothingBehind() {
    let long = ProgressBar.line(share: 0.1, remainingSeconds: 65)
    let short = ProgressBar.line(share: 0.2, remainingSeconds: 54)
    XCTAssertTrue(long.hasSuffix("ETA 1m05s"))
    XCTAssertTrue(short.hasSuffix("ETA 54s"))
    let shown = screen(
      ProgressBar.frame(long, previousLength: 0) + ProgressBar.frame(short, previousLength: long.count))
    XCTAssertEqual(shown.trimmingCharacters(in: .whitespaces), short)
    let cleared = screen(
      ProgressBar.frame(long, previousLength: 0) + ProgressBar.clearing(long.count))
    XCTAssertEqual(cleared.trimmingCharacters(in: .whitespaces), "")
  }

  func testTimesThatCannotBeKnownDoNotCrash() {
    XCTAssertTrue(ProgressBar.line(share: 1e-300, remainingSeconds: .infinity).hasSuffix("ETA ?"))
    XCTAssertEqual(ProgressBar.duration(1e12), "5999m59s")
  }

  /// Through the binary on a pseudo-terminal (script(1)): after every frame the line shows that frame alone,
  /// and the bar is gone at the end.
  func testTheTerminalShowsEachFrameWhole() throws {
    try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) is not installed")
    let binary = try CommandLineRunner.executable().path
    let baseline = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qfc", "'\(binary)' run '\(baseline)' --paths 20000 --threads 1 >/dev/null", "/dev/null"]
    process.environment = ProcessInfo.processInfo.environment.merging(["RESERVESIM_PROGRESS_DELAY": "0"]) { $1 }
    let out = Pipe()
    process.standardOutput = out
    process.standardError = Pipe()
    try process.run()
    let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let frames = output.components(separatedBy: "\r").filter { $0.contains("ETA") }
    XCTAssertFalse(frames.isEmpty, output)
    var written = ""
    for frame in frames {
      written += "\r" + frame
      XCTAssertEqual(screen(written).trimmingCharacters(in: .whitespaces), frame.trimmingCharacters(in: .whitespaces))
    }
    XCTAssertEqual(screen(output.replacingOccurrences(of: "\n", with: "")).trimmingCharacters(in: .whitespaces), "")
  }
}
