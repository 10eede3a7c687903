import ReserveSimEngine

extension RunSummary {
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
    nested = NestedSummary(result, ruin: ruin, below: below, needs: needs, confidences: reserveConfidences)
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
