import ReserveSimScenario

/// What the inputs imply before any probability: the month-1 budget line by line, as written in the file, and
/// the expected (mean over paths) flows of each year — so that a treasurer can check the inputs first.
public struct Budget: Sendable, Equatable {
  /// One line of the month-1 budget.
  public struct Line: Sendable, Equatable {
    public enum Kind: String, Sendable {
      case income, sponsors, expense, donatedService, oneOff
    }
    public var kind: Kind
    public var name: String
    /// The line's amount in month 1 (income positive, expenses negative; a donated service's value, which costs
    /// nothing while donated, positive).
    public var monthly: Double
    /// A word on the line when it needs one ("from year 3", "3 × 150,000 a year").
    public var note: String?
  }

  /// The month-1 budget, in the file's order: income, sponsor tiers, expenses, one-offs, donated services.
  public var month1: [Line]
  /// Month 1's net cash flow as written: income + sponsors − expenses + one-offs (donated services cost nothing
  /// while donated; events are left out).
  public var month1Net: Double { month1.filter { $0.kind != .donatedService }.reduce(0) { $0 + $1.monthly } }
  /// Month 1's budgeted outgo: the expense lines active in month 1 (SPEC §17's yardstick for "months"); donated
  /// services cost nothing yet and one-offs are left out.
  public var monthlyOutgo: Double { month1.filter { $0.kind == .expense }.reduce(0) { $0 - $1.monthly } }

  public init(_ scenario: Scenario) {
    var lines: [Line] = []
    func note(_ line: MoneyLine) -> String? {
      guard !line.isActive(inYear: 1) else { return nil }
      return "from year \(line.fromYear ?? 1)"
    }
    for line in scenario.income {
      lines.append(
        Line(kind: .income, name: line.name, monthly: line.isActive(inYear: 1) ? line.annual / 12 : 0, note: note(line))
      )
    }
    for tier in scenario.sponsorTiers {
      lines.append(
        Line(
          kind: .sponsors, name: tier.name, monthly: Double(tier.count) * tier.annualAmount / 12,
          note: "\(tier.count) sponsor\(tier.count == 1 ? "" : "s")"))
    }
    for line in scenario.expenses {
      lines.append(
        Line(
          kind: .expense, name: line.name, monthly: line.isActive(inYear: 1) ? -line.annual / 12 : 0, note: note(line)))
    }
    for item in scenario.oneOffs where item.month == 1 {
      lines.append(Line(kind: .oneOff, name: item.name, monthly: item.amount, note: nil))
    }
    for service in scenario.inKindServices {
      lines.append(
        Line(kind: .donatedService, name: service.name, monthly: service.monthlyValue, note: "value if paid"))
    }
    month1 = lines
  }
}
