import ReserveSimEngine
import ReserveSimScenario

/// How sure the answers are (SPEC §22): each group of n paths shares one set of estimates θ_j, so the spread of
/// the groups' own answers — p_j (ran out within the horizon), b_j (below the minimum), r_j(c) (the reserve at c from
/// the group's n needs) — is the spread the estimates cause, once the groups' own sampling noise is taken out; and
/// the estimates that explain it are ranked by first-order indices of p(θ).
public struct NestedSummary: Sendable {
  /// The spread of a share over the plausible sets of estimates.
  public struct Spread: Sendable, Equatable {
    /// The 5th, 50th and 95th percentiles of the shrunk shares p̄ + (p_j − p̄)·sd_epi/sd(p_j).
    public var p5, p50, p95: Double
    /// sd_epi = √max(0, Var(p_j) − mean(p_j(1 − p_j))/(n − 1)): the groups' spread with the inner noise removed.
    public var sdEpistemic: Double
    /// Var(p_j), over J − 1.
    public var groupVariance: Double
    /// mean(p_j(1 − p_j))/(n − 1), the part of Var(p_j) that n paths' own luck adds.
    public var innerNoiseVariance: Double

    /// Whether the groups' own luck is over a third of their spread: the percentiles then rest mostly on the
    /// correction (more paths per group would tell more).
    public var innerNoiseDominates: Bool { innerNoiseVariance > groupVariance / 3 }
  }

  /// The spread of the groups' own reserve at one confidence.
  public struct ReserveSpread: Sendable, Equatable {
    public var confidence: Double
    /// Percentiles of r_j(c) over the groups, as they are, each shown as max(0, ·).
    public var p5, p50, p95: Double
  }

  /// One estimate's share of the spread in the chance of running out that research could remove.
  public struct Rank: Sendable {
    public var parameter: UncertainParameter
    /// S_k · Var(p_j)/sd_epi² with its interval; nil when sd_epi = 0 or there are fewer than 400 groups.
    public var ruin: SensitivityIndex?
  }

  /// The least groups for the indices (40 per subsample, as §16's 400 paths).
  public static let minimumGroupsForIndices = 4 * UncertaintyRanking.harmonics * UncertaintyRanking.subsamples

  /// Paths per group, n.
  public var inner: Int
  /// Groups, J.
  public var groups: Int
  /// p_j, running out within the horizon.
  public var ruin: Spread
  /// b_j, below the board's minimum within the horizon; nil without a minimum.
  public var below: Spread?
  /// r_j(c) for the run's confidences with n − ⌊cn⌋ ≥ 10.
  public var requiredReserve: [ReserveSpread]
  /// The estimates by their share of sd_epi² of the chance of running out, largest first (nil indices last, in the
  /// file's order).
  public var ranking: [Rank]

  /// - Parameters:
  ///   - groupReserves: r_j(c) for each of `confidences` with n − ⌊cn⌋ ≥ 10 (`[c][j]`, `GroupedNeeds.groupReserves`).
  ///   - draws: the groups' estimates θ_j (`SimulationResult.parameterDraws`); nil without uncertain estimates.
  /// - Complexity: O(J log J) per estimate for the ranking.
  init(
    scenario: Scenario, draws: ParameterDraws?, years: Int, ruin ruinShares: GroupShares,
    below belowShares: GroupShares?, groupReserves: [[Double]], confidences: [Double]
  ) {
    let inner = ruinShares.inner
    self.inner = inner
    groups = ruinShares.groups
    ruin = ruinShares.spread(withinYears: years)
    below = belowShares?.spread(withinYears: years)
    let shown = Self.groupReserveConfidences(confidences, inner: inner)
    requiredReserve = zip(shown, groupReserves).map { c, reserves in
      let sorted = reserves.sorted()
      return ReserveSpread(
        confidence: c, p5: max(0, Quantiles.percentile(sorted: sorted, 0.05)),
        p50: max(0, Quantiles.percentile(sorted: sorted, 0.5)), p95: max(0, Quantiles.percentile(sorted: sorted, 0.95)))
    }
    ranking = Self.rank(
      scenario.uncertainParameters, draws: draws, shares: ruinShares.shares(withinYears: years), spread: ruin)
  }

  /// The confidences whose groups' reserves are shown: those with n − ⌊cn⌋ ≥ 10.
  static func groupReserveConfidences(_ confidences: [Double], inner: Int) -> [Double] {
    confidences.filter { GroupedNeeds.hasGroupReserve(confidence: $0, inner: inner) }
  }

  /// The first-order index of p(θ) for each estimate: §16's estimator on the J pairs (θ_{j,k}, p_j), groups in
  /// subsample j mod 10, scaled by Var(p_j)/sd_epi² so that it is a share of the spread research could remove.
  static func rank(_ parameters: [UncertainParameter], draws: ParameterDraws?, shares: [Double], spread: Spread)
    -> [Rank]
  {
    let groups = shares.count
    guard let draws, spread.sdEpistemic > 0, groups >= minimumGroupsForIndices else {
      return parameters.map { Rank(parameter: $0, ruin: nil) }
    }
    let scale = spread.groupVariance / (spread.sdEpistemic * spread.sdEpistemic)
    let space = UncertaintyRanking.Workspace(paths: groups, outputs: 1)
    let ranks = parameters.map { parameter -> Rank in
      draws.groupOrders(key: parameter.drawKey, groups: groups, into: space.order)
      // The group index breaks ties, as the path index does in §16's ranking.
      for j in 0..<groups { space.items[j] = UInt64(space.order[j]) << 32 | UInt64(j) }
      space.sortItems()
      let found = shares.withUnsafeBufferPointer { space.indices(of: $0, count: 1) }
      let index = found[0].map {
        SensitivityIndex(index: $0.index * scale, lower: $0.lower * scale, upper: $0.upper * scale)
      }
      return Rank(parameter: parameter, ruin: index)
    }
    return ranks.enumerated().sorted { a, b in
      let (x, y) = (a.element.ruin?.index ?? -.infinity, b.element.ruin?.index ?? -.infinity)
      return x != y ? x > y : a.offset < b.offset
    }.map(\.element)
  }
}
