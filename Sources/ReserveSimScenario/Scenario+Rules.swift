/// The rules between fields, one function each, called by the decoder (`Scenario+Decoding.swift`,
/// `Scenario+PartII.swift`) and by `ParameterAddress` when it writes a field: one copy of each rule and its message.
extension NumberRange {
  /// Why `x` is not allowed in `field` (this range being the field's, or the narrower one the decoder reads it in),
  /// or `nil` when it is. A number out of range that reads as a percentage (85 for a probability) names the value
  /// that was likely meant; `percentText` is the text a percentage string gave `x` from.
  func problem(with x: Double, for field: ScenarioField, percentText: String? = nil) -> String? {
    guard !contains(x) else { return nil }
    let found = percentText.map { "\(ScenarioError.quoted($0)) (\(JSONValue.format(x)))" } ?? JSONValue.format(x)
    var message = "must be \(self), found \(found)"
    // 85 where a fraction up to 1 belongs was almost surely meant as 85%; so was 20 for a volatility of at
    // most 500%.
    if percentText == nil, field.acceptsPercent, x > 1, contains(x / 100) {
      let shown = JSONValue.format(x)
      message += "; for \(shown)% write \(JSONValue.format(x / 100)) or \"\(shown)%\""
    }
    return message
  }
}

extension MoneyLine {
  /// SPEC §3: a line's `untilYear` is not before its `fromYear`; the problem is reported at `untilYear`.
  static func yearsProblem(from fromYear: Int?, until untilYear: Int?) -> String? {
    guard let fromYear, let untilYear, untilYear < fromYear else { return nil }
    return "must not be before fromYear (\(fromYear)), found \(untilYear)"
  }
}

extension ExpenseCuts {
  /// SPEC §15: the cuts end at a cover of at least the one that starts them; reported at `restoreMonths`.
  static func restoreProblem(below: Double, restore: Double) -> String? {
    guard restore < below else { return nil }
    return "must be at least belowMonths (\(JSONValue.format(below))), found \(JSONValue.format(restore))"
  }
}

extension Scenario {
  /// SPEC §14: a one-off's month lies within the horizon.
  static func horizonProblem(month: Int, horizon: Int) -> String? {
    guard month > horizon else { return nil }
    return "month \(month) is past the horizon (month \(horizon), the last simulated one)"
  }

  /// The rules that tie fields to the horizon, in the decoder's order: one-offs within it, then assertions'
  /// `withinYears` at most `years`.
  func checkHorizonRules() throws {
    for (index, item) in oneOffs.enumerated() {
      if let problem = Self.horizonProblem(month: item.month, horizon: months) {
        throw ScenarioError(
          file: nil, path: JSONPath.root.appending("oneOffs").appending(index).appending("month"), message: problem)
      }
    }
    let field = ScenarioFields.ruinProbabilityAssertion.field("withinYears")!
    for (index, assertion) in assertions.enumerated() where assertion.hasHorizon {
      if let problem = NumberRange.between(1, Double(years)).problem(with: Double(assertion.withinYears), for: field) {
        throw ScenarioError(
          file: nil, path: JSONPath.root.appending("assertions").appending(index).appending("withinYears"),
          message: problem)
      }
    }
  }

  /// SPEC §12: every agreement with a renewal chance gives its term (`ServiceAgreement.renewalTermProblem`).
  func checkRenewalTerms() throws {
    for (index, service) in inKindServices.enumerated() {
      guard let agreement = service.agreement,
        let problem = ServiceAgreement.renewalTermProblem(
          renewalProbability: agreement.renewalProbability, renewalYears: agreement.renewalYears)
      else { continue }
      throw ScenarioError(
        file: nil,
        path: JSONPath.root.appending("inKindServices").appending(index).appending("agreement").appending(
          "renewalYears"), message: problem)
    }
  }

  /// SPEC §2 and §16: each pair of factors once, the matrix positive definite, and for every value the
  /// distributions on `rho` can take.
  func checkCorrelations() throws {
    let path = JSONPath.root.appending("correlations")
    try CorrelationMatrix.validate(correlations, at: path)
    try CorrelationMatrix.validate(
      correlations,
      uncertain: uncertainParameters.filter { $0.lane.kind == .rho }.map { ($0.item, $0.distribution) }, at: path)
  }
}
