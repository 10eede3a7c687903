/// Where a block of paths writes its results: per-path slots (disjoint between blocks, so threads never
/// share a slot) and per-block yearly sums.
package struct BlockOutput {
  /// need per path (SPEC §7), indexed by path.
  public var requiredReserve: UnsafeMutablePointer<Double>
  /// B(12y) per path, year-major: `yearEndBalance[(y−1)·paths + i]`.
  public var yearEndBalance: UnsafeMutablePointer<Double>
  /// First month with B(m) < floor, 0 when never; indexed by path.
  public var firstRuinMonth: UnsafeMutablePointer<Int32>
  /// Paths of the run (stride of `yearEndBalance` and of the diagnostics).
  public var paths: Int
  /// The run's first path: path i is written at slot i − runStart (a run may cover paths a..<b).
  public var runStart: Int = 0
  /// Yearly sums over the block's paths, `flows[(y−1)·YearlyFlow.count + flow]`.
  public var blockFlows: UnsafeMutablePointer<Double>
  /// Where to record per-path diagnostics for "drivers of ruin" analysis (the run's result keeps them);
  /// nil when not recording. Path i is written at slot i − runStart of its arrays.
  public var diagnostics: PathDiagnostics?
  /// First month-end with the balance below the policy's minimum (SPEC §15), 0 when never; indexed by path.
  /// Nil when the file sets no minimum.
  public var belowMinimumMonth: UnsafeMutablePointer<Int32>? = nil
  /// need_min per path (SPEC §17): the least B₀ that keeps cover ≥ k at every month-end with outgo; indexed by
  /// path. Nil when the file sets no minimum.
  public var minimumNeed: UnsafeMutablePointer<Double>? = nil
  /// need_y per path for each of the kernel's `needYears` (SPEC §17: the least B₀ that keeps the path above the
  /// floor in months ≤ 12y), row k for needYears[k]: `needsWithin[k·paths + i]`. Nil when none are asked for.
  public var needsWithin: UnsafeMutablePointer<Double>? = nil
  /// need_min,y in the same layout; nil when none are asked for or the file sets no minimum.
  public var minimumNeedsWithin: UnsafeMutablePointer<Double>? = nil
  /// The first month each in-kind service is paid for after a loss (SPEC §21's m_L, possibly past the horizon; 0 when
  /// never lost), service-major: `firstPaidMonth[s·paths + i]`. Nil when not recorded.
  public var firstPaidMonth: UnsafeMutablePointer<Int32>? = nil
  /// The policy's activity summed over the block's paths (SPEC §19), `activity[(y−1)·PolicyActivityField.count +
  /// field]`. Nil when the file has no cuts or appeal.
  public var blockActivity: UnsafeMutablePointer<Double>? = nil
}

extension BlockOutput {
  /// Where one block writes its results, for a caller outside the library that drives a `PathBlockKernel`
  /// itself (the benchmarks do); `Simulator` builds its own for every block. No diagnostics are recorded.
  ///
  /// The buffers belong to the caller: `paths` entries each, `paths · years` for `yearEndBalance` and
  /// `years · YearlyFlow.count` for `blockFlows`.
  /// - Complexity: O(1).
  public init(
    requiredReserve: UnsafeMutablePointer<Double>, yearEndBalance: UnsafeMutablePointer<Double>,
    firstRuinMonth: UnsafeMutablePointer<Int32>, paths: Int, blockFlows: UnsafeMutablePointer<Double>
  ) {
    self.requiredReserve = requiredReserve
    self.yearEndBalance = yearEndBalance
    self.firstRuinMonth = firstRuinMonth
    self.paths = paths
    self.blockFlows = blockFlows
    self.diagnostics = nil
  }
}
