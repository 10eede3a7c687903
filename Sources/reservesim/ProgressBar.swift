import Foundation
import ReserveSim

/// A progress bar with ETA on stderr for long runs: shown only when stderr is a terminal, and only once
/// a run has taken more than about two seconds (`RESERVESIM_PROGRESS_DELAY` seconds, if set).
///
/// Each frame returns to the start of the line and is padded with spaces to the length of the frame before it,
/// so a shorter frame ("ETA 54s" after "ETA 1m05s") leaves nothing of the longer one behind.
final class ProgressBar: @unchecked Sendable {
  private let lock = NSLock()
  private let started = Date()
  private var shown = false
  /// Characters (each one terminal column) of the last frame written.
  private var lastLength = 0
  static let width = 30
  private let delay =
    ProcessInfo.processInfo.environment["RESERVESIM_PROGRESS_DELAY"].flatMap(Double.init) ?? 2

  /// The bar on screen, if any, for a signal to clear.
  nonisolated(unsafe) private static weak var active: ProgressBar?
  private static let activeLock = NSLock()

  /// A bar when stderr is a terminal and `enabled`, else `nil`.
  static func forTerminal(enabled: Bool) -> ProgressBar? {
    guard enabled, isatty(STDERR_FILENO) != 0 else { return nil }
    let bar = ProgressBar()
    activeLock.lock()
    active = bar
    activeLock.unlock()
    return bar
  }

  /// `update` as a function the run pipeline can call from its worker threads: the share simulated.
  var reporter: @Sendable (RunProgress) -> Void {
    { [self] progress in
      if progress.stage == .simulating { self.update(progress.share, pass: progress.pass, label: Self.label(progress)) }
    }
  }

  /// A streamed run's pass in a few words after the bar, so that the frame fits 80 columns: "pass 2 of 2:
  /// re-simulating" (`RunProgress.passDescription` in full); nil for a run of one pass.
  static func label(_ progress: RunProgress) -> String? {
    guard progress.passes > 1 else { return nil }
    return "pass \(progress.pass) of \(progress.passes): " + (progress.pass == 1 ? "counting" : "re-simulating")
  }

  /// The pass the bar shows and when it started: a streamed run's later pass starts the bar and its ETA afresh.
  private var pass = 1
  private var passStarted = Date()

  /// Called with the share done (0…1) of pass `pass`, from any thread; `label` (the pass in words) goes after the
  /// bar.
  func update(_ share: Double, pass: Int = 1, label: String? = nil) {
    lock.lock()
    defer { lock.unlock() }
    if pass > self.pass {
      self.pass = pass
      passStarted = Date()
    }
    let elapsed = Date().timeIntervalSince(started), inPass = Date().timeIntervalSince(passStarted)
    guard elapsed > delay || shown, share > 0 else { return }
    shown = true
    var line = Self.line(share: share, remainingSeconds: inPass / share * (1 - share))
    if let label { line += "  " + label }
    write(Self.frame(line, previousLength: lastLength))
    lastLength = line.count
  }

  /// Clears the bar's line.
  func finish() {
    lock.lock()
    defer { lock.unlock() }
    guard shown else { return }
    write(Self.clearing(lastLength))
    shown = false
    lastLength = 0
  }

  /// Clears the bar on screen, if any (on SIGINT, SIGTERM, SIGHUP).
  static func clearActive() {
    activeLock.lock()
    let bar = active
    activeLock.unlock()
    bar?.finish()
  }

  private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

  /// The bar's text: `width` cells filled in proportion to `share`, the percentage and the time left.
  static func line(share: Double, remainingSeconds: Double) -> String {
    let filled = min(width, max(0, Int((share * Double(width)).rounded(.down))))
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    return String(format: "%@ %3.0f%%  ETA %@", bar, share * 100, duration(remainingSeconds))
  }

  /// What to write for `line` over a frame of `previousLength` characters: carriage return, the line, and
  /// spaces over whatever the previous frame had beyond it.
  static func frame(_ line: String, previousLength: Int) -> String {
    "\r" + line + String(repeating: " ", count: max(0, previousLength - line.count))
  }

  /// Blanks a frame of `length` characters and returns to the start of the line.
  static func clearing(_ length: Int) -> String { "\r" + String(repeating: " ", count: length) + "\r" }

  static func duration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    let s = Int(min(seconds, 359_999).rounded())
    return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
  }
}
