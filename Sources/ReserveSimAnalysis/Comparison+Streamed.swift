import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

extension Comparison {
  /// Compares A and B run on common random numbers without keeping their paths (issue #23): the same numbers as
  /// `init(a:b:)` on two results of all of them, bit for bit, in memory that does not grow with the paths.
  ///
  /// Each run streams on its own (`StreamedRun`, no balances): its ruin and its needs' order statistics at the
  /// confidences' ranks and at the ends of the bootstrap's windows (`PairedBootstrap.ranks`). Then one pass over the
  /// pairs of chunks (`StreamedRun.forEachPairedChunk`) counts the paths ruined in only one run and adds every path's
  /// weights to the resamples' sums (`ResampledQuantiles`). Should a resample's answer fall outside its window
  /// (about 10⁻²⁰ of them), the windows widen and both steps run again.
  /// - Parameter progress: the share done of A's run, B's, and the pass over pairs (a third each).
  /// - Throws: `CancellationError` when `cancellation` is set.
  static func streamed(
    _ a: Scenario, _ b: Scenario, paths: Int, seed: UInt64, simulator: Simulator, budget: StreamingBudget,
    confidences: [Double] = RunSummary.defaultReserveConfidences, resamples: Int = PairedBootstrap.defaultResamples,
    bootstrapSeed: UInt64 = PairedBootstrap.defaultSeed, margin: PairedBootstrap.WindowMargin = .init(),
    progress: (@Sendable (_ step: Int, _ share: Double) -> Void)? = nil,
    cancellation: CancellationFlag? = nil
  ) throws -> Comparison {
    func run(_ scenario: Scenario, ranks: [Int], step: Int) throws -> StreamedRun.Output {
      var run = StreamedRun(scenario: scenario, paths: paths, seed: seed, simulator: simulator, budget: budget)
      run.reserveConfidences = confidences
      run.shortfallConfidences = []
      run.summarisesBalances = false
      run.extraNeedRanks = ranks
      let report: (@Sendable (StreamedRun.Progress) -> Void)? = progress.map { progress in
        { @Sendable at in progress(step, (Double(at.pass - 1) + at.share) / Double(max(at.passes, at.pass))) }
      }
      return try run.run(progress: report, cancellation: cancellation)
    }
    let firstRanks = PairedBootstrap.ranks(confidences: confidences, paths: paths, widening: 1, margin: margin)
    let outputs = try [a, b].enumerated().map { try run($1, ranks: firstRanks, step: $0) }
    var onlyIn = (a: 0, b: 0)
    var counted = false
    let resampled = try PairedBootstrap.answers(
      runs: 2, paths: paths, confidences: confidences, resamples: resamples, seed: bootstrapSeed,
      threads: simulator.threads, margin: margin,
      orderStatistics: { ranks in
        let needs =
          try ranks == firstRanks ? outputs.map(\.needs) : [a, b].map { try run($0, ranks: ranks, step: 0).needs }
        return needs.map { needs in ranks.map { needs.value(rank: $0) } }
      },
      pass: { quantiles in
        let pairs = StreamedRun(scenario: a, paths: paths, seed: seed, simulator: simulator, budget: budget)
        let report: (@Sendable (Double) -> Void)? = progress.map { progress in { @Sendable in progress(2, $0) } }
        try pairs.forEachPairedChunk(with: b, progress: report, cancellation: cancellation) { chunkA, chunkB, first in
          if !counted {
            let only = Comparison.ruinedInOnlyOne(chunkA.firstRuinMonth, chunkB.firstRuinMonth)
            onlyIn = (onlyIn.a + only.a, onlyIn.b + only.b)
          }
          chunkA.requiredReserve.withUnsafeBufferPointer { needsA in
            chunkB.requiredReserve.withUnsafeBufferPointer { needsB in
              quantiles.add([needsA, needsB], firstPath: first)
            }
          }
        }
        counted = true
      })
    return Comparison(
      a, b,
      outcomes: (
        RunOutcome(streamed: outputs[0], seed: seed, confidences: confidences),
        RunOutcome(streamed: outputs[1], seed: seed, confidences: confidences)
      ), ruinOnlyIn: onlyIn, resampled: resampled)
  }

  /// The paths ruined in A only and in B only, from their first months of ruin (0: never).
  static func ruinedInOnlyOne(_ a: [Int32], _ b: [Int32]) -> (a: Int, b: Int) {
    var onlyA = 0, onlyB = 0
    for (monthA, monthB) in zip(a, b) where (monthA > 0) != (monthB > 0) {
      if monthB > 0 { onlyB += 1 } else { onlyA += 1 }
    }
    return (onlyA, onlyB)
  }
}
