import Foundation
import XCTest

/// Input that other tools would read differently, user text that could break a message, `extends` bases that
/// are not plain files nearby, `--set` values and negative numbers on the command line: all through the binary.
final class InputSafetyEndToEndTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws { folder = try CommandLineRunner.temporaryDirectory() }
  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

  @discardableResult
  private func write(_ name: String, _ text: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  private let small =
    #"{"name": "Small", "years": 2, "reserve": {"initial": 1000}, "income": [{"name": "Grant", "annual": 1200}]}"#

  /// Runs `reservesim ARGUMENTS` in the test folder and asserts bad input: exit 2, nothing on stdout, exactly
  /// one line on stderr without any control character. Returns that line.
  @discardableResult
  private func badInput(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let outcome = try CommandLineRunner.run(arguments, in: folder)
    XCTAssertEqual(outcome.status, 2, "\(arguments): \(outcome.stderr)", file: file, line: line)
    XCTAssertEqual(outcome.stdout, "", "\(arguments)", file: file, line: line)
    XCTAssertTrue(outcome.stderr.hasSuffix("\n"), "\(arguments): \(outcome.stderr)", file: file, line: line)
    let message = String(outcome.stderr.dropLast())
    let controls = message.unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    XCTAssertEqual(
      controls.count, 0, "\(arguments): control characters in \(message.debugDescription)", file: file, line: line)
    return message
  }

  private func assertContains(_ text: String, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line)
  {
    for fragment in fragments {
      XCTAssertTrue(text.contains(fragment), "'\(fragment)' missing from: \(text)", file: file, line: line)
    }
  }

  // MARK: JSON that cannot be read two ways

  func testDuplicateKeysAreRejectedWithPathAndPosition() throws {
    try write("dup.json", "{\"name\": \"A\", \"years\": 2,\n \"reserve\": {\"initial\": 1000,\n   \"initial\": -5}}")
    let message = try badInput(["validate", "dup.json"])
    assertContains(message, ["dup.json:3:4:", "$.reserve.initial", "duplicate key \"initial\"", "first at 2:14"])
    // The second copy is never silently dropped, in any command.
    try badInput(["run", "dup.json", "--paths", "10"])
    try badInput(["check", "dup.json"])
  }

  func testTrailingCommasAreRejected() throws {
    try write("object.json", "{\"name\": \"A\",\n \"years\": 2,\n}")
    assertContains(try badInput(["validate", "object.json"]), ["object.json:2:12:", "trailing comma before '}'"])
    try write("list.json", #"{"name": "A", "years": 2, "income": [{"name": "G", "annual": 1},]}"#)
    assertContains(
      try badInput(["validate", "list.json"]), ["list.json:1:64:", "$.income", "trailing comma before ']'"])
  }

  func testSyntaxErrorsGiveLineAndColumn() throws {
    try write("broken.json", "{\"name\": \"A\",\n  \"years\": 2\n  \"reserve\": {}}")
    assertContains(
      try badInput(["validate", "broken.json"]), ["broken.json:3:3:", "malformed JSON", "expected ',' or '}'"])
    XCTAssertFalse(try badInput(["validate", "broken.json"]).contains("character"))
  }

  func testNumbersThatAreNotJSONOrDoNotFitAreRejected() throws {
    for (text, fragment) in [
      (#"{"name": "A", "years": NaN}"#, "NaN and Infinity are not JSON numbers"),
      (#"{"name": "A", "years": -Infinity}"#, "NaN and Infinity are not JSON numbers"),
      (#"{"name": "A", "years": 2, "reserve": {"initial": 1e400}}"#, "the number 1e400 is beyond"),
      (#"{"name": "A", "years": 02}"#, "may not start with 0"),
    ] {
      try write("n.json", text)
      assertContains(try badInput(["validate", "n.json"]), ["n.json:1:", fragment])
    }
  }

  func testValidateRefusesAPathCountThatCannotFormTheGroupsAsRunDoes() throws {
    // SPEC §22: whole groups of `inner`, at least 20 of them; validate says so as run does, naming the field.
    for (paths, fragment) in [(2_550, "not a multiple of the 100 paths per group"), (1_900, "at least 20 groups")] {
      let text = #"{"name": "G", "years": 2, "simulation": {"paths": PATHS, "nested": {"inner": 100}}}"#
      try write("g.json", text.replacingOccurrences(of: "PATHS", with: String(paths)))
      let expected = ["g.json: $.simulation.nested.inner: ", fragment]
      assertContains(try badInput(["validate", "g.json"]), expected)
      assertContains(try badInput(["run", "g.json"]), expected)
    }
    try write("g.json", #"{"name": "G", "years": 2, "simulation": {"paths": 2000, "nested": {"inner": 100}}}"#)
    XCTAssertEqual(try CommandLineRunner.run(["validate", "g.json"], in: folder).status, 0)
  }

  func testDeepNestingIsRejectedWithoutCrashing() throws {
    try write("deep.json", String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000))
    assertContains(try badInput(["validate", "deep.json"]), ["deep.json:1:513:", "nested more than 512 levels"])
  }

  // MARK: User text in messages

  func testUserTextWithControlCharactersGivesOneSafeLine() throws {
    // A key, a name, a currency and a file name each carrying a newline, ESC and NUL (as JSON escapes).
    try write("key.json", #"{"name": "A", "years": 2, "bad\nkey\u001b[31m": 1}"#)
    assertContains(try badInput(["validate", "key.json"]), [#"$["bad\nkey\u{1B}[31m"]"#])
    try write(
      "names.json",
      #"{"name": "A", "years": 2, "income": [{"name": "x\ny\u0000", "annual": 1}, {"name": "x\ny\u0000"}]}"#)
    assertContains(try badInput(["validate", "names.json"]), [#"x\ny\u{0}"#])
    try write("currency.json", #"{"name": "A", "years": 2, "currency": "US\nD\u001b"}"#)
    assertContains(try badInput(["validate", "currency.json"]), ["$.currency"])
    let oddName = "odd\nname\u{1B}.json"
    try write(oddName, "{")
    assertContains(try badInput(["validate", oddName]), [#"odd\nname\u{1B}.json:1:2:"#])
    assertContains(try badInput(["validate", "missing\n.json"]), [#"missing\n.json: no such file"#])
  }

  func testCommandLineValuesWithControlCharactersGiveOneLine() throws {
    try write("small.json", small)
    assertContains(try badInput(["run", "small.json", "--paths", "1\n2"]), [#"1\n2"#])
    assertContains(
      try badInput(["validate", "small.json", "--set", "reserve\n.x\u{1B}=1"]), [#"--set 'reserve\n.x\u{1B}=1'"#])
    assertContains(try badInput(["validate", "small.json", "--set", "years=x\u{7}"]), [#"--set 'years=x\u{7}'"#])
  }

  // MARK: extends

  func testBadBasesNameTheExtendingFileThePathAndTheTrueReason() throws {
    try write("base.json", small)
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("folder.json"), withIntermediateDirectories: true)
    XCTAssertEqual(mkfifo(folder.appendingPathComponent("fifo.json").path, 0o600), 0)
    try FileManager.default.createSymbolicLink(
      atPath: folder.appendingPathComponent("zero.json").path, withDestinationPath: "/dev/zero")
    let big = try write("big.json", "")
    XCTAssertEqual(truncate(big, 17 << 20), 0)
    let cases: [(String, [String])] = [
      ("big.json", ["is larger than 16 MiB"]),
      ("folder.json", ["is a folder, not a scenario file"]),
      ("fifo.json", ["is not a regular file but a FIFO"]),
      ("zero.json", ["is not a regular file but a device"]),
      ("nowhere/base.json", ["not found", folder.appendingPathComponent("nowhere/base.json").path]),
      ("", ["is empty"]),
    ]
    for (base, fragments) in cases {
      try write("child.json", #"{"extends": "\#(base)", "name": "Child"}"#)
      let started = Date()
      let message = try badInput(["validate", "child.json"])
      XCTAssertLessThan(Date().timeIntervalSince(started), 30, "\(base): must not wait on the base")
      assertContains(message, ["child.json: $.extends: "] + fragments)
      if !base.isEmpty { assertContains(message, ["base file \"\(base)\""]) }
    }
  }

  func testTheScenarioItselfIsReadWithoutHangingOrWithoutEnd() throws {
    XCTAssertEqual(mkfifo(folder.appendingPathComponent("pipe.json").path, 0o600), 0)
    assertContains(try badInput(["validate", "pipe.json"]), ["pipe.json:1:1: malformed JSON: the text is empty"])
    assertContains(try badInput(["validate", "/dev/zero"]), ["/dev/zero: is larger than 16 MiB"])
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("dir.json"), withIntermediateDirectories: true)
    assertContains(try badInput(["validate", "dir.json"]), ["dir.json: is a folder, not a scenario file"])
  }

  func testAnUnreadableBaseSaysPermissionDenied() throws {
    try XCTSkipIf(geteuid() == 0, "root reads every file")
    let base = try write("base.json", small)
    XCTAssertEqual(chmod(base, 0), 0)
    try write("child.json", #"{"extends": "base.json", "name": "Child"}"#)
    assertContains(try badInput(["validate", "child.json"]), ["child.json: $.extends: ", "permission denied"])
  }

  func testBasesOutsideTheFolderNeedAllowOutside() throws {
    let outside = try CommandLineRunner.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: outside) }
    let base = outside.appendingPathComponent("base.json")
    try Data(small.utf8).write(to: base)
    let relative = "../" + outside.lastPathComponent + "/base.json"
    try FileManager.default.createSymbolicLink(
      atPath: folder.appendingPathComponent("link.json").path, withDestinationPath: base.path)
    let cases: [(String, String)] = [
      (base.path, "is an absolute path"), (relative, "is outside the scenario's folder"),
      ("link.json", "through a symbolic link"),
    ]
    for (extends, fragment) in cases {
      try write("child.json", #"{"extends": "\#(extends)", "name": "Child"}"#)
      assertContains(
        try badInput(["validate", "child.json"]), ["child.json: $.extends: ", fragment, "--allow-outside"])
      let allowed = try CommandLineRunner.run(["validate", "child.json", "--allow-outside"], in: folder)
      XCTAssertEqual(allowed.status, 0, "\(extends): \(allowed.stderr)")
      XCTAssertTrue(allowed.stdout.contains("ok (Child, 2 years)"), allowed.stdout)
    }
  }

  func testSetCannotChangeExtends() throws {
    try write("base.json", small)
    try write("child.json", #"{"extends": "base.json", "name": "Child"}"#)
    assertContains(
      try badInput(["validate", "child.json", "--set", "extends=other.json"]),
      ["--set 'extends=other.json': extends cannot be changed with --set"])
    try badInput(["run", "base.json", "--set", "extends=child.json"])
  }

  // MARK: --set

  func testSetAcceptsTheCompactNumbersOfAssert() throws {
    try write("small.json", small)
    let outcome = try CommandLineRunner.run(
      [
        "run", "small.json", "--paths", "10", "--json", "--set", "reserve.initial=1.5M", "--set",
        "reserve.annualReturn=15%", "--set", "income[Grant].annual=2_000",
      ], in: folder)
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
    let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
    XCTAssertEqual(summary["initialReserve"] as? Double, 1_500_000)
  }

  func testSetErrorsBlameTheArgument() throws {
    try write("small.json", small)
    let typed = try badInput(["validate", "small.json", "--set", "reserve.initial=abc"])
    XCTAssertTrue(
      typed.hasPrefix("reservesim: --set 'reserve.initial=abc': $.reserve.initial: expected a number"), typed)
    let range = try badInput(["validate", "small.json", "--set", "years=0"])
    XCTAssertTrue(range.hasPrefix("reservesim: --set 'years=0': $.years: "), range)
    let item = try badInput(["validate", "small.json", "--set", "income[Grnat].annual=5"])
    XCTAssertTrue(item.hasPrefix("reservesim: --set 'income[Grnat].annual=5': no item named \"Grnat\""), item)
    let onlyB = try badInput(["compare", "small.json", "--set-b", "reserve.initial=lots", "--paths", "10"])
    XCTAssertTrue(onlyB.hasPrefix("reservesim: --set-b 'reserve.initial=lots': $.reserve.initial: "), onlyB)
    // An error the edit did not cause still names the file.
    try write("bad.json", #"{"name": "A", "years": 0}"#)
    let unrelated = try badInput(["validate", "bad.json", "--set", "reserve.initial=5"])
    XCTAssertTrue(unrelated.hasPrefix("reservesim: bad.json: $.years"), unrelated)
  }

  func testSetValuesThatAreNotJSONSayWhy() throws {
    try write("small.json", small)
    for (value, fragment) in [
      ("1e400", "the number 1e400 is beyond"), ("NaN", "NaN and Infinity are not JSON numbers"),
      ("[1,2", "expected ',' or ']', found the end of the text"), ("-Infinity", "NaN and Infinity"),
    ] {
      let message = try badInput(["validate", "small.json", "--set", "reserve.initial=\(value)"])
      assertContains(message, ["--set 'reserve.initial=\(value)': the value is neither valid JSON", fragment])
      XCTAssertFalse(message.contains("found a string"), message)
    }
    // A plain word is still a string, as documented.
    let word = try CommandLineRunner.run(["validate", "small.json", "--set", "name=Plain words"], in: folder)
    XCTAssertEqual(word.status, 0, word.stderr)
    XCTAssertTrue(word.stdout.contains("ok (Plain words, 2 years)"), word.stdout)
  }

  // MARK: negative numbers on the command line

  func testNegativeCountsGetTheRangeError() throws {
    try write("small.json", small)
    for arguments in [["--paths", "-1"], ["--paths=-1"]] {
      assertContains(try badInput(["run", "small.json"] + arguments), ["--paths must be between 1 and"])
    }
    for arguments in [["--threads", "-1"], ["--threads=-1"]] {
      assertContains(try badInput(["run", "small.json"] + arguments), ["--threads must be at least 1, found -1"])
    }
    for arguments in [["--seed", "-1"], ["--seed=-1"]] {
      assertContains(try badInput(["run", "small.json"] + arguments), ["'-1'", "--seed", "whole number from 0"])
    }
    let check = try badInput(["check", "small.json", "--paths", "-5"])
    XCTAssertFalse(check.contains("Missing value"), check)
    assertContains(
      try badInput(["check", "small.json", "--auto-paths", "--max-paths", "-1"]), ["--max-paths must be between 1 and"])
    assertContains(try badInput(["sensitivity", "small.json", "--swing", "-1"]), ["--swing must be above 0"])
  }

  // MARK: null, huge whole numbers and long keys

  func testNullMeansAbsentForOptionalObjectsAndLists() throws {
    try write(
      "nulls.json",
      #"{"name": "n", "years": 2, "reserve": null, "simulation": null, "factors": null, "policy": null, "income": null}"#
    )
    let outcome = try CommandLineRunner.run(["validate", "nulls.json"], in: folder)
    XCTAssertEqual(outcome.status, 0, outcome.stderr)
  }

  func testWholeNumbersPastTwoToTheFiftyThreeSayTheLimit() throws {
    try write("huge.json", #"{"name": "n", "years": 2, "income": [{"name": "a", "fromYear": 1e17}]}"#)
    assertContains(
      try badInput(["validate", "huge.json"]), ["$.income[0].fromYear", "must be at most 9007199254740991"])
  }

  func testALongUnknownKeyIsReportedFastAndCutShort() throws {
    let key = String(repeating: "x", count: 1_000_000)
    try write("long.json", #"{"name": "n", "years": 2, ""# + key + #"": 1}"#)
    let started = Date()
    let message = try badInput(["validate", "long.json"])
    XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    XCTAssertLessThan(message.count, 1000)
    assertContains(message, ["unknown field", "(1000000 characters)"])
    XCTAssertFalse(message.contains("did you mean"))
  }
}
