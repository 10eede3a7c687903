extension BinnedSelection {
  /// One chunk's values, variable by variable: called with a body, it calls `body(variable, values)` once for each
  /// variable (possibly from several threads at once, a variable per call).
  package typealias ChunkValues = ((Int, UnsafeBufferPointer<Double>) -> Void) -> Void

  /// Runs the whole selection over values that are read again pass after pass (a run re-simulates its paths,
  /// SPEC §8), for a caller that does nothing else with them: pass 1 counts every chunk's values in the bins and,
  /// when `speculates`, from its first chunk on keeps the values near each wanted rank's estimated place
  /// (`speculate`, the first chunk kept too); `finishCounting`; then each later pass, while some rank is unknown,
  /// keeps only the values in the bins still needed (`planPass`, `collect`, `finishPass`). Afterwards every wanted
  /// rank's `orderStatistic` is known.
  /// - Parameters:
  ///   - speculates: whether pass 1 speculates (`StreamingBudget.speculates`).
  ///   - designEffects: each variable's design effect read from the first chunk's values, which widens the
  ///     speculation's margins (SPEC §22); nil for none.
  ///   - pass: reads every value once, chunk by chunk in the same order each time: called with the pass's number
  ///     (1, 2, …), whether another pass may follow it (for a progress bar's count of passes), and the body to hand
  ///     each chunk's values to.
  package func selectPassByPass(
    speculates: Bool, designEffects: @escaping (ChunkValues) -> [Double]? = { _ in nil },
    pass: (_ number: Int, _ anotherMayFollow: Bool, _ eachChunk: (ChunkValues) -> Void) throws -> Void
  ) rethrows {
    var speculating = false
    try pass(1, true) { values in
      let keeping = speculating
      values { variable, values in
        count(variable, values)
        if keeping { keep(variable, values) }
      }
      if speculates && !speculating {
        speculate(designEffects: designEffects(values))
        speculating = true
        values { keep($0, $1) }
      }
    }
    finishCounting { _ in nil }
    var number = 1
    while !isDone {
      number += 1
      let more = planPass()
      try pass(number, more) { values in values { collect($0, $1) } }
      finishPass()
    }
  }
}
