/// The organisation's own responses to a falling reserve (SPEC §15). Cover is measured in months of outgo:
/// outgo(m) = Σ expenses(m) + Σ service costs(m) (migration costs included), cover(m) = B(m)/outgo(m), +∞ when
/// outgo(m) is 0.
public struct ResponsePolicy: Equatable, Sendable {
  /// k: the board's minimum reserve in months of outgo. Changes no cash flow; results report the share of paths
  /// whose balance fell below k · outgo(m) at some month-end.
  public var minimumMonths: Double?
  public var cuts: ExpenseCuts?
  public var appeal: EmergencyAppeal?
  public init(minimumMonths: Double? = nil, cuts: ExpenseCuts? = nil, appeal: EmergencyAppeal? = nil) {
    self.minimumMonths = minimumMonths
    self.cuts = cuts
    self.appeal = appeal
  }

  /// Whether cash flows depend on the balance (cuts or an appeal), so that the required reserve is searched for
  /// rather than given by SPEC §7's closed formula.
  public var respondsToBalance: Bool { cuts != nil || appeal != nil }
}

/// Spending cuts: when cover(m) < belowMonths at the end of month m, the listed expense lines are multiplied by
/// expenseMultiplier from month m + 1 on, until the first month-end with cover ≥ restoreMonths; they are restored
/// from the month after it.
public struct ExpenseCuts: Equatable, Sendable {
  /// t, in months of outgo.
  public var belowMonths: Double
  /// u ≥ t, in months of outgo (default t).
  public var restoreMonths: Double
  /// f in [0, 1].
  public var expenseMultiplier: Double
  /// The expense lines cut, by name; nil for all of them.
  public var lines: [String]?
  public init(belowMonths: Double, restoreMonths: Double? = nil, expenseMultiplier: Double, lines: [String]? = nil) {
    self.belowMonths = belowMonths
    self.restoreMonths = restoreMonths ?? belowMonths
    self.expenseMultiplier = expenseMultiplier
    self.lines = lines
  }
}

/// An emergency appeal: when cover(m) < belowMonths at the end of month m and no appeal was made in months
/// m − cooldownMonths + 1 … m, an appeal is made in month m; with `probability` (one draw) it raises amount ×
/// level_donations(m + 1) in month m + 1 (amount at month-1 prices). With `maxAppeals` n, no appeal is made once n
/// have been made on the path (SPEC §19).
public struct EmergencyAppeal: Equatable, Sendable {
  /// t, in months of outgo.
  public var belowMonths: Double
  /// A, at month-1 prices.
  public var amount: Double
  /// p (default 1).
  public var probability: Double
  /// w ≥ 1 (default 12).
  public var cooldownMonths: Int
  /// n ≥ 0: at most n appeals over the horizon; nil for no limit (SPEC §19).
  public var maxAppeals: Int?
  public init(
    belowMonths: Double, amount: Double, probability: Double = 1, cooldownMonths: Int = 12, maxAppeals: Int? = nil
  ) {
    self.belowMonths = belowMonths
    self.amount = amount
    self.probability = probability
    self.cooldownMonths = cooldownMonths
    self.maxAppeals = maxAppeals
  }
}
