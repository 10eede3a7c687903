import _ReserveSimKernels

/// The required reserve of a path when the policy's responses make cash flows depend on the balance (SPEC §15).
///
/// SPEC §7's closed formula then no longer holds for the path, so each path's need — the least B₀ that keeps it at
/// or above the floor in every month — is searched for. Every candidate B₀ is a replay of the block's recorded flows
/// (`PolicyReplay`): only the balance, the cover and the responses are recomputed, on the path's own random numbers.
///
/// **Brackets.** Responses only add money (cuts multiply expense lines by f ≤ 1, an appeal raises A ≥ 0), so with
/// any B₀ a path's balance with the policy is at least its balance without any response, and at most its balance
/// with every response at its most (cuts on and an appeal answered after every month-end). The closed form's need
/// without responses is therefore an upper end (it survives) and the closed form's need with every response at its
/// most a lower end (below it the path cannot survive).
///
/// **Steps.** A replay from B₀ fixes the path's decisions (the months with cuts, the appeals and their answers), and
/// for fixed decisions the closed form is exact: their need N is the least B₀ with which those decisions survive.
/// So each surviving candidate also proposes the next one, N, which is tried when it lies inside the bracket
/// (a lower B₀ can only bring the responses earlier or more often, so N usually survives too). When N equals the
/// candidate within the tolerance, the candidate less the tolerance is tried: if it fails, the search is over. When N
/// lies at or below the lower end — the decisions at the candidate would survive from the lowest B₀ any decisions
/// can — the lower end plus the tolerance is tried once: if it survives, the search is over (measured on
/// `pypi-today-policy`: a path's need often is that lower end, give or take rounding, and bisecting down to it took a
/// dozen replays; with this step the replays of 200k paths fell by a third).
/// A proposal that fails, or a path whose decisions keep changing, falls back to bisection. The search ends when a
/// surviving upper end and a failing lower end are within max(1, 10⁻⁶·|B₀|), and the upper end is the path's need.
///
/// **Monotonicity.** The search assumes that a path's survival is monotone in B₀: every B₀ above its need
/// survives. That can fail in principle — a larger reserve can delay a cut that would have saved more — and then
/// the search returns one of the path's survival thresholds. `MonotonicityTests` counts such paths in the shipped
/// policy file. The run's required reserve at confidence c is the ⌈cN⌉-th smallest need, as in SPEC §7.
///
/// The same search finds the need for the board's minimum (SPEC §17): the least B₀ with cover ≥ k at every
/// month-end with outgo, bracketed by the closed form on L(m) = k·outgo(m) without responses and with every
/// response at its most; and the needs within y years, on months ≤ 12y only.
extension PathBlockKernel {
  /// What a searched need keeps the path above.
  enum NeedTarget {
    /// The floor at every month-end (SPEC §15): the path survives when it is never ruined.
    case floor
    /// The board's minimum at every month-end with outgo (SPEC §17).
    case minimum
  }

  /// How a lane's next candidate B₀ was chosen.
  private enum SearchStep {
    /// The upper end, not yet replayed.
    case verify
    /// The closed form's need of the decisions at the upper end.
    case proposal
    /// The upper end less the tolerance, when the proposal is the upper end itself.
    case edge
    /// The lower end plus the tolerance, when the proposal lies at or below the lower end: nothing below that end
    /// survives, so if this does, the ends are within the tolerance.
    case lowerEnd
    /// The middle of the bracket.
    case bisection
    /// Nothing: the lane's need is found.
    case settled
  }

