import Foundation
import ReserveSimEngine
import ReserveSimScenario

/// The answers of a run (SPEC §7, §10): ruin probability by year, reserve needed at each confidence with
/// its 95% interval, expected shortfall, and year-end balance percentiles — a pure function of a result.
public struct RunSummary: Sendable {
  public struct Proportion: Sendable, Equatable {
    public var value: Double
    public var standardError: Double
    /// 95% Wilson interval.
    public var lower: Double
    public var upper: Double
  }

  public struct ReserveLevel: Sendable, Equatable {
    public var confidence: Double
    /// max(0, ⌈cN⌉-th smallest need).
    public var value: Double
    /// 95% order-statistic interval, each shown as max(0, ·).
    public var lower: Double
    public var upper: Double
  }

  /// Why the expected shortfall is left out when the required reserve is searched for (SPEC §15).
  public static let shortfallOmittedInSearch =
    "not shown: with the policy's cuts and appeals each future's need depends on the starting reserve, so the "
    + "mean need of the worst futures has no single formula"

  public struct Shortfall: Sendable, Equatable {
    public var confidence: Double
    /// max(0, mean need over the worst max(1, ⌊(1−c)N⌋) paths).
    public var value: Double
  }

  public struct YearBalance: Sendable, Equatable {
    public var year: Int
    public var p5, p25, p50, p75, p95, mean: Double
  }

  public struct YearFlows: Sendable, Equatable {
    public var year: Int
    public var income, sponsorRevenue, expenses, serviceCosts: Double
  }

  /// What the policy's responses did in one year (SPEC §19): means over all paths, months after ruin included.
  public struct PolicyActivityYear: Sendable, Equatable {
    public var year: Int
    /// Share of paths with the cuts in force in some month of the year.
    public var cutShare: Double
    /// Mean months under cuts.
    public var cutMonths: Double
    /// Mean expense not paid because of the cuts.
    public var cutAmount: Double
    /// Mean appeals made.
    public var appeals: Double
    /// Mean appeals answered (whose money arrived in the year).
    public var appealsAnswered: Double
    /// Mean amount raised by appeals, in the year the money arrives.
    public var raised: Double
  }

  /// The confidences of the reserve needed in `run` (text, `--json`, CSV), `check` and the what-if commands.
  public static let defaultReserveConfidences = [0.5, 0.75, 0.9, 0.95, 0.99]
  /// The confidences at which every output shows the expected shortfall (text, `--json`, `summary.csv`,
  /// `reserve.csv`, the report and the notebook): the mean need of the worst 10%, 5% and 1% of futures. Lower
  /// levels are left out everywhere: the mean need of the worst half is not a tail figure.
  public static let defaultShortfallConfidences = [0.9, 0.95, 0.99]

  /// This summary with the reserve needed at `defaultReserveConfidences` only (the levels `run --json` prints), for
  /// a summary made at more levels (the report's and notebook's curve): the same figures, fewer rows.
  public var atRunLevels: RunSummary {
    var copy = self
    func isRunLevel(_ level: ReserveLevel) -> Bool {
      Self.defaultReserveConfidences.contains { abs($0 - level.confidence) < 1e-12 }
    }
    copy.requiredReserve = requiredReserve.filter(isRunLevel)
    copy.requiredReserveForMinimum = requiredReserveForMinimum.filter(isRunLevel)
    return copy
  }

