import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

extension RunOutcome {
  /// The outcomes of scenarios that differ from a base only in their policy's numbers or their reserve
  /// (`Simulator.replaysOutcome(_:on:)`),
  /// as `Sweep`'s and `SensitivityAnalysis`' `replayed` take them: (base, points, confidences) → each point's
  /// outcome, on `simulator`'s threads over paths 0 ..< `paths` of `seed`. The points go in groups whose
  /// needs and ruin flags (2 doubles a path) fit `bytes` together beside one selection's copy of a row (1 a path),
  /// one simulation of the base per group, each point's horizon needs read (searched, with a policy) and its ruin
  /// replayed from its own reserve; nil when one point's do not fit. `progress` is called with the share of all the groups'
  /// blocks done.
  static func replaying(
    simulator: Simulator, paths: Int, seed: UInt64, bytes: Int, cancellation: CancellationFlag?,
    progress: (@Sendable (Double) -> Void)?
  ) -> (Scenario, [Scenario], [Double]) throws -> [RunOutcome]? {
    { base, points, confidences in
      let budget = bytes / MemoryLayout<Double>.stride
      guard 3 * paths <= budget else { return nil }
      let group = (budget - paths) / (2 * paths)
      var outcomes: [RunOutcome] = []
      for first in stride(from: 0, to: points.count, by: group) {
        let part = Array(points[first..<min(points.count, first + group)])
        let (before, share) = (Double(first) / Double(points.count), Double(part.count) / Double(points.count))
        let held = try simulator.heldReplaying(
          base, of: part, needs: [NeedsWithin(years: base.years, minimum: false)], ruin: true, paths: paths,
          seed: seed, progress: progress.map { report in { @Sendable done in report(before + share * done) } },
          cancellation: cancellation)
        held.withBuffer { all in
          for k in part.indices {
            let needs = Array(all[2 * k * paths..<(2 * k + 1) * paths])
            let ruined = all[(2 * k + 1) * paths..<(2 * k + 2) * paths].reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
            outcomes.append(RunOutcome(needs: needs, ruined: ruined, seed: seed, confidences: confidences))
          }
        }
      }
      progress?(1)
      return outcomes
    }
  }
}
