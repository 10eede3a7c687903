extension Simulator {
  /// `result` (paths 0..<result.paths) extended to `total` paths by simulating only the new paths
  /// result.paths..<total; equal, path by path, to a run of `total` paths.
  /// - Complexity: that of `run(_:pathRange:seed:progress:)` for the new paths, plus O(total × years) to
  ///   concatenate.
  public func extend(
    _ result: SimulationResult, toPaths total: Int, progress: (@Sendable (Double) -> Void)? = nil
  ) -> SimulationResult {
    guard total > result.paths else { return result }
    return result.appending(
      run(result.scenario, pathRange: result.paths..<total, seed: result.seed, progress: progress))
  }

  /// `extend(_:toPaths:progress:)`, stopping when `cancellation` is set.
  /// - Throws: `CancellationError` when `cancellation` is set before the new paths are done.
  public func extend(
    _ result: SimulationResult, toPaths total: Int, progress: (@Sendable (Double) -> Void)? = nil,
    cancellation: CancellationFlag?
  ) throws -> SimulationResult {
    guard total > result.paths else { return result }
    return result.appending(
      try run(
        result.scenario, pathRange: result.paths..<total, seed: result.seed, progress: progress,
        cancellation: cancellation))
  }
}

extension SimulationResult {
  /// This result followed by `next`, which must hold the paths right after this result's (same scenario and
  /// seed), as `Simulator.run(_:pathRange:seed:progress:)` gives them.
  ///
  /// Per-path arrays are concatenated (year-major balances year by year); yearly flow and activity means combine as
  /// path-weighted means (N₁·m₁ + N₂·m₂)/(N₁ + N₂), equal to one run's up to rounding. Diagnostics are dropped.
  /// - Complexity: O((N₁ + N₂) × years).
  public func appending(_ next: SimulationResult) -> SimulationResult {
    precondition(next.scenario == scenario && next.seed == seed, "results of different runs")
    let total = paths + next.paths
    var yearEnd: [Double] = []
    yearEnd.reserveCapacity(total * years)
    for year in 1...years {
      yearEnd += balances(year: year)
      yearEnd += next.balances(year: year)
    }
    let weight = (Double(paths) / Double(total), Double(next.paths) / Double(total))
    var combined = SimulationResult(
      scenario: scenario, paths: total, seed: seed,
      requiredReserve: requiredReserve + next.requiredReserve,
      yearEndBalance: yearEnd,
      firstRuinMonth: firstRuinMonth + next.firstRuinMonth,
      yearlyFlowMeans: zip(yearlyFlowMeans, next.yearlyFlowMeans).map { weight.0 * $0 + weight.1 * $1 },
      diagnostics: nil, belowMinimumMonth: belowMinimumMonth + next.belowMinimumMonth)
    combined.minimumNeed = minimumNeed + next.minimumNeed
    combined.needsWithin = needsWithin.merging(next.needsWithin, uniquingKeysWith: +)
    combined.minimumNeedsWithin = minimumNeedsWithin.merging(next.minimumNeedsWithin, uniquingKeysWith: +)
    combined.policyActivityMeans = zip(policyActivityMeans, next.policyActivityMeans).map {
      weight.0 * $0 + weight.1 * $1
    }
    if let mine = firstPaidMonth, let theirs = next.firstPaidMonth {
      // Service-major: each service's row of this run, then of the next.
      var months: [Int32] = []
      months.reserveCapacity(mine.count + theirs.count)
      for s in 0..<scenario.inKindServices.count {
        months += mine[s * paths..<(s + 1) * paths]
        months += theirs[s * next.paths..<(s + 1) * next.paths]
      }
      combined.firstPaidMonth = months
    }
    // Entry i of the combined result is entry i of this one's run: its draws carry on.
    combined.parameterDraws = parameterDraws
    return combined
  }
}
