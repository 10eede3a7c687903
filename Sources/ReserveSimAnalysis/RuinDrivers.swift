import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// A reverse stress test: what the ruined paths have in common that the surviving ones do not.
///
/// Paths split into ruined (below the floor in some month within the horizon) and surviving. Each
/// recorded per-path feature — whether each service was ever lost, the months each event kind was active,
/// the traffic level at the horizon, the sponsors of each tier at the horizon, and the value each path drew for
/// every estimate written as a distribution (SPEC §16: a low renewal chance can ruin a path on which no service was
/// lost) — is compared between the two groups by Cliff's delta,
///
///     δ = P(X_ruined > X_surviving) − P(X_ruined < X_surviving)   ∈ [−1, 1],
///
/// estimated over all (ruined, surviving) pairs of paths from the rank sum: with R₁ the sum of the ruined
/// paths' mid-ranks in the pooled sample, U = R₁ − n₁(n₁+1)/2 and δ = 2U/(n₁n₀) − 1. For a yes/no feature
/// δ is exactly the difference in shares (lost in 94% of ruined and 3% of surviving paths: δ = 0.91); for
/// a count or a level it is the rank-biserial correlation, free of units and robust to skew, so a service, an
/// event and a traffic level can be ranked on one scale. Drivers are sorted by |δ|, largest first.
///
/// Features are recorded over the whole horizon, so they describe the paths, not causes in time: a
/// service lost after the path was ruined still counts. With no ruined path, or no surviving one, there is
/// nothing to compare and `drivers` is empty.
public struct RuinDrivers: Sendable {
  public struct Driver: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
      /// 1 when the service was lost at least once, else 0.
      case serviceLost
      /// Months the event kind was active.
      case eventMonths
      /// Traffic level at the horizon (1 = the level of month 1).
      case trafficAtHorizon
      /// Sponsors of the tier in the last year.
      case sponsorsAtHorizon
      /// The value the path drew for an estimate written as a distribution (SPEC §16).
      case drawnEstimate
    }
    public var kind: Kind
    /// The service, event kind or tier (`traffic` for the traffic level; the `--set` path of a drawn estimate).
    public var name: String
    public var ruinedMean, survivingMean: Double
    public var ruinedMedian, survivingMedian: Double
    /// Cliff's δ of ruined against surviving paths.
    public var separation: Double
  }

  /// |δ| from which a driver is worth a sentence.
  public static let notableSeparation = 0.1
  /// The most drivers worth a sentence.
  public static let topCount = 5

  public var scenarioName: String
  public var currency: String
  public var years: Int
  public var initialReserve: Double
  public var paths: Int
  public var seed: UInt64
  public var ruinedPaths: Int
  /// Sorted by |separation|, largest first (ties keep the order services, events, traffic, tiers, estimates).
  public var drivers: [Driver]

  public var survivingPaths: Int { paths - ruinedPaths }
  /// The drivers worth a sentence: |δ| ≥ `notableSeparation`, at most `topCount`.
  public var topDrivers: [Driver] {
    Array(drivers.prefix { abs($0.separation) >= Self.notableSeparation }.prefix(Self.topCount))
  }

  /// Compares ruined and surviving paths of a run made with `recordsDiagnostics`.
  /// - Complexity: O(F · N log N) for F features.
  public init(_ result: SimulationResult) {
    let n = result.paths
    let ruined = result.firstRuinMonth.map { $0 > 0 }
    let ruinedCount = ruined.reduce(0) { $0 + ($1 ? 1 : 0) }
    let features = Self.values(result)
    guard ruinedCount > 0 && ruinedCount < n else {
      self.init(result.scenario, paths: n, seed: result.seed, ruinedPaths: ruinedCount, rows: [])
      return
    }
    let rows = zip(Self.features(result.scenario), features).map { named, values -> Driver in
      var inRuined: [Double] = [], inSurviving: [Double] = []
      inRuined.reserveCapacity(ruinedCount)
      inSurviving.reserveCapacity(n - ruinedCount)
      for i in 0..<n {
        if ruined[i] { inRuined.append(values[i]) } else { inSurviving.append(values[i]) }
      }
      return Driver(
        kind: named.kind, name: named.name, ruinedMean: Self.mean(inRuined), survivingMean: Self.mean(inSurviving),
        ruinedMedian: Self.median(inRuined), survivingMedian: Self.median(inSurviving),
        separation: Self.cliffsDelta(inRuined, inSurviving))
    }
    self.init(result.scenario, paths: n, seed: result.seed, ruinedPaths: ruinedCount, rows: rows)
  }

  /// Compares ruined and surviving paths from a streamed run's comparisons (`StreamedRun.compareGroups` over
  /// `values(_:)`, group A the ruined paths): the same drivers as `init(_:)` on one run of all paths.
  init(
    streamed comparisons: [StreamedRun.GroupComparison], scenario: Scenario, paths: Int, seed: UInt64, ruinedPaths: Int
  ) {
    let n1 = Double(ruinedPaths), n0 = Double(paths - ruinedPaths)
    let rows = zip(Self.features(scenario), comparisons).map { named, c in
      Driver(
        kind: named.kind, name: named.name, ruinedMean: c.meanA, survivingMean: c.meanB, ruinedMedian: c.medianA,
        survivingMedian: c.medianB, separation: 2 * (c.rankSumA - n1 * (n1 + 1) / 2) / (n1 * n0) - 1)
    }
    self.init(scenario, paths: paths, seed: seed, ruinedPaths: ruinedPaths, rows: rows)
  }

  /// The drivers sorted by |δ| (ties in feature order).
  private init(_ scenario: Scenario, paths: Int, seed: UInt64, ruinedPaths: Int, rows: [Driver]) {
    scenarioName = scenario.name
    currency = scenario.currency
    years = scenario.years
    initialReserve = scenario.reserve.initial
    self.paths = paths
    self.seed = seed
    self.ruinedPaths = ruinedPaths
    drivers = rows.enumerated().sorted {
      (abs($1.element.separation), $0.offset) < (abs($0.element.separation), $1.offset)
    }.map(\.element)
  }

  /// One feature a run with `recordsDiagnostics` records: its kind, its name, and its value on path i of a result
  /// (from the result's diagnostics and, for a drawn estimate, its parameter draws).
  struct Feature {
    let kind: Driver.Kind
    let name: String
    let value: (_ diagnostics: PathDiagnostics, _ draws: ParameterDraws?, _ path: Int) -> Double
  }

  /// The features, in order: each service lost, each event kind's months, the traffic level at the horizon (with a
  /// traffic factor), each tier's sponsors at the horizon, each drawn estimate. One list for the names and the
  /// values, so that a row's name is always its values'.
  static func features(_ scenario: Scenario) -> [Feature] {
    let services = scenario.inKindServices.enumerated().map { s, service in
      Feature(kind: .serviceLost, name: service.name) { d, _, i in d.serviceLost(s, path: i) ? 1 : 0 }
    }
    let events = scenario.events.enumerated().map { k, event in
      Feature(kind: .eventMonths, name: event.name) { d, _, i in Double(d.eventMonths(k, path: i)) }
    }
    let traffic =
      scenario.factors[.traffic] == nil
      ? []
      : [Feature(kind: .trafficAtHorizon, name: Factor.traffic.rawValue) { d, _, i in d.finalTraffic(path: i) }]
    let tiers = scenario.sponsorTiers.enumerated().map { t, tier in
      Feature(kind: .sponsorsAtHorizon, name: tier.name) { d, _, i in Double(d.finalSponsors(t, path: i)) }
    }
    let estimates = scenario.uncertainParameters.map { parameter in
      Feature(kind: .drawnEstimate, name: parameter.path.description) { _, draws, i in
        guard let draws else { preconditionFailure("a drawn estimate's driver needs the run's parameter draws") }
        return draws.value(path: i, of: parameter)
      }
    }
    return services + events + traffic + tiers + estimates
  }

  /// Each feature's values on the result's paths, in `features(_:)`'s order.
  static func values(_ result: SimulationResult) -> [[Double]] {
    guard let diagnostics = result.diagnostics else {
      preconditionFailure("drivers of ruin need a run with recordsDiagnostics")
    }
    let draws = result.parameterDraws
    return features(result.scenario).map { feature in
      (0..<result.paths).map { feature.value(diagnostics, draws, $0) }
    }
  }

  /// Cliff's δ of `x` against `y` from the rank sum (mid-ranks for ties); both non-empty.
  public static func cliffsDelta(_ x: [Double], _ y: [Double]) -> Double {
    precondition(!x.isEmpty && !y.isEmpty)
    var pooled = x.map { ($0, true) } + y.map { ($0, false) }
    pooled.sort { $0.0 < $1.0 }
    var rankSum = 0.0
    var i = 0
    while i < pooled.count {
      var j = i
      while j + 1 < pooled.count && pooled[j + 1].0 == pooled[i].0 { j += 1 }
      // Positions i…j (0-based) hold one tied value: each gets the mid-rank (i + j)/2 + 1.
      let midRank = Double(i + j) / 2 + 1
      for k in i...j where pooled[k].1 { rankSum += midRank }
      i = j + 1
    }
    let n1 = Double(x.count), n0 = Double(y.count)
    let u = rankSum - n1 * (n1 + 1) / 2
    return 2 * u / (n1 * n0) - 1
  }

  static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }

  static func median(_ values: [Double]) -> Double {
    var scratch = values
    return Quantiles.percentiles(selecting: &scratch, [0.5])[0]
  }
}
