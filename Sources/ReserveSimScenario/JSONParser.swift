/// A strict RFC 8259 JSON parser that accepts only text every other JSON reader reads the same way.
///
/// Stricter than the RFC's "SHOULD"s, so that a scenario cannot mean one thing to ReserveSim and another to
/// Python, jq or an editor: a key repeated in one object is an error (readers disagree on which copy wins),
/// as are trailing commas, `NaN`/`Infinity`, numbers beyond ±1.8·10³⁰⁸ (a `Double` would hold ∞), invalid
/// UTF-8, unpaired `\u` surrogates and nesting deeper than `maximumDepth`. Numbers are read as the nearest
/// `Double`, so whole numbers up to 2⁵³ stay exact. A UTF-8 byte order mark at the start is skipped.
///
/// Every error names the line and column (1-based, counted in Unicode characters) and the JSON path of the
/// value being read. Time and memory are linear in the length of the text; line and column are counted only
/// when an error is reported.
struct JSONParser {
  /// The deepest nesting of lists and objects accepted; deeper text is rejected before it can exhaust the stack.
  static let maximumDepth = 512

  /// A fault in the text: where it is and what is wrong.
  struct Failure: Error {
    var offset: Int
    var path: JSONPath
    var message: String
    /// For a duplicate key: where its first copy starts.
    var firstOffset: Int?
  }

  private let bytes: UnsafeBufferPointer<UInt8>
  private var position = 0
  private var depth = 0
  /// The path of the value being read, kept as a stack (pushed and popped) so that it costs nothing until
  /// an error needs it.
  private var pathStack: [JSONPath.Component] = []

  private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  /// Parses `data` as one JSON value (any value, not only an object), surrounded by whitespace only.
  /// - Throws: `Failure` at the first fault.
  static func parse(_ data: [UInt8]) throws(Failure) -> JSONValue {
    let result: Result<JSONValue, Failure> = data.withUnsafeBufferPointer { buffer in
      var parser = JSONParser(bytes: buffer)
      do throws(Failure) {
        return .success(try parser.parseDocument())
      } catch {
        return .failure(error)
      }
    }
    return try result.get()
  }

  /// Line and column (1-based) of byte `offset` in `data`; the column counts Unicode characters, not bytes.
  static func lineAndColumn(of offset: Int, in data: [UInt8]) -> (line: Int, column: Int) {
    var line = 1
    var column = 1
    for byte in data[..<min(offset, data.count)] {
      if byte == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if byte & 0xC0 != 0x80 {
        column += 1
      }
    }
    return (line, column)
  }

  // MARK: Structure

  private mutating func parseDocument() throws(Failure) -> JSONValue {
    if bytes.count >= 2,
      bytes[0] == 0 || bytes[1] == 0 || (bytes[0] == 0xFE && bytes[1] == 0xFF)
        || (bytes[0] == 0xFF && bytes[1] == 0xFE)
    {
      throw fail("the text is UTF-16 or UTF-32; save it as UTF-8", at: 0)
    }
    if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { position = 3 }
    skipWhitespace()
    guard position < bytes.count else {
      throw fail(position == 0 ? "the text is empty" : "expected a JSON value, found only whitespace")
    }
    let value = try parseValue()
    skipWhitespace()
    if position < bytes.count {
      throw fail("unexpected \(found()) after the end of the JSON value")
    }
    return value
  }

  private mutating func parseValue() throws(Failure) -> JSONValue {
    guard position < bytes.count else { throw fail("expected a value, found the end of the text") }
    switch bytes[position] {
    case UInt8(ascii: "{"): return try parseObject()
    case UInt8(ascii: "["): return try parseArray()
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
    case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
    case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
    case UInt8(ascii: "n"): return try parseLiteral("null", .null)
    case UInt8(ascii: "N"), UInt8(ascii: "I"), UInt8(ascii: "+"):
      if matchesWord("NaN") || matchesWord("Infinity") || matchesWord("+Infinity") {
        throw fail("NaN and Infinity are not JSON numbers; write a finite number")
      }
      throw fail("expected a value, found \(found())")
    default:
      throw fail("expected a value, found \(found())")
    }
  }

