/// Decoding of SPEC Part II's fields: calendar months (§11), dated agreements (§12), what a loss costs over
/// time (§13), one-off items (§14) and the organisation's responses (§15).
extension Scenario {
  /// A month field (SPEC §11) at `path`, as a 1-based month; `horizon` set when months past M are an error.
  static func month(_ value: JSONValue, at path: JSONPath, start: String?, horizon: Int? = nil) throws -> Int {
    // Beyond 2⁵³ doubles skip whole numbers: such a month cannot be read exactly.
    if case .number(let x) = value, abs(x) > ScenarioFields.largestWholeNumber {
      throw ScenarioError(
        file: nil, path: path, message: "must be at most 9007199254740991 (2⁵³ − 1), found \(JSONValue.format(x))")
    }
    let month: Int
    do {
      month = try CalendarMonth.month(value, start: start)
    } catch {
      throw ScenarioError(file: nil, path: path, message: error.message)
    }
    if let horizon, let problem = horizonProblem(month: month, horizon: horizon) {
      throw ScenarioError(file: nil, path: path, message: problem)
    }
    return month
  }

  /// `agreement` of an in-kind service (SPEC §12).
  static func agreement(_ value: JSONValue, at path: JSONPath, start: String?) throws -> ServiceAgreement {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.agreement)
    var agreement = ServiceAgreement(ends: 0)
    try reader.decode(into: &agreement) { reader, agreement, key in
      guard key == "ends" else { return false }
      guard let ends = reader.value("ends") else {
        throw reader.error("ends", "is required (the agreement's last covered month, a number or \"YYYY-MM\")")
      }
      agreement.ends = try month(ends, at: path.appending("ends"), start: start)
      return true
    }
    try reader.rejectUnknownKeys()
    return agreement
  }

  /// `mitigation` of an in-kind service (SPEC §13).
  static func mitigation(_ value: JSONValue, at path: JSONPath) throws -> ServiceMitigation {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.mitigation)
    guard reader.has("afterMonths") else {
      throw reader.error("afterMonths", "is required (the paid months before the cheaper cost applies)")
    }
    guard reader.has("costFraction") else {
      throw reader.error("costFraction", "is required (the share of the service's value paid from then on)")
    }
    var mitigation = ServiceMitigation(afterMonths: 0, costFraction: 0)
    try reader.decode(into: &mitigation)
    try reader.rejectUnknownKeys()
    return mitigation
  }

  /// One item of `oneOffs` (SPEC §14).
  static func oneOff(_ value: JSONValue, at path: JSONPath, start: String?, horizon: Int) throws -> OneOff {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.oneOff)
    let name = try reader.requiredString("name")
    guard let monthValue = reader.value("month") else {
      throw reader.error("month", "is required (a month number or \"YYYY-MM\")")
    }
    guard reader.has("amount") else {
      throw reader.error("amount", "is required (positive for income, negative for an expense)")
    }
    var item = OneOff(name: name, month: 0, amount: 0)
    try reader.decode(into: &item) { reader, item, key in
      switch key {
      case "name": break  // read above, so that a missing name is reported first
      case "month": item.month = try month(monthValue, at: path.appending("month"), start: start, horizon: horizon)
      default: return false
      }
      return true
    }
    try reader.rejectUnknownKeys()
    return item
  }

  /// `policy` (SPEC §15); `expenseLines` are the file's expense line names, which `cuts.lines` must name.
  static func policy(_ value: JSONValue, at path: JSONPath, expenseLines: [String]) throws -> ResponsePolicy {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.policy)
    var policy = ResponsePolicy()
    try reader.decode(into: &policy) { reader, policy, key in
      switch key {
      case "cuts":
        policy.cuts = try reader.value("cuts").map {
          try Self.cuts($0, at: path.appending("cuts"), expenseLines: expenseLines)
        }
      case "appeal":
        policy.appeal = try reader.value("appeal").map { try Self.appeal($0, at: path.appending("appeal")) }
      default: return false
      }
      return true
    }
    try reader.rejectUnknownKeys()
    return policy
  }

  private static func cuts(_ value: JSONValue, at path: JSONPath, expenseLines: [String]) throws -> ExpenseCuts {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.cuts)
    guard reader.has("belowMonths") else {
      throw reader.error("belowMonths", "is required (the cover, in months of outgo, under which cuts start)")
    }
    guard reader.has("expenseMultiplier") else {
      throw reader.error("expenseMultiplier", "is required (what the cut lines are multiplied by, in [0, 1])")
    }
    var cuts = ExpenseCuts(belowMonths: 0, expenseMultiplier: 1)
    try reader.decode(into: &cuts) { reader, cuts, key in
      switch key {
      case "restoreMonths":
        cuts.restoreMonths = try reader.number("restoreMonths") ?? cuts.belowMonths
        if let problem = ExpenseCuts.restoreProblem(below: cuts.belowMonths, restore: cuts.restoreMonths) {
          throw reader.error("restoreMonths", problem)
        }
      case "lines":
        cuts.lines = try lines(reader.array("lines"), at: path.appending("lines"), expenseLines: expenseLines)
      default: return false
      }
      return true
    }
    try reader.rejectUnknownKeys()
    return cuts
  }

  /// `cuts.lines`: names of expense lines of the file.
  private static func lines(_ items: [JSONValue]?, at path: JSONPath, expenseLines: [String]) throws -> [String]? {
    try items.map { items in
      try items.enumerated().map { index, item in
        let itemPath = path.appending(index)
        guard case .string(let name) = item else {
          throw ScenarioError(
            file: nil, path: itemPath, message: "expected an expense line's name, found \(item.kindDescription)")
        }
        guard expenseLines.contains(name) else {
          var message = "names no expense line: \"\(shortened(name))\""
          if let guess = closestMatch(to: name, among: expenseLines) { message += " (did you mean \"\(guess)\"?)" }
          message +=
            expenseLines.isEmpty
            ? "; the file has no expense lines" : "; expense lines: " + expenseLines.joined(separator: ", ")
          throw ScenarioError(file: nil, path: itemPath, message: message)
        }
        return name
      }
    }
  }

  private static func appeal(_ value: JSONValue, at path: JSONPath) throws -> EmergencyAppeal {
    var reader = try ObjectReader(value, at: path, as: ScenarioFields.appeal)
    guard reader.has("belowMonths") else {
      throw reader.error("belowMonths", "is required (the cover, in months of outgo, under which to appeal)")
    }
    guard reader.has("amount") else {
      throw reader.error("amount", "is required (what an answered appeal raises, at month-1 prices)")
    }
    var appeal = EmergencyAppeal(belowMonths: 0, amount: 0)
    try reader.decode(into: &appeal)
    try reader.rejectUnknownKeys()
    return appeal
  }
}