  public var scenarioName: String
  public var currency: String
  public var start: String?
  public var paths: Int
  public var seed: UInt64
  public var years: Int
  public var initialReserve: Double
  public var floor: Double
  public var ruinProbability: Proportion
  /// Cumulative share of paths ruined by the end of each year.
  public var ruinProbabilityByYear: [Double]
  public var requiredReserve: [ReserveLevel]
  public var expectedShortfall: [Shortfall]
  public var balanceByYear: [YearBalance]
  public var yearlyFlows: [YearFlows]
  /// Ruined paths by the end of each year (counts behind `ruinProbabilityByYear`).
  public var ruinedPathsByYear: [Int]
  /// How the required reserve was found: SPEC §7's formula, or the search of SPEC §15.
  public var requiredReserveMethod: RequiredReserveMethod
  /// The board's minimum in months of outgo (SPEC §15), nil when the file sets none.
  public var minimumMonths: Double?
  /// Paths whose balance was below the minimum at some month-end by the end of each year (cumulative); empty
  /// without a minimum.
  public var belowMinimumPathsByYear: [Int]
  /// Cumulative share of paths below the minimum by each year end; empty without a minimum.
  public var belowMinimumByYear: [Double] { belowMinimumPathsByYear.map { Double($0) / Double(paths) } }
  /// The share of paths below the minimum within the horizon, nil without a minimum.
  public var belowMinimum: Proportion? { belowMinimum(withinYears: years) }
  /// The month-1 budgeted outgo (SPEC §17): the expense lines active in month 1, at the estimates' centres, per
  /// month (donated services cost nothing yet; one-offs are left out). The one yardstick of every amount shown in
  /// months; 0 when month 1 budgets no expense. (It replaces the mean outgo of year 1, which moved with the run.)
  public var monthlyOutgoMonth1: Double { budget.monthlyOutgo }
  /// The reserve that holds the board's minimum (SPEC §17) at each of the run's confidences: the ⌈cN⌉-th smallest
  /// need_min, shown as max(0, ·), with its 95% order-statistic interval; empty when the file sets no minimum.
  public var requiredReserveForMinimum: [ReserveLevel] = []
  /// All paths' needs for the minimum, ascending; empty without a minimum.
  public var sortedMinimumNeed: [Double] = []
  /// What the policy's responses did, a row per year (SPEC §19); empty when the file has no cuts or appeal.
  public var policyActivity: [PolicyActivityYear] = []
  /// All paths' needs, ascending (kept for further quantiles and assertions).
  public var sortedRequiredReserve: [Double]
  /// What overflowed, in words: amounts beyond ±`Double.greatestFiniteMagnitude` (≈ ±1.8e308) are shown as that
  /// bound, never as null, blank or "inf" (empty when nothing overflowed).
  public var warnings: [String] = []
  /// The month-1 budget as written, to read before the probabilities (with `yearlyFlows`, the expected flows).
  public var budget: Budget
  /// The uncertain estimates (SPEC §16) ranked by how much of the need's variance each explains; empty when the
  /// file has none.
  public var uncertainty: [UncertainEstimateRank] = []
  /// How long the reserve lasts once each in-kind service has to be paid for (SPEC §21), in file order; nil when the
  /// run did not record the services' first paid months (`check` shows no runway and records none).
  public var runwayAfterLoss: [RunwayAfterLoss]? = nil
  /// The 5th and 95th percentiles of the initial reserve when it is written as a distribution (SPEC §16).
  public var initialReserveRange: (lower: Double, upper: Double)? = nil
  /// The dated agreements (SPEC §12) in words, one line per service that has one: when it ends, and the chance
  /// and term of each renewal (`Scenario.agreementTerms`).
  public var agreementTerms: [String] = []
  /// With estimates drawn per group (SPEC §22): how sure the answers are; nil otherwise.
  public var nested: NestedSummary? = nil
  /// With estimates drawn per group: each group's paths that ran out by each year end, behind the ruin intervals.
  public var ruinGroups: GroupShares? = nil
  /// With estimates drawn per group and a minimum: each group's paths below it by each year end.
  public var belowMinimumGroups: GroupShares? = nil
  /// With estimates drawn per group: the needs (and the needs for the minimum) with their groups, behind the
  /// reserve intervals (a bootstrap over groups).
  package var groupedNeeds: GroupedNeeds? = nil
  package var groupedMinimumNeeds: GroupedNeeds? = nil

