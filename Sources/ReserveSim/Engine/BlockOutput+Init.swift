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