  private mutating func parseObject() throws(Failure) -> JSONValue {
    try enterContainer()
    position += 1  // {
    var fields: [String: JSONValue] = [:]
    /// Where each key started, to say where the first copy of a duplicate is.
    var keyOffsets: [String: Int] = [:]
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
      position += 1
      depth -= 1
      return .object(fields)
    }
    while true {
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
        throw fail("expected a key in double quotes, found \(found())")
      }
      let keyOffset = position
      let key = try parseString()
      if let first = keyOffsets[key] {
        pathStack.append(.key(key))
        throw Failure(
          offset: keyOffset, path: JSONPath(components: pathStack), message: "duplicate key \(JSONValue.quote(key))",
          firstOffset: first)
      }
      keyOffsets[key] = keyOffset
      skipWhitespace()
      guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
        throw fail("expected ':' after the key \(JSONValue.quote(key)), found \(found())")
      }
      position += 1
      skipWhitespace()
      pathStack.append(.key(key))
      let valueStart = position
      fields[key] = try parseValue()
      try rejectUnquotedMonth(from: valueStart)
      pathStack.removeLast()
      skipWhitespace()
      guard position < bytes.count else { throw fail("expected ',' or '}', found the end of the text") }
      if bytes[position] == UInt8(ascii: "}") {
        position += 1
        depth -= 1
        return .object(fields)
      }
      guard bytes[position] == UInt8(ascii: ",") else { throw fail("expected ',' or '}', found \(found())") }
      let comma = position
      position += 1
      skipWhitespace()
      if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
        throw fail("trailing comma before '}'; JSON allows none", at: comma)
      }
    }
  }

  private mutating func parseArray() throws(Failure) -> JSONValue {
    try enterContainer()
    position += 1  // [
    var items: [JSONValue] = []
    skipWhitespace()
    if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
      position += 1
      depth -= 1
      return .array(items)
    }
    while true {
      skipWhitespace()
      pathStack.append(.index(items.count))
      let valueStart = position
      items.append(try parseValue())
      try rejectUnquotedMonth(from: valueStart)
      pathStack.removeLast()
      skipWhitespace()
      guard position < bytes.count else { throw fail("expected ',' or ']', found the end of the text") }
      if bytes[position] == UInt8(ascii: "]") {
        position += 1
        depth -= 1
        return .array(items)
      }
      guard bytes[position] == UInt8(ascii: ",") else { throw fail("expected ',' or ']', found \(found())") }
      let comma = position
      position += 1
      skipWhitespace()
      if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
        throw fail("trailing comma before ']'; JSON allows none", at: comma)
      }
    }
  }

  private mutating func enterContainer() throws(Failure) {
    depth += 1
    guard depth <= Self.maximumDepth else {
      // The path would be hundreds of steps long; the line and column say where.
      throw Failure(
        offset: position, path: .root,
        message: "lists and objects are nested more than \(Self.maximumDepth) levels deep")
    }
  }

  private mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws(Failure) -> JSONValue {
    guard matchesWord(word) else { throw fail("expected a value, found \(found())") }
    position += word.utf8CodeUnitCount
    return value
  }

  /// Whether `word` is at the current position, followed by a character that cannot continue a word.
  private func matchesWord(_ word: StaticString) -> Bool {
    let count = word.utf8CodeUnitCount
    guard position + count <= bytes.count else { return false }
    let letters = UnsafeBufferPointer(start: word.utf8Start, count: count)
    for i in 0..<count where bytes[position + i] != letters[i] { return false }
    if position + count < bytes.count {
      let next = bytes[position + count]
      if Self.isWordByte(next) { return false }
    }
    return true
  }

  private static func isWordByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), 0x80...:
      return true
    default: return false
    }
  }

  private mutating func skipWhitespace() {
    while position < bytes.count {
      switch bytes[position] {
      case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"): position += 1
      default: return
      }
    }
  }

  // MARK: Numbers

  /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, as the nearest `Double`.
  private mutating func parseNumber() throws(Failure) -> Double {
    let start = position
    var negative = false
    if bytes[position] == UInt8(ascii: "-") {
      negative = true
      position += 1
      if matchesWord("Infinity") {
        throw fail("NaN and Infinity are not JSON numbers; write a finite number", at: start)
      }
    }
    guard position < bytes.count, Self.isDigit(bytes[position]) else {
      throw fail("expected a digit after '-', found \(found())")
    }
    // Whole numbers of up to 15 digits (below 2⁵³) are accumulated exactly; others go through the
    // standard library's correctly rounded conversion.
    var whole: Int64 = 0
    var digits = 0
    if bytes[position] == UInt8(ascii: "0") {
      position += 1
      if position < bytes.count, Self.isDigit(bytes[position]) {
        throw fail("a number may not start with 0 followed by more digits", at: start)
      }
      digits = 1
    } else {
      while position < bytes.count, Self.isDigit(bytes[position]) {
        if digits < 15 { whole = whole * 10 + Int64(bytes[position] - UInt8(ascii: "0")) }
        digits += 1
        position += 1
      }
    }
    var isWhole = true
    if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
      isWhole = false
      position += 1
      guard position < bytes.count, Self.isDigit(bytes[position]) else {
        throw fail("expected a digit after the decimal point, found \(found())")
      }
      while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
      isWhole = false
      position += 1
      if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
        position += 1
      }
      guard position < bytes.count, Self.isDigit(bytes[position]) else {
        throw fail("expected a digit in the exponent, found \(found())")
      }
      while position < bytes.count, Self.isDigit(bytes[position]) { position += 1 }
    }
    if position < bytes.count, Self.isWordByte(bytes[position]) || bytes[position] == UInt8(ascii: ".") {
      throw fail("unexpected \(found()) in a number")
    }
    if isWhole && digits <= 15 { return negative ? -Double(whole) : Double(whole) }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
    guard let value = Double(text), value.isFinite else {
      throw fail(
        "the number \(text) is beyond the largest a number may be (about ±1.8e308)", at: start)
    }
    return value
  }

  private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

  // MARK: Strings

  /// A string starting at the opening quote; escapes decoded, UTF-8 checked.
  private mutating func parseString() throws(Failure) -> String {
    position += 1  // "
    let start = position
    // Fast path: no escapes, so the bytes are the string.
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        position += 1
        return text
      }
      if byte == UInt8(ascii: "\\") { break }
      if byte < 0x20 { throw fail(Self.controlCharacterMessage(byte)) }
      if byte < 0x80 { position += 1 } else { try skipUTF8Sequence() }
    }
    guard position < bytes.count else { throw fail("the string is not closed (missing '\"')", at: start - 1) }
    var utf8 = Array(bytes[start..<position])
    while position < bytes.count {
      let byte = bytes[position]
      switch byte {
      case UInt8(ascii: "\""):
        position += 1
        return String(decoding: utf8, as: UTF8.self)
      case UInt8(ascii: "\\"):
        try appendEscape(to: &utf8)
      case ..<0x20:
        throw fail(Self.controlCharacterMessage(byte))
      case ..<0x80:
        utf8.append(byte)
        position += 1
      default:
        let sequenceStart = position
        try skipUTF8Sequence()
        utf8.append(contentsOf: bytes[sequenceStart..<position])
      }
    }
    throw fail("the string is not closed (missing '\"')", at: start - 1)
  }

  private static func controlCharacterMessage(_ byte: UInt8) -> String {
    let name = byte == 0x0A ? "a line break" : byte == 0x09 ? "a tab" : "control character U+00\(hex2(byte))"
    return "\(name) inside a string; write it as an escape such as \\n, \\t or \\u00XX"
  }

  private static func hex2(_ byte: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
  }

  private mutating func appendEscape(to utf8: inout [UInt8]) throws(Failure) {
    let escapeStart = position
    position += 1  // backslash
    guard position < bytes.count else { throw fail("the string is not closed (missing '\"')") }
    let letter = bytes[position]
    position += 1
    switch letter {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(letter)
    case UInt8(ascii: "b"): utf8.append(0x08)
    case UInt8(ascii: "f"): utf8.append(0x0C)
    case UInt8(ascii: "n"): utf8.append(0x0A)
    case UInt8(ascii: "r"): utf8.append(0x0D)
    case UInt8(ascii: "t"): utf8.append(0x09)
    case UInt8(ascii: "u"):
      var scalar = try hexQuad(escapeStart: escapeStart)
      if (0xD800...0xDBFF).contains(scalar) {
        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
          bytes[position + 1] == UInt8(ascii: "u")
        else { throw fail("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true))", at: escapeStart) }
        position += 2
        let low = try hexQuad(escapeStart: position - 2)
        guard (0xDC00...0xDFFF).contains(low) else {
          throw fail("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true))", at: escapeStart)
        }
        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
      } else if (0xDC00...0xDFFF).contains(scalar) {
        throw fail("unpaired surrogate \\u\(String(scalar, radix: 16, uppercase: true))", at: escapeStart)
      }
      utf8.append(contentsOf: String(Unicode.Scalar(scalar)!).utf8)
    default:
      throw fail("unknown escape '\\\(Self.describe(letter))' in a string", at: escapeStart)
    }
  }

  private mutating func hexQuad(escapeStart: Int) throws(Failure) -> UInt32 {
    var value: UInt32 = 0
    for _ in 0..<4 {
      guard position < bytes.count else { throw fail("expected four hex digits after \\u", at: escapeStart) }
      let byte = bytes[position]
      let digit: UInt8
      switch byte {
      case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
      case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
      case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
      default: throw fail("expected four hex digits after \\u", at: escapeStart)
      }
      value = value << 4 | UInt32(digit)
      position += 1
    }
    return value
  }

  /// Steps over one well-formed multi-byte UTF-8 sequence (no overlong forms, surrogates or values past
  /// U+10FFFF), or fails at its first byte.
  private mutating func skipUTF8Sequence() throws(Failure) {
    let lead = bytes[position]
    let length: Int
    var lower: UInt8 = 0x80
    var upper: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      lower = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      upper = 0x9F
    case 0xF0:
      length = 4
      lower = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      upper = 0x8F
    default: throw fail("invalid UTF-8 (byte 0x\(Self.hex2(lead))); save the file as UTF-8")
    }
    guard position + length <= bytes.count else { throw fail("invalid UTF-8 (a character cut short)") }
    let second = bytes[position + 1]
    guard second >= lower && second <= upper else {
      throw fail("invalid UTF-8 (byte 0x\(Self.hex2(lead)) then 0x\(Self.hex2(second))); save the file as UTF-8")
    }
    for i in 2..<length where bytes[position + i] & 0xC0 != 0x80 {
      throw fail("invalid UTF-8 (a character cut short); save the file as UTF-8")
    }
    position += length
  }

  // MARK: Errors

  private func fail(_ message: String, at offset: Int? = nil) -> Failure {
    Failure(offset: offset ?? position, path: JSONPath(components: pathStack), message: message)
  }

  /// What is at the current position, for "found …": the character (a multi-byte one whole when it is
  /// well-formed UTF-8), or its code when it is not printable.
  /// A calendar month written without quotes (`2027-06`) reads as the number 2027 followed by "-06": name it, and
  /// how to write it (`"2027-06"`), rather than only the stray '-'.
  private func rejectUnquotedMonth(from start: Int) throws(Failure) {
    var end = position
    while end < bytes.count, end - position < 3, bytes[end] == UInt8(ascii: "-") || (48...57).contains(bytes[end]) {
      end += 1
    }
    let text = String(decoding: bytes[start..<end], as: UTF8.self)
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 4, (1...2).contains(parts[1].count),
      parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
    else { return }
    throw fail("a month must be written in quotes: \"\(text)\", not \(text)", at: start)
  }

  private func found() -> String {
    guard position < bytes.count else { return "the end of the text" }
    let lead = bytes[position]
    let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 1
    if length > 1, position + length <= bytes.count {
      var decoder = UTF8()
      var iterator = bytes[position..<position + length].makeIterator()
      if case .scalarValue(let scalar) = decoder.decode(&iterator), scalar.properties.generalCategory != .control {
        return "'" + String(scalar) + "'"
      }
    }
    return "'" + Self.describe(lead) + "'"
  }

  /// A byte as a reader would name it: the character when printable ASCII, else its code.
  private static func describe(_ byte: UInt8) -> String {
    (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : "\\u{\(hex2(byte))}"
  }
}
