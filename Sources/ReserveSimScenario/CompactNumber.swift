/// Numbers as people type them on a command line, shared by `--assert` and `--set`:
///
///     2000000   2_000_000   2e6   2M   1.5k   1B      amounts (k = 10³, M = 10⁶, B = 10⁹)
///     0.05      5%                                    fractions (% = ÷100)
///
/// Only finite results are numbers: `1e400`, `NaN` and `inf` are not.
public enum CompactNumber {
  /// A fraction or an amount: `5%` → 0.05, `1.5M` → 1,500,000, `2_000` → 2000.
  public static func value(_ text: String) -> Double? {
    text.hasSuffix("%") ? fraction(text) : amount(text)
  }

  /// "0.05" → 0.05, "5%" → 0.05.
  public static func fraction(_ text: String) -> Double? {
    if text.hasSuffix("%") { return number(String(text.dropLast())).map { $0 / 100 } }
    return number(text)
  }

  /// "2e6", "2_000_000", "2M", "1.5k", "1B" → the amount.
  public static func amount(_ text: String) -> Double? {
    let scales: [Character: Double] = ["k": 1e3, "K": 1e3, "M": 1e6, "B": 1e9]
    if let last = text.last, let scale = scales[last] {
      return number(String(text.dropLast())).map { $0 * scale }.flatMap { $0.isFinite ? $0 : nil }
    }
    return number(text)
  }

  /// A finite decimal number ("_" allowed between digits).
  public static func number(_ text: String) -> Double? {
    let digits = text.replacingOccurrences(of: "_", with: "")
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || "+-.eE".contains($0)) }),
      let x = Double(digits), x.isFinite
    else { return nil }
    return x
  }
}