  /// Writes each lane's searched need for `target` into `destination`, over the first `withinYears` years (SPEC
  /// §17: the constraint holds at months ≤ 12y only) or the whole horizon. The block must have been simulated, so
  /// that its flows are recorded.
  /// - Parameter policy: the responses searched with: the file's when nil, or another policy whose cut lines are
  ///   the file's (its numbers only differ: the recorded flows do not depend on them).
  func searchNeeds(
    firstPath: Int, lanes: Int, target: NeedTarget, withinYears: Int? = nil, policy: rs_policy_plan? = nil,
    into destination: UnsafeMutablePointer<Double>
  ) {
    guard let replay else { preconditionFailure("searchNeeds needs a kernel with a replay") }
    let at = blockMonth(month: 0, firstPath: firstPath, lanes: lanes)
    let lastMonth = withinYears.map { 12 * $0 } ?? plan.months
    let policy = policy ?? monthPasses.policy
    let decisionsNeed = target == .floor ? replay.need : replay.minimumNeed
    let failedMonth = target == .floor ? replay.ruinMonth : replay.belowMinimumMonth

    let brackets = replay.brackets(at: at, lastMonth: lastMonth, policy: policy)
    var upper = target == .floor ? brackets.none.floor : brackets.none.minimum
    let most = target == .floor ? brackets.most.floor : brackets.most.minimum
    var lower = (0..<lanes).map { Swift.min(most[$0], upper[$0]) }
    replay.selectAll()

    var verified = [Bool](repeating: false, count: lanes)
    var proposal = [Double](repeating: .nan, count: lanes)
    var proposalFailed = [Bool](repeating: false, count: lanes)
    var edges = [Int](repeating: 0, count: lanes)
    /// Set when the lower end plus the tolerance failed: it is tried once.
    var lowerTried = [Bool](repeating: false, count: lanes)
    /// Set when the upper end less the tolerance failed, or the lower end plus the tolerance survived: the ends are
    /// then within the tolerance, whatever the rounding of their difference.
    var found = [Bool](repeating: false, count: lanes)
    var steps = [SearchStep](repeating: .settled, count: lanes)
    var candidates = [Double](repeating: 0, count: lanes)
    func tolerance(_ lane: Int) -> Double { Swift.max(1, 1e-6 * Swift.max(abs(lower[lane]), abs(upper[lane]))) }

    /// The lanes the replays run: all of the block's, then, as lanes settle, only those still searched for (a
    /// selection costs nothing: the replay reads the selected lanes' rows where they are).
    var replayed = Array(0..<lanes)
    // Each round replays the selected lanes once; a lane needs about log₂ of its bracket over its tolerance rounds
    // at most.
    for _ in 0..<256 {
      var open: [Int] = []
      for lane in replayed {
        let tol = tolerance(lane)
        let step: SearchStep
        if !upper[lane].isFinite {
          step = .settled  // −∞: no month constrains the path (+∞ cannot arise from finite flows).
        } else if !verified[lane] {
          step = .verify
        } else if found[lane] || upper[lane] - lower[lane] <= tol {
          step = .settled
        } else if !proposalFailed[lane] && proposal[lane] > lower[lane] && proposal[lane] < upper[lane] - tol {
          step = .proposal
        } else if !proposalFailed[lane] && !lowerTried[lane] && proposal[lane] <= lower[lane] && lower[lane].isFinite {
          step = .lowerEnd
        } else if proposal[lane] >= upper[lane] - tol && edges[lane] < 2 {
          step = .edge
        } else {
          step = .bisection
        }
        steps[lane] = step
        switch step {
        case .verify: candidates[lane] = upper[lane]
        // Fails in month 1, so that a replay whose open lanes have all failed can stop early.
        case .settled: candidates[lane] = -.greatestFiniteMagnitude
        case .proposal: candidates[lane] = proposal[lane]
        case .edge: candidates[lane] = upper[lane] - tol
        case .lowerEnd: candidates[lane] = lower[lane] + tol
        case .bisection: candidates[lane] = (lower[lane] + upper[lane]) / 2
        }
        if step != .settled { open.append(lane) }
      }
      guard !open.isEmpty else { break }
      if open.count < replayed.count {
        replay.select(open)
        replayed = open
      }
      for (k, lane) in replayed.enumerated() { replay.startBalance[k] = candidates[lane] }
      // A replay stops a lane early only when it has failed, and then its need is not read.
      replay.replay(
        at: at, lastMonth: lastMonth, policy: policy, stoppingWhenEvery: target == .floor ? .floor : .minimum)
      for (k, lane) in replayed.enumerated() where steps[lane] != .settled {
        let candidate = candidates[lane]
        if failedMonth[k] == 0 {
          upper[lane] = candidate
          verified[lane] = true
          proposal[lane] = decisionsNeed[k]
          proposalFailed[lane] = false
          if steps[lane] == .edge { edges[lane] += 1 }
          if steps[lane] == .lowerEnd { found[lane] = true }
        } else if steps[lane] == .verify {
          // The upper end fails only by rounding: raise it by the tolerance until it survives.
          lower[lane] = upper[lane]
          upper[lane] += 2 * tolerance(lane)
        } else {
          lower[lane] = candidate
          if steps[lane] == .proposal { proposalFailed[lane] = true }
          if steps[lane] == .edge { found[lane] = true }
          if steps[lane] == .lowerEnd { lowerTried[lane] = true }
        }
      }
    }
    for lane in 0..<lanes { destination[lane] = upper[lane] }
  }
}