  /// - Parameter ranksUncertainty: whether to rank the uncertain estimates (SPEC §16; about 15% of a run's CPU
  ///   with ten of them at 1M paths): only where an output prints the ranking (`check` prints none).
  public init(
    _ result: SimulationResult, reserveConfidences: [Double] = defaultReserveConfidences,
    shortfallConfidences: [Double] = defaultShortfallConfidences, ranksUncertainty: Bool = true
  ) {
    self.init(
      PathStatistics(result, shortfallConfidences: shortfallConfidences), scenario: result.scenario,
      seed: result.seed, reserveConfidences: reserveConfidences, shortfallConfidences: shortfallConfidences)
    uncertainty = ranksUncertainty ? UncertaintyRanking.rank(result) : []
    if let inner = Self.groupSize(result.scenario, paths: paths) {
      summariseGroups(result, inner: inner, reserveConfidences: reserveConfidences)
    }
  }

  /// The summary of a run's statistics, from one result or streamed (`StreamedRun`): everything but the estimates'
  /// ranking and the groups' intervals (SPEC §16, §22), which need every path's values side by side.
  package init(
    _ statistics: PathStatistics, scenario: Scenario, seed: UInt64, reserveConfidences: [Double],
    shortfallConfidences: [Double]
  ) {
    let n = statistics.paths
    scenarioName = scenario.name
    budget = Budget(scenario)
    currency = scenario.currency
    start = scenario.start
    paths = n
    self.seed = seed
    years = scenario.years
    initialReserve = scenario.reserve.initial
    floor = scenario.reserve.floor
    agreementTerms = scenario.agreementTerms

    ruinedPathsByYear = statistics.ruinedPathsByYear
    ruinProbabilityByYear = ruinedPathsByYear.map { Double($0) / Double(n) }
    ruinProbability = Self.proportion(successes: ruinedPathsByYear[years - 1], trials: n)
    requiredReserveMethod = statistics.requiredReserveMethod
    minimumMonths = scenario.policy?.minimumMonths
    belowMinimumPathsByYear = statistics.belowMinimumPathsByYear

    // An amount beyond the largest double (or undefined, ∞ − ∞) is shown as the largest double, and said so.
    var overflowed: [String] = []
    let needs = statistics.needs
    if needs.overflowed { overflowed.append("the reserve needed") }
    sortedRequiredReserve = needs.sorted
    requiredReserve = reserveConfidences.map { Self.reserveLevel(needs.orderStatistics, confidence: $0) }
    expectedShortfall =
      requiredReserveMethod == .search
      ? [] : shortfallConfidences.map { Shortfall(confidence: $0, value: max(0, needs.tailMeans[$0]!)) }
    balanceByYear = statistics.balanceByYear
    for index in balanceByYear.indices {
      var b = balanceByYear[index]
      let values = [b.p5, b.p25, b.p50, b.p75, b.p95, b.mean]
      guard values.contains(where: { !$0.isFinite }) else { continue }
      overflowed.append("the balances of year \(b.year)")
      b.p5 = Self.finite(b.p5)
      b.p25 = Self.finite(b.p25)
      b.p50 = Self.finite(b.p50)
      b.p75 = Self.finite(b.p75)
      b.p95 = Self.finite(b.p95)
      b.mean = Self.finite(b.mean)
      balanceByYear[index] = b
    }
    if let minimum = statistics.minimumNeeds {
      if minimum.overflowed { overflowed.append("the reserve that holds the minimum") }
      sortedMinimumNeed = minimum.sorted
      requiredReserveForMinimum = reserveConfidences.map {
        Self.reserveLevel(minimum.orderStatistics, confidence: $0)
      }
    }
    runwayAfterLoss = statistics.runwayAfterLoss
    initialReserveRange = scenario.uncertainParameters.first { $0.lane.kind == .reserveInitial }.map {
      ($0.distribution.percentile(0.05), $0.distribution.percentile(0.95))
    }
    let flowMeans = statistics.yearlyFlowMeans
    func meanFlow(_ flow: YearlyFlow, _ year: Int) -> Double {
      flowMeans[(year - 1) * YearlyFlow.count + flow.rawValue]
    }
    yearlyFlows = (1...years).map { year in
      YearFlows(
        year: year, income: meanFlow(.income, year), sponsorRevenue: meanFlow(.sponsorRevenue, year),
        expenses: meanFlow(.expenses, year), serviceCosts: meanFlow(.serviceCosts, year))
    }
    for index in yearlyFlows.indices {
      var f = yearlyFlows[index]
      guard [f.income, f.sponsorRevenue, f.expenses, f.serviceCosts].contains(where: { !$0.isFinite }) else { continue }
      overflowed.append("the mean flows of year \(f.year)")
      f.income = Self.finite(f.income)
      f.sponsorRevenue = Self.finite(f.sponsorRevenue)
      f.expenses = Self.finite(f.expenses)
      f.serviceCosts = Self.finite(f.serviceCosts)
      yearlyFlows[index] = f
    }
    let activityMeans = statistics.policyActivityMeans
    if !activityMeans.isEmpty {
      policyActivity = (1...years).map { year in
        let mean = { (field: PolicyActivityField) in field.value(year: year, in: activityMeans) }
        return PolicyActivityYear(
          year: year, cutShare: mean(.cutInForce), cutMonths: mean(.cutMonths), cutAmount: mean(.cutAmount),
          appeals: mean(.appeals), appealsAnswered: mean(.appealsAnswered), raised: mean(.raised))
      }
    }
    for index in policyActivity.indices {
      var a = policyActivity[index]
      guard !a.cutAmount.isFinite || !a.raised.isFinite else { continue }
      overflowed.append("the policy's activity of year \(a.year)")
      a.cutAmount = Self.finite(a.cutAmount)
      a.raised = Self.finite(a.raised)
      policyActivity[index] = a
    }
    if let warning = Self.overflowWarning(overflowed) { warnings.append(warning) }
  }

