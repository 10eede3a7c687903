import Foundation

/// A progress bar with ETA on stderr for long runs: shown only when stderr is a terminal, and only once
/// a run has taken more than about two seconds (`RESERVESIM_PROGRESS_DELAY` seconds, if set).
final class ProgressBar: @unchecked Sendable {
  private let lock = NSLock()
  private let started = Date()
  private var shown = false
  private let width = 30
  private let delay =
    ProcessInfo.processInfo.environment["RESERVESIM_PROGRESS_DELAY"].flatMap(Double.init) ?? 2

  /// A bar when stderr is a terminal and `enabled`, else `nil`.
  static func forTerminal(enabled: Bool) -> ProgressBar? {
    guard enabled, isatty(STDERR_FILENO) != 0 else { return nil }
    return ProgressBar()
  }

  /// `update` as a function the simulator can call from its worker threads.
  var reporter: @Sendable (Double) -> Void { { [self] share in self.update(share) } }

  /// Called with the share done (0…1), from any thread.
  func update(_ share: Double) {
    lock.lock()
    defer { lock.unlock() }
    let elapsed = Date().timeIntervalSince(started)
    guard elapsed > delay || shown, share > 0 else { return }
    shown = true
    let filled = Int((share * Double(width)).rounded(.down))
    let remaining = elapsed / share * (1 - share)
    let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
    let line = String(format: "\r%@ %3.0f%%  ETA %@ ", bar, share * 100, Self.duration(remaining))
    FileHandle.standardError.write(Data(line.utf8))
  }

  /// Clears the bar's line.
  func finish() {
    lock.lock()
    defer { lock.unlock() }
    guard shown else { return }
    FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: width + 20) + "\r").utf8))
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
  }
}
