import Foundation
import NIOCore
import ReserveSim

/// The body of `POST /api/run`, `/api/compare`, `/api/solve`, `/api/view` and `/api/export/*`: the command line's
/// arguments as JSON.
///
/// `{"scenario": NAME, "set": {PATH: VALUE}, "paths": N, "seed": S}` stands for
/// `reservesim run NAME --set PATH=VALUE… --paths N --seed S`. A `set` object's edits apply in the order of their
/// paths (sorted); a list of `"PATH=VALUE"` strings applies in its own order. A value that is a string is taken as
/// typed after `=` (`"15%"`, `"1.5M"`), any other JSON value as its JSON text. `compare` also takes `b` (a second
/// served scenario) and `setB`; `solve` takes `targets`, `levers`, `frontier` and `checkSeed`.
public struct APIRequest: Sendable, Equatable {
  /// The largest body read: 1 MB.
  public static let maximumBodyBytes = 1 << 20
  /// The keys a body may have.
  static let keys: Set<String> = [
    "scenario", "set", "paths", "seed", "b", "setB", "targets", "levers", "frontier", "checkSeed",
  ]

  public var scenario: String
  /// `--set` edits, `PATH=VALUE` as the command line takes them.
  public var set: [String] = []
  /// `compare`'s `--set-b` edits.
  public var setB: [String] = []
  /// `compare`'s scenario B (default: A again).
  public var b: String?
  public var paths: Int?
  public var seed: UInt64?
  /// `solve`'s targets (`ruin<=5%@3y`) and levers (`PATH=START:END:COUNT`).
  public var targets: [String] = []
  public var levers: [String] = []
  public var frontier = false
  public var checkSeed: UInt64?

  public init(scenario: String) { self.scenario = scenario }

  /// Reads a request body.
  /// - Throws: `APIError` (400) naming the key and what was expected.
  public init(json data: Data) throws {
    let value: JSONValue
    do { value = try JSONValue.parse(data, file: "request body") } catch { throw APIError.from(error) }
    guard case .object(let fields) = value else {
      throw APIError.badRequest("request body: expected a JSON object, found \(value.kindDescription)")
    }
    if let unknown = fields.keys.sorted().first(where: { !Self.keys.contains($0) }) {
      throw APIError.badRequest(
        "request body: unknown key \"\(unknown)\"; expected one of \(Self.keys.sorted().joined(separator: ", "))")
    }
    guard case .string(let scenario) = fields["scenario"] else {
      throw APIError.badRequest("request body: \"scenario\" must be the name of a served scenario (a string)")
    }
    self.scenario = scenario
    set = try Self.edits(fields["set"], key: "set")
    setB = try Self.edits(fields["setB"], key: "setB")
    b = try Self.optionalString(fields["b"], key: "b")
    if let paths = fields["paths"], paths != .null {
      guard case .number(let x) = paths, x == x.rounded(), abs(x) < 1e15 else {
        throw APIError.badRequest("request body: \"paths\" must be a whole number, found \(paths.jsonText)")
      }
      guard (1...Scenario.maximumPaths).contains(Int(x)) else {
        throw APIError.badRequest("paths must be between 1 and \(Scenario.maximumPaths), found \(Int(x))")
      }
      self.paths = Int(x)
    }
    seed = try Self.seed(fields["seed"], key: "seed")
    checkSeed = try Self.seed(fields["checkSeed"], key: "checkSeed")
    targets = try Self.strings(fields["targets"], key: "targets")
    levers = try Self.strings(fields["levers"], key: "levers")
    switch fields["frontier"] {
    case nil, .null: frontier = false
    case .bool(let flag): frontier = flag
    case let other?:
      throw APIError.badRequest("request body: \"frontier\" must be true or false, found \(other.jsonText)")
    }
  }

  /// The edits of `set` or `setB`: an object {PATH: VALUE} (sorted by path) or a list of "PATH=VALUE" strings.
  static func edits(_ value: JSONValue?, key: String) throws -> [String] {
    switch value {
    case nil, .null: return []
    case .object(let edits):
      return edits.keys.sorted().map { path in
        if case .string(let text) = edits[path]! { return "\(path)=\(text)" }
        return "\(path)=\(edits[path]!.jsonText)"
      }
    case .array: return try strings(value, key: key)
    case let other?:
      throw APIError.badRequest(
        "request body: \"\(key)\" must be an object {PATH: VALUE} or a list of \"PATH=VALUE\", found \(other.kindDescription)"
      )
    }
  }

  static func strings(_ value: JSONValue?, key: String) throws -> [String] {
    switch value {
    case nil, .null: return []
    case .array(let items):
      return try items.map {
        guard case .string(let text) = $0 else {
          throw APIError.badRequest("request body: \"\(key)\" must be a list of strings, found \($0.kindDescription)")
        }
        return text
      }
    case let other?:
      throw APIError.badRequest("request body: \"\(key)\" must be a list of strings, found \(other.kindDescription)")
    }
  }

  static func optionalString(_ value: JSONValue?, key: String) throws -> String? {
    switch value {
    case nil, .null: return nil
    case .string(let text): return text
    case let other?:
      throw APIError.badRequest("request body: \"\(key)\" must be a string, found \(other.kindDescription)")
    }
  }

  /// A seed: a whole number from 0 to 2⁶⁴ − 1, as a JSON number (exact up to 2⁵³) or a string of digits.
  static func seed(_ value: JSONValue?, key: String) throws -> UInt64? {
    switch value {
    case nil, .null: return nil
    case .string(let text):
      if let seed = UInt64(text) { return seed }
    case .number(let x):
      if x >= 0, x == x.rounded(), x <= 9_007_199_254_740_992 { return UInt64(x) }
    default: break
    }
    throw APIError.badRequest(
      "request body: \"\(key)\" must be a whole number from 0 to \(UInt64.max), found \(value!.jsonText)")
  }
}

extension APIRequest {
  /// Reads a request body of at most `maximumBodyBytes`.
  /// - Throws: `APIError.bodyTooLarge` (413) over the cap, else as `init(json:)`.
  init<Body: AsyncSequence>(_ body: Body) async throws where Body.Element == ByteBuffer {
    let buffer: ByteBuffer
    do {
      buffer = try await body.collect(upTo: APIRequest.maximumBodyBytes)
    } catch is NIOTooManyBytesError {
      throw APIError.bodyTooLarge
    }
    try self.init(json: Data(buffer.readableBytesView))
  }
}
