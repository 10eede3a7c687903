import Foundation

/// A request to stop a running simulation: set from any thread (`cancel()`), read by each worker between
/// blocks of `Simulator.blockSize` paths. A run that finds it set stops and throws `CancellationError`.
public final class CancellationFlag: @unchecked Sendable {
  private let lock = NSLock()
  private var cancelled = false

  public init() {}

  /// Asks every run holding this flag to stop at its next block boundary.
  public func cancel() {
    lock.lock()
    cancelled = true
    lock.unlock()
  }

  public var isCancelled: Bool {
    lock.lock()
    defer { lock.unlock() }
    return cancelled
  }

  /// Throws `CancellationError` when the flag is set.
  public func check() throws {
    if isCancelled { throw CancellationError() }
  }

  /// Runs the synchronous `work` on a thread of its own, off Swift's cooperative pool (which a simulation
  /// would otherwise block for seconds), and returns what it returns; cancelling the calling `Task` sets the
  /// flag `work` is handed, so work that honours the flag stops promptly and throws `CancellationError`.
  public static func runningOffPool<Value: Sendable>(
    _ work: @escaping @Sendable (CancellationFlag) throws -> Value
  ) async throws -> Value {
    let flag = CancellationFlag()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, Error>) in
        let thread = Thread {
          continuation.resume(
            with: Result {
              try flag.check()
              return try work(flag)
            })
        }
        thread.name = "reservesim run"
        // The scenario's JSON is parsed recursively on this thread: give it a main thread's stack.
        thread.stackSize = 8 << 20
        thread.start()
      }
    } onCancel: {
      flag.cancel()
    }
  }
}
