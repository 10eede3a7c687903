import ReserveSimEngine
import ReserveSimScenario

extension Simulator {
  /// Simulates `scenario` and checks `assertions`; with `maxPaths`, doubles the paths until every verdict is
  /// conclusive or `maxPaths` is reached, simulating only the new paths each time.
  ///
  /// The path counts are N, 2N, 4N, … capped at max(N, maxPaths); each round runs paths Nₖ..<Nₖ₊₁ only and
  /// appends them (`extend(_:toPaths:progress:)`), so the final result is the run of its path count. An
  /// interval's width shrinks like 1/√N, so each doubling narrows it by about √2 — an inconclusive verdict
  /// whose threshold equals the true value stays inconclusive at any N.
  /// - Parameters:
  ///   - paths: N, the paths of the first round.
  ///   - maxPaths: the most paths to use, or `nil` for one round of N paths.
  ///   - progress: called with each round's share done (0…1) and the round's path range.
  /// - Returns: the result of the last round (all its paths) and the checks on it.
  public func check(
    _ scenario: Scenario, assertions: [Assertion], paths: Int, seed: UInt64, maxPaths: Int? = nil,
    progress: ((Range<Int>) -> (@Sendable (Double) -> Void)?)? = nil
  ) -> (result: SimulationResult, checks: [AssertionCheck]) {
    do {
      return try check(
        scenario, assertions: assertions, paths: paths, seed: seed, maxPaths: maxPaths, progress: progress,
        cancellation: nil)
    } catch {
      preconditionFailure("a check without a cancellation flag is never cancelled")
    }
  }

  /// `check(_:assertions:paths:seed:maxPaths:progress:)`, stopping when `cancellation` is set.
  /// - Throws: `CancellationError` when `cancellation` is set before the last round ends.
  public func check(
    _ scenario: Scenario, assertions: [Assertion], paths: Int, seed: UInt64, maxPaths: Int? = nil,
    progress: ((Range<Int>) -> (@Sendable (Double) -> Void)?)? = nil, cancellation: CancellationFlag?
  ) throws -> (result: SimulationResult, checks: [AssertionCheck]) {
    var result = try run(
      scenario, paths: paths, seed: seed, progress: progress?(0..<paths), cancellation: cancellation)
    var checks = AssertionCheck.evaluate(assertions, result: result)
    let limit = max(paths, maxPaths ?? paths)
    while result.paths < limit, checks.contains(where: { !$0.verdict.isConclusive }) {
      let total = min(limit, 2 * result.paths)
      result = try extend(
        result, toPaths: total, progress: progress?(result.paths..<total), cancellation: cancellation)
      checks = AssertionCheck.evaluate(assertions, result: result)
    }
    return (result, checks)
  }
}
