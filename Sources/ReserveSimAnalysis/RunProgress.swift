import Foundation

/// How far a pipeline run has got: its stage and the share of its simulation done.
///
/// `share` runs from 0 to 1 over the whole request — over every run of a multi-run analysis (a sweep's grid
/// points, a sensitivity analysis' variants, `check --auto-paths`' rounds) — and never decreases: it is 0
/// while loading, validating and compiling, rises while simulating, and is 1 from summarising on.
public struct RunProgress: Sendable, Equatable {
  /// The pipeline's stages, in order.
  public enum Stage: Int, Sendable, Comparable, CaseIterable {
    case loading, validating, compiling, simulating, summarising, done

    public static func < (a: Stage, b: Stage) -> Bool { a.rawValue < b.rawValue }
  }

  public var stage: Stage
  /// Share of the simulation done, 0…1.
  public var share: Double

  public init(stage: Stage, share: Double) {
    self.stage = stage
    self.share = share
  }
}

/// Forwards progress to a callback from any thread, never going back: a report of an earlier stage or a
/// smaller share than one already forwarded is dropped (the simulator's workers finish blocks in any order).
package final class ProgressReporter: @unchecked Sendable {
  private let lock = NSLock()
  private let callback: (@Sendable (RunProgress) -> Void)?
  private var last = RunProgress(stage: .loading, share: 0)
  private var reportedAny = false

  package init(_ callback: (@Sendable (RunProgress) -> Void)?) { self.callback = callback }

  /// Forwards `stage` at `share` (clamped to 0…1) unless that would go back.
  package func report(_ stage: RunProgress.Stage, _ share: Double = 0) {
    guard let callback else { return }
    lock.lock()
    defer { lock.unlock() }
    let next = RunProgress(stage: max(stage, last.stage), share: max(last.share, min(1, max(0, share))))
    guard !reportedAny || next != last else { return }
    reportedAny = true
    last = next
    callback(next)
  }

  /// A simulator's progress callback for one run of `runs` of an analysis, `index` of them finished before
  /// it: its share s maps to (index + s) / runs of the whole.
  package func simulating(run index: Int, of runs: Int) -> @Sendable (Double) -> Void {
    { [self] share in report(.simulating, (Double(index) + share) / Double(max(1, runs))) }
  }
}
