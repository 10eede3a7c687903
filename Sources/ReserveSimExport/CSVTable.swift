import Foundation

/// A table for spreadsheets: RFC 4180 text (CRLF line ends, fields quoted only when they hold a comma,
/// quote or line break), UTF-8, plain numbers with a "." decimal point and no thousands separators.
public struct CSVTable: Equatable, Sendable {
  public var header: [String]
  public var rows: [[String]]

  public init(header: [String], rows: [[String]] = []) {
    self.header = header
    self.rows = rows
  }

  public var text: String {
    ([header] + rows).map { $0.map(Self.quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }

  /// A field as RFC 4180 text: quoted (with inner quotes doubled) when it holds a comma, quote or line break.
  ///
  /// Checked on Unicode scalars, not Characters: Swift reads "\r\n" as one Character equal to neither.
  static func quote(_ field: String) -> String {
    guard field.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
      return field
    }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A number as spreadsheet-ready text: the shortest form that reads back to the same Double, written out
  /// in plain decimal ("0.00005", "12000000000000000", never "5e-05"), "-" for negatives, "" when not finite.
  public static func number(_ x: Double) -> String {
    guard x.isFinite else { return "" }
    if x == 0 { return "0" }
    return (x < 0 ? "-" : "") + plainDecimal(shortest: "\(x.magnitude)")
  }

  /// Rewrites Swift's shortest round-trip text of a positive number ("1.5e-05", "1e+16", "1500000.0")
  /// without an exponent, and without trailing zeros after the decimal point.
  static func plainDecimal(shortest text: String) -> String {
    let parts = text.split(separator: "e", maxSplits: 1)
    let mantissa = parts[0]
    let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
    let integerDigits = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) }
    var digits = mantissa.filter { $0 != "." }
    // The decimal point sits after `point` digits of `digits`.
    var point = (integerDigits ?? digits.count) + exponent
    if point <= 0 {
      digits = String(repeating: "0", count: 1 - point) + digits
      point = 1
    } else if point > digits.count {
      digits += String(repeating: "0", count: point - digits.count)
    }
    var integer = String(digits.prefix(point))
    var fraction = String(digits.dropFirst(point))
    while integer.count > 1 && integer.hasPrefix("0") { integer.removeFirst() }
    while fraction.hasSuffix("0") { fraction.removeLast() }
    return fraction.isEmpty ? integer : integer + "." + fraction
  }
}
