import _ReserveSimKernels

/// The required reserve of a path when the policy's responses make cash flows depend on the balance (SPEC §15).
///
/// SPEC §7's closed formula then no longer holds, so each path's need — the least B₀ that keeps it at or above
/// the floor in every month — is found by bisection on B₀, every candidate run on the path's own random numbers
/// (the block's shocks are drawn once and every draw's address is (seed, path, month, stream)).
///
/// The bracket is exact, not a guess: responses only add money (cuts multiply expense lines by f ≤ 1, an
/// appeal raises A ≥ 0), so with any B₀ a path's balance with the policy is at least its balance without any
/// response, and at most its balance with every response at its most (cuts on and an appeal answered after every
/// month-end). The formula's need without responses is therefore an upper end (it survives) and the formula's
/// need with every response at its most a lower end (below it the path cannot survive). Bisection keeps a
/// surviving upper end and a failing lower end until they are within max(1, 10⁻⁶·|B₀|), and the upper end is the
/// path's need. A path whose survival is not monotone in B₀ (possible in principle: a larger reserve can delay a
/// cut that would have saved more) gets one of its survival thresholds; the run's required reserve at confidence c
/// is the ⌈cN⌉-th smallest need, as in SPEC §7.
///
/// The same search finds the need for the board's minimum (SPEC §17): the least B₀ with cover ≥ k at every
/// month-end with outgo, bracketed by the closed form on L(m) = k·outgo(m) without responses and with every
/// response at its most (whose outgo is the cut outgo).
extension PathBlockKernel {
  /// What a searched need keeps the path above.
  enum NeedTarget {
    /// The floor at every month-end (SPEC §15): the path survives when it is never ruined.
    case floor
    /// The board's minimum at every month-end with outgo (SPEC §17).
    case minimum
  }

  /// Writes each lane's searched need for `target` into `need` (the floor) or `minimumNeed` (the minimum), or,
  /// for the need within the first `withinYears` years (SPEC §17: the constraint holds at months ≤ 12y only), into
  /// `destination`. The block's shocks must be drawn; `withinYears` must be one of the kernel's `needYears`.
  func searchNeeds(
    firstPath: Int, lanes: Int, target: NeedTarget, withinYears: Int? = nil,
    into destination: UnsafeMutablePointer<Double>? = nil
  ) {
    let horizonNeed = target == .floor ? need : minimumNeed
    let failedMonth = target == .floor ? ruinMonth : belowMinimumMonth
    // Where the closed form's bracket is read: the need at the horizon, or its value at the end of year y.
    let bracket =
      withinYears.map { years in
        (target == .floor ? yearNeed : yearMinimumNeed) + needYears.firstIndex(of: years)! * capacity
      } ?? horizonNeed
    let result = destination ?? horizonNeed
    let lastMonth = Int32(withinYears.map { 12 * $0 } ?? plan.months)
    var none = monthPasses.policy
    none.hasCuts = 0
    none.hasAppeal = 0
    var most = monthPasses.policy
    most.alwaysAct = 1
    var upper = [Double](repeating: 0, count: lanes)
    var lower = [Double](repeating: 0, count: lanes)

    setStartBalances(lanes: lanes)
    run(firstPath: firstPath, lanes: lanes, policy: none, recording: nil)
    for lane in 0..<lanes { upper[lane] = bracket[lane] }
    run(firstPath: firstPath, lanes: lanes, policy: most, recording: nil)
    for lane in 0..<lanes { lower[lane] = Swift.min(bracket[lane], upper[lane]) }

    /// Whether each lane survives from the B₀ in `startBalance`.
    func survives() -> [Bool] {
      run(firstPath: firstPath, lanes: lanes, policy: monthPasses.policy, recording: nil)
      return (0..<lanes).map { failedMonth[$0] == 0 || failedMonth[$0] > lastMonth }
    }
    func tolerance(_ lane: Int) -> Double { Swift.max(1, 1e-6 * Swift.max(abs(lower[lane]), abs(upper[lane]))) }

    // The upper end survives up to rounding: where it does not, raise it by the tolerance until it does.
    for _ in 0..<64 {
      for lane in 0..<lanes { startBalance[lane] = upper[lane] }
      let alive = survives()
      guard alive.contains(false) else { break }
      for lane in 0..<lanes where !alive[lane] {
        lower[lane] = upper[lane]
        upper[lane] += tolerance(lane) * 2
      }
    }
    while (0..<lanes).contains(where: { upper[$0] - lower[$0] > tolerance($0) }) {
      for lane in 0..<lanes {
        startBalance[lane] = upper[lane] - lower[lane] > tolerance(lane) ? (lower[lane] + upper[lane]) / 2 : upper[lane]
      }
      let alive = survives()
      for lane in 0..<lanes where upper[lane] - lower[lane] > tolerance(lane) {
        if alive[lane] { upper[lane] = startBalance[lane] } else { lower[lane] = startBalance[lane] }
      }
    }
    for lane in 0..<lanes { result[lane] = upper[lane] }
  }
}
