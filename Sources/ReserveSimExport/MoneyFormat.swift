import Foundation

/// Formats amounts in a scenario's currency for people: "$1.5M", "€250k", "1.2M CHF".
public struct MoneyFormat: Sendable {
  public let currency: String

  public init(currency: String) { self.currency = currency }

  static let symbols: [String: String] = ["USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CAD": "CA$", "AUD": "A$"]

  /// A compact amount with 2–3 significant figures and k/M/B suffixes.
  public func short(_ amount: Double) -> String {
    let sign = amount < 0 ? "−" : ""
    let x = abs(amount)
    let body: String
    switch x {
    case 1e15...: body = Self.scientific(x)
    case 1e12..<1e15: body = Self.trim(x / 1e12) + "T"
    case 1e9..<1e12: body = Self.trim(x / 1e9) + "B"
    case 1e6..<1e9: body = Self.trim(x / 1e6) + "M"
    case 1e3..<1e6: body = Self.trim(x / 1e3) + "k"
    default: body = String(format: "%.0f", x)
    }
    return decorate(sign: sign, body: body)
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

  /// 1.8e308 → "1.8e308": three significant figures, for amounts no suffix reaches.
  static func scientific(_ x: Double) -> String {
    String(format: "%.3g", x).replacingOccurrences(of: "e+", with: "e")
  }

  /// 1.5 → "1.5", 12.34 → "12.3", 123.4 → "123", 2.0 → "2".
  static func trim(_ x: Double) -> String {
    let text: String
    if x >= 100 {
      text = String(format: "%.0f", x)
    } else if x >= 10 {
      text = String(format: "%.1f", x)
    } else {
      text = String(format: "%.2f", x)
    }
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
}
