/// One block run once per set of switched-off risk sources (SPEC §20), on the block's own random numbers.
extension PathBlockKernel {
  /// What each run of `simulate(firstPath:count:switchingOff:outcome:into:)` reports per path.
  package enum PathOutcome: Sendable {
    /// 1 when the path falls below the floor at some month-end within the horizon, else 0 (SPEC §7).
    case ruined
    /// 1 when the path's cover falls below the board's minimum at some month-end, else 0 (SPEC §15).
    case belowMinimum
    /// The path's need: the least B₀ that keeps it at or above the floor (SPEC §7; searched with responses, §15).
    case need
  }

  /// Simulates paths `firstPath ..< firstPath + count` once for each entry of `runs`, with that entry's sources
  /// switched off, and writes the outcome of run j for lane i to `values[j · capacity + i]`.
  ///
  /// Every draw is made at its own address (path, month, stream) in every run, so the runs differ only by the
  /// sources they switch off. The factor shocks, the same in every run, are drawn once for the block with a kernel
  /// that `keepsShocks` (the whole horizon's) and read again by the later runs: a quarter of each run's time; and
  /// the runs whose factors walk the same way (markets and estimates both on, or off alike) read the levels the
  /// first of them saved (`FactorLevelCache`).
  /// - Complexity: O(runs × count × months × (factors + services + events + tiers)).
  package func simulate(
    firstPath: Int, count lanes: Int, switchingOff runs: [SwitchedOffSources], outcome: PathOutcome,
    into values: UnsafeMutablePointer<Double>
  ) {
    precondition(lanes <= capacity)
    var drawnAtCentres: Bool? = nil
    defer {
      switchedOff = .none
      shocksAreDrawn = false
      levelWay = nil
    }
    levelCache?.startBlock()
    for (j, sources) in runs.enumerated() {
      shocksAreDrawn = keepsShocks && j > 0
      let way = FactorLevelCache.way(sources)
      levelWay = way
      switchedOff = sources
      if let laneParameters, drawnAtCentres != sources.estimates {
        laneParameters.draw(firstPath: firstPath, lanes: lanes, atCentres: sources.estimates)
        drawnAtCentres = sources.estimates
      }
      setStartBalances(lanes: lanes)
      replay?.startBlock(lanes: lanes)
      run(firstPath: firstPath, lanes: lanes, policy: monthPasses.policy, recording: nil)
      levelCache?.finishRun(way: way)
      let row = values + j * capacity
      switch outcome {
      case .ruined:
        for lane in 0..<lanes { row[lane] = ruinMonth[lane] > 0 ? 1 : 0 }
      case .belowMinimum:
        for lane in 0..<lanes { row[lane] = belowMinimumMonth[lane] > 0 ? 1 : 0 }
      case .need:
        if plan.respondsToBalance {
          // Replays of this run's recorded flows (with the same sources off) at candidate reserves.
          searchNeeds(firstPath: firstPath, lanes: lanes, target: .floor, into: row)
        } else {
          row.update(from: need, count: lanes)
        }
      }
    }
  }
}
