/// A block's factor levels month by month, kept for its runs with risk sources switched off (SPEC §20).
///
/// The factors walk the same way in every such run that switches off the same of the two sources that move them —
/// markets (every volatility 0) and estimates (drift and volatility at their centres) — since every run reads the
/// same shocks (`PathBlockKernel.keepsShocks`). So the first run of each of those (at most four) ways saves, after
/// each month's step, the rows the month's passes read (the levels the plan needs and the traffic cost), and the
/// later runs that walk the same way restore them instead of stepping the walks and their exps again: the same
/// numbers, read back.
///
/// Memory: (M − 1) months × the rows × capacity doubles a way, allocated at its first run (at 10 years, three rows
/// and 256 lanes: 0.7 MB a way), and no more than `budgetBytes` in all: a way that would pass it is stepped in every
/// run (at 100 years a way takes 7.2 MB, so one is kept). With the whole horizon's shocks, that stays within the
/// block buffers `MemoryEstimate` counts per worker (8 rows of 8 bytes a lane and month).
final class FactorLevelCache {
  /// The most all ways' saved months take, per kernel.
  static let budgetBytes = 8 << 20
  /// The kernel's rows saved and restored, each `capacity` doubles.
  private let rows: [UnsafeMutablePointer<Double>]
  private let capacity: Int
  /// The months with a step: 2 … M.
  private let steps: Int
  private var saved: [Int: UnsafeMutablePointer<Double>] = [:]
  /// The ways whose months this block's runs have saved in full.
  private var complete: Set<Int> = []

  private let budgetBytes: Int

  init(
    rows: [UnsafeMutablePointer<Double>], capacity: Int, months: Int, budgetBytes: Int = FactorLevelCache.budgetBytes
  ) {
    self.rows = rows
    self.capacity = capacity
    steps = max(0, months - 1)
    self.budgetBytes = budgetBytes
  }

  deinit { for buffer in saved.values { buffer.deallocate() } }

  /// How the factors walk with `sources` switched off: one of four ways.
  static func way(_ sources: SwitchedOffSources) -> Int { (sources.markets ? 1 : 0) + (sources.estimates ? 2 : 0) }

  /// A new block: nothing saved is its.
  func startBlock() { complete.removeAll() }

  /// Month m's rows (m ≥ 2) for a run that walks `way`: restored when an earlier run of the block saved that way's
  /// months in full; otherwise `step` computes them and they are saved.
  func month(_ m: Int, way: Int, lanes: Int, step: () -> Void) {
    guard let buffer = saved[way] ?? allocate(way) else { return step() }
    let at = buffer + (m - 2) * rows.count * capacity
    if complete.contains(way) {
      for (r, row) in rows.enumerated() { row.update(from: at + r * capacity, count: lanes) }
      return
    }
    step()
    for (r, row) in rows.enumerated() { (at + r * capacity).update(from: row, count: lanes) }
  }

  /// The run that walked `way` has saved every month.
  func finishRun(way: Int) {
    if saved[way] != nil { complete.insert(way) }
  }

  /// A way's buffer, when it fits what `budgetBytes` leaves; nil otherwise.
  private func allocate(_ way: Int) -> UnsafeMutablePointer<Double>? {
    let count = max(1, steps * rows.count * capacity)
    guard (saved.count + 1) * count * MemoryLayout<Double>.stride <= budgetBytes else { return nil }
    let buffer = UnsafeMutablePointer<Double>.allocate(capacity: count)
    saved[way] = buffer
    return buffer
  }
}
