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
    let features = Self.features(result)
    guard ruinedCount > 0 && ruinedCount < n else {
      self.init(result.scenario, paths: n, seed: result.seed, ruinedPaths: ruinedCount, rows: [])
      return
    }
    let rows = zip(Self.names(result.scenario), features).map { named, values -> Driver in
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
  /// `features(_:)`, group A the ruined paths): the same drivers as `init(_:)` on one run of all paths.
  init(
    streamed comparisons: [StreamedRun.GroupComparison], scenario: Scenario, paths: Int, seed: UInt64, ruinedPaths: Int
  ) {
    let n1 = Double(ruinedPaths), n0 = Double(paths - ruinedPaths)
    let rows = zip(Self.names(scenario), comparisons).map { named, c in
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

  /// The features a run with `recordsDiagnostics` records, in order: each service lost, each event kind's months,
  /// the traffic level at the horizon (with a traffic factor), each tier's sponsors at the horizon, each drawn
  /// estimate.
  static func names(_ scenario: Scenario) -> [(kind: Driver.Kind, name: String)] {
    scenario.inKindServices.map { (.serviceLost, $0.name) }
      + scenario.events.map { (.eventMonths, $0.name) }
      + (scenario.factors[.traffic] != nil ? [(.trafficAtHorizon, Factor.traffic.rawValue)] : [])
      + scenario.sponsorTiers.map { (.sponsorsAtHorizon, $0.name) }
      + scenario.uncertainParameters.map { (.drawnEstimate, $0.path.description) }
  }

  /// Each feature's values on the result's paths, in `names`' order.
  static func features(_ result: SimulationResult) -> [[Double]] {
    guard let diagnostics = result.diagnostics else {
      preconditionFailure("drivers of ruin need a run with recordsDiagnostics")
    }
    let n = result.paths
    var features: [[Double]] = []
    for s in diagnostics.serviceNames.indices {
      features.append((0..<n).map { diagnostics.serviceLost(s, path: $0) ? 1 : 0 })
    }
    for k in diagnostics.eventNames.indices {
      features.append((0..<n).map { Double(diagnostics.eventMonths(k, path: $0)) })
    }
    if result.scenario.factors[.traffic] != nil {
      features.append((0..<n).map { diagnostics.finalTraffic(path: $0) })
    }
    for t in diagnostics.tierNames.indices {
      features.append((0..<n).map { Double(diagnostics.finalSponsors(t, path: $0)) })
    }
    if let draws = result.parameterDraws {
      for parameter in result.scenario.uncertainParameters {
        features.append((0..<n).map { draws.value(path: $0, of: parameter) })
      }
    }
    return features
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
