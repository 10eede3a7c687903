import Foundation
import Hummingbird
import NIOCore

/// `POST /api/view/progress`: the page's full run with its progress, as a stream of lines of JSON
/// (`application/x-ndjson`): `{"progress": SHARE}` as the simulation goes (at most one a percent), then one line
/// `{"result": VIEW}` or `{"error": MESSAGE, "status": CODE}`.
///
/// Bad input found before the simulation (the body, the scenario, an edit) is answered as any error, with its
/// status; once the stream has started its status is 200 and an error is its last line. A client that hangs up
/// cancels the run at the next line the server writes.
enum ProgressStream {
  static func answer(
    _ request: Request, slots: ClientSlots, check: @Sendable (APIRequest) throws -> Void,
    _ work: @escaping @Sendable (APIRequest, @escaping @Sendable (Double) -> Void) async throws -> String
  ) async -> Response {
    let parsed: APIRequest
    do {
      if let length = request.headers[.contentLength].flatMap(Int.init), length > APIRequest.maximumBodyBytes {
        throw APIError.bodyTooLarge
      }
      parsed = try await APIRequest(request.body)
      try check(parsed)
    } catch {
      return ServeApplication.failure(error)
    }
    let client = request.headers[ServeApplication.clientHeader].map { "\($0) view" }
    let (lines, sink) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(256))
    let throttle = ShareThrottle()
    let task = Task {
      do {
        let text = try await slots.exclusive(client) {
          try await work(parsed) { share in
            if throttle.passes(share) { sink.yield("{\"progress\": \(share)}\n") }
          }
        }
        // Pretty JSON has newlines only between tokens (a string writes its own as \n): one line without them.
        sink.yield("{\"result\": " + text.replacingOccurrences(of: "\n", with: "") + "}\n")
      } catch {
        sink.yield(APIError.from(error).json.replacingOccurrences(of: "\n", with: "") + "\n")
      }
      sink.finish()
    }
    return Response(
      status: .ok, headers: [.contentType: "application/x-ndjson"],
      body: ResponseBody { writer in
        do {
          for await line in lines { try await writer.write(ByteBuffer(string: line)) }
          try await writer.finish(nil)
        } catch {
          task.cancel()
          throw error
        }
      })
  }
}

/// Lets a share through when it is at least a percent past the last one let through.
final class ShareThrottle: @unchecked Sendable {
  private let lock = NSLock()
  private var last = -1.0

  func passes(_ share: Double) -> Bool {
    lock.withLock {
      guard share >= last + 0.01 || (share >= 1 && last < 1) else { return false }
      last = share
      return true
    }
  }
}
