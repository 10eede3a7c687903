import ReserveSim

/// A request the server refuses: an HTTP status and the one-line message the command line would give.
///
/// Bad input is 400 (the CLI's exit 2), a body over `APIRequest.maximumBodyBytes` is 413, a path count the
/// machine's memory cannot hold is 422, and a request replaced by a newer one from the same client is 409.
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The HTTP status code.
  public var status: Int
  /// One line naming the problem.
  public var message: String

  public init(status: Int, _ message: String) {
    self.status = status
    self.message = ScenarioError.oneLine(message)
  }

  public var description: String { message }

  /// Bad input: the request, a `set` edit, the scenario as edited.
  public static func badRequest(_ message: String) -> APIError { APIError(status: 400, message) }

  /// The request body is over the cap.
  public static let bodyTooLarge = APIError(
    status: 413, "the request body is over \(APIRequest.maximumBodyBytes >> 20) MB")

  /// A newer request of the same kind from the same client replaced this one.
  public static let replaced = APIError(
    status: 409, "cancelled: a newer request of the same kind from this client replaced it")

  /// The error as the server answers it: the library's errors with their command-line messages.
  public static func from(_ error: any Error) -> APIError {
    switch error {
    case let error as APIError: return error
    case let error as ScenarioError: return .badRequest(error.description)
    case let error as InsufficientMemoryError: return APIError(status: 422, error.description)
    case is CancellationError: return .replaced
    default: return .badRequest(String(describing: error))
    }
  }

  /// The JSON body: `{"error": MESSAGE, "status": STATUS}`.
  public var json: String {
    OrderedJSON.object([("error", .string(message)), ("status", .integer(status))]).text()
  }
}
