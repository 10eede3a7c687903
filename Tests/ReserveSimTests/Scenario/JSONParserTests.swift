import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimScenario

/// The strict JSON reader: it accepts what RFC 8259 accepts, reads it as Foundation does, and rejects with a
/// line and column what other tools would read differently (duplicate keys, trailing commas, NaN, numbers that
/// do not fit a Double) or what could exhaust the stack.
final class JSONParserTests: XCTestCase {
  private func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8), file: "t.json") }

  /// The error parsing `text` throws.
  private func failure(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ScenarioError? {
    do {
      let value = try parse(text)
      XCTFail("accepted: \(value)", file: file, line: line)
    } catch let error as ScenarioError {
      return error
    } catch {
      XCTFail("unexpected \(error)", file: file, line: line)
    }
    return nil
  }

  func testValuesAreReadAsWritten() throws {
    XCTAssertEqual(
      try parse(
        #" {"a": [1, -2.5e3, 0, -0.0, true, false, null], "b": {"c": "d\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"}} "#),
      .object([
        "a": .array([.number(1), .number(-2500), .number(0), .number(-0.0), .bool(true), .bool(false), .null]),
        "b": .object(["c": .string("d\"\\/\u{8}\u{C}\n\r\té😀")]),
      ]))
    XCTAssertEqual(try parse("\u{FEFF}[]"), .array([]), "a UTF-8 byte order mark is skipped")
    XCTAssertEqual(try parse(#""é 😀""#), .string("é 😀"))
    XCTAssertEqual(try parse("1E+2"), .number(100))
    XCTAssertEqual(try parse("{}"), .object([:]))
  }

  func testWholeNumbersStayExactAndOthersAreCorrectlyRounded() throws {
    XCTAssertEqual(try parse("9007199254740992"), .number(9_007_199_254_740_992))
    XCTAssertEqual(try parse("-9007199254740991"), .number(-9_007_199_254_740_991))
    XCTAssertEqual(try parse("123456789012345"), .number(123_456_789_012_345))
    for text in ["0.1", "1.7976931348623157e308", "4.9e-324", "1e-400", "20200403", "0.30000000000000004", "-1e-7"] {
      XCTAssertEqual(try parse(text), .number(try XCTUnwrap(Double(text))), text)
    }
  }

  func testTheShippedScenariosReadAsFoundationReadsThem() throws {
    let root = repositoryRoot
    let folder = root.appendingPathComponent("scenarios")
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".json") {
      let data = try Data(contentsOf: folder.appendingPathComponent(name))
      XCTAssertEqual(try JSONValue.parse(data, file: name), try JSONDecoder().decode(JSONValue.self, from: data), name)
    }
  }

  func testDuplicateKeysNameThePathAndBothPositions() {
    let error = failure("{\"a\": {\"b\": 1,\n  \"b\": 2}}")
    XCTAssertEqual(error?.path, JSONPath.root.appending("a").appending("b"))
    XCTAssertEqual(error?.line, 2)
    XCTAssertEqual(error?.column, 3)
    XCTAssertEqual(
      error?.description,
      "t.json:2:3: $.a.b: duplicate key \"b\" (first at 1:8); JSON readers disagree on which copy counts, so give each key once"
    )
    XCTAssertEqual(failure(#"[{"x": 1}, {"y": 1, "y": 1}]"#)?.path.description, "$[1].y", "even with equal values")
    XCTAssertEqual(failure(#"{"\u0041": 1, "A": 2}"#)?.path.description, "$.A", "keys compare after unescaping")
  }

  func testTrailingCommasAndOtherSyntaxErrorsArePlaced() {
    let cases: [(String, Int, Int, String)] = [
      ("[1, 2,]", 1, 6, "trailing comma before ']'"),
      ("{\"a\": 1,\n}", 1, 8, "trailing comma before '}'"),
      ("[1 2]", 1, 4, "expected ',' or ']', found '2'"),
      ("{\"a\" 1}", 1, 6, "expected ':' after the key \"a\""),
      ("{'a': 1}", 1, 2, "expected a key in double quotes"),
      ("[1,\n  é]", 2, 3, "expected a value, found 'é'"),
      ("", 1, 1, "the text is empty"),
      ("  ", 1, 3, "found only whitespace"),
      ("[1] x", 1, 5, "after the end of the JSON value"),
      ("\"abc", 1, 1, "the string is not closed"),
      ("\"a\nb\"", 1, 3, "a line break inside a string"),
      ("\"\\x\"", 1, 2, "unknown escape '\\x'"),
      ("\"\\ud800\"", 1, 2, "unpaired surrogate \\uD800"),
      ("\"\\udc00x\"", 1, 2, "unpaired surrogate \\uDC00"),
      ("\"\\u12\"", 1, 2, "expected four hex digits"),
      ("01", 1, 1, "may not start with 0"),
      ("1.", 1, 3, "expected a digit after the decimal point"),
      (".5", 1, 1, "expected a value"),
      ("-", 1, 2, "expected a digit after '-'"),
      ("1e", 1, 3, "expected a digit in the exponent"),
      ("tru", 1, 1, "expected a value"),
      ("truex", 1, 1, "expected a value"),
      ("NaN", 1, 1, "NaN and Infinity are not JSON numbers"),
      ("[-Infinity]", 1, 2, "NaN and Infinity are not JSON numbers"),
      ("1e400", 1, 1, "the number 1e400 is beyond"),
      ("-2e308", 1, 1, "the number -2e308 is beyond"),
    ]
    for (text, line, column, fragment) in cases {
      let error = failure(text)
      XCTAssertEqual(error?.line, line, text.debugDescription)
      XCTAssertEqual(error?.column, column, text.debugDescription)
      XCTAssertTrue(
        error?.message.contains(fragment) ?? false, "\(text.debugDescription): \(String(describing: error))")
    }
  }

  func testInvalidUTF8AndUTF16AreRejected() {
    for bytes: [UInt8] in [
      [0x22, 0xFF, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xE2, 0x82],
    ] {
      XCTAssertThrowsError(try JSONValue.parse(Data(bytes), file: "t"), "\(bytes)") { error in
        XCTAssertTrue("\(error)".contains("UTF-8"), "\(error)")
      }
    }
    XCTAssertThrowsError(try JSONValue.parse(Data([0xFF, 0xFE, 0x5B, 0x00, 0x5D, 0x00]), file: "t")) { error in
      XCTAssertTrue("\(error)".contains("UTF-16"), "\(error)")
    }
  }

  func testNestingIsLimitedBeforeTheStackIs() throws {
    let limit = JSONParser.maximumDepth
    XCTAssertNoThrow(try parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit)))
    let deep = failure(String(repeating: "[", count: 1_000_000))
    XCTAssertEqual(deep?.column, limit + 1)
    XCTAssertTrue(deep?.message.contains("nested more than \(limit) levels") ?? false)
    XCTAssertEqual(deep?.path, .root)
    XCTAssertNotNil(failure(String(repeating: #"{"a":"#, count: limit + 1)))
  }

  func testColumnsCountCharactersNotBytes() {
    let error = failure("[\"é😀\", x]")
    XCTAssertEqual(error?.column, 8)
  }

  func testAMegabyteScaleDocumentParses() throws {
    // About 10 MB: 100,000 items of a few numbers and a string each.
    var text = "["
    for i in 0..<100_000 {
      if i > 0 { text += "," }
      text +=
        #"{"name": "item \#(i)", "annual": \#(i * 37), "rate": 0.\#(i % 997), "tags": ["a", "b", null, true], "pad": "\#(String(repeating: "x", count: 40))"}"#
    }
    text += "]"
    XCTAssertGreaterThan(text.utf8.count, 10_000_000)
    guard case .array(let items) = try parse(text) else { return XCTFail("not a list") }
    XCTAssertEqual(items.count, 100_000)
    XCTAssertEqual(
      items[99_999],
      .object([
        "name": .string("item 99999"), "annual": .number(3_699_963), "rate": .number(Double("0.\(99_999 % 997)")!),
        "tags": .array([.string("a"), .string("b"), .null, .bool(true)]),
        "pad": .string(String(repeating: "x", count: 40)),
      ]))
  }
}
