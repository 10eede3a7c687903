import Foundation
import ReserveSim
import XCTest

/// A few bounds of each kind written out as literals (from docs/model.md and the field reference), checked in the
/// committed `scenarios/schema.json` and in the decoder: SchemaAgreementTests proves the schema, the table and the
/// decoder agree with each other, this that they say what the model says.
final class SchemaBoundsTests: XCTestCase {
  /// (JSON pointer of the number's schema in scenarios/schema.json, its bounds, whole numbers only).
  static let bounds: [(pointer: String, bounds: [String: Double], integer: Bool)] = [
    // Whole numbers: the horizon, a notice period, a sponsor count.
    ("/properties/years", ["minimum": 1, "maximum": 100], true),
    ("/$defs/inKindService/properties/noticeMonths/anyOf/0", ["minimum": 0, "maximum": 1200], true),
    ("/$defs/sponsorTier/properties/count/anyOf/0", ["minimum": 0, "maximum": 1_000_000], true),
    // Probabilities: 0 to 1 inclusive.
    ("/$defs/sponsorTier/properties/renewalProbability/anyOf/0", ["minimum": 0, "maximum": 1], false),
    ("/$defs/event/properties/annualProbability/anyOf/0", ["minimum": 0, "maximum": 1], false),
    // A fraction of a value, up to 100 times it.
    ("/$defs/inKindService/properties/replacementCostFraction/anyOf/0", ["minimum": 0, "maximum": 100], false),
    // Rates per year: above −100%, at most +1000%.
    ("/$defs/reserve/properties/annualReturn/anyOf/0", ["exclusiveMinimum": -1, "maximum": 10], false),
    ("/$defs/factor/properties/annualGrowth/anyOf/0", ["exclusiveMinimum": -1, "maximum": 10], false),
    // Money: an amount a year, up to a trillion.
    ("/$defs/moneyLine/properties/annual/anyOf/0", ["minimum": 0, "maximum": 1e12], false),
    // Open intervals: a correlation strictly inside (−1, 1), a confidence strictly inside (0, 1).
    ("/$defs/correlation/properties/rho/anyOf/0", ["exclusiveMinimum": -1, "exclusiveMaximum": 1], false),
    (
      "/$defs/requiredReserveAssertion/properties/confidence",
      ["exclusiveMinimum": 0, "exclusiveMaximum": 1], false
    ),
  ]

  func testTheSchemaStatesTheLiteralBounds() throws {
    let data = try Data(contentsOf: repositoryRoot.appendingPathComponent("scenarios/schema.json"))
    let schema = try JSONSerialization.jsonObject(with: data)
    for (pointer, bounds, integer) in Self.bounds {
      let node = try XCTUnwrap(Self.resolve(pointer, in: schema) as? [String: Any], pointer)
      for key in ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] {
        let value = (node[key] as? Double) ?? (node[key] as? Int).map(Double.init)
        XCTAssertEqual(value, bounds[key], "\(pointer): \(key)")
      }
      let types = (node["type"] as? [String]) ?? [node["type"] as? String].compactMap { $0 }
      XCTAssertEqual(types.contains("integer"), integer, "\(pointer): type \(types)")
      XCTAssertEqual(types.contains("number"), !integer, "\(pointer): type \(types)")
    }
  }

  /// The decoder at the same literal bounds: in at a closed bound, out just past it and at an open one, with the
  /// error at the field's path (a correlation of ±1 at the list's: the matrix is not positive definite).
  func testTheDecoderHonoursTheLiteralBounds() {
    let cases: [(json: String, path: String?)] = [
      (#"{"name": "b", "years": 100}"#, nil),
      (#"{"name": "b", "years": 101}"#, "$.years"),
      (#"{"name": "b", "years": 0}"#, "$.years"),
      (#"{"name": "b", "years": 1, "inKindServices": [{"name": "s", "noticeMonths": 1200}]}"#, nil),
      (
        #"{"name": "b", "years": 1, "inKindServices": [{"name": "s", "noticeMonths": 1201}]}"#,
        "$.inKindServices[0].noticeMonths"
      ),
      (#"{"name": "b", "years": 1, "sponsorTiers": [{"name": "t", "renewalProbability": 1}]}"#, nil),
      (
        #"{"name": "b", "years": 1, "sponsorTiers": [{"name": "t", "renewalProbability": 1.000001}]}"#,
        "$.sponsorTiers[0].renewalProbability"
      ),
      (
        #"{"name": "b", "years": 1, "sponsorTiers": [{"name": "t", "renewalProbability": -0.000001}]}"#,
        "$.sponsorTiers[0].renewalProbability"
      ),
      (#"{"name": "b", "years": 1, "inKindServices": [{"name": "s", "replacementCostFraction": 100}]}"#, nil),
      (
        #"{"name": "b", "years": 1, "inKindServices": [{"name": "s", "replacementCostFraction": 100.5}]}"#,
        "$.inKindServices[0].replacementCostFraction"
      ),
      (#"{"name": "b", "years": 1, "reserve": {"annualReturn": -0.99}}"#, nil),
      (#"{"name": "b", "years": 1, "reserve": {"annualReturn": -1}}"#, "$.reserve.annualReturn"),
      (#"{"name": "b", "years": 1, "reserve": {"annualReturn": 10}}"#, nil),
      (#"{"name": "b", "years": 1, "reserve": {"annualReturn": 10.01}}"#, "$.reserve.annualReturn"),
      (#"{"name": "b", "years": 1, "expenses": [{"name": "e", "annual": 1e12}]}"#, nil),
      (#"{"name": "b", "years": 1, "expenses": [{"name": "e", "annual": 1.01e12}]}"#, "$.expenses[0].annual"),
      (#"{"name": "b", "years": 1, "expenses": [{"name": "e", "annual": -1}]}"#, "$.expenses[0].annual"),
      (#"{"name": "b", "years": 1, "correlations": [{"between": ["traffic", "unitCost"], "rho": 0.999}]}"#, nil),
      (
        #"{"name": "b", "years": 1, "correlations": [{"between": ["traffic", "unitCost"], "rho": 1}]}"#,
        "$.correlations"
      ),
      (
        #"{"name": "b", "years": 1, "correlations": [{"between": ["traffic", "unitCost"], "rho": -1}]}"#,
        "$.correlations"
      ),
      (
        #"{"name": "b", "years": 1, "assertions": [{"name": "a", "metric": "requiredReserve", "confidence": 1, "atMost": 0}]}"#,
        "$.assertions[0].confidence"
      ),
      (
        #"{"name": "b", "years": 1, "assertions": [{"name": "a", "metric": "requiredReserve", "confidence": 0, "atMost": 0}]}"#,
        "$.assertions[0].confidence"
      ),
    ]
    for (json, path) in cases {
      do {
        _ = try Scenario(json: JSONValue.parse(Data(json.utf8), file: "bounds.json"))
        XCTAssertNil(path, "accepted, expected an error at \(path ?? ""): \(json)")
      } catch let error as ScenarioError {
        XCTAssertEqual(error.path.description, path, "\(json): \(error)")
      } catch {
        XCTFail("\(json): \(error)")
      }
    }
  }

  /// The node at an RFC 6901 JSON pointer (no escapes needed here).
  static func resolve(_ pointer: String, in document: Any) -> Any? {
    pointer.split(separator: "/").reduce(Optional(document)) { node, step in
      if let object = node as? [String: Any] { return object[String(step)] }
      if let array = node as? [Any], let index = Int(step), array.indices.contains(index) { return array[index] }
      return nil
    }
  }
}
