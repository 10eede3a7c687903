import Foundation

/// How far a pipeline run has got: its stage and the share of its simulation done.
///
/// A streamed run (`StreamedRun`, issue #23) goes over its paths more than once: `pass` and `passes` say which
/// pass `share` is of, and each pass's share runs from 0 to 1 on its own.
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
  /// Share of the simulation done, 0…1 (of the current pass, for a streamed run).
  public var share: Double
  /// The pass over the paths (1-based): a streamed run (`StreamedRun`) simulates its paths once to count them, then
  /// again (pass 2, …) to keep the values near the percentiles; 1 for any other run.
  public var pass: Int = 1
  /// The passes known to be needed so far (at least `pass`; it may grow when a pass finds a bin to refine).
  public var passes: Int = 1

  public init(stage: Stage, share: Double, pass: Int = 1, passes: Int = 1) {
    self.stage = stage
    self.share = share
    self.pass = pass
    self.passes = max(pass, passes)
  }

  /// "pass 2 of 2: re-simulating the paths near the percentiles", for a streamed run's passes; nil for pass 1 of 1.
  public var passDescription: String? {
    guard passes > 1 else { return nil }
    let what = pass == 1 ? "counting the paths' results" : "re-simulating the paths near the percentiles"
    return "pass \(pass) of \(passes): \(what)"
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

  /// Forwards `stage` at `share` (clamped to 0…1) unless that would go back; a later `pass` starts its share
  /// afresh.
  package func report(_ stage: RunProgress.Stage, _ share: Double = 0, pass: Int = 1, passes: Int = 1) {
    guard let callback else { return }
    lock.lock()
    defer { lock.unlock() }
    let clamped = min(1, max(0, share))
    let next =
      pass > last.pass
      ? RunProgress(stage: max(stage, last.stage), share: clamped, pass: pass, passes: passes)
      : RunProgress(
        stage: max(stage, last.stage), share: max(last.share, clamped), pass: last.pass,
        passes: max(last.passes, passes))
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
