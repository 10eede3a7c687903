import Foundation

/// A month field (SPEC §11): a whole number m (month 1 is the first simulated month) or "YYYY-MM", which needs
/// the file's `start` ("2020-04" with `start` "2020-04" is month 1).
package enum CalendarMonth {
  /// The 1-based month a JSON value names, counted from `start`.
  /// - Throws: a message for the field (the caller adds the path) when the value is neither form, when
  ///   "YYYY-MM" is used without `start`, or when the month is before month 1.
  static func month(_ value: JSONValue, start: String?) throws(MonthProblem) -> Int {
    switch value {
    case .number(let x):
      guard x == x.rounded(), abs(x) <= 9_007_199_254_740_991 else {
        throw MonthProblem("expected a whole month number or \"YYYY-MM\", found \(x)")
      }
      guard x >= 1 else { throw MonthProblem("month \(Int(x)) is before month 1, the first simulated month") }
      return Int(Swift.min(x, Double(Int32.max)))
    case .string(let text):
      guard let (year, month) = yearAndMonth(text) else {
        throw MonthProblem("expected a month as \"YYYY-MM\" or a whole month number, found \"\(text)\"")
      }
      guard let start, let (startYear, startMonth) = yearAndMonth(start) else {
        throw MonthProblem(
          "\"\(text)\" needs the file's \"start\" (the calendar month of month 1); give \"start\" or a month number")
      }
      let index = (year - startYear) * 12 + (month - startMonth) + 1
      guard index >= 1 else { throw MonthProblem("\"\(text)\" is before the start, \"\(start)\"") }
      return index
    default:
      throw MonthProblem("expected a month number or \"YYYY-MM\", found \(value.kindDescription)")
    }
  }

  /// (year, month) of "YYYY-MM" with month 1…12, else nil.
  static func yearAndMonth(_ text: String) -> (Int, Int)? {
    let parts = text.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
      parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }),
      let year = Int(parts[0]), let month = Int(parts[1]), year >= 1, (1...12).contains(month)
    else { return nil }
    return (year, month)
  }

  /// The "YYYY-MM" of month m counted from `start` (for labels), or nil without a start.
  package static func label(month m: Int, start: String?) -> String? {
    guard let start, let (year, month) = yearAndMonth(start) else { return nil }
    let index = (year * 12 + (month - 1)) + (m - 1)
    let y = index / 12, mm = index % 12 + 1
    return String(format: "%04d-%02d", y, mm)
  }
}

/// Why a month field could not be read.
struct MonthProblem: Error {
  let message: String
  init(_ message: String) { self.message = message }
}
