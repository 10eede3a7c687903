import ReserveSimEngine
import ReserveSimScenario

/// What a check says about one assertion, given the 95% Monte Carlo interval of its estimate.
///
/// With the interval [L, U] and the threshold T of "at most T":
/// **pass** when U ≤ T (even the interval's worst case is within the threshold), **fail** when L > T (even
/// its best case is beyond it), **inconclusive** otherwise (T lies inside the interval: more paths would
/// tell). At the boundaries U = T passes and L = T is inconclusive.
public enum Verdict: String, Sendable, CaseIterable {
  case pass, fail, inconclusive

  /// The verdict for an interval [lower, upper] against "at most `atMost`".
  public init(lower: Double, upper: Double, atMost: Double) {
    if upper <= atMost {
      self = .pass
    } else if lower > atMost {
      self = .fail
    } else {
      self = .inconclusive
    }
  }

  /// Whether the verdict fails a check run: a fail always does, inconclusive only when `strict`.
  public func fails(strict: Bool) -> Bool {
    switch self {
    case .pass: return false
    case .fail: return true
    case .inconclusive: return strict
    }
  }

  /// Whether more paths could change the verdict.
  public var isConclusive: Bool { self != .inconclusive }
}

/// One assertion checked against a run: the estimate, its 95% Monte Carlo interval and the verdict.
public struct AssertionCheck: Sendable, Equatable {
  public var assertion: Assertion
  /// The ruin probability within `withinYears`, or the required reserve at `confidence` (SPEC §7).
  public var estimate: Double
  /// 95% interval: Wilson for a ruin probability; ranks ⌊Nc ∓ z√(Nc(1−c))⌋/⌈·⌉ of the ascending needs for a
  /// required reserve (each shown as max(0, ·), like the estimate). With estimates drawn per group (SPEC §22):
  /// p̄ ± t₀.₉₇₅,J−1·sd(p_j)/√J over the J groups, and a bootstrap over groups for a reserve.
  public var lower: Double
  public var upper: Double
  /// Paths behind the estimate.
  public var paths: Int
  public var verdict: Verdict

  public init(assertion: Assertion, estimate: Double, lower: Double, upper: Double, paths: Int) {
    self.assertion = assertion
    self.estimate = estimate
    self.lower = lower
    self.upper = upper
    self.paths = paths
    verdict = Verdict(lower: lower, upper: upper, atMost: assertion.atMost)
  }

  /// Checks `assertion` against a run's summary.
  public static func evaluate(_ assertion: Assertion, summary: RunSummary) -> AssertionCheck {
    var evidence = _Evidence(
      paths: summary.paths, ruinedPathsByYear: summary.ruinedPathsByYear,
      belowMinimumPathsByYear: summary.belowMinimumPathsByYear,
      needs: OrderStatistics(sorted: summary.sortedRequiredReserve),
      minimumNeeds: OrderStatistics(sorted: summary.sortedMinimumNeed))
    evidence.groups = summary.ruinGroups.map {
      _Evidence.Groups(
        ruin: $0, belowMinimum: summary.belowMinimumGroups, needs: summary.groupedNeeds.map(Self.bootstrap),
        minimumNeeds: summary.groupedMinimumNeeds.map(Self.bootstrap))
    }
    return evidence.check(assertion)
  }

  /// Checks every assertion against a run's raw result, without the rest of a summary.
  /// - Complexity: O(N log N) for N paths when any assertion is about the required reserve, else O(N).
  public static func evaluate(_ assertions: [Assertion], result: SimulationResult) -> [AssertionCheck] {
    let ruinedByYear = RunSummary.cumulativeByYear(firstMonths: result.firstRuinMonth, years: result.years)
    let needsReserve = assertions.contains {
      if case .requiredReserve = $0.metric { return true } else { return false }
    }
    let needsMinimumReserve = assertions.contains {
      if case .requiredReserveForMinimum = $0.metric { return true } else { return false }
    }
    var evidence = _Evidence(
      paths: result.paths, ruinedPathsByYear: ruinedByYear,
      belowMinimumPathsByYear: RunSummary.cumulativeByYear(firstMonths: result.belowMinimumMonth, years: result.years),
      needs: OrderStatistics(sorted: needsReserve ? result.requiredReserve.sorted() : []),
      minimumNeeds: OrderStatistics(sorted: needsMinimumReserve ? result.minimumNeed.sorted() : []))
    if let inner = RunSummary.groupSize(result.scenario, paths: result.paths) {
      // Estimates drawn per group (SPEC §22): intervals over the groups.
      evidence.groups = _Evidence.Groups(
        ruin: GroupShares(firstMonths: result.firstRuinMonth, inner: inner, years: result.years),
        belowMinimum: result.belowMinimumMonth.isEmpty
          ? nil : GroupShares(firstMonths: result.belowMinimumMonth, inner: inner, years: result.years),
        needs: needsReserve ? Self.bootstrap(GroupedNeeds(needs: result.requiredReserve, inner: inner)) : nil,
        minimumNeeds: needsMinimumReserve ? Self.bootstrap(GroupedNeeds(needs: result.minimumNeed, inner: inner)) : nil)
    }
    return assertions.map(evidence.check)
  }

  /// The bootstrap over groups of `needs` at one confidence.
  private static func bootstrap(_ needs: GroupedNeeds) -> _Evidence.Groups.Bootstrap {
    { needs.bootstrapIntervals(confidences: [$0])[0] }
  }

