import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimScenario

/// The `--assert` syntax: METRIC [@QUALIFIER] <= THRESHOLD [@QUALIFIER].
final class CompactAssertionTests: XCTestCase {
  private let tenYears = try! Scenario(json: .object(["name": .string("Ten"), "years": .number(10)]))

  private func assertion(_ text: String) throws -> Assertion {
    try CompactAssertion(parsing: text).assertion(for: tenYears)
  }

  func testRuinForms() throws {
    XCTAssertEqual(
      try assertion("ruin<=0.05"),
      Assertion(name: "ruin<=0.05", metric: .ruinProbability(withinYears: 10), atMost: 0.05))
    let expected = Assertion(name: "", metric: .ruinProbability(withinYears: 3), atMost: 0.05)
    for text in ["ruin<=0.05@3y", "ruin@3y<=0.05", "ruin <= 5% @ 3y", "ruinProbability≤5%@3Y"] {
      var parsed = try assertion(text)
      XCTAssertEqual(parsed.name, text.trimmingCharacters(in: .whitespaces), "named after the text")
      parsed.name = ""
      XCTAssertEqual(parsed.metric, expected.metric, text)
      XCTAssertEqual(parsed.atMost, 0.05, accuracy: 1e-15, text)
    }
  }

  func testReserveForms() throws {
    for text in ["reserve@0.95<=2e6", "reserve@95%<=2M", "reserve<=2_000_000@95%", "requiredReserve@0.95<=2000k"] {
      let parsed = try assertion(text)
      XCTAssertEqual(parsed.metric, .requiredReserve(confidence: 0.95), text)
      XCTAssertEqual(parsed.atMost, 2e6, accuracy: 1e-6, text)
    }
    XCTAssertEqual(try assertion("reserve@99%<=1.5B").atMost, 1.5e9)
  }

  func testBadSpecsSayWhatIsWrong() {
    let cases: [(String, String)] = [
      ("ruin", "expected '<='"),
      ("ruin<0.05", "expected '<='"),
      ("ruin<=0.05<=0.1", "more than one"),
      ("ruin<=", "missing the threshold"),
      ("<=0.05", "missing the metric"),
      ("ruin<=1.5", "expected a probability"),
      ("ruin<=abc", "expected a probability"),
      ("ruin<=0.05@3", "whole years"),
      ("ruin@0y<=0.05", "whole years"),
      ("ruin@2y<=0.05@3y", "one qualifier"),
      ("reserve<=2M", "say the confidence"),
      ("reserve@1.5<=2M", "confidence between 0 and 1"),
      ("reserve@95%<=lots", "expected an amount"),
      ("shortfall<=2M", "unknown metric 'shortfall'"),
    ]
    for (text, fragment) in cases {
      XCTAssertThrowsError(try CompactAssertion(parsing: text), text) { error in
        let message = (error as? ScenarioError)?.description ?? ""
        XCTAssertTrue(message.contains(fragment), "\(text): \(message)")
        XCTAssertTrue(message.contains("--assert '\(text)'"), message)
      }
    }
  }

  func testYearsBeyondTheHorizonAreRejectedForThatScenario() throws {
    let spec = try CompactAssertion(parsing: "ruin<=0.05@12y")
    XCTAssertThrowsError(try spec.assertion(for: tenYears)) { error in
      XCTAssertTrue("\(error)".contains("beyond the scenario's horizon of 10 years"), "\(error)")
    }
  }
}
