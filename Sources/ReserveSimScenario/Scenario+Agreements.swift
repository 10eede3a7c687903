/// The donation agreement of an in-kind service (SPEC §12): the donor covers the service until the end of
/// month `ends`; then one draw renews it for `renewalYears` years with probability
/// min(1, renewalProbability × Π agreementRenewalMultiplier of the events active in that month), and the same
/// decision comes again at the end of each new term. Without a renewal the donation ends with month `ends`
/// and the organisation pays from the next month (the notice is taken as given before the end). Only the
/// donation that runs at month 1 has a dated term; a replacement donor's donation has none.
public struct ServiceAgreement: Equatable, Sendable {
  /// The agreement's last covered month, 1-based (may lie past the horizon).
  public var ends: Int
  /// r: the chance that the agreement is renewed at each end.
  public var renewalProbability: Double
  /// k: each renewal covers 12k more months; `nil` when the file gives none, which only an agreement without a
  /// renewal chance may do (the file gives no first term to repeat; `renewalTermProblem`).
  public var renewalYears: Int?
  public init(ends: Int, renewalProbability: Double = 0, renewalYears: Int? = nil) {
    self.ends = ends
    self.renewalProbability = renewalProbability
    self.renewalYears = renewalYears
  }
}

extension ServiceAgreement {
  /// SPEC §12 as ReserveSim reads it: a renewal chance needs its term (no default); reported at `renewalYears`.
  static func renewalTermProblem(renewalProbability r: Double, renewalYears: Int?) -> String? {
    guard r > 0, renewalYears == nil else { return nil }
    return ScenarioFields.agreement.field("renewalYears")?.missingWithSibling
  }
}

/// What a lost service costs once the organisation has adapted (SPEC §13): after it has paid for
/// `afterMonths` months in a row it pays costFraction · value(m) instead of replacementCostFraction · value(m),
/// until the service is donated again; the count starts again from zero after each loss.
public struct ServiceMitigation: Equatable, Sendable {
  /// a: paid months before the cheaper set-up applies.
  public var afterMonths: Int
  /// c₂: the share of value(m) paid from then on.
  public var costFraction: Double
  public init(afterMonths: Int, costFraction: Double) {
    self.afterMonths = afterMonths
    self.costFraction = costFraction
  }
}

/// A single cash flow in one month (SPEC §14): positive is income, negative an expense; not scaled by any
/// factor nor by events.
public struct OneOff: Equatable, Sendable {
  public var name: String
  /// The month it falls in, 1-based (1 … 12 × years).
  public var month: Int
  public var amount: Double
  public init(name: String, month: Int, amount: Double) {
    self.name = name
    self.month = month
    self.amount = amount
  }
}
