import Foundation
import ReserveSimScenario

/// A scenario turned into the per-month tables the path kernel reads (no files, no formats).
///
/// Deterministic parts of the model are folded ahead of time: a money line contributes
/// annual/12 · (1 + g)^((m−1)/12) in the months of its active years, grouped by the factor it rides on,
/// so that income(m) = [c₀(m) + Σ_f c_f(m)·level_f(m)] · Π incomeMultiplier and likewise for expenses.
package struct SimulationPlan: Sendable {
  public let years: Int
  public let months: Int

  // Factors (SPEC §2), indexed by `Factor.index`.
  /// Monthly drift ln(1 + annualGrowth)/12.
  public let factorDrift: [Double]
  /// Monthly shock standard deviation annualVolatility/√12.
  public let factorShockSD: [Double]
  /// Lower-triangular Cholesky factor of the shock correlation matrix, row-major 4×4.
  public let choleskyFactor: [Double]
  /// Whether any factor has a random shock (otherwise no normals are drawn).
  public let hasShocks: Bool
  /// Whether factor f moves at all (drift or shock); a still factor is the constant 1.
  public let factorMoves: [Bool]

  /// The factors the correlation mixes: the least range of factor indices holding every factor correlated with
  /// another (empty when none is). Outside it L's rows and columns are those of the identity, so ε_f = z_f.
  public let correlatedFactors: Range<Int>
  /// L restricted to `correlatedFactors`, row-major (k × k for a range of k factors).
  public let correlatedCholeskyFactor: [Double]
  /// Whether the kernel needs level_f(m) = exp(X_f(m)) of factor f (a money line or a fixed service uses it).
  public let needsFactorLevel: [Bool]
  /// Whether the kernel needs level_traffic(m)·level_unitCost(m) (a traffic-scaled service exists and moves).
  public let needsTrafficCost: Bool

  // Money lines (SPEC §3): month-major tables, index (m−1).
  public let incomeFixed: [Double]
  /// incomeByFactor[f][m−1]
  public let incomeByFactor: [[Double]]
  public let expensesFixed: [Double]
  /// The one-off items of each month, summed (SPEC §14), index (m−1).
  public let oneOff: [Double]
  /// The part of `expensesFixed` and of `expensesByFactor` in the expense lines the policy's cuts apply to.
  public let cutFixed: [Double]
  public let cutByFactor: [[Double]]

  // The organisation's responses (SPEC §15).
  /// Whether the file has a policy (then the month runs the policy passes and tracks outgo).
  public let hasPolicy: Bool
  /// Whether cash flows depend on the balance (cuts or an appeal): the required reserve is then searched for.
  public let respondsToBalance: Bool
  /// k, the board's minimum in months of outgo, or nil.
  public let minimumMonths: Double?
  public let cutBelow: Double, cutRestore: Double, cutMultiplier: Double
  public let appealBelow: Double, appealAmount: Double, appealProbability: Double, appealCooldown: Int
  /// The most appeals a path makes over the horizon (SPEC §19): `maxAppeals`, or `Int32.max` (no limit) when the
  /// file sets none — a bound no path reaches, so a file without it runs the same numbers.
  public let appealLimit: Int
  public let expensesByFactor: [[Double]]
  /// Factors that carry at least one income line / expense line.
  public let incomeFactors: [Int]
  public let expenseFactors: [Int]

  // Sponsors (SPEC §4).
  public let tierMonthlyAmount: [Double]
  public let tierInitialCount: [Int]
  public let tierRenewalProbability: [Double]
  public let tierNewPerYear: [Double]
  /// The year-end transitions of each tier's count under each set of active events, tabulated.
  public let sponsorTransitions: SponsorTransitionTables

  // Services (SPEC §5).
  public let serviceMonthlyValue: [Double]
  public let serviceScalesWithTraffic: [Bool]
  /// h = 1 − (1 − p)^(1/12)
  public let serviceMonthlyHazard: [Double]
  public let serviceNoticeMonths: [Int]
  public let serviceCostFraction: [Double]
  /// −ln(1 − h): the hazard a month adds to the service's exponential loss clock (+∞ when h = 1).
  public let serviceMonthlyLogHazard: [Double]
  /// ln(1 − (1 − (1 − q)^(1/12))) = ln(1 − q)/12, for geometric waits until a replacement donor.
  public let serviceLogNoReplacement: [Double]
  /// The month-1 agreement's last month (0 when none), its renewal probability and the months 12k a renewal adds
  /// (SPEC §12).
  public let serviceAgreementEnd: [Int]
  public let serviceAgreementRenewal: [Double]
  public let serviceRenewalMonths: [Int]
  /// migrationCost, paid × the value's scale in the first paid month after a loss (SPEC §13).
  public let serviceMigrationCost: [Double]
  /// Paid months before the mitigation applies (`Int32.max` when none), and mitigated cost c₂ · monthlyValue.
  public let serviceMitigationAfter: [Int]
  public let serviceMitigatedCost: [Double]
  /// Whether service s takes the kernel's general pass: a field beyond the plain pass's
  /// (`plainServiceFields`) is away from its default (SPEC §12–§13, and any field added to the table since), or the
  /// file has a policy (the general pass adds the service's costs to the month's outgo).
  public let serviceIsDated: [Bool]
  /// The file's services as decoded: the kernel's plan (`MonthPasses`) reads a per-service number that needs no
  /// preparation straight from them (`plan.services.map(\.migrationCost)`).
  public let services: [InKindService]
  /// The fields of a service that SPEC §5's plain pass handles on its own.
  static let plainServiceFields: Set<String> = [
    "name", "monthlyValue", "scaling", "annualLossProbability", "noticeMonths", "replacementCostFraction",
    "annualReplacementProbability",
  ]

  // Events (SPEC §6).
  public let eventDuration: [Int]
  public let eventIncomeMultiplier: [Double]
  public let eventRenewalMultiplier: [Double]
  public let eventNewSponsorMultiplier: [Double]
  public let eventLossMultiplier: [Double]
  public let eventAgreementMultiplier: [Double]
  /// ln(1 − start probability) = ln(1 − annualProbability)/12, for geometric waits until a start.
  public let eventLogNoStart: [Double]

  // Sets of active events, as bitmasks (bit k set while event kind k is active), tabulated when there are at
  // most `maximumTabulatedEvents` kinds; with more, the kernel multiplies per lane and these are empty.
  /// Most event kinds whose active sets are tabulated: 2⁶ = 64 sets.
  public static let maximumTabulatedEvents = 6
  /// 2^events when the active sets are tabulated, else 0.
  public let eventSetCount: Int
  /// Π incomeMultiplier over the set's events, multiplied in event order from 1 (as the per-lane code does).
  public let eventSetIncomeMultiplier: [Double]
  /// Π sponsorRenewalMultiplier over the set's events.
  public let eventSetRenewalMultiplier: [Double]
  /// Π newSponsorMultiplier over the set's events.
  public let eventSetNewSponsorMultiplier: [Double]
  /// Π serviceLossMultiplier over the set's events.
  public let eventSetLossMultiplier: [Double]
  /// Π agreementRenewalMultiplier over the set's events.
  public let eventSetAgreementMultiplier: [Double]
  /// [s · eventSetCount + set]: the hazard a donated month adds to service s's loss clock while the set is
  /// active, −ln(1 − min(1, h·Π serviceLossMultiplier)) (−ln(1 − h) when the product is 1).
  public let eventSetServiceAddedHazard: [Double]

  // Reserve (SPEC §7).
  public let initialReserve: Double
  public let floor: Double
  /// (1 + r)^(1/12)
  public let monthlyGrowth: Double
  /// 1/D(m) = (1 + r)^(−m/12), index (m−1).
  public let discount: [Double]
  /// floor/D(m), index (m−1).
  public let discountedFloor: [Double]

  /// The scenario, when it has parameters that differ between paths (SPEC §16): `LaneParameters` draws them.
  public let uncertainScenario: Scenario?

  public init(_ scenario: Scenario) {
    let months = scenario.months
    uncertainScenario = scenario.uncertainParameters.isEmpty ? nil : scenario
    let uncertain = Set(scenario.uncertainParameters.map(\.lane))
    let uncertainKinds = Set(uncertain.map(\.kind))
    self.years = scenario.years
    self.months = months
    let factorCount = Factor.allCases.count

    var drift = [Double](repeating: 0, count: factorCount)
    var shock = [Double](repeating: 0, count: factorCount)
    for (factor, dynamics) in scenario.factors {
      drift[factor.index] = Foundation.log1p(dynamics.annualGrowth) / 12
      shock[factor.index] = dynamics.annualVolatility / 12.0.squareRoot()
    }
    factorDrift = drift
    factorShockSD = shock
    choleskyFactor = CorrelationMatrix.choleskyFactor(scenario.correlations)!
    // A factor whose growth or volatility differs between paths moves (and has shocks) in every path; where a
    // path's values are 0 it still adds exactly 0.
    let uncertainVolatility = Factor.allCases.map { uncertain.contains(LaneParameter(.factorVolatility, $0.index)) }
    let uncertainFactor = Factor.allCases.map {
      uncertain.contains(LaneParameter(.factorGrowth, $0.index)) || uncertainVolatility[$0.index]
    }
    hasShocks = shock.contains { $0 > 0 } || uncertainVolatility.contains(true)
    let moves = (0..<factorCount).map { drift[$0] != 0 || shock[$0] > 0 || uncertainFactor[$0] }
    factorMoves = moves
    let l = choleskyFactor
    // A pair whose rho differs between paths (SPEC §16) is mixed per lane even where its centre is 0.
    let uncertainPairs = scenario.uncertainParameters.filter { $0.lane.kind == .rho }.map {
      scenario.correlations[$0.item]
    }
    let correlated = (0..<factorCount).filter { f in
      (0..<factorCount).contains { g in g != f && (l[f * factorCount + g] != 0 || l[g * factorCount + f] != 0) }
        || uncertainPairs.contains { $0.first.index == f || $0.second.index == f }
    }
    let range = correlated.isEmpty ? 0..<0 : correlated.min()!..<(correlated.max()! + 1)
    correlatedFactors = range
    correlatedCholeskyFactor = range.flatMap { f in range.map { g in l[f * factorCount + g] } }

    func tables(_ lines: [MoneyLine]) -> (fixed: [Double], byFactor: [[Double]]) {
      var fixed = [Double](repeating: 0, count: months)
      var byFactor = [[Double]](repeating: [Double](repeating: 0, count: months), count: factorCount)
      for line in lines {
        for m in 1...months where line.isActive(inYear: (m - 1) / 12 + 1) {
          let amount = line.annual / 12 * Foundation.pow(1 + line.annualGrowth, Double(m - 1) / 12)
          if let factor = line.factor {
            byFactor[factor.index][m - 1] += amount
          } else {
            fixed[m - 1] += amount
          }
        }
      }
      return (fixed, byFactor)
    }
    (incomeFixed, incomeByFactor) = tables(scenario.income)
    (expensesFixed, expensesByFactor) = tables(scenario.expenses)
    let policy = scenario.policy
    let cutLines = policy?.cuts.map { cuts in scenario.expenses.filter { cuts.lines?.contains($0.name) ?? true } } ?? []
    (cutFixed, cutByFactor) = tables(cutLines)
    hasPolicy = policy != nil
    respondsToBalance = policy?.respondsToBalance ?? false
    minimumMonths = policy?.minimumMonths
    cutBelow = policy?.cuts?.belowMonths ?? -.infinity
    cutRestore = policy?.cuts?.restoreMonths ?? -.infinity
    cutMultiplier = policy?.cuts?.expenseMultiplier ?? 1
    appealBelow = policy?.appeal?.belowMonths ?? -.infinity
    appealAmount = policy?.appeal?.amount ?? 0
    appealProbability = policy?.appeal?.probability ?? 0
    appealCooldown = policy?.appeal?.cooldownMonths ?? 12
    appealLimit = min(policy?.appeal?.maxAppeals ?? Int(Int32.max), Int(Int32.max))
    var oneOff = [Double](repeating: 0, count: months)
    for item in scenario.oneOffs where (1...months).contains(item.month) { oneOff[item.month - 1] += item.amount }
    self.oneOff = oneOff
    incomeFactors = Set(scenario.income.compactMap { $0.factor?.index }).sorted()
    expenseFactors = Set(scenario.expenses.compactMap { $0.factor?.index }).sorted()

    var needsLevel = [Bool](repeating: false, count: factorCount)
    for line in scenario.income + scenario.expenses { if let factor = line.factor { needsLevel[factor.index] = true } }
    if scenario.inKindServices.contains(where: { $0.scaling == .fixed }) { needsLevel[Factor.inflation.index] = true }
    needsFactorLevel = (0..<factorCount).map { needsLevel[$0] && moves[$0] }
    needsTrafficCost =
      scenario.inKindServices.contains { $0.scaling == .traffic }
      && (moves[Factor.traffic.index] || moves[Factor.unitCost.index])

    tierMonthlyAmount = scenario.sponsorTiers.map { $0.annualAmount / 12 }
    tierInitialCount = scenario.sponsorTiers.map(\.count)
    tierRenewalProbability = scenario.sponsorTiers.map(\.renewalProbability)
    tierNewPerYear = scenario.sponsorTiers.map(\.newPerYear)

    serviceMonthlyValue = scenario.inKindServices.map(\.monthlyValue)
    serviceScalesWithTraffic = scenario.inKindServices.map { $0.scaling == .traffic }
    let hazards = scenario.inKindServices.map { Self.serviceHazard(annual: $0.annualLossProbability) }
    serviceMonthlyHazard = hazards.map(\.monthly)
    serviceNoticeMonths = scenario.inKindServices.map(\.noticeMonths)
    serviceCostFraction = scenario.inKindServices.map(\.replacementCostFraction)

    serviceMonthlyLogHazard = hazards.map(\.log)
    serviceLogNoReplacement = scenario.inKindServices.map { Foundation.log1p(-$0.annualReplacementProbability) / 12 }
    // An end past the horizon is never reached: kept at M + 1 so that the kernel's 32-bit months cannot overflow.
    serviceAgreementEnd = scenario.inKindServices.map { $0.agreement.map { Swift.min($0.ends, months + 1) } ?? 0 }
    serviceAgreementRenewal = scenario.inKindServices.map { $0.agreement?.renewalProbability ?? 0 }
    serviceRenewalMonths = scenario.inKindServices.map { 12 * ($0.agreement?.renewalYears ?? 1) }
    serviceMigrationCost = scenario.inKindServices.map(\.migrationCost)
    serviceMitigationAfter = scenario.inKindServices.map { $0.mitigation?.afterMonths ?? Int(Int32.max) }
    serviceMitigatedCost = scenario.inKindServices.map { ($0.mitigation?.costFraction ?? 0) * $0.monthlyValue }
    services = scenario.inKindServices
    serviceIsDated = Self.servicesAreDated(scenario)

    eventLogNoStart = scenario.events.map { Foundation.log1p(-$0.annualProbability) / 12 }
    eventDuration = scenario.events.map(\.durationMonths)
    eventIncomeMultiplier = scenario.events.map(\.incomeMultiplier)
    eventRenewalMultiplier = scenario.events.map(\.sponsorRenewalMultiplier)
    eventNewSponsorMultiplier = scenario.events.map(\.newSponsorMultiplier)
    eventLossMultiplier = scenario.events.map(\.serviceLossMultiplier)
    eventAgreementMultiplier = scenario.events.map(\.agreementRenewalMultiplier)

    // Multipliers that differ between paths are multiplied per lane, as with more than six kinds.
    let uncertainMultiplier = !uncertainKinds.isDisjoint(with: [
      .eventIncome, .eventRenewal, .eventNewSponsor, .eventLoss, .eventAgreement,
    ])
    let eventSets =
      scenario.events.count <= Self.maximumTabulatedEvents && !uncertainMultiplier ? 1 << scenario.events.count : 0
    eventSetCount = eventSets
    func product(_ multipliers: [Double]) -> [Double] {
      (0..<eventSets).map { set in
        var product = 1.0
        for k in multipliers.indices where set & (1 << k) != 0 { product *= multipliers[k] }
        return product
      }
    }
    eventSetIncomeMultiplier = product(eventIncomeMultiplier)
    eventSetRenewalMultiplier = product(eventRenewalMultiplier)
    eventSetNewSponsorMultiplier = product(eventNewSponsorMultiplier)
    let lossMultiplier = product(eventLossMultiplier)
    eventSetLossMultiplier = lossMultiplier
    eventSetAgreementMultiplier = product(eventAgreementMultiplier)
    // A tier whose rates differ between paths is not tabulated (an arrival mean of +∞ leaves its rows empty): every
    // lane's year end takes the exact samplers at the lane's own rates.
    let newPerYear = scenario.sponsorTiers.map(\.newPerYear)
    let tabulatedNewPerYear = newPerYear.indices.map { t in
      uncertain.contains(LaneParameter(.tierRenewal, t)) || uncertain.contains(LaneParameter(.tierNewPerYear, t))
        ? Double.infinity : newPerYear[t]
    }
    sponsorTransitions = SponsorTransitionTables.reused(
      renewalProbability: tierRenewalProbability, newPerYear: tabulatedNewPerYear,
      setRenewalMultiplier: eventSets > 0 ? eventSetRenewalMultiplier : [1],
      setNewSponsorMultiplier: eventSets > 0 ? eventSetNewSponsorMultiplier : [1])
    eventSetServiceAddedHazard = hazards.flatMap { terms in
      lossMultiplier.map { Self.addedHazard(terms, multiplier: $0) }
    }

    initialReserve = scenario.reserve.initial
    floor = scenario.reserve.floor
    let r = scenario.reserve.annualReturn
    monthlyGrowth = Foundation.pow(1 + r, 1.0 / 12)
    discount = (1...months).map { Foundation.pow(1 + r, -Double($0) / 12) }
    discountedFloor = discount.map { scenario.reserve.floor * $0 }
  }

  /// `serviceIsDated` of `scenario`, without building a plan.
  static func servicesAreDated(_ scenario: Scenario) -> [Bool] {
    let generalFields = (ScenarioFields.fields(of: ScenarioFields.inKindServiceDefinition) ?? []).filter {
      !plainServiceFields.contains($0.key)
    }
    return scenario.inKindServices.map { service in
      scenario.policy != nil || generalFields.contains { !isAtDefault($0, in: service) }
    }
  }

  /// Whether `field` of `service` is at its default: an optional object left out, a number equal to its default.
  static func isAtDefault(_ field: ScenarioField, in service: InKindService) -> Bool {
    guard let model = field.model, let value = model.read(service) else { return true }
    guard model.isNumber else { return model.kind == .text }
    guard case .number(let fallback)? = field.defaultValue else { return false }
    switch value {
    case let x as Double: return x == fallback
    case let n as Int: return Double(n) == fallback
    default: return false
    }
  }

  /// A service's monthly loss probability h = 1 − (1 − p)^(1/12) for annual probability p, and −ln(1 − h), the
  /// hazard a donated month adds to its loss clock (+∞ when h = 1).
  public static func serviceHazard(annual p: Double) -> (monthly: Double, log: Double) {
    let h = monthlyProbability(annual: p)
    return (h, -Foundation.log1p(-h))
  }

  /// The hazard a donated month adds while events multiply the loss probability by `multiplier`:
  /// −ln(1 − min(1, h·multiplier)), exactly −ln(1 − h) when the multiplier is 1.
  public static func addedHazard(_ terms: (monthly: Double, log: Double), multiplier: Double) -> Double {
    multiplier == 1 ? terms.log : -Foundation.log1p(-Swift.min(1, terms.monthly * multiplier))
  }

  /// 1 − (1 − p)^(1/12): the monthly probability equivalent to an annual probability p.
  public static func monthlyProbability(annual p: Double) -> Double {
    if p >= 1 { return 1 }
    if p <= 0 { return 0 }
    return -Foundation.expm1(Foundation.log1p(-p) / 12)
  }
}
