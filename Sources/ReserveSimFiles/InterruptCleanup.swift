import Foundation

/// Removes this run's temporary outputs when SIGINT, SIGTERM or SIGHUP stops it, then exits with 128 + the
/// signal's number (130, 143, 129).
///
/// The signal handler only records the signal and writes its number to a pipe (async-signal-safe, whichever
/// thread receives it); a dedicated thread reads the pipe and does the cleanup as ordinary code, holding the
/// registry's lock until it exits. Everything else that touches registered paths holds the same lock, so the
/// two never interleave: a commit of output files (`deferringSignals`) either starts after the cleanup (and so
/// never) or finishes before it, and a signal recorded before a commit starts stops it from starting.
package enum InterruptCleanup {
  /// What to remove: a staging folder with everything in it, or a folder the run created (only if empty).
  package enum Kind {
    case tree, emptyFolder
  }

  package struct Registration: Equatable {
    fileprivate var number: Int
  }

  static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

  /// Installs the handlers (leaving a signal ignored if it was ignored when the process started, as `nohup`
  /// arranges) and starts the cleanup thread. Call once, first thing.
  /// - Parameter beforeExit: run after the cleanup, just before the process exits (the command line clears its
  ///   progress bar).
  package static func install(beforeExit: @escaping @Sendable () -> Void = {}) {
    registry.lock.lock()
    registry.beforeExit = beforeExit
    registry.lock.unlock()
    let pipeEnds = wakeUpPipe
    _ = receivedSignal
    guard pipeEnds.write >= 0 else { return }
    for signalNumber in signals {
      let previous = signal(signalNumber, SIG_IGN)
      if isIgnored(previous) { continue }
      signal(signalNumber) { received in
        let saved = errno
        receivedSignal.pointee = received
        var byte = UInt8(truncatingIfNeeded: received)
        _ = write(wakeUpPipe.write, &byte, 1)
        errno = saved
      }
    }
    let thread = Thread { cleanUpOnSignal(readingFrom: pipeEnds.read) }
    thread.name = "reservesim signal cleanup"
    thread.start()
  }

  /// Adds `path` to what a signal removes; returns the handle `release` takes.
  package static func register(_ path: String, _ kind: Kind) -> Registration {
    registry.lock.lock()
    defer { registry.lock.unlock() }
    registry.next += 1
    registry.entries.append((registry.next, path, kind))
    return Registration(number: registry.next)
  }

  /// Forgets each registration, first removing its path (as a signal would) where `removing` says so.
  package static func release(_ registrations: [(Registration, removing: Bool)]) {
    registry.lock.lock()
    defer { registry.lock.unlock() }
    for (registration, removing) in registrations {
      guard let index = registry.entries.firstIndex(where: { $0.number == registration.number }) else { continue }
      if removing { remove(registry.entries[index]) }
      registry.entries.remove(at: index)
    }
  }

  /// Runs `body` with signals held back until it returns: a signal that arrived before cleans up and exits
  /// instead of starting it, one that arrives during it cleans up and exits as soon as it returns.
  package static func deferringSignals<Result>(_ body: () throws -> Result) rethrows -> Result {
    registry.lock.lock()
    defer { registry.lock.unlock() }
    if receivedSignal.pointee != 0 { cleanUpAndExit(receivedSignal.pointee) }
    let result = try body()
    if receivedSignal.pointee != 0 { cleanUpAndExit(receivedSignal.pointee) }
    return result
  }

  // MARK: - Private

  private final class Registry: @unchecked Sendable {
    /// Recursive: a commit holds it while (un)registering nothing, but nothing may deadlock if one does.
    let lock = NSRecursiveLock()
    var next = 0
    var entries: [(number: Int, path: String, kind: Kind)] = []
    var beforeExit: @Sendable () -> Void = {}
  }

  private static let registry = Registry()

  private static func cleanUpOnSignal(readingFrom descriptor: Int32) {
    // This thread only waits: let the signals go to a thread that works, which records them before it goes on.
    var blocked = sigset_t()
    sigemptyset(&blocked)
    for signalNumber in signals { sigaddset(&blocked, signalNumber) }
    pthread_sigmask(SIG_BLOCK, &blocked, nil)
    var byte: UInt8 = 0
    while true {
      let count = read(descriptor, &byte, 1)
      if count == 1 { break }
      if count < 0 && errno == EINTR { continue }
      return
    }
    registry.lock.lock()
    cleanUpAndExit(Int32(byte))
  }

  /// Removes every registered path, newest first, runs `beforeExit` and exits 128 + `signalNumber`.
  /// The caller holds the registry's lock, and never gets it back.
  private static func cleanUpAndExit(_ signalNumber: Int32) -> Never {
    for entry in registry.entries.reversed() { remove(entry) }
    registry.beforeExit()
    _exit(128 + signalNumber)
  }

  private static func remove(_ entry: (number: Int, path: String, kind: Kind)) {
    switch entry.kind {
    case .tree: try? FileManager.default.removeItem(atPath: entry.path)
    case .emptyFolder: rmdir(entry.path)
    }
  }

  /// Whether a handler `signal` returned is `SIG_IGN` (a C function pointer, optional on some platforms).
  private static func isIgnored<Handler>(_ handler: Handler) -> Bool {
    unsafeBitCast(handler, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self)
  }
}

/// The pipe from the signal handler to the cleanup thread; a global constant, so the handler reads it without
/// allocating or locking.
private let wakeUpPipe: (read: Int32, write: Int32) = {
  var ends: [Int32] = [-1, -1]
  guard pipe(&ends) == 0 else { return (-1, -1) }
  _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
  _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
  return (ends[0], ends[1])
}()

/// The signal the handler received (0: none yet), written by the handler and read under the registry's lock.
private let receivedSignal: UnsafeMutablePointer<sig_atomic_t> = {
  let cell = UnsafeMutablePointer<sig_atomic_t>.allocate(capacity: 1)
  cell.initialize(to: 0)
  return cell
}()
