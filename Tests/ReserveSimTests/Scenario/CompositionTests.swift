import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimScenario

/// Composition before validation: `extends` (RFC 7386 merge onto the base, chains, cycles and missing bases
/// rejected) and `--set PATH=VALUE` edits, each compared with the file a person would write by hand.
final class CompositionTests: XCTestCase {
  private var folder: URL!

  override func setUpWithError() throws {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "reservesim-composition-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: folder)
  }

  /// Writes `text` to `name` in the test folder (subfolders created) and returns its path.
  @discardableResult
  private func write(_ name: String, _ text: String) throws -> String {
    let url = folder.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
    return url.path
  }

  private func load(_ path: String, _ overrides: [String] = [], allowOutside: Bool = false) throws -> Scenario {
    try ScenarioLoader(overrides: overrides.map(ScenarioOverride.init(parsing:)), allowsOutsideFolder: allowOutside)
      .load(path)
  }

  /// The error `body` throws, as a `ScenarioError`.
  private func scenarioError(_ body: () throws -> Scenario) -> ScenarioError? {
    do {
      _ = try body()
      XCTFail("expected a ScenarioError")
    } catch let error as ScenarioError {
      return error
    } catch {
      XCTFail("expected a ScenarioError, got \(error)")
    }
    return nil
  }

