import Hummingbird
import Logging
import ServiceLifecycle

/// A server started in the background (tests, scripts): its port, and a way to stop it.
public struct RunningServer: Sendable {
  /// The port it listens on.
  public let port: Int
  let group: ServiceGroup
  let task: Task<Void, any Error>

  /// Starts `service` on `host`:`port` (0: an ephemeral port) and returns once it listens.
  /// - Throws: the server's error when it cannot listen.
  public static func start(service: ServeService, host: String = "127.0.0.1", port: Int = 0) async throws
    -> RunningServer
  {
    let (ports, portSink) = AsyncStream<Int>.makeStream()
    let app = ServeApplication.make(service: service, host: host, port: port) { portSink.yield($0) }
    var logger = Logger(label: "reservesim-serve")
    logger.logLevel = .warning
    let group = ServiceGroup(services: [app], gracefulShutdownSignals: [], logger: logger)
    let task = Task {
      defer { portSink.finish() }
      try await group.run()
    }
    var iterator = ports.makeAsyncIterator()
    guard let bound = await iterator.next() else {
      try await task.value
      throw APIError(status: 500, "the server stopped before it listened")
    }
    return RunningServer(port: bound, group: group, task: task)
  }

  /// Stops listening, lets requests in flight finish, and waits for the end.
  public func stop() async {
    await group.triggerGracefulShutdown()
    _ = try? await task.value
  }
}
