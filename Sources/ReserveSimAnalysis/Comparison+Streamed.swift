import Foundation
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
  /// - Parameter progress: the share done of step 0 (A's run), step 1 (B's) and step 2 (the pass over pairs), a third
  ///   each, never going back: the pass over pairs fills 99% of step 2, and should the windows widen, A's and B's runs
  ///   at the new ranks and the pairs again fill half of what is left, and so on.
  /// - Throws: `CancellationError` when `cancellation` is set.
  static func streamed(
    _ a: Scenario, _ b: Scenario, paths: Int, seed: UInt64, simulator: Simulator, budget: StreamingBudget,
    confidences: [Double] = RunSummary.defaultReserveConfidences, resamples: Int = PairedBootstrap.defaultResamples,
    bootstrapSeed: UInt64 = PairedBootstrap.defaultSeed, margin: PairedBootstrap.WindowMargin = .init(),
    progress: (@Sendable (_ step: Int, _ share: Double) -> Void)? = nil,
    cancellation: CancellationFlag? = nil
  ) throws -> Comparison {
    // The workers finish chunks in any order: a report that would go back is dropped.
    let progress = progress.map { ForwardOnly($0) }.map { forward in { @Sendable in forward.report($0, $1) } }
    // The first pass over pairs reports into 0 … 0.99 of step 2; after r widenings the runs and the pass over pairs
    // report into the thirds of 1 − 0.01·2^−(r−1) … 1 − 0.01·2^−r.
    var widenings = 0
    func stepTwo(part: Int, of parts: Int) -> @Sendable (Double) -> Double {
      let start = widenings == 0 ? 0 : 1 - 0.01 / Double(1 << min(widenings - 1, 52))
      let width = widenings == 0 ? 0.99 : 0.01 / Double(1 << min(widenings, 52))
      return { share in start + width * (Double(part) + share) / Double(parts) }
    }
    func run(_ scenario: Scenario, ranks: [Int], step: Int) throws -> StreamedRun.Output {
      var run = StreamedRun(scenario: scenario, paths: paths, seed: seed, simulator: simulator, budget: budget)
      run.reserveConfidences = confidences
      run.shortfallConfidences = []
      run.summarisesBalances = false
      run.extraNeedRanks = ranks
      // Steps 0 and 1 before any widening; a widening's thirds of step 2 after.
      let shown = widenings == 0 ? step : 2
      let place: @Sendable (Double) -> Double
      if widenings == 0 { place = { share in share } } else { place = stepTwo(part: step, of: 3) }
      let report: (@Sendable (StreamedRun.Progress) -> Void)? = progress.map { progress in
        { @Sendable at in progress(shown, place(at.fraction)) }
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
        guard ranks != firstRanks else { return outputs.map { output in ranks.map { output.needs.value(rank: $0) } } }
        widenings += 1
        return try [a, b].enumerated().map { step, scenario in
          let needs = try run(scenario, ranks: ranks, step: step).needs
          return ranks.map { needs.value(rank: $0) }
        }
      },
      pass: { quantiles in
        let pairs = StreamedRun(scenario: a, paths: paths, seed: seed, simulator: simulator, budget: budget)
        let place = widenings == 0 ? stepTwo(part: 0, of: 1) : stepTwo(part: 2, of: 3)
        let report: (@Sendable (Double) -> Void)? = progress.map { progress in
          { @Sendable share in progress(2, place(share)) }
        }
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

  /// Forwards (step, share) reports from any thread in order, dropping one below a report already forwarded.
  private final class ForwardOnly: @unchecked Sendable {
    private let lock = NSLock()
    private var last = (step: Int.min, share: -Double.infinity)
    private let callback: @Sendable (Int, Double) -> Void

    init(_ callback: @escaping @Sendable (Int, Double) -> Void) { self.callback = callback }

    func report(_ step: Int, _ share: Double) {
      lock.lock()
      defer { lock.unlock() }
      guard (step, share) >= last else { return }
      last = (step, share)
      callback(step, share)
    }
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
