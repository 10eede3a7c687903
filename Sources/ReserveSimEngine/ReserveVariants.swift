import ReserveSimScenario
import _ReserveSimKernels

/// Where a point's B₀ comes from, beside a run of its base (`Simulator.runReplaying`).
package enum ReserveSource: Equatable, Sendable {
  /// The lanes' own: the base's number, or each path's draw of the base's distribution.
  case own
  /// One number for every path.
  case number(Double)
  /// Each path's draw of this distribution (SPEC §16), groups of `pathsPerDraw` paths sharing one (SPEC §22).
  case drawn(UncertainParameter, pathsPerDraw: Int)
}

/// A point's reserve beside a run of its base (`Simulator.runReplaying`): where its B₀ comes from, and its own
/// floor and return (SPEC §7) by the formulas of its plan.
package struct ReserveVariant: Sendable, Equatable {
  var start: ReserveSource
  /// (1 + r)^(1/12), and the floor.
  var growth, floor: Double
  /// Per month (index m − 1): (1 + r)^(−m/12) and floor · that.
  var discount, discountedFloor: [Double]

  init(start: ReserveSource, plan: SimulationPlan) {
    self.start = start
    (growth, floor, discount, discountedFloor) = (plan.monthlyGrowth, plan.floor, plan.discount, plan.discountedFloor)
  }

  /// The balances' pass's numbers in month m (1-based).
  func month(_ m: Int) -> rs_reserve_month {
    rs_reserve_month(growth: growth, discount: discount[m - 1], discountedFloor: discountedFloor[m - 1], floor: floor)
  }
}

/// Other reserves run beside a block's own, on the same cash flows (SPEC §7).
///
/// Where no response depends on the balance, a path's cash flows NCF(m) do not depend on its reserve, so the balance
/// from another B₀ₖ, with another return rₖ and floor, is the recursion B(m) = B(m−1)·(1 + rₖ)^(1/12) + NCF(m) started
/// at B₀ₖ, and its need max over m of [floorₖ/Dₖ(m) − Σ NCF/Dₖ]. Each variant runs them through the balances' pass the
/// block's own balance goes through (`rs_update_balances`, with its plan's numbers for the month), so variant k's
/// first ruin month and need are, bit for bit, those of a run of the file with that reserve. A variant costs one
/// balances' pass a month (a few percent of a month), not a simulation. With responses that depend on the balance,
/// the flows do too: another B₀ is a replay (`PolicyReplay`) from `startBalances` instead.
final class ReserveVariants {
  let variants: [ReserveVariant]
  let capacity: Int
  private let streams: RandomStreams
  /// variants.count · capacity each: variant k's lanes from k · capacity.
  private let start, balance, discountedSum: UnsafeMutablePointer<Double>
  /// variants.count · capacity: variant k's need over the months so far (SPEC §7).
  let need: UnsafeMutablePointer<Double>
  /// variants.count · capacity: variant k's first month with B(m) < floor, 0 while none.
  let ruinMonth: UnsafeMutablePointer<Int32>

  /// - Parameter streams: the run's (the draws of a distribution's B₀ are at its addresses).
  init(_ variants: [ReserveVariant], streams: RandomStreams, capacity: Int) {
    self.variants = variants
    self.capacity = capacity
    self.streams = streams
    let rows = Swift.max(1, variants.count) * capacity
    start = .allocate(capacity: rows)
    balance = .allocate(capacity: rows)
    discountedSum = .allocate(capacity: rows)
    need = .allocate(capacity: rows)
    ruinMonth = .allocate(capacity: rows)
  }

  deinit {
    for rows in [start, balance, discountedSum, need] { rows.deallocate() }
    ruinMonth.deallocate()
  }

  /// Variant k's B₀ in the block of paths firstPath ..< firstPath + lanes (`own`: the lanes' own B₀), as a run of
  /// its scenario sets it (`PathBlockKernel.setStartBalances`: its draw where it draws one, `LaneParameters.draw`).
  func startBalances(_ k: Int, firstPath: Int, lanes: Int, own: UnsafePointer<Double>) -> UnsafePointer<Double> {
    let row = start + k * capacity
    switch variants[k].start {
    case .own: row.update(from: own, count: lanes)
    case .number(let reserve): row.update(repeating: reserve, count: lanes)
    case .drawn(let parameter, let pathsPerDraw):
      LaneParameters.draw(
        parameter, streams: streams, pathsPerDraw: pathsPerDraw, firstPath: firstPath, lanes: lanes, into: row)
    }
    return UnsafePointer(row)
  }

  /// Sets every variant's lanes to month 0 — its B₀ (`startBalances`), nothing summed, no need and no ruin yet — as
  /// `PathBlockKernel.run` sets its own.
  func start(firstPath: Int, lanes: Int, own: UnsafePointer<Double>) {
    for k in variants.indices {
      let row = k * capacity
      (balance + row).update(from: startBalances(k, firstPath: firstPath, lanes: lanes, own: own), count: lanes)
      (discountedSum + row).update(repeating: 0, count: lanes)
      (need + row).update(repeating: -.infinity, count: lanes)
      (ruinMonth + row).update(repeating: 0, count: lanes)
    }
  }

  /// Runs `pass` (the month's balances' pass) on each variant's state with its numbers for month m.
  func update(month m: Int, _ pass: (inout rs_reserve_state, inout rs_reserve_month) -> Void) {
    for (k, variant) in variants.enumerated() {
      var (state, month) = (state(k), variant.month(m))
      pass(&state, &month)
    }
  }

  /// Runs `pass` (the month's balances' pass with the lanes' own numbers, SPEC §16) on each variant's state.
  func update(_ pass: (inout rs_reserve_state) -> Void) {
    for k in variants.indices {
      var state = state(k)
      pass(&state)
    }
  }

  /// Variant k's rows as the balances' pass reads and writes them.
  private func state(_ k: Int) -> rs_reserve_state {
    let row = k * capacity
    return rs_reserve_state(
      balance: balance + row, discountedSum: discountedSum + row, need: need + row, ruinMonth: ruinMonth + row)
  }
}
