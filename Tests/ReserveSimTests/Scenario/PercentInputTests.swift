import Foundation
import ReserveSim
import XCTest

/// Percentages cannot silently lie: "4%" reads as 0.04 wherever a fraction belongs, 85 where a probability
/// belongs names the likely intended value, and a rate above 100% a year is a warning.
final class PercentInputTests: XCTestCase {
  func testPercentStringsReadAsFractions() throws {
    let scenario = try makeScenario(
      """
      {"name": "p", "years": 2, "reserve": {"annualReturn": "3%"},
       "factors": {"traffic": {"annualGrowth": "-10%", "annualVolatility": "20 %"}},
       "expenses": [{"name": "x", "annual": 1000, "annualGrowth": "4%"}],
       "sponsorTiers": [{"name": "s", "annualAmount": 10, "count": 1, "renewalProbability": "85%"}],
       "inKindServices": [{"name": "c", "monthlyValue": 1, "replacementCostFraction": "60%"}]}
      """)
    XCTAssertEqual(scenario.reserve.annualReturn, 0.03, accuracy: 1e-15)
    XCTAssertEqual(scenario.factors[.traffic]?.annualGrowth ?? .nan, -0.1, accuracy: 1e-15)
    XCTAssertEqual(scenario.factors[.traffic]?.annualVolatility ?? .nan, 0.2, accuracy: 1e-15)
    XCTAssertEqual(scenario.expenses[0].annualGrowth, 0.04, accuracy: 1e-15)
    XCTAssertEqual(scenario.sponsorTiers[0].renewalProbability, 0.85, accuracy: 1e-15)
    XCTAssertEqual(scenario.inKindServices[0].replacementCostFraction, 0.6, accuracy: 1e-15)
    XCTAssertEqual(scenario.warnings, [])
  }

  /// `--set x=150%` means what "150%" in the file means: on a field that takes percentages it stays the text (no
  /// warning for a large rate written as a percentage), while 1.5 warns; elsewhere it is the number 0.15.
  func testSetPercentMeansWhatTheFileMeans() throws {
    let base = try JSONValue.parse(Data(#"{"name": "p", "years": 2, "reserve": {"initial": 5}}"#.utf8), file: "t")
    let percent = try ScenarioOverride(parsing: "factors.traffic.annualGrowth=150%")
    XCTAssertEqual(percent.value, .string("150%"))
    let fromPercent = try Scenario(json: percent.apply(to: base))
    XCTAssertEqual(fromPercent.factors[.traffic]?.annualGrowth ?? .nan, 1.5, accuracy: 1e-15)
    XCTAssertTrue(fromPercent.warnings.isEmpty, "\(fromPercent.warnings)")
    let plain = try Scenario(json: ScenarioOverride(parsing: "factors.traffic.annualGrowth=1.5").apply(to: base))
    XCTAssertEqual(plain.warnings.count, 1)
    XCTAssertEqual(try ScenarioOverride(parsing: "reserve.initial=15%").value, .number(0.15))
  }

  func testAPercentStringWhereAnAmountBelongsIsAnError() {
    XCTAssertThrowsError(
      try makeScenario(#"{"name": "p", "years": 2, "expenses": [{"name": "x", "annual": "4%"}]}"#)
    ) { error in
      XCTAssertEqual((error as? ScenarioError)?.path.description, "$.expenses[0].annual")
    }
  }

  func testAWholeNumberForAProbabilityNamesTheFraction() {
    XCTAssertThrowsError(
      try makeScenario(
        #"{"name": "p", "years": 2, "sponsorTiers": [{"name": "s", "annualAmount": 1, "count": 1, "renewalProbability": 85}]}"#
      )
    ) { error in
      let message = "\(error)"
      XCTAssertTrue(message.contains("found 85; for 85% write 0.85 or \"85%\""), message)
    }
  }

  func testARateAboveOneIsAWarningNamingTheLikelyValue() throws {
    let scenario = try makeScenario(
      #"{"name": "p", "years": 2, "factors": {"traffic": {"annualGrowth": 2}}, "expenses": [{"name": "x", "annual": 1, "annualGrowth": 1.5}]}"#
    )
    XCTAssertEqual(
      scenario.warnings.map(\.path.description), ["$.factors.traffic.annualGrowth", "$.expenses[0].annualGrowth"])
    XCTAssertTrue(
      scenario.warnings[0].message.contains("if you meant 2%, write 0.02 or \"2%\""), scenario.warnings[0].message)
  }
}
