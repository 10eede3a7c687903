import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimScenario

/// SPEC §16's distributions: what a range means per family, exact moments, rounding, truncation and errors.
final class EstimateDistributionTests: XCTestCase {
  /// 10⁶ fixed uniforms from the engine's generator.
  static let uniforms: [Double] = {
    let streams = RandomStreams(seed: 2026)
    return (0..<1_000_000).map { i in
      let w = streams.words(path: UInt32(i), month: 0, stream: .parameterDraws, draw: 99)
      return RandomStreams.unit53(w.0, w.1)
    }
  }()

  func distribution(_ json: String, range: NumberRange, whole: Bool = false) throws -> EstimateDistribution {
    try EstimateDistribution(json: JSONValue.parse(Data(json.utf8), file: "t"), range: range, isWholeNumber: whole)
  }

  func draws(_ d: EstimateDistribution) -> [Double] { Self.uniforms.map { d.value(at: $0) } }

  /// A range's 5th and 95th percentiles are a and b in each family: the share of 10⁶ draws at or below each is
  /// within 4 standard errors of 5% and 95%.
  func testRangePercentilesPerFamily() throws {
    let cases: [(String, NumberRange, String, Double, Double)] = [
      (#"{"range": [0.01, 0.2]}"#, .probability, "logit-normal", 0.01, 0.2),
      (#"{"range": [50000, 400000]}"#, .amount, "lognormal", 50000, 400000),
      (#"{"range": [-0.2, 0.3]}"#, .growth, "normal", -0.2, 0.3),
    ]
    let n = Double(Self.uniforms.count)
    let se = (0.05 * 0.95 / n).squareRoot()
    for (json, range, family, a, b) in cases {
      let d = try distribution(json, range: range)
      XCTAssertEqual(d.familyName, family, json)
      let x = draws(d)
      assertWithinStandardErrors(Double(x.filter { $0 <= a }.count) / n, 0.05, standardError: se, "P(X ≤ a) \(json)")
      assertWithinStandardErrors(Double(x.filter { $0 <= b }.count) / n, 0.95, standardError: se, "P(X ≤ b) \(json)")
      XCTAssertEqual(d.percentile(0.05), a, accuracy: 1e-9 * max(1, abs(a)), json)
      XCTAssertEqual(d.percentile(0.95), b, accuracy: 1e-9 * max(1, abs(b)), json)
    }
  }

  /// Uniform, triangular and beta: sample mean and variance within 4 standard errors of the exact moments.
  func testMomentsOfUniformTriangularBeta() throws {
    let cases: [(String, NumberRange, Double, Double)] = [
      (#"{"uniform": [2, 10]}"#, .any, 6, 64.0 / 12),
      (#"{"triangular": [1, 2, 7]}"#, .any, 10.0 / 3, (1 + 4 + 49 - 2 - 7 - 14) / 18.0),
      (#"{"beta": [2, 5]}"#, .probability, 2.0 / 7, 10.0 / (49 * 8)),
    ]
    for (json, range, mean, variance) in cases {
      let x = draws(try distribution(json, range: range))
      let (m, se) = meanAndStandardError(x)
      assertWithinStandardErrors(m, mean, standardError: se, "mean of \(json)")
      // The variance of the squared deviations gives the sample variance's standard error.
      let deviations = x.map { ($0 - mean) * ($0 - mean) }
      let (v, vse) = meanAndStandardError(deviations)
      assertWithinStandardErrors(v, variance, standardError: vse, "variance of \(json)")
    }
  }

  /// Whole-number fields round each draw: uniform [2, 5] gives 2 and 5 with 1/6 each and 3, 4 with 1/3 each.
  func testWholeNumbersRound() throws {
    let x = draws(try distribution(#"{"uniform": [2, 5]}"#, range: .between(0, 120), whole: true))
    let n = Double(x.count)
    XCTAssertTrue(x.allSatisfy { $0 == $0.rounded() })
    for (value, p) in [(2.0, 1.0 / 6), (3, 1.0 / 3), (4, 1.0 / 3), (5, 1.0 / 6)] {
      let share = Double(x.filter { $0 == value }.count) / n
      assertWithinStandardErrors(share, p, standardError: (p * (1 - p) / n).squareRoot(), "P(\(value))")
    }
  }

  /// A range's normal that reaches past the field's range is truncated: every draw inside, and the cut share is
  /// Φ((−1 − μ)/σ).
  func testNormalIsTruncatedToTheRange() throws {
    let d = try distribution(#"{"range": [-0.9, 0.5]}"#, range: .growth)
    XCTAssertTrue(draws(d).allSatisfy { $0 > -1 })
    let sigma = 1.4 / (2 * 1.6448536269514722)
    XCTAssertEqual(d.truncatedMass, EstimateDistribution.normalCDF((-1 + 0.2) / sigma), accuracy: 1e-12)
    XCTAssertGreaterThan(d.truncatedMass, 0.02)
  }

  /// Φ(Φ⁻¹(p)) = p across the three branches of AS 241.
  func testNormalQuantileInvertsTheCDF() {
    for p in [1e-300, 1e-20, 1e-9, 0.001, 0.02, 0.3, 0.5, 0.7, 0.99, 1 - 1e-12] {
      let z = EstimateDistribution.normalQuantile(p)
      XCTAssertEqual(EstimateDistribution.normalCDF(z), p, accuracy: 1e-14 * max(p, 1e-2), "p = \(p)")
    }
  }

  /// Bad distributions are input errors that name the JSON path.
  func testErrorsNameThePath() throws {
    let base = try String(
      contentsOf: repositoryRoot.appendingPathComponent("scenarios/pypi-today.json"), encoding: .utf8)
    let cases: [(String, String, String)] = [
      ("reserve.initial", #"{"range": [5, 1]}"#, "needs a < b"),
      ("inKindServices[0].monthlyValue", #"{"beta": [2, 3]}"#, "beta is for fields between 0 and 1"),
      ("inKindServices[0].annualLossProbability", #"{"uniform": [0.5, 1.5]}"#, "high end must be in [0, 1]"),
      ("inKindServices[0].mitigation.afterMonths", #"{"uniform": [3, 9]}"#, "cannot be a distribution yet"),
      ("reserve.initial", #"{"normal": [1, 2]}"#, "expected a number or a distribution"),
      ("reserve.initial", #"{"range": [1]}"#, "range takes a list of 2 numbers"),
      ("inKindServices[0].agreement.ends", #"{"range": [30, 40]}"#, "a month cannot be a distribution"),
    ]
    for (path, value, message) in cases {
      var document = try JSONValue.parse(Data(base.utf8), file: "t")
      document = try ScenarioOverride(parsing: "\(path)=\(value)").apply(to: document)
      XCTAssertThrowsError(try Scenario(json: document), path) { error in
        let error = error as! ScenarioError
        XCTAssertTrue(error.message.contains(message), "\(path): \(error.message)")
        XCTAssertEqual(error.path.description, "$." + path.replacingOccurrences(of: ".agreement", with: ".agreement"))
      }
    }
  }

  /// A distribution of one value is that number: no uncertain parameter, the same scenario.
  func testPointIsTheNumber() throws {
    let base = try JSONValue.parse(
      Data(contentsOf: repositoryRoot.appendingPathComponent("scenarios/pypi-today.json")), file: "t")
    let point = try ScenarioOverride(parsing: #"inKindServices[0].noticeMonths={"uniform": [6, 6]}"#).apply(to: base)
    let scenario = try Scenario(json: point)
    XCTAssertFalse(scenario.uncertainParameters.contains { $0.pattern == "inKindServices[].noticeMonths" })
    XCTAssertEqual(scenario.inKindServices[0].noticeMonths, 6)
  }
}
