import ReserveSim

/// The runs of the files as written that the page's views compare against, kept for the next view.
///
/// While a board moves the page's controls, every view compares an edited file with the same file as written, on the
/// same paths and seed: that run is the same each time (SPEC §8), so it is simulated once and kept. Keyed by the file,
/// the scenario as loaded (a file changed on disk is run again), the paths and the seed. The runs kept hold every path,
/// so their estimated memory (`Simulator.memoryEstimate`) is capped at `budgetBytes` in all, the least recently used
/// dropped first; a run larger than the cap is not kept.
actor AsWrittenRuns {
  struct Key: Equatable, Sendable {
    var file: String
    var scenario: Scenario
    var paths: Int
    var seed: UInt64
  }

  /// The most the kept runs may take, by their memory estimates.
  let budgetBytes: Int
  /// Most recently used last.
  private var kept: [(key: Key, output: RunOutput, bytes: Int)] = []
  /// Runs simulated because none was kept (what the tests read).
  private(set) var simulated = 0

  init(budgetBytes: Int = StreamingBudget().onePassBytes) { self.budgetBytes = budgetBytes }

  /// The run kept for `key`, if any (then the most recently used).
  func output(for key: Key) -> RunOutput? {
    guard let index = kept.firstIndex(where: { $0.key == key }) else { return nil }
    let entry = kept.remove(at: index)
    kept.append(entry)
    return entry.output
  }

  /// Keeps `output` for `key`, counting it as simulated, and drops the least recently used runs past the budget.
  func keep(_ output: RunOutput, for key: Key, bytes: Int) {
    simulated += 1
    kept.removeAll { $0.key == key }
    guard bytes <= budgetBytes else { return }
    kept.append((key, output, bytes))
    while kept.reduce(0, { $0 + $1.bytes }) > budgetBytes { kept.removeFirst() }
  }
}
