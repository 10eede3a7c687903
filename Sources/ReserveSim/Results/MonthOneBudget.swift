import Foundation

/// What the inputs say about month 1 before any random change, line by line: a sanity check to read before the
/// probabilities. Each money line pays annual/12 (when it runs in year 1), a sponsor tier count × annualAmount/12,
/// and each donated service is worth monthlyValue (the organisation pays nothing for it while it is donated).
/// Amounts are in the scenario's currency per month.
public struct MonthOneBudget: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case income, sponsors, expense, donatedService
  }

  public struct Line: Sendable, Equatable {
    public var kind: Kind
    public var name: String
    /// Amount in month 1 (positive for every kind; expenses are money out).
    public var monthly: Double
    /// Sponsors in the tier at the start, and what each pays a year (sponsor lines only).
    public var count: Int?
    public var annualEach: Double?
  }

  public var lines: [Line]

  public init(_ scenario: Scenario) {
    func paid(_ line: MoneyLine) -> Double { line.isActive(inYear: 1) ? line.annual / 12 : 0 }
    lines =
      scenario.income.map { Line(kind: .income, name: $0.name, monthly: paid($0)) }
      + scenario.sponsorTiers.map {
        Line(
          kind: .sponsors, name: $0.name, monthly: RunSummary.finite(Double($0.count) * $0.annualAmount / 12),
          count: $0.count,
          annualEach: $0.annualAmount)
      }
      + scenario.expenses.map { Line(kind: .expense, name: $0.name, monthly: paid($0)) }
      + scenario.inKindServices.map { Line(kind: .donatedService, name: $0.name, monthly: $0.monthlyValue) }
  }

  /// The sum of the lines of one kind (within ±1.8e308).
  public func total(_ kind: Kind) -> Double {
    RunSummary.finite(lines.filter { $0.kind == kind }.reduce(0) { $0 + $1.monthly })
  }

  /// Money in minus money out in month 1: income + sponsors − expenses (donated services cost nothing yet).
  public var net: Double { RunSummary.finite(total(.income) + total(.sponsors) - total(.expense)) }
}

extension RunSummary.YearFlows {
  /// The year's mean net flow: income + sponsor revenue − expenses − service costs (investment returns and
  /// one-off items not included), within ±1.8e308.
  public var net: Double { RunSummary.finite(income + sponsorRevenue - expenses - serviceCosts) }
}
