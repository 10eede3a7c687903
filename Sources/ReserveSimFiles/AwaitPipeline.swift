import Dispatch

/// Runs `operation` (a stage of the run pipeline) to its end and returns what it returns or throws, holding
/// the calling thread until then.
///
/// Commands run on the main thread, which is not one of Swift's concurrency pool, so holding it blocks no
/// task: the pipeline simulates on threads of its own. Files are then written on the main thread as before —
/// the only thread that receives SIGINT, SIGTERM and SIGHUP (`InterruptCleanup`), so a signal that arrives while
/// a commit is held back is handled before the commit starts.
package func awaitPipeline<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) throws -> Value {
  let outcome = PipelineOutcome<Value>()
  let finished = DispatchSemaphore(value: 0)
  Task.detached {
    do {
      outcome.result = .success(try await operation())
    } catch {
      outcome.result = .failure(error)
    }
    finished.signal()
  }
  finished.wait()
  return try outcome.result!.get()
}

/// What `awaitPipeline`'s task gave, handed from the task to the waiting thread (the semaphore orders the two).
private final class PipelineOutcome<Value>: @unchecked Sendable {
  var result: Result<Value, Error>?
}
