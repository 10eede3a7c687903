/// A validated scenario: everything the engine needs, in the units of SPEC.md.
///
/// Amounts are in the file's `currency`; rates and probabilities are fractions (0.05 = 5%).
/// Build one with `ScenarioLoader` (from a file) or `Scenario(json:)` (from a composed document);
/// both validate every field, so an instance always describes a model the engine can run.
public struct Scenario: Equatable, Sendable {
  public var name: String
  public var description: String?
  public var sources: [String]
  /// ISO 4217 code used to format money (default "USD").
  public var currency: String
  /// Calendar month of month 1, "YYYY-MM" (labels only).
  public var start: String?
  /// Horizon in years, 1…100; the simulation has 12 × `years` monthly steps.
  public var years: Int
  public var simulation: SimulationSettings
  public var reserve: ReservePolicy
  public var factors: [Factor: FactorDynamics]
  public var correlations: [Correlation]
  public var income: [MoneyLine]
  public var expenses: [MoneyLine]
  public var sponsorTiers: [SponsorTier]
  public var inKindServices: [InKindService]
  public var events: [EventKind]
  public var assertions: [Assertion]
  /// Single cash flows in given months (SPEC §14).
  public var oneOffs: [OneOff] = []
  /// The organisation's own responses (SPEC §15), if any.
  public var policy: ResponsePolicy? = nil
  /// The parameters written as distributions (SPEC §16), top-level keys in alphabetical order and list items in
  /// order; the fields above hold their centres (a range's median).
  public var uncertainParameters: [UncertainParameter] = []
  /// What was noticed while the file was read (its `warnings`); not part of the model.
  var notes = ReadingNotes()

  /// Number of monthly steps, M = 12 × years.
  public var months: Int { 12 * years }
}

/// How many paths to simulate and from which seed (SPEC §8).
public struct SimulationSettings: Equatable, Sendable {
  public static let defaultPaths = 10_000
  public static let defaultSeed: UInt64 = 1
  public var paths: Int
  public var seed: UInt64
  /// Estimates drawn per group of paths (SPEC §22); nil: per path (SPEC §16).
  public var nested: NestedDraws?
  public init(paths: Int = defaultPaths, seed: UInt64 = defaultSeed, nested: NestedDraws? = nil) {
    self.paths = paths
    self.seed = seed
    self.nested = nested
  }

  /// Paths per group of shared estimates: `nested.inner`, or 1 when each path draws its own.
  public var pathsPerDraw: Int { nested?.inner ?? 1 }
}

/// Estimates drawn once per group of `inner` consecutive paths (SPEC §22): group j = ⌊i / inner⌋ draws every
/// estimate written as a distribution at counter (j, 0, 0x07000000, key), so its paths share one set θ_j, and the
/// spread of the groups' answers is the spread that the estimates cause.
public struct NestedDraws: Equatable, Sendable {
  /// The least paths in a group.
  public static let minimumInner = 100
  /// The least groups in a run.
  public static let minimumGroups = 20
  /// Paths per group, n ≥ 100.
  public var inner: Int
  public init(inner: Int) { self.inner = inner }

  /// Why `paths` paths cannot form groups of `inner` (not a multiple, or fewer than 20 groups); nil when they can.
  public func problem(paths: Int) -> String? {
    if paths % inner != 0 {
      return "the path count \(paths) is not a multiple of the \(inner) paths per group (nested.inner)"
    }
    if paths / inner < Self.minimumGroups {
      return "\(paths) paths make \(paths / inner) groups of \(inner); nested draws need at least "
        + "\(Self.minimumGroups) groups (\(Self.minimumGroups * inner) paths)"
    }
    return nil
  }
}

/// The cash reserve (SPEC §7): starting balance B₀, the floor it must not fall below, and the
/// annual return r applied monthly as (1 + r)^(1/12) to any sign of balance.
public struct ReservePolicy: Equatable, Sendable {
  public var initial: Double
  public var floor: Double
  public var annualReturn: Double
  public init(initial: Double = 0, floor: Double = 0, annualReturn: Double = 0) {
    self.initial = initial
    self.floor = floor
    self.annualReturn = annualReturn
  }
}

/// The named random drivers of SPEC §2. An absent factor is the constant 1.
public enum Factor: String, CaseIterable, Sendable, Comparable {
  case traffic, unitCost, donations, inflation

  /// Position in the engine's factor vector (the order of `allCases`).
  public var index: Int {
    switch self {
    case .traffic: return 0
    case .unitCost: return 1
    case .donations: return 2
    case .inflation: return 3
    }
  }

  public static func < (a: Factor, b: Factor) -> Bool { a.index < b.index }
}

/// A factor's monthly log random walk: drift ln(1 + annualGrowth)/12 and shock sd annualVolatility/√12.
public struct FactorDynamics: Equatable, Sendable {
  public var annualGrowth: Double
  public var annualVolatility: Double
  public init(annualGrowth: Double = 0, annualVolatility: Double = 0) {
    self.annualGrowth = annualGrowth
    self.annualVolatility = annualVolatility
  }
}

/// Correlation ρ between the monthly shocks of two factors; pairs not listed are uncorrelated.
public struct Correlation: Equatable, Sendable {
  public var first: Factor
  public var second: Factor
  public var rho: Double
  public init(first: Factor, second: Factor, rho: Double) {
    self.first = first
    self.second = second
    self.rho = rho
  }
}

