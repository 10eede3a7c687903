import ReserveSimEngine
import ReserveSimScenario

extension RunSummary {
  /// The paths per group n when a run of `paths` paths of `scenario` has its intervals over groups (SPEC §22): the
  /// file draws per group and the paths make two whole groups or more; nil otherwise.
  static func groupSize(_ scenario: Scenario, paths: Int) -> Int? {
    guard let inner = scenario.simulation.nested?.inner, paths % inner == 0, paths / inner >= 2 else { return nil }
    return inner
  }

  /// With estimates drawn per group of `inner` paths (SPEC §22): intervals over the J independent groups rather
  /// than the paths — ruin's and the minimum's standard error sd(p_j)/√J with p̄ ± t₀.₉₇₅,J−1·sd(p_j)/√J, the
  /// reserves' by a bootstrap over groups — and how sure the answers are (`NestedSummary`).
  mutating func summariseGroups(_ result: SimulationResult, inner: Int, reserveConfidences: [Double]) {
    let ruin = GroupShares(firstMonths: result.firstRuinMonth, inner: inner, years: years)
    ruinGroups = ruin
    ruinProbability = ruin.proportion(withinYears: years)
    let below =
      result.belowMinimumMonth.isEmpty
      ? nil : GroupShares(firstMonths: result.belowMinimumMonth, inner: inner, years: years)
    belowMinimumGroups = below
    let needs = GroupedNeeds(needs: result.requiredReserve, inner: inner)
    groupedNeeds = needs
    requiredReserve = Self.withIntervals(requiredReserve, needs.bootstrapIntervals(confidences: reserveConfidences))
    if !result.minimumNeed.isEmpty {
      let minimum = GroupedNeeds(needs: result.minimumNeed, inner: inner)
      groupedMinimumNeeds = minimum
      requiredReserveForMinimum = Self.withIntervals(
        requiredReserveForMinimum, minimum.bootstrapIntervals(confidences: reserveConfidences))
    }
    nested = NestedSummary(
      scenario: result.scenario, draws: result.parameterDraws, years: years, ruin: ruin, below: below,
      groupReserves: needs.groupReserves(
        confidences: NestedSummary.groupReserveConfidences(reserveConfidences, inner: inner)),
      confidences: reserveConfidences)
  }

  /// The summary of a streamed run (`StreamedRun`): its statistics, the estimates' ranking, and with estimates drawn
  /// per group the intervals over groups and `NestedSummary` — what `init(_:reserveConfidences:…)` gives from one
  /// result of all the paths.
  package init(
    _ output: StreamedRun.Output, scenario: Scenario, seed: UInt64, reserveConfidences: [Double],
    shortfallConfidences: [Double]
  ) {
    self.init(
      output.statistics, scenario: scenario, seed: seed, reserveConfidences: reserveConfidences,
      shortfallConfidences: shortfallConfidences)
    uncertainty = output.uncertainty
    guard let groups = output.groups else { return }
    ruinGroups = groups.ruin
    ruinProbability = groups.ruin.proportion(withinYears: years)
    belowMinimumGroups = groups.belowMinimum
    func intervals(_ found: [Double: StreamedRun.ConfidenceInterval]) -> [(lower: Double, upper: Double)] {
      reserveConfidences.map { (found[$0]!.lower, found[$0]!.upper) }
    }
    requiredReserve = Self.withIntervals(requiredReserve, intervals(groups.needIntervals))
    if !groups.minimumNeedIntervals.isEmpty {
      requiredReserveForMinimum = Self.withIntervals(requiredReserveForMinimum, intervals(groups.minimumNeedIntervals))
    }
    nested = NestedSummary(
      scenario: scenario,
      draws: scenario.uncertainParameters.isEmpty
        ? nil : LaneParameters.draws(seed: seed, firstPath: 0, inner: scenario.simulation.pathsPerDraw),
      years: years, ruin: groups.ruin, below: groups.belowMinimum, groupReserves: groups.reserves,
      confidences: reserveConfidences)
  }

  /// `levels` with their intervals replaced by `intervals` (in the same order).
  static func withIntervals(_ levels: [ReserveLevel], _ intervals: [(lower: Double, upper: Double)]) -> [ReserveLevel] {
    zip(levels, intervals).map { level, interval in
      var level = level
      (level.lower, level.upper) = interval
      return level
    }
  }
}