  private let base = #"""
    {"name": "Base", "years": 5, "simulation": {"paths": 2000, "seed": 4},
     "reserve": {"initial": 1000000, "floor": 0, "annualReturn": 0.02},
     "factors": {"traffic": {"annualGrowth": 0.5, "annualVolatility": 0.15}},
     "income": [{"name": "Donations", "annual": 300000}],
     "expenses": [{"name": "Staff", "annual": 450000, "annualGrowth": 0.1}, {"name": "Hosting", "annual": 20000}],
     "inKindServices": [{"name": "CDN", "monthlyValue": 30000, "scaling": "traffic", "annualLossProbability": 0.05,
                         "noticeMonths": 6, "replacementCostFraction": 0.6}],
     "events": [{"name": "Downturn", "annualProbability": 0.15, "durationMonths": 18, "incomeMultiplier": 0.8}],
     "assertions": [{"name": "Safe", "metric": "ruinProbability", "withinYears": 3, "atMost": 0.05}]}
    """#

  // MARK: extends

  func testExtendsEqualsTheHandMergedFile() throws {
    try write("base.json", base)
    let child = try write(
      "what-if.json",
      #"""
      {"extends": "base.json", "name": "No downturns, bigger reserve",
       "reserve": {"initial": 2500000},
       "factors": {"traffic": {"annualVolatility": 0.3}, "unitCost": {"annualGrowth": -0.1}},
       "expenses": [{"name": "Staff", "annual": 500000}],
       "events": null,
       "assertions": [{"name": "Lean", "metric": "requiredReserve", "confidence": 0.9, "atMost": 3000000}]}
      """#)
    // Objects merge key by key, lists replace whole, null deletes.
    let handMerged = try write(
      "hand-merged.json",
      #"""
      {"name": "No downturns, bigger reserve", "years": 5, "simulation": {"paths": 2000, "seed": 4},
       "reserve": {"initial": 2500000, "floor": 0, "annualReturn": 0.02},
       "factors": {"traffic": {"annualGrowth": 0.5, "annualVolatility": 0.3}, "unitCost": {"annualGrowth": -0.1}},
       "income": [{"name": "Donations", "annual": 300000}],
       "expenses": [{"name": "Staff", "annual": 500000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 30000, "scaling": "traffic", "annualLossProbability": 0.05,
                           "noticeMonths": 6, "replacementCostFraction": 0.6}],
       "assertions": [{"name": "Lean", "metric": "requiredReserve", "confidence": 0.9, "atMost": 3000000}]}
      """#)
    let composed = try load(child)
    XCTAssertEqual(composed, try load(handMerged))
    XCTAssertTrue(composed.events.isEmpty)
    XCTAssertEqual(composed.expenses.map(\.name), ["Staff"], "a list replaces the base's list whole")
  }

  func testChainsResolveRelativeToEachFile() throws {
    try write("base.json", base)
    try write("teams/infra.json", #"{"extends": "../base.json", "reserve": {"initial": 2000000}, "years": 4}"#)
    let leaf = try write(
      "teams/what-if/cdn-lost.json",
      #"{"extends": "../infra.json", "name": "CDN lost", "inKindServices": [{"name": "CDN", "monthlyValue": 30000, "annualLossProbability": 1}]}"#
    )
    let handMerged = try write(
      "flat.json",
      #"""
      {"name": "CDN lost", "years": 4, "simulation": {"paths": 2000, "seed": 4},
       "reserve": {"initial": 2000000, "floor": 0, "annualReturn": 0.02},
       "factors": {"traffic": {"annualGrowth": 0.5, "annualVolatility": 0.15}},
       "income": [{"name": "Donations", "annual": 300000}],
       "expenses": [{"name": "Staff", "annual": 450000, "annualGrowth": 0.1}, {"name": "Hosting", "annual": 20000}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 30000, "annualLossProbability": 1}],
       "events": [{"name": "Downturn", "annualProbability": 0.15, "durationMonths": 18, "incomeMultiplier": 0.8}],
       "assertions": [{"name": "Safe", "metric": "ruinProbability", "withinYears": 3, "atMost": 0.05}]}
      """#)
    // `../` leaves the leaf's folder (and the test's temporary folder is not the working directory).
    XCTAssertEqual(try load(leaf, allowOutside: true), try load(handMerged))
    let refused = scenarioError { try load(leaf) }
    XCTAssertEqual(refused?.file, leaf)
    XCTAssertEqual(refused?.path, JSONPath.root.appending("extends"))
    XCTAssertTrue(
      refused?.message.contains("is outside the scenario's folder") ?? false, "\(String(describing: refused))")
    // Within the scenario's folder, a chain may go down and back up.
    try write("flat-base.json", #"{"extends": "teams/infra.json", "name": "Flat"}"#)
    XCTAssertEqual(try load(folder.appendingPathComponent("flat-base.json").path).years, 4)
  }

  func testCyclesAreRejectedNamingTheCycle() throws {
    let a = try write("a.json", #"{"extends": "b.json", "name": "A", "years": 1}"#)
    try write("b.json", #"{"extends": "c.json"}"#)
    try write("c.json", #"{"extends": "a.json"}"#)
    let error = scenarioError { try load(a) }
    XCTAssertEqual(error?.path, JSONPath.root.appending("extends"))
    XCTAssertTrue(error?.message.contains("a.json → b.json → c.json → a.json") ?? false, "\(String(describing: error))")

    let selfish = try write("self.json", #"{"extends": "self.json", "name": "Me", "years": 1}"#)
    XCTAssertTrue(scenarioError { try load(selfish) }?.message.contains("self.json → self.json") ?? false)
  }

  func testAMissingBaseIsRejectedByTheExtendingFile() throws {
    let child = try write("child.json", #"{"extends": "nowhere/base.json", "name": "Child", "years": 1}"#)
    let error = scenarioError { try load(child) }
    XCTAssertEqual(error?.file, child, "the message names the file that says extends")
    XCTAssertEqual(error?.path, JSONPath.root.appending("extends"))
    XCTAssertTrue(
      error?.description.contains("base file \"nowhere/base.json\" not found") ?? false, "\(String(describing: error))")
  }

  func testBadBasesAreRejected() throws {
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("folder.json"), withIntermediateDirectories: true)
    let toFolder = try write("to-folder.json", #"{"extends": "folder.json", "name": "X", "years": 1}"#)
    XCTAssertTrue(scenarioError { try load(toFolder) }?.message.contains("folder") ?? false)
    try write("list.json", "[1, 2]")
    let toList = try write("to-list.json", #"{"extends": "list.json", "name": "X", "years": 1}"#)
    XCTAssertTrue(scenarioError { try load(toList) }?.message.contains("expected a scenario object") ?? false)
    let notText = try write("not-text.json", #"{"extends": 3, "name": "X", "years": 1}"#)
    XCTAssertTrue(scenarioError { try load(notText) }?.message.contains("expected a file name") ?? false)
    try write("broken.json", #"{"name": "#)
    let toBroken = try write("to-broken.json", #"{"extends": "broken.json", "name": "X", "years": 1}"#)
    let error = scenarioError { try load(toBroken) }
    XCTAssertTrue(error?.file?.hasSuffix("broken.json") ?? false)
    XCTAssertTrue(error?.message.contains("malformed JSON") ?? false)
    XCTAssertTrue(
      error?.message.hasSuffix("(in the base that \(toBroken) extends)") ?? false, "\(String(describing: error))")
    XCTAssertEqual(error?.line, 1, "the fault is placed in the base")
  }

  func testTheComposedFileIsValidatedAsAWhole() throws {
    try write("base.json", base)
    let child = try write("child.json", #"{"extends": "base.json", "reserve": {"initail": 5}}"#)
    let error = scenarioError { try load(child) }
    XCTAssertEqual(error?.path, JSONPath.root.appending("reserve").appending("initail"))
    XCTAssertTrue(error?.message.contains("did you mean 'initial'") ?? false, "\(String(describing: error))")
  }

  // MARK: --set

  func testSetEqualsTheEditedFile() throws {
    let original = try write("base.json", base)
    let edited = try write(
      "edited.json",
      base.replacingOccurrences(of: #""initial": 1000000"#, with: #""initial": 2000000"#)
        .replacingOccurrences(of: #""annualLossProbability": 0.05"#, with: #""annualLossProbability": 0.2"#)
        .replacingOccurrences(of: #""name": "Hosting", "annual": 20000"#, with: #""name": "Hosting", "annual": 25000"#)
        .replacingOccurrences(of: #""seed": 4"#, with: #""seed": 9"#)
        .replacingOccurrences(of: #""atMost": 0.05"#, with: #""atMost": 0.1"#))
    let overrides = [
      "reserve.initial=2e6", "inKindServices[CDN].annualLossProbability=0.2", "expenses[1].annual=25000",
      "simulation.seed=9", "assertions[Safe].atMost=0.1",
    ]
    XCTAssertEqual(try load(original, overrides), try load(edited))
    XCTAssertNotEqual(try load(original), try load(edited))
  }

  func testSetAppliesAfterExtendsToInheritedFields() throws {
    try write("base.json", base)
    let child = try write("child.json", #"{"extends": "base.json", "name": "Child"}"#)
    let scenario = try load(child, ["inKindServices[CDN].noticeMonths=2", "events[Downturn].durationMonths=6"])
    XCTAssertEqual(scenario.inKindServices[0].noticeMonths, 2)
    XCTAssertEqual(scenario.events[0].durationMonths, 6)
  }

  func testSetValuesAreParsedAsJSON() throws {
    let original = try write("base.json", base)
    let scenario = try load(
      original,
      [
        #"name="Quoted name""#, "description=Plain text is a string", "inKindServices[0].scaling=fixed",
        #"income=[{"name": "Grant", "annual": 1e5, "fromYear": 2}]"#, #"reserve={"initial": 7}"#,
        "factors.donations.annualVolatility=0.1",
      ])
    XCTAssertEqual(scenario.name, "Quoted name")
    XCTAssertEqual(scenario.description, "Plain text is a string")
    XCTAssertEqual(scenario.inKindServices[0].scaling, .fixed)
    XCTAssertEqual(scenario.income, [MoneyLine(name: "Grant", annual: 100_000, fromYear: 2)])
    XCTAssertEqual(scenario.reserve, ReservePolicy(initial: 7), "an object value replaces the object whole")
    XCTAssertEqual(scenario.factors[.donations]?.annualVolatility, 0.1, "missing objects along the path are created")

    let typed = scenarioError { try load(original, ["years=\"five\""]) }
    XCTAssertEqual(typed?.path, JSONPath.root.appending("years"))
    XCTAssertTrue(typed?.message.contains("found a string") ?? false, "\(String(describing: typed))")
  }

  func testSetOnAnUnknownPathOrItemIsRejected() throws {
    let original = try write("base.json", base)
    let unknownField = scenarioError { try load(original, ["reserve.intial=5"]) }
    XCTAssertEqual(unknownField?.file, original)
    XCTAssertEqual(unknownField?.path, JSONPath.root.appending("reserve").appending("intial"))
    XCTAssertTrue(unknownField?.message.contains("did you mean 'initial'") ?? false)

    let unknownTop = scenarioError { try load(original, ["budget=5"]) }
    XCTAssertTrue(unknownTop?.message.contains("unknown field 'budget'") ?? false)

    let unknownName = scenarioError { try load(original, ["inKindServices[CDM].noticeMonths=1"]) }
    XCTAssertTrue(unknownName?.message.contains(#"no item named "CDM""#) ?? false, "\(String(describing: unknownName))")
    XCTAssertTrue(unknownName?.message.contains(#"did you mean "CDN"?"#) ?? false)

    let pastTheEnd = scenarioError { try load(original, ["expenses[5].annual=1"]) }
    XCTAssertTrue(pastTheEnd?.message.contains("has 2 item(s); there is no [5]") ?? false)

    let intoANumber = scenarioError { try load(original, ["years.value=1"]) }
    XCTAssertTrue(intoANumber?.message.contains("not an object with fields") ?? false)

    XCTAssertThrowsError(try ScenarioOverride(parsing: "reserve.initial"))
    XCTAssertThrowsError(try ScenarioOverride(parsing: "=5"))
    XCTAssertThrowsError(try ScenarioOverride(parsing: "[0].x=5"))
  }

  func testSetTakesTheCompactNumbersOfAssert() throws {
    let original = try write("base.json", base)
    let scenario = try load(
      original,
      ["reserve.initial=1.5M", "reserve.annualReturn=3%", "expenses[Hosting].annual=20_000", "income[0].annual=2k"])
    XCTAssertEqual(scenario.reserve.initial, 1_500_000)
    XCTAssertEqual(scenario.reserve.annualReturn, 0.03, accuracy: 1e-15)
    XCTAssertEqual(scenario.expenses[1].annual, 20_000)
    XCTAssertEqual(scenario.income[0].annual, 2_000)
    XCTAssertEqual(try ScenarioOverride(parsing: "x=15%").value, .number(0.15))
    XCTAssertEqual(try ScenarioOverride(parsing: "x=true").value, .bool(true))
    XCTAssertEqual(try ScenarioOverride(parsing: #"x="1.5M""#).value, .string("1.5M"), "quoted, it is text")
    XCTAssertEqual(try ScenarioOverride(parsing: "x=traffic").value, .string("traffic"))
  }

  func testSetValuesThatAreNotJSONAreRejectedWithTheReason() {
    for (value, reason) in [
      ("1e400", "the number 1e400 is beyond"), ("NaN", "NaN and Infinity"), ("inf", "found 'i'"),
      ("[1,2", "found the end of the text"), ("3 little pigs", "after the end of the JSON value"),
      ("{\"a\": 1,}", "trailing comma"),
    ] {
      XCTAssertThrowsError(try ScenarioOverride(parsing: "reserve.initial=\(value)")) { error in
        let text = "\(error)"
        XCTAssertTrue(text.hasPrefix("--set 'reserve.initial=\(value)': the value is neither valid JSON"), text)
        XCTAssertTrue(text.contains(reason), text)
      }
    }
  }

  func testErrorsAtAnEditedPathBlameTheEdit() throws {
    let original = try write("base.json", base)
    let typed = scenarioError { try load(original, ["inKindServices[CDN].noticeMonths=soon"]) }
    XCTAssertEqual(typed?.argument, "--set 'inKindServices[CDN].noticeMonths=soon'")
    XCTAssertEqual(typed?.path.description, "$.inKindServices[0].noticeMonths")
    XCTAssertEqual(
      typed?.description,
      "--set 'inKindServices[CDN].noticeMonths=soon': $.inKindServices[0].noticeMonths: expected a number, found a "
        + "string (applied to \(original))")
    let inside = scenarioError { try load(original, [#"reserve={"initial": 1, "flor": 0}"#]) }
    XCTAssertEqual(inside?.argument, #"--set 'reserve={"initial": 1, "flor": 0}'"#)
    let later = scenarioError { try load(original, ["years=0", "reserve.initial=5"]) }
    XCTAssertEqual(later?.argument, "--set 'years=0'", "the edit that wrote the path, not the last one")
    XCTAssertEqual(try load(original, ["name=it's"]).name, "it's", "a plain word with a quote is a valid name")
    let created = scenarioError { try load(original, ["reserve.nested.deeper=1"]) }
    XCTAssertEqual(created?.path.description, "$.reserve.nested")
    XCTAssertEqual(created?.argument, "--set 'reserve.nested.deeper=1'", "the edit created $.reserve.nested")
    XCTAssertThrowsError(try ScenarioOverride(parsing: "extends=x.json")) { error in
      XCTAssertTrue("\(error)".contains("extends cannot be changed with --set"), "\(error)")
    }
  }

  func testBaseFileErrorsNameTheExtendingFile() throws {
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("folder.json"), withIntermediateDirectories: true)
    let child = try write("child.json", #"{"extends": "folder.json", "name": "X", "years": 1}"#)
    let error = scenarioError { try load(child) }
    XCTAssertEqual(error?.file, child)
    XCTAssertEqual(error?.path, JSONPath.root.appending("extends"))
    XCTAssertTrue(
      error?.message.hasPrefix(#"base file "folder.json" is a folder, not a scenario file (looked for "#) ?? false,
      "\(String(describing: error))")
    let absolute = try write("absolute.json", #"{"extends": "\#(child)", "name": "X", "years": 1}"#)
    XCTAssertTrue(scenarioError { try load(absolute) }?.message.contains("is an absolute path") ?? false)
  }

  func testReadProblemsSayTheOperatingSystemsReason() {
    // (The end-to-end test of an unreadable base is skipped when the tests run as root, who reads every file.)
    XCTAssertEqual(ScenarioLoader.ReadProblem(errno: EACCES).reason, "cannot be read: permission denied")
    XCTAssertEqual(ScenarioLoader.ReadProblem(errno: ENOENT).reason, "no such file")
    XCTAssertEqual(ScenarioLoader.ReadProblem(errno: EISDIR), .isFolder)
    XCTAssertTrue(ScenarioLoader.ReadProblem(errno: EIO).reason.hasPrefix("cannot be read: "))
  }

  func testMessagesAreOneLineWhateverTheUserWrote() {
    let error = ScenarioError(
      file: "a\nb.json", path: JSONPath.root.appending("k\u{1B}[2J").appending(0),
      message: "unknown field 'x\r\u{0}\u{202E}'")
    XCTAssertEqual(error.description, #"a\nb.json: $["k\u{1B}[2J"][0]: unknown field 'x\r\u{0}\u{202E}'"#)
    XCTAssertEqual(ScenarioError.quoted("say \"hi\"\\\t"), #""say \"hi\"\\\t""#)
    XCTAssertEqual(JSONPath.root.appending("$schema").appending("a b").description, #"$.$schema["a b"]"#)
    XCTAssertEqual(ScenarioError.commandLine("--set", "name=it's"), #"--set 'name=it'\''s'"#)
  }
}
