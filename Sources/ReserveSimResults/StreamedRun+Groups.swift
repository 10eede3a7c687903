import Dispatch
import ReserveSimEngine

/// A streamed run's work for estimates drawn per group (SPEC §22): the bootstraps over groups, their guesses from
/// the first chunk, and the design effect that widens the bins' speculation when paths share their estimates.
extension StreamedRun {
  /// The bootstraps over groups of the needs, and with a minimum of the needs for it (SPEC §22), sharing one draw of
  /// the resamples; each may keep a tenth of `budget.collectedBytes` of needs, which the bins' selection then does
  /// not keep (`StreamingBudget.selectionBytes`), so that the run's memory stays within the budget's estimate.
  func groupBootstraps(inner: Int, confidences: [Double], hasMinimum: Bool) -> [GroupBootstrapSelection] {
    let weights = GroupBootstrapSelection.Weights(groups: paths / inner)
    let limit = budget.bootstrapCollectedBytes / GroupBootstrapSelection.bytesPerCollectedNeed
    return (0..<(hasMinimum ? 2 : 1)).map { _ in
      GroupBootstrapSelection(
        paths: paths, inner: inner, confidences: confidences, weights: weights, collectLimit: limit)
    }
  }

  /// How much more a count of the first chunk's values below a quantile varies than among independent values, per
  /// variable of `values`, when paths share their estimates by groups of `inner` (SPEC §22): `designEffect` of each
  /// variable; 1 for a variable with fewer than 10 whole groups in the chunk (no estimate).
  static func designEffects(_ values: BinnedSelection.ChunkValues, variables: Int, inner: Int) -> [Double] {
    var effects = [Double](repeating: 1, count: variables)
    effects.withUnsafeMutableBufferPointer { effects in
      let effects = effects
      values { variable, values in
        if values.count / inner >= 10 { effects[variable] = designEffect(values, inner: inner) }
      }
    }
    return effects
  }

  /// Var_j(c_j) / (n·p(1 − p)) for the groups' counts c_j of `values` below their quantile p (groups of n =
  /// `inner` consecutive values), the largest over p = 5%, 25%, 50%, 75%, 95%, and at least 1.
  static func designEffect(_ values: UnsafeBufferPointer<Double>, inner: Int) -> Double {
    let groups = values.count / inner
    // In key order (`RadixSort.key`), a total order with the NaNs of an overflowing run.
    let keys = values.map(RadixSort.key)
    let sorted = keys.sorted()
    var largest = 1.0
    for p in [0.05, 0.25, 0.5, 0.75, 0.95] {
      let place = sorted[Int(p * Double(values.count))]
      let counts = (0..<groups).map { j in Double(keys[j * inner..<(j + 1) * inner].filter { $0 < place }.count) }
      let variance = GroupShares.variance(counts, mean: counts.reduce(0, +) / Double(groups))
      largest = max(largest, variance / (Double(inner) * p * (1 - p)))
    }
    return largest
  }

  /// The bootstraps' guesses from the run's first chunk (`GroupBootstrapSelection.speculate`), and the first chunk's
  /// needs in the guessed bins kept.
  static func speculate(_ bootstraps: [GroupBootstrapSelection], firstChunk chunk: SimulationResult) {
    forEach(bootstraps, of: chunk) { bootstrap, needs in
      bootstrap.speculate(firstChunk: needs)
      bootstrap.keepGuessed(needs, firstPath: 0)
    }
  }

  /// Adds a chunk's needs (and needs for the minimum) to the bootstraps' pass.
  static func add(_ chunk: SimulationResult, firstPath: Int, to bootstraps: [GroupBootstrapSelection]) {
    forEach(bootstraps, of: chunk) { $0.add($1, firstPath: firstPath) }
  }

  /// Calls `body` with the bootstrap of the needs and the chunk's needs, and with the bootstrap of the needs for the
  /// minimum and those, side by side.
  private static func forEach(
    _ bootstraps: [GroupBootstrapSelection], of chunk: SimulationResult,
    _ body: (GroupBootstrapSelection, UnsafeBufferPointer<Double>) -> Void
  ) {
    guard !bootstraps.isEmpty else { return }
    chunk.requiredReserve.withUnsafeBufferPointer { needs in
      chunk.minimumNeed.withUnsafeBufferPointer { minimum in
        DispatchQueue.concurrentPerform(iterations: bootstraps.count) { b in
          body(bootstraps[b], b == 0 ? needs : minimum)
        }
      }
    }
  }
}
