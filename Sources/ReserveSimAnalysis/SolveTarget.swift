import ReserveSimResults
import ReserveSimScenario

/// A target of `reservesim solve` (SPEC §18): the chance of falling below the floor (`ruin`) or below the board's
/// minimum (`below`) within y years is at most p. Written in `--assert`'s grammar (`ruin<=1%@5y`, `below<=5%@3y`).
public struct SolveTarget: Sendable, Equatable {
  public enum Metric: String, Sendable {
    /// Below the floor at some month-end within the years (SPEC §7): met by need_y.
    case ruin
    /// Below k months of outgo at some month-end with outgo within the years (SPEC §17): met by need_min,y.
    case below
  }

  /// The text as written, e.g. "ruin<=5%@3y".
  public var spec: String
  public var metric: Metric
  public var withinYears: Int
  /// p, the largest acceptable share of futures.
  public var atMost: Double

  public init(spec: String, metric: Metric, withinYears: Int, atMost: Double) {
    self.spec = spec
    self.metric = metric
    self.withinYears = withinYears
    self.atMost = atMost
  }

  /// Parses a target for `scenario` (years default to its horizon).
  /// - Throws: `ScenarioError` (no file) for the grammar's errors, for `reserve@…` (the reserve is the unknown, not a
  ///   target), for years past the horizon, and for `below` without `policy.minimumMonths`.
  public init(parsing text: String, for scenario: Scenario) throws {
    let compact = try CompactAssertion(parsing: text)
    let assertion: Assertion
    switch compact.metric {
    case .requiredReserve, .requiredReserveForMinimum:
      throw ScenarioError(
        file: nil, path: .root,
        message:
          "--target '\(compact.text)': the reserve is what solve finds, not a target; give a chance such as "
          + "ruin<=5%@3y or below<=5%@3y")
    case .ruinProbability, .belowMinimum:
      assertion = try compact.assertion(for: scenario)
    }
    switch assertion.metric {
    case .ruinProbability(let years): self.init(spec: compact.text, metric: .ruin, withinYears: years, atMost: 0)
    case .belowMinimum(let years): self.init(spec: compact.text, metric: .below, withinYears: years, atMost: 0)
    case .requiredReserve, .requiredReserveForMinimum: preconditionFailure("refused above")
    }
    atMost = assertion.atMost
  }

  /// The rank, among N ascending needs, of the least B₀ that leaves at most a share p of the N paths failing:
  /// N − ⌊pN⌋, clamped to 1 … N (SPEC §17's ranks; `run`'s ⌈cN⌉ for c = 1 − p).
  public static func rank(atMost p: Double, paths n: Int) -> Int {
    min(n, max(1, n - Quantiles.floorCount(p * Double(n))))
  }

  /// The same target as an assertion for `check` (its interval and verdict).
  public var assertion: Assertion {
    Assertion(
      name: spec,
      metric: metric == .ruin ? .ruinProbability(withinYears: withinYears) : .belowMinimum(withinYears: withinYears),
      atMost: atMost)
  }
}