/// An income or expense line (SPEC §3):
/// line(m) = annual/12 · (1 + annualGrowth)^((m−1)/12) · level_factor(m), zero outside fromYear…untilYear.
public struct MoneyLine: Equatable, Sendable {
  public var name: String
  /// Amount per year at month 1.
  public var annual: Double
  public var annualGrowth: Double
  public var factor: Factor?
  /// First year (1-based, inclusive) the line is paid; `nil` means from year 1.
  public var fromYear: Int?
  /// Last year (1-based, inclusive) the line is paid; `nil` means to the horizon.
  public var untilYear: Int?
  public init(
    name: String, annual: Double, annualGrowth: Double = 0, factor: Factor? = nil,
    fromYear: Int? = nil, untilYear: Int? = nil
  ) {
    self.name = name
    self.annual = annual
    self.annualGrowth = annualGrowth
    self.factor = factor
    self.fromYear = fromYear
    self.untilYear = untilYear
  }

  /// Whether the line pays in year `year` (1-based).
  public func isActive(inYear year: Int) -> Bool {
    year >= (fromYear ?? 1) && year <= (untilYear ?? Int.max)
  }
}

/// A sponsorship tier (SPEC §4): each sponsor pays annualAmount/12 a month; at each year end each renews
/// with probability renewalProbability (times event multipliers) and Poisson(newPerYear) new ones join.
public struct SponsorTier: Equatable, Sendable {
  public var name: String
  /// Per sponsor per year.
  public var annualAmount: Double
  /// Sponsors at the start.
  public var count: Int
  public var renewalProbability: Double
  /// Mean number of new sponsors joining at each year end.
  public var newPerYear: Double
  public init(name: String, annualAmount: Double, count: Int, renewalProbability: Double = 1, newPerYear: Double = 0) {
    self.name = name
    self.annualAmount = annualAmount
    self.count = count
    self.renewalProbability = renewalProbability
    self.newPerYear = newPerYear
  }
}

/// How the cash value of an in-kind service moves (SPEC §5).
public enum ServiceScaling: String, Sendable, CaseIterable {
  /// value(m) = monthlyValue · level_traffic(m) · level_unitCost(m)
  case traffic
  /// value(m) = monthlyValue · level_inflation(m)
  case fixed
}

/// A donated service that can be lost (SPEC §5).
public struct InKindService: Equatable, Sendable {
  public var name: String
  /// What it would cost to pay for it in month 1.
  public var monthlyValue: Double
  public var scaling: ServiceScaling
  /// p: chance per year that the donor ends the donation; monthly hazard h = 1 − (1 − p)^(1/12).
  public var annualLossProbability: Double
  /// n: after a loss in month m the donor still covers months m … m+n.
  public var noticeMonths: Int
  /// c: share of value(m) the organisation pays once the donation is gone.
  public var replacementCostFraction: Double
  /// q: chance per year that a new donor takes the service over while the organisation pays.
  public var annualReplacementProbability: Double
  /// The dated agreement of the donation that runs at month 1, if any (SPEC §12).
  public var agreement: ServiceAgreement? = nil
  /// A one-off amount at month-1 prices, scaled like the service's value, paid in the first paid month after
  /// each loss (SPEC §13).
  public var migrationCost: Double = 0
  /// The cheaper cost after a number of paid months (SPEC §13), if any.
  public var mitigation: ServiceMitigation? = nil
  public init(
    name: String, monthlyValue: Double, scaling: ServiceScaling = .fixed, annualLossProbability: Double,
    noticeMonths: Int = 0, replacementCostFraction: Double = 1, annualReplacementProbability: Double = 0
  ) {
    self.name = name
    self.monthlyValue = monthlyValue
    self.scaling = scaling
    self.annualLossProbability = annualLossProbability
    self.noticeMonths = noticeMonths
    self.replacementCostFraction = replacementCostFraction
    self.annualReplacementProbability = annualReplacementProbability
  }
}

/// A kind of shock (SPEC §6): starts with monthly probability 1 − (1 − annualProbability)^(1/12) when not
/// active, then stays active durationMonths months (the starting month included); multipliers apply while active.
public struct EventKind: Equatable, Sendable {
  public var name: String
  public var annualProbability: Double
  public var durationMonths: Int
  public var incomeMultiplier: Double
  public var sponsorRenewalMultiplier: Double
  public var newSponsorMultiplier: Double
  public var serviceLossMultiplier: Double
  /// Multiplies a dated agreement's renewal probability when the event is active in its last month (SPEC §12).
  public var agreementRenewalMultiplier: Double = 1
  public init(
    name: String, annualProbability: Double, durationMonths: Int, incomeMultiplier: Double = 1,
    sponsorRenewalMultiplier: Double = 1, newSponsorMultiplier: Double = 1, serviceLossMultiplier: Double = 1
  ) {
    self.name = name
    self.annualProbability = annualProbability
    self.durationMonths = durationMonths
    self.incomeMultiplier = incomeMultiplier
    self.sponsorRenewalMultiplier = sponsorRenewalMultiplier
    self.newSponsorMultiplier = newSponsorMultiplier
    self.serviceLossMultiplier = serviceLossMultiplier
  }
}

/// A budget assumption to check in CI (SPEC §9).
public struct Assertion: Equatable, Sendable {
  public enum Metric: Equatable, Sendable {
    /// Probability of falling below the floor within `withinYears` years is at most the threshold.
    case ruinProbability(withinYears: Int)
    /// The reserve needed at `confidence` is at most the threshold.
    case requiredReserve(confidence: Double)
    /// Probability of falling below the policy's minimum months of outgo within `withinYears` years is at most
    /// the threshold (SPEC §15).
    case belowMinimum(withinYears: Int)
    /// The reserve that keeps cover ≥ the board's minimum at every month-end in a share `confidence` of futures
    /// is at most the threshold (SPEC §17).
    case requiredReserveForMinimum(confidence: Double)
  }
  public var name: String
  public var metric: Metric
  public var atMost: Double
  public init(name: String, metric: Metric, atMost: Double) {
    self.name = name
    self.metric = metric
    self.atMost = atMost
  }
}
