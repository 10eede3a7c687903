import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The HTTP side: routes of the page and the API over a `ServeService` (Hummingbird 2).
///
/// `GET /` the page, `GET /api/scenarios` the served files and their controls, `POST /api/run`, `/api/compare`,
/// `/api/solve` the commands' `--json` documents, `POST /api/view` the page's state (`/api/view/progress` with its
/// progress, `ProgressStream`), `POST /api/export/scenario`,
/// `/api/export/csv`, `/api/export/report` the downloads. Errors are `{"error": MESSAGE, "status": N}`.
public enum ServeApplication {
  /// The header naming a client (the page sends one random id per tab): one request of each kind per client runs,
  /// a newer one cancels the older.
  public static let clientHeader = HTTPField.Name("X-ReserveSim-Client")!

  /// The application, listening on `host`:`port` (0: an ephemeral port), calling `onRunning` with the port bound.
  public static func make(
    service: ServeService, host: String, port: Int, logger: Logger? = nil,
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
  ) -> some ApplicationProtocol {
    let router = Router()
    // First, so that it wraps every route and the not-found answer.
    router.add(middleware: JSONErrors())
    let slots = ClientSlots()
    router.get("/") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: ServePage.html)))
    }
    router.get("/api/scenarios") { _, _ in
      do { return json(try service.scenarioList()) } catch { return failure(error) }
    }
    let endpoints: [(String, String, @Sendable (APIRequest) async throws -> String)] = [
      ("run", "application/json", { try await service.run($0) }),
      ("compare", "application/json", { try await service.compare($0) }),
      ("solve", "application/json", { try await service.solve($0) }),
      ("view", "application/json", { try await service.view($0) }),
      ("export/scenario", "application/json", { try service.editedScenario($0) }),
      ("export/csv", "application/json", { try await service.csvFiles($0) }),
      ("export/report", "text/html; charset=utf-8", { try await service.report($0) }),
    ]
    // The page's full runs ask for progress: a stream of lines (docs/serve.md, "Progress").
    router.post("/api/view/progress") { request, _ in
      await ProgressStream.answer(request, slots: slots, check: { try service.checkView($0) }) { parsed, progress in
        try await service.view(parsed, progress: progress)
      }
    }
    for (kind, contentType, work) in endpoints {
      router.post("/api/\(kind)") { request, _ in
        await answer(request, kind: kind, contentType: contentType, slots: slots, work)
      }
    }
    var log = logger ?? Logger(label: "reservesim-serve")
    if logger == nil { log.logLevel = .warning }
    return Application(
      router: router, configuration: .init(address: .hostname(host, port: port), serverName: "reservesim-serve"),
      onServerRunning: { await onRunning($0.localAddress?.port ?? port) }, logger: log)
  }

  /// Reads the body (at most `APIRequest.maximumBodyBytes`), runs `work` as the client's request of its kind, and
  /// answers its text or the error; the work is cancelled when the client closes the connection.
  static func answer(
    _ request: Request, kind: String, contentType: String, slots: ClientSlots,
    _ work: @escaping @Sendable (APIRequest) async throws -> String
  ) async -> Response {
    if let length = request.headers[.contentLength].flatMap(Int.init), length > APIRequest.maximumBodyBytes {
      return failure(APIError.bodyTooLarge)
    }
    let client = request.headers[clientHeader].map { "\($0) \(kind)" }
    do {
      let text = try await request.body.consumeWithCancellationOnInboundClose { body in
        let parsed = try await APIRequest(body)
        return try await slots.exclusive(client) { try await work(parsed) }
      }
      return Response(
        status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(string: text)))
    } catch {
      return failure(error)
    }
  }

  static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
      status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
  }

  static func failure(_ error: any Error) -> Response {
    let error = APIError.from(error)
    return json(error.json, status: HTTPResponse.Status(code: error.status))
  }
}

/// Hummingbird's own errors (no such route, a method the route does not take) as the API's JSON errors.
struct JSONErrors: RouterMiddleware {
  typealias Context = BasicRequestContext

  func handle(
    _ request: Request, context: Context, next: (Request, Context) async throws -> Response
  ) async throws -> Response {
    do {
      return try await next(request, context)
    } catch let error as HTTPError {
      let message =
        error.status == .notFound ? "no such route: \(request.method) \(request.uri.path)" : error.status.reasonPhrase
      return ServeApplication.failure(APIError(status: error.status.code, message))
    }
  }
}