  /// The year-end balance percentiles every output shows: p5, p25, p50, p75, p95.
  package static let balancePercentiles = [0.05, 0.25, 0.5, 0.75, 0.95]

  /// The one warning every output gives when amounts overflowed, naming what did (at most three, then a count);
  /// nil when nothing did.
  package static func overflowWarning(_ overflowed: [String]) -> String? {
    guard !overflowed.isEmpty else { return nil }
    let list = overflowed.count > 4 ? Array(overflowed.prefix(3)) + ["\(overflowed.count - 3) more"] : overflowed
    return "amounts beyond the largest number this computer holds (about 1.8e308) are shown as ±1.8e308 in "
      + list.joined(separator: ", ")
      + ": the scenario's growth rates, volatilities or amounts compound past any real budget"
  }

  /// x when finite; ±`Double.greatestFiniteMagnitude` for ±∞, and `undefined` for NaN (∞ − ∞).
  package static func finite(_ x: Double, undefined: Double = -.greatestFiniteMagnitude) -> Double {
    if x.isNaN { return undefined }
    return Swift.min(.greatestFiniteMagnitude, Swift.max(-.greatestFiniteMagnitude, x))
  }

  /// Share of ruined paths with its binomial standard error √(p(1−p)/N) and Wilson interval.
  public static func proportion(successes: Int, trials n: Int) -> Proportion {
    let p = Double(successes) / Double(n)
    let interval = ConfidenceIntervals.wilson(successes: successes, trials: n)
    return Proportion(
      value: p, standardError: (p * (1 - p) / Double(n)).squareRoot(), lower: interval.lower, upper: interval.upper)
  }

  /// Required reserve at confidence c from ascending needs (SPEC §7), with its order-statistic interval.
  public static func reserveLevel(sorted: [Double], confidence c: Double) -> ReserveLevel {
    reserveLevel(OrderStatistics(sorted: sorted), confidence: c)
  }

