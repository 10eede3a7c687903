/// At most `limit` simulations at once: the rest wait their turn, and a waiter whose task is cancelled leaves the
/// queue at once. Keeps the memory and threads of many clients bounded by a few runs.
actor SimulationGate {
  let limit: Int
  private var running = 0
  private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
  private var nextID: UInt64 = 0

  init(limit: Int) { self.limit = max(1, limit) }

  /// Runs `work` once a place is free.
  /// - Throws: `CancellationError` when the task is cancelled while waiting; whatever `work` throws.
  func run<Value: Sendable>(_ work: @Sendable () async throws -> Value) async throws -> Value {
    try await enter()
    defer { leave() }
    return try await work()
  }

  private func enter() async throws {
    try Task.checkCancellation()
    if running < limit {
      running += 1
      return
    }
    let id = nextID
    nextID += 1
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { waiters.append((id, $0)) }
    } onCancel: {
      Task { await self.cancel(id) }
    }
  }

  /// Hands the place to the first waiter, or frees it.
  private func leave() {
    if waiters.isEmpty {
      running -= 1
    } else {
      waiters.removeFirst().continuation.resume()
    }
  }

  private func cancel(_ id: UInt64) {
    guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
    waiters.remove(at: index).continuation.resume(throwing: CancellationError())
  }
}

/// One request of each kind per client: a newer request cancels the older one still running.
actor ClientSlots {
  private var current: [String: (id: UInt64, cancel: @Sendable () -> Void)] = [:]
  private var nextID: UInt64 = 0

  /// Runs `work` as the client's request of that kind (`key`), cancelling the one before it; without a key,
  /// just runs it. The work is cancelled too when the calling task is (a closed connection).
  func exclusive<Value: Sendable>(
    _ key: String?, _ work: @escaping @Sendable () async throws -> Value
  ) async throws -> Value {
    let task = Task { try await work() }
    guard let key else {
      return try await withTaskCancellationHandler {
        try await task.value
      } onCancel: {
        task.cancel()
      }
    }
    current[key]?.cancel()
    let id = nextID
    nextID += 1
    current[key] = (id, { task.cancel() })
    defer { if current[key]?.id == id { current[key] = nil } }
    return try await withTaskCancellationHandler {
      try await task.value
    } onCancel: {
      task.cancel()
    }
  }
}
