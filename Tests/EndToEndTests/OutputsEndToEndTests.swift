import Foundation
import Testing

/// `reservesim report`, `notebook` and `run --csv` as a person runs them: the built binary, real files,
/// exit codes and messages.
@Suite struct OutputsEndToEndTests {
  let pypi = CommandLineRunner.repository.appendingPathComponent("scenarios/pypi-2020-baseline.json").path

  @Test func reportWritesASelfContainedPage() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let page = folder.appendingPathComponent("report.html").path
    let run = try CommandLineRunner.run(["report", pypi, "-o", page, "--paths", "1000", "--threads", "2"])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout.contains("With $1.5M in reserve, the chance of running out within 10 years is"))
    #expect(run.stdout.contains("Report written to \(page)"))
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.components(separatedBy: "<svg ").count - 1 == 3)
    #expect(html.range(of: #"(src|href)\s*="#, options: .regularExpression) == nil)
    #expect(try Self.strayFiles(in: folder).isEmpty)
  }

  @Test func notebookWritesNbformat4() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("pypi.ipynb").path
    let run = try CommandLineRunner.run(["notebook", pypi, "-o", path, "--paths", "1000", "--seed", "5"])
    #expect(run.status == 0, "\(run.stderr)")
    let notebook = try #require(
      JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    #expect(notebook["nbformat"] as? Int == 4)
    let metadata = try #require(notebook["metadata"] as? [String: Any])
    let provenance = try #require(metadata["reservesim"] as? [String: Any])
    #expect(provenance["paths"] as? Int == 1000 && provenance["seed"] as? Int == 5)
    // Its `summary` is, byte for byte, what `run --json` prints for the same paths and seed.
    let cells = try #require(notebook["cells"] as? [[String: Any]])
    let data = try #require(cells.first { $0["id"] as? String == "data" }?["source"] as? [String]).joined()
    let start = try #require(data.range(of: "summary = json.loads(r\"\"\"\n"))
    let end = try #require(data.range(of: "\n\"\"\")", range: start.upperBound..<data.endIndex))
    let json = try CommandLineRunner.run(["run", pypi, "--json", "--paths", "1000", "--seed", "5"])
    #expect(String(data[start.upperBound..<end.lowerBound]) + "\n" == json.stdout)
  }

  /// The expected shortfall at the same levels everywhere: 90, 95 and 99% (worst 10%, 5%, 1%).
  @Test func everyOutputShowsTheExpectedShortfallAtTheSameLevels() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let arguments = ["--paths", "500", "--seed", "3"]
    let text = try CommandLineRunner.run(["run", pypi] + arguments).stdout
    let worst = text.components(separatedBy: "\n").filter { $0.hasPrefix("worst ") }.map { $0.prefix(9) }
    #expect(worst == ["worst 10%", "worst 5% ", "worst 1% "])
    let json = try #require(
      try JSONSerialization.jsonObject(
        with: Data(CommandLineRunner.run(["run", pypi, "--json"] + arguments).stdout.utf8)) as? [String: Any])
    let levels = try #require(json["expectedShortfall"] as? [[String: Any]]).compactMap { $0["confidence"] as? Double }
    #expect(levels == [0.9, 0.95, 0.99])
    _ = try CommandLineRunner.run(["run", pypi, "--csv", folder.path] + arguments)
    let reserve = try String(contentsOf: folder.appendingPathComponent("reserve.csv"), encoding: .utf8)
    let filled = reserve.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.compactMap { row in
      let cells = row.components(separatedBy: ",")
      return cells[4].isEmpty ? nil : cells[0]
    }
    #expect(filled == ["0.9", "0.95", "0.99"])
    let page = folder.appendingPathComponent("r.html").path
    _ = try CommandLineRunner.run(["report", pypi, "-o", page] + arguments)
    let html = try String(contentsOfFile: page, encoding: .utf8)
    #expect(html.contains("<th>Worst futures</th>"))
    let rows = ["10%", "5%", "1%"].map { "<tr><td>\($0)</td>" }
    #expect(rows.allSatisfy(html.contains))
    #expect(!html.contains("<tr><td>0.5%</td>"))
  }

  /// The three files every run writes, and runway.csv for a file with in-kind services (SPEC §21).
  @Test func runWritesTheThreeCSVFilesAndTheRunway() throws {
    let parent = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: parent) }
    let folder = parent.appendingPathComponent("csv")
    let run = try CommandLineRunner.run(["run", pypi, "--csv", folder.path, "--paths", "500"])
    #expect(run.status == 0, "\(run.stderr)")
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names == ["reserve.csv", "runway.csv", "summary.csv", "yearly.csv"])
    let yearly = try String(contentsOf: folder.appendingPathComponent("yearly.csv"), encoding: .utf8)
    #expect(yearly.hasPrefix("year,calendarYear,balanceP5,"))
    #expect(yearly.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 11)
    #expect(!yearly.contains("$"))
  }

  /// 512 paths: whole blocks of 256, so the check is about the outputs, not about how the engine splits work.
  @Test func sameSeedSameFilesOnAnyThreadCount() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    var pages: [String] = []
    for (index, threads) in ["1", "2"].enumerated() {
      for command in ["report", "notebook"] {
        let path = folder.appendingPathComponent("\(command)-\(index)").path
        let run = try CommandLineRunner.run([command, pypi, "-o", path, "--paths", "512", "--threads", threads])
        #expect(run.status == 0, "\(run.stderr)")
        pages.append(try String(contentsOfFile: path, encoding: .utf8))
      }
    }
    let (sameReport, sameNotebook) = (pages[0] == pages[2], pages[1] == pages[3])
    #expect(sameReport, "the report differs between 1 and 2 threads")
    #expect(sameNotebook, "the notebook differs between 1 and 2 threads")
  }

  /// Each case: what is wrong, the arguments (OUT stands for the output path), and a word the message holds.
  static let badInputs: [(String, [String], String)] = [
    ("missing scenario", ["report", "/nonexistent/scenario.json", "-o", "OUT"], "no such file"),
    ("malformed JSON", ["notebook", "BAD_JSON", "-o", "OUT"], "malformed JSON"),
    ("unknown field", ["report", "UNKNOWN_FIELD", "-o", "OUT"], "colour"),
    ("no -o", ["report", "PYPI"], "--output"),
    ("-o is a folder", ["notebook", "PYPI", "-o", "FOLDER"], "is a folder"),
    ("zero paths", ["report", "PYPI", "-o", "OUT", "--paths", "0"], "--paths"),
    ("output under a file", ["report", "PYPI", "-o", "FILE/report.html", "--paths", "200"], "not a folder"),
  ]

  @Test(arguments: 0..<badInputs.count)
  func badInputExitsTwoWithOneLineAndWritesNothing(index: Int) throws {
    let (what, template, word) = Self.badInputs[index]
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let badJSON = folder.appendingPathComponent("bad.json")
    try Data("{\"name\": \"x\", \"years\": ".utf8).write(to: badJSON)
    let unknownField = folder.appendingPathComponent("unknown.json")
    try Data("{\"name\": \"x\", \"years\": 2, \"colour\": \"red\"}".utf8).write(to: unknownField)
    let aFile = folder.appendingPathComponent("plain-file")
    try Data("keep".utf8).write(to: aFile)
    let aFolder = folder.appendingPathComponent("a-folder")
    try FileManager.default.createDirectory(at: aFolder, withIntermediateDirectories: false)
    let output = folder.appendingPathComponent("out.html").path
    let substitutions = [
      "OUT": output, "BAD_JSON": badJSON.path, "UNKNOWN_FIELD": unknownField.path, "PYPI": pypi,
      "FOLDER": aFolder.path, "FILE": aFile.path,
    ]
    let arguments = template.map { argument in
      substitutions.reduce(argument) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
    }

    let run = try CommandLineRunner.run(arguments)
    #expect(run.status == 2, "\(what): exit \(run.status)")
    #expect(run.stdout.isEmpty, "\(what): \(run.stdout)")
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(what): \(run.stderr)")
    #expect(run.stderr.hasPrefix("reservesim: ") && run.stderr.contains(word), "\(what): \(run.stderr)")
    #expect(!FileManager.default.fileExists(atPath: output), "\(what)")
    #expect(try String(contentsOf: aFile, encoding: .utf8) == "keep")
    #expect(try FileManager.default.contentsOfDirectory(atPath: aFolder.path).isEmpty)
    #expect(try Self.strayFiles(in: folder).isEmpty)
  }

  @Test func badScenarioLeavesAnEarlierOutputUntouched() throws {
    let folder = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: folder) }
    let page = folder.appendingPathComponent("report.html")
    try Data("earlier report".utf8).write(to: page)
    let run = try CommandLineRunner.run(["report", "/nonexistent.json", "-o", page.path])
    #expect(run.status == 2)
    #expect(try String(contentsOf: page, encoding: .utf8) == "earlier report")
  }

  /// Hidden staging folders or temporary files an interrupted write would leave behind.
  static func strayFiles(in folder: URL) throws -> [String] {
    try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter {
      $0.hasSuffix(".tmp") || $0.contains(".reservesim-")
    }
  }
}