  /// Required reserve at confidence c, max(0, the ⌈cN⌉-th smallest need), with its 95% order-statistic interval
  /// (`ConfidenceIntervals.quantileRanks`), each shown as max(0, ·).
  package static func reserveLevel(_ needs: OrderStatistics, confidence c: Double) -> ReserveLevel {
    let ranks = ConfidenceIntervals.quantileRanks(confidence: c, samples: needs.count)
    return ReserveLevel(
      confidence: c, value: max(0, needs.value(rank: Quantiles.ceilRank(c, of: needs.count))),
      lower: max(0, needs.value(rank: ranks.lower)), upper: max(0, needs.value(rank: ranks.upper)))
  }

  /// The 1-based ranks `reserveLevel` reads at confidence c of N needs: the estimate's and its interval's.
  package static func reserveRanks(confidence c: Double, of n: Int) -> [Int] {
    let ranks = ConfidenceIntervals.quantileRanks(confidence: c, samples: n)
    return [Quantiles.ceilRank(c, of: n), ranks.lower, ranks.upper]
  }

  /// The paths the expected shortfall at c averages: the worst max(1, ⌊(1−c)N⌋).
  package static func worstCount(_ c: Double, of n: Int) -> Int { max(1, Quantiles.floorCount((1 - c) * Double(n))) }

  /// Expected shortfall at c: the mean need of the worst max(1, ⌊(1−c)N⌋) paths, added in ascending order, shown as
  /// max(0, ·) (`TailMean`: term by term when the sum overflows).
  public static func shortfall(sorted: [Double], confidence c: Double) -> Shortfall {
    let worst = worstCount(c, of: sorted.count)
    var mean = TailMean(count: worst)
    for value in sorted[(sorted.count - worst)...] { mean.add(value) }
    return Shortfall(confidence: c, value: max(0, mean.mean))
  }

  /// Cumulative ruin probability within `years` years; with estimates drawn per group, its error and interval over
  /// the groups (SPEC §22).
  public func ruinProbability(withinYears years: Int) -> Proportion {
    ruinGroups?.proportion(withinYears: years)
      ?? Self.proportion(successes: ruinedPathsByYear[years - 1], trials: paths)
  }

  /// Share of paths below the board's minimum within `years` years (SPEC §15), nil without a minimum; with
  /// estimates drawn per group, its error and interval over the groups.
  public func belowMinimum(withinYears years: Int) -> Proportion? {
    if let belowMinimumGroups { return belowMinimumGroups.proportion(withinYears: years) }
    return belowMinimumPathsByYear.isEmpty
      ? nil : Self.proportion(successes: belowMinimumPathsByYear[years - 1], trials: paths)
  }

  /// An amount in months of the month-1 budgeted outgo (`monthlyOutgoMonth1`), nil when month 1 budgets none.
  public func months(of amount: Double) -> Double? { monthlyOutgoMonth1 > 0 ? amount / monthlyOutgoMonth1 : nil }

  /// Paths whose first month (1-based; 0 for never) falls in or before each year, cumulative; empty when
  /// `firstMonths` is empty.
  static func cumulativeByYear(firstMonths: [Int32], years: Int) -> [Int] {
    guard !firstMonths.isEmpty else { return [] }
    var inYear = [Int](repeating: 0, count: years)
    countByYear(firstMonths: firstMonths[...], into: &inYear)
    return cumulative(inYear)
  }

  /// Adds to `inYear[y − 1]` the paths whose first month (1-based; 0 for never) falls in year y.
  package static func countByYear(firstMonths: ArraySlice<Int32>, into inYear: inout [Int]) {
    for month in firstMonths where month > 0 { inYear[(Int(month) - 1) / 12] += 1 }
  }

  /// Running totals of counts by year.
  package static func cumulative(_ inYear: [Int]) -> [Int] {
    var cumulative = 0
    return inYear.map {
      cumulative += $0
      return cumulative
    }
  }
}
