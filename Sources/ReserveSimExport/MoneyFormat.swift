import Foundation

/// Formats amounts in a scenario's currency for people: "$1.5M", "€250k", "1.2M CHF".
public struct MoneyFormat: Sendable {
  public let currency: String

  public init(currency: String) { self.currency = currency }

  static let symbols: [String: String] = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"]

  /// A compact amount with 2–3 significant figures (`extraDigits` more) and k/M/B suffixes.
  public func short(_ amount: Double, extraDigits: Int = 0) -> String {
    let sign = amount < 0 ? "−" : ""
    let x = abs(amount)
    let body: String
    switch x {
    case 1e15...: body = Self.scientific(x, extraDigits: extraDigits)
    case 1e12..<1e15: body = Self.trim(x / 1e12, extraDigits: extraDigits) + "T"
    case 1e9..<1e12: body = Self.trim(x / 1e9, extraDigits: extraDigits) + "B"
    case 1e6..<1e9: body = Self.trim(x / 1e6, extraDigits: extraDigits) + "M"
    case 1e3..<1e6: body = Self.trim(x / 1e3, extraDigits: extraDigits) + "k"
    default: body = String(format: "%.0f", x)
    }
    return decorate(sign: sign, body: body)
  }

  /// Two compact amounts that must read apart (the ends of an interval, A and B): with one more significant
  /// figure at a time, up to four more, until they differ as written ("$101.2M", "$101.4M", not "$101M" twice);
  /// equal amounts stay as `short` writes them.
  public func shortPair(_ a: Double, _ b: Double, sign: (Double) -> String = { _ in "" }) -> (String, String) {
    var extra = 0
    while extra < 4, a != b, short(a, extraDigits: extra) == short(b, extraDigits: extra) { extra += 1 }
    return (sign(a) + short(a, extraDigits: extra), sign(b) + short(b, extraDigits: extra))
  }

  /// An interval of amounts, "$101.2M – $101.4M": its ends by `shortPair`, so they never read as one amount.
  public func interval(_ lower: Double, _ upper: Double) -> String {
    let (a, b) = shortPair(lower, upper)
    return "\(a) – \(b)"
  }

  /// A whole amount with thousands separators: "$1,234,567".
  public func full(_ amount: Double) -> String {
    let sign = amount < 0 ? "−" : ""
    // Beyond a quadrillion the digits are noise (and, near overflow, hundreds of them): scientific instead.
    if abs(amount) >= 1e15 { return decorate(sign: sign, body: Self.scientific(abs(amount))) }
    let digits = String(format: "%.0f", abs(amount).rounded())
    var grouped = ""
    for (i, ch) in digits.reversed().enumerated() {
      if i > 0 && i % 3 == 0 { grouped.append(",") }
      grouped.append(ch)
    }
    return decorate(sign: sign, body: String(grouped.reversed()))
  }

  private func decorate(sign: String, body: String) -> String {
    if let symbol = Self.symbols[currency] { return sign + symbol + body }
    return sign + body + " " + currency
  }

  /// 1.8e308 → "1.8e308": three significant figures (`extraDigits` more), for amounts no suffix reaches.
  static func scientific(_ x: Double, extraDigits: Int = 0) -> String {
    String(format: "%.\(3 + extraDigits)g", x).replacingOccurrences(of: "e+", with: "e")
  }

  /// 1.5 → "1.5", 12.34 → "12.3", 123.4 → "123", 2.0 → "2"; with `extraDigits`, that many more decimals.
  static func trim(_ x: Double, extraDigits: Int = 0) -> String {
    let decimals = (x >= 100 ? 0 : x >= 10 ? 1 : 2) + extraDigits
    let text = String(format: "%.\(decimals)f", x)
    guard text.contains(".") else { return text }
    var trimmed = text
    while trimmed.hasSuffix("0") { trimmed.removeLast() }
    if trimmed.hasSuffix(".") { trimmed.removeLast() }
    return trimmed
  }
}

/// Formats shares as percentages: 0.372 → "37.2%".
public enum PercentFormat {
  /// An upper bound, rounded up: two decimals, or two significant digits below 0.01% ("0.0038%"), never "0.00%".
  public static func upperBound(_ share: Double) -> String {
    let percent = share * 100
    if percent < 0.01 { return String(format: "%.2g%%", percent) }
    return String(format: "%.2f%%", (percent * 100).rounded(.up) / 100)
  }

  /// A lower bound, rounded down to two decimals: never "100.00%" for a bound below 100%.
  public static func lowerBound(_ share: Double) -> String {
    String(format: "%.2f%%", (share * 10000).rounded(.down) / 100)
  }

  public static func format(_ share: Double, digits: Int = 1) -> String {
    String(format: "%.\(digits)f%%", share * 100)
  }

  /// An interval of shares, "81.4% – 82.6%": `digits` decimals, one more at a time (up to four) until the ends
  /// differ as written; equal shares stay as `format` writes them.
  public static func interval(_ lower: Double, _ upper: Double, digits: Int = 1) -> String {
    var digits = digits
    while digits < 4, lower != upper, format(lower, digits: digits) == format(upper, digits: digits) { digits += 1 }
    return "\(format(lower, digits: digits)) – \(format(upper, digits: digits))"
  }
}