  /// Checks every assertion against a streamed run (`StreamedRun`, with the assertions' confidences among its
  /// `extraConfidences`): the same verdicts as `evaluate(_:result:)` on one result of all its paths.
  package static func evaluate(_ assertions: [Assertion], streamed: StreamedRun.Output) -> [AssertionCheck] {
    let statistics = streamed.statistics
    var evidence = _Evidence(
      paths: statistics.paths, ruinedPathsByYear: statistics.ruinedPathsByYear,
      belowMinimumPathsByYear: statistics.belowMinimumPathsByYear, needs: streamed.needs,
      minimumNeeds: streamed.minimumNeeds ?? OrderStatistics(sorted: []))
    if let groups = streamed.groups {
      // Estimates drawn per group (SPEC §22): the streamed run's intervals over groups, at the assertions'
      // confidences among its selected ones.
      func lookUp(_ found: [Double: StreamedRun.ConfidenceInterval]) -> _Evidence.Groups.Bootstrap {
        { confidence in (found[confidence]!.lower, found[confidence]!.upper) }
      }
      evidence.groups = _Evidence.Groups(
        ruin: groups.ruin, belowMinimum: groups.belowMinimum, needs: lookUp(groups.needIntervals),
        minimumNeeds: lookUp(groups.minimumNeedIntervals))
    }
    return assertions.map(evidence.check)
  }

  /// The confidences of the reserves `assertions` read (SPEC §9), for a streamed run to select.
  package static func reserveConfidences(_ assertions: [Assertion]) -> [Double] {
    assertions.compactMap {
      switch $0.metric {
      case .requiredReserve(let c), .requiredReserveForMinimum(let c): return c
      default: return nil
      }
    }
  }
}

/// What the verdicts are computed from: ruined paths and paths below the minimum by year end (cumulative) and
/// the ascending needs.
struct _Evidence {
  let paths: Int
  let ruinedPathsByYear: [Int]
  let belowMinimumPathsByYear: [Int]
  let needs: OrderStatistics
  /// The needs for the board's minimum (SPEC §17); none when no assertion asks for them.
  let minimumNeeds: OrderStatistics
  /// With estimates drawn per group (SPEC §22): what the intervals over groups are computed from.
  var groups: Groups? = nil

  /// The groups' counts and the bootstraps over groups of the needs (each nil when no assertion asks for it).
  struct Groups {
    /// The 95% interval of the bootstrap over groups at a confidence.
    typealias Bootstrap = (Double) -> (lower: Double, upper: Double)
    var ruin: GroupShares
    var belowMinimum: GroupShares?
    var needs: Bootstrap?
    var minimumNeeds: Bootstrap?
  }

  func check(_ assertion: Assertion) -> AssertionCheck {
    switch assertion.metric {
    case .ruinProbability(let withinYears):
      let ruin =
        groups?.ruin.proportion(withinYears: withinYears)
        ?? RunSummary.proportion(successes: ruinedPathsByYear[withinYears - 1], trials: paths)
      return AssertionCheck(
        assertion: assertion, estimate: ruin.value, lower: ruin.lower, upper: ruin.upper, paths: paths)
    case .belowMinimum(let withinYears):
      // The decoder accepts this metric only with a minimum, so the counts are there.
      let below =
        groups?.belowMinimum?.proportion(withinYears: withinYears)
        ?? RunSummary.proportion(successes: belowMinimumPathsByYear[withinYears - 1], trials: paths)
      return AssertionCheck(
        assertion: assertion, estimate: below.value, lower: below.lower, upper: below.upper, paths: paths)
    case .requiredReserve(let confidence):
      return reserveCheck(assertion, needs: needs, grouped: groups?.needs, confidence: confidence)
    case .requiredReserveForMinimum(let confidence):
      // The decoder accepts this metric only with a minimum, so the needs are there.
      return reserveCheck(assertion, needs: minimumNeeds, grouped: groups?.minimumNeeds, confidence: confidence)
    }
  }

  /// The reserve at `confidence` with its order-statistic interval, or with estimates drawn per group the interval
  /// of a bootstrap over groups.
  private func reserveCheck(
    _ assertion: Assertion, needs: OrderStatistics, grouped: Groups.Bootstrap?, confidence: Double
  ) -> AssertionCheck {
    var level = RunSummary.reserveLevel(needs, confidence: confidence)
    if let grouped { (level.lower, level.upper) = grouped(confidence) }
    return AssertionCheck(
      assertion: assertion, estimate: level.value, lower: level.lower, upper: level.upper, paths: paths)
  }
}

/// One scenario file's check: which scenario, how many paths from which seed, and each assertion's check
/// (none when the file has no assertions; nothing is simulated then and `paths` is 0).
public struct ScenarioCheck: Sendable {
  /// The file as the user named it.
  public var file: String
  public var scenarioName: String
  public var currency: String
  public var paths: Int
  public var seed: UInt64
  public var checks: [AssertionCheck]
  /// The run's headline sentence (`RunSummary.headline`, the words `run` and `report` print), when known.
  public var headline: String?

  public init(file: String, scenarioName: String, currency: String, paths: Int, seed: UInt64, checks: [AssertionCheck])
  {
    self.file = file
    self.scenarioName = scenarioName
    self.currency = currency
    self.paths = paths
    self.seed = seed
    self.checks = checks
  }

  /// Number of checks with each verdict.
  public func count(_ verdict: Verdict) -> Int { checks.filter { $0.verdict == verdict }.count }
}

extension Collection where Element == ScenarioCheck {
  /// Whether any check fails the run (a fail; an inconclusive one too when `strict`).
  public func fails(strict: Bool) -> Bool { contains { $0.checks.contains { $0.verdict.fails(strict: strict) } } }

  /// Number of checks with `verdict` over all files.
  public func count(_ verdict: Verdict) -> Int { reduce(0) { $0 + $1.count(verdict) } }
}
