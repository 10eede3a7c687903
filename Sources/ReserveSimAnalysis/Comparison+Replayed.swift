import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

extension Comparison {
  /// Compares A and B on one simulation when B differs from A only in the numbers of its policy or its reserve
  /// (`Simulator.replaysOutcome(_:on:)`: a board's "what if we cut at four months?", "what if we held $2M?"):
  /// A is simulated once and every path's need and ruin read under each (`Simulator.runReplaying`), then compared as
  /// `init(a:b:)` compares two runs. The same numbers, bit for bit: each one's needs are its own run's, and its ruin
  /// is the path's from its own B₀.
  ///
  /// Holds 4 doubles a path (each run's needs and ruin flags); nil when B does not replay on A, or when those do
  /// not fit `bytes`.
  /// - Throws: `CancellationError` when `cancellation` is set.
  /// - Complexity: one simulation and two searches of every path, then the bootstrap's O(resamples × N).
  static func replayed(
    _ a: Scenario, _ b: Scenario, paths: Int, seed: UInt64, simulator: Simulator, bytes: Int,
    confidences: [Double] = RunSummary.defaultReserveConfidences, resamples: Int = PairedBootstrap.defaultResamples,
    bootstrapSeed: UInt64 = PairedBootstrap.defaultSeed, progress: (@Sendable (Double) -> Void)? = nil,
    cancellation: CancellationFlag? = nil
  ) throws -> Comparison? {
    guard Simulator.replaysOutcome(b, on: a), 4 * paths <= bytes / MemoryLayout<Double>.stride
    else { return nil }
    // Rows: A's needs, A's ruin, B's needs, B's ruin (`runReplaying`' order: point k's query, then ruin).
    let held = try simulator.heldReplaying(
      a, of: [a, b], needs: [NeedsWithin(years: a.years, minimum: false)], ruin: true, paths: paths, seed: seed,
      progress: progress, cancellation: cancellation)
    let (needs, ruined) = held.withBuffer { all in
      (
        [Array(all[0..<paths]), Array(all[2 * paths..<3 * paths])],
        [all[paths..<2 * paths].map { $0 > 0 }, all[3 * paths..<4 * paths].map { $0 > 0 }]
      )
    }
    var onlyIn = (a: 0, b: 0)
    for (inA, inB) in zip(ruined[0], ruined[1]) where inA != inB {
      if inB { onlyIn.b += 1 } else { onlyIn.a += 1 }
    }
    let outcomes = (0..<2).map { run in
      RunOutcome(
        needs: needs[run], ruined: ruined[run].filter { $0 }.count, seed: seed, confidences: confidences)
    }
    return Comparison(
      a, b, outcomes: (outcomes[0], outcomes[1]), ruinOnlyIn: onlyIn,
      resampled: PairedBootstrap.resampleQuantiles(
        of: needs, confidences: confidences, resamples: resamples, seed: bootstrapSeed, threads: simulator.threads))
  }
}
