import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimScenario

/// `ParameterAddress`: a `--set` path resolved once against a decoded scenario reads and writes it as the decoder
/// would read the same edit from JSON.
final class ParameterAddressTests: XCTestCase {
  private func shipped() throws -> [(String, JSONValue)] {
    let folder = repositoryRoot.appendingPathComponent("scenarios")
    return try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.hasSuffix(".json") && $0 != "schema.json" }.sorted()
      .map { ($0, try ScenarioLoader().composedDocument(folder.appendingPathComponent($0).path)) }
  }

  /// Every number written in `document` (and every distribution), by its `--set` path; settings and assertions
  /// included.
  private func numbers(in document: JSONValue) -> [(path: ScenarioPath, node: JSONValue)] {
    var found: [(ScenarioPath, JSONValue)] = []
    func visit(_ node: JSONValue, _ steps: [ScenarioPath.Step]) {
      switch node {
      case .number:
        found.append((ScenarioPath(steps: steps), node))
      case .object(let members):
        if members.count == 1, EstimateDistribution.keys.contains(members.keys.first!) {
          found.append((ScenarioPath(steps: steps), node))
          return
        }
        for key in members.keys.sorted() { visit(members[key]!, steps + [.key(key)]) }
      case .array(let items):
        for (index, item) in items.enumerated() {
          visit(item, steps + [ScenarioPath.name(of: item).map(ScenarioPath.Step.named) ?? .index(index)])
        }
      default:
        break
      }
    }
    visit(document, [])
    return found
  }

  func testEveryNumericFieldOfTheTableHasAKeyPath() {
    for (pattern, field) in ScenarioFields.all where field.type.isNumeric {
      XCTAssertNotNil(field.model, pattern)
      XCTAssertEqual(field.model?.isNumber, true, pattern)
    }
    // The fields that take a distribution are those whose row names the engine's per-lane parameter.
    XCTAssertEqual(ScenarioFields.all.filter { $0.field.lane != nil }.count, 35)
  }

  func testAddressesRoundTripEveryNumberOfEveryShippedScenario() throws {
    var checked = 0
    for (name, document) in try shipped() {
      let scenario = try Scenario(json: document)
      for (path, node) in numbers(in: document) {
        let address = try ParameterAddress(path, in: scenario)
        let label = "\(name): \(path)"
        // Read: the number in the file, or the distribution's centre.
        let base: Double
        if case .number(let x) = node {
          base = x
          XCTAssertNil(address.distribution(in: scenario), label)
        } else {
          let distribution = try XCTUnwrap(address.distribution(in: scenario), label)
          base = distribution.centre
        }
        XCTAssertEqual(address.value(in: scenario), base, label)
        // Write, then read: the value; and the same scenario as the edit decoded from JSON.
        let value = ScenarioParameters.valid(base == 0 ? 1 : base * 0.8, for: address, in: scenario)
        let written = try address.setting(value, in: scenario)
        XCTAssertEqual(written.value(at: address), value, label)
        let decoded = try Scenario(json: path.setting(.number(value), in: document))
        XCTAssertEqual(written, decoded, label)
        XCTAssertEqual(written.uncertainParameters, decoded.uncertainParameters, label)
        // A distribution moved through the address is the one the decoder reads from JSON.
        if address.distribution(in: scenario) != nil {
          let moved = try ScenarioParameters.setting(value, at: address, in: scenario)
          let json = try XCTUnwrap(address.distribution(in: moved), label).json
          XCTAssertEqual(moved, try Scenario(json: path.setting(json, in: document)), label)
        }
        checked += 1
      }
    }
    XCTAssertGreaterThan(checked, 300)
  }

  private let partTwo = """
    {"name": "p", "years": 3, "start": "2026-01",
     "expenses": [{"name": "Travel", "annual": 1000, "fromYear": 2, "untilYear": 3}],
     "correlations": [{"between": ["traffic", "unitCost"], "rho": 0.5}, {"between": ["traffic", "donations"], "rho": 0.5}],
     "inKindServices": [{"name": "CDN", "monthlyValue": 1000, "annualLossProbability": {"range": [0.1, 0.3]}}],
     "oneOffs": [{"name": "Audit", "month": 30, "amount": -800}],
     "assertions": [{"name": "A", "metric": "ruinProbability", "atMost": 0.1}],
     "policy": {"cuts": {"belowMonths": 3, "expenseMultiplier": 0.6}}}
    """

  private func partTwoDocument() throws -> JSONValue {
    try JSONValue.parse(Data(partTwo.utf8), file: "part-two.json")
  }

  /// The decoder's error for `path` = `value` written into `document`, and the address' one for the same write.
  private func errors(_ path: String, _ value: Double, in document: JSONValue) throws -> (String, String) {
    let scenario = try Scenario(json: document)
    let address = try ParameterAddress(parsing: path, in: scenario)
    var viaJSON = "no error", viaAddress = "no error"
    do { _ = try Scenario(json: ScenarioPath(parsing: path).setting(.number(value), in: document)) } catch {
      viaJSON = "\(error)"
    }
    do { _ = try address.setting(value, in: scenario) } catch { viaAddress = "\(error)" }
    return (viaJSON, viaAddress)
  }

  func testOutOfRangeWritesAreRefusedWithTheDecodersMessage() throws {
    let document = try partTwoDocument()
    for (path, value) in [
      ("inKindServices[CDN].annualLossProbability", 2.0), ("inKindServices[CDN].monthlyValue", -1),
      ("expenses[Travel].untilYear", 1), ("expenses[Travel].fromYear", 4), ("oneOffs[Audit].month", 37),
      ("policy.cuts.restoreMonths", 2), ("correlations[0].rho", 1), ("correlations[1].rho", -0.9),
      ("years", 2), ("years", 101), ("assertions[A].atMost", 1.5),
    ] {
      let (viaJSON, viaAddress) = try errors(path, value, in: document)
      XCTAssertNotEqual(viaJSON, "no error", path)
      XCTAssertEqual(viaAddress, viaJSON, path)
    }
    let (_, hint) = try errors("inKindServices[CDN].annualLossProbability", 20, in: document)
    XCTAssertTrue(hint.contains("for 20% write 0.2"), hint)
  }

  func testFieldsThatFollowAnotherWhenLeftOutFollowItThroughAddresses() throws {
    let document = try partTwoDocument()
    let scenario = try Scenario(json: document)
    for (path, value) in [("policy.cuts.belowMonths", 5.0), ("years", 5), ("assertions[A].withinYears", 2)] {
      let written = try ParameterAddress(parsing: path, in: scenario).setting(value, in: scenario)
      XCTAssertEqual(
        written, try Scenario(json: ScenarioPath(parsing: path).setting(.number(value), in: document)), path)
    }
    // A distribution replaced by a number is no longer drawn.
    let loss = try ParameterAddress(parsing: "inKindServices[CDN].annualLossProbability", in: scenario)
    XCTAssertEqual(try loss.setting(0.5, in: scenario).uncertainParameters, [])
  }

  func testPathsThatNameNoNumberFailWhenTheAddressIsMade() throws {
    let scenario = try Scenario(json: try partTwoDocument())
    func message(_ path: String) -> String {
      do {
        _ = try ParameterAddress(parsing: path, in: scenario)
        return "no error"
      } catch {
        return "\(error)"
      }
    }
    XCTAssertTrue(message("reserve.initail").contains("unknown field 'initail' (did you mean 'initial'?)"))
    XCTAssertTrue(message("inKindServices[CDM].monthlyValue").contains("no item named \"CDM\" in inKindServices"))
    XCTAssertTrue(message("inKindServices[CDM].monthlyValue").contains("did you mean \"CDN\"?"))
    XCTAssertTrue(message("expenses[3].annual").contains("has 1 item(s); there is no [3]"))
    XCTAssertTrue(message("inKindServices[CDN].scaling").contains("scaling holds text, not a number"))
    XCTAssertTrue(message("name").contains("name holds text, not a number"))
    XCTAssertTrue(message("reserve").contains("is an object, not a number"))
    XCTAssertTrue(message("inKindServices[CDN].agreement.renewalProbability").contains("has no"))
    for text in ["reserve.initail", "inKindServices[CDM].monthlyValue", "inKindServices[CDN].scaling"] {
      XCTAssertTrue(message(text).hasPrefix("--set: \"\(text)\": "), message(text))
      XCTAssertFalse(message(text).contains("\n"))
    }
  }

  func testWholeNumbersAreRounded() throws {
    let scenario = try Scenario(json: try partTwoDocument())
    let month = try ParameterAddress(parsing: "oneOffs[Audit].month", in: scenario)
    XCTAssertTrue(month.isWholeNumber)
    XCTAssertEqual(try month.setting(11.6, in: scenario).oneOffs[0].month, 12)
  }
}

extension Scenario {
  fileprivate func value(at address: ParameterAddress) -> Double? { address.value(in: self) }
}
