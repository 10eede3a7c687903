import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A minimal HTTP/1.1 client over a plain socket, so the tests speak to the server as a browser would, and can
/// also do what a browser cannot: send garbage, send a body over the cap, close the connection mid-request.
/// Every call runs on a thread of its own (never blocking Swift's cooperative pool, which the server shares).
struct RawHTTPClient {
  struct Response {
    var status: Int
    var headers: [String: String]
    var body: Data
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The body parsed as JSON.
    func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
    /// The error message of an error response.
    var errorMessage: String? { (try? json() as? [String: Any])?["error"] as? String }
  }

  struct Failure: Error, CustomStringConvertible { var description: String }

  let port: Int

  /// `GET path`.
  func get(_ path: String) async throws -> Response { try await send(raw: request("GET", path, body: nil)) }

  /// `POST path` with a JSON body (an object or its text).
  func post(_ path: String, json body: Any, client: String? = nil) async throws -> Response {
    let data = try (body as? String).map { Data($0.utf8) } ?? JSONSerialization.data(withJSONObject: body)
    return try await send(raw: request("POST", path, body: data, client: client))
  }

  func request(_ method: String, _ path: String, body: Data?, client: String? = nil) -> Data {
    var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
    if let client { head += "X-ReserveSim-Client: \(client)\r\n" }
    if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
    return Data((head + "\r\n").utf8) + (body ?? Data())
  }

  /// Sends `raw` bytes and reads the response until the server closes the connection.
  func send(raw: Data) async throws -> Response {
    let port = self.port
    return try await onThread {
      let socket = try Self.connect(port: port)
      defer { close(socket) }
      try Self.write(raw, to: socket)
      return try Self.parse(Self.readToEnd(socket))
    }
  }

  /// Sends `raw`, waits `seconds`, and closes the connection without reading the answer.
  func sendAndHangUp(raw: Data, after seconds: Double) async throws {
    let port = self.port
    try await onThread {
      let socket = try Self.connect(port: port)
      try Self.write(raw, to: socket)
      Thread.sleep(forTimeInterval: seconds)
      close(socket)
    }
  }

  func onThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
  }

  static func connect(port: Int) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw Failure(description: "socket() failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard result == 0 else {
      close(fd)
      throw Failure(description: "connect to port \(port) failed")
    }
    return fd
  }

  static func write(_ data: Data, to socket: Int32) throws {
    var sent = 0
    while sent < data.count {
      let n = data.withUnsafeBytes {
        Glibc.send(socket, $0.baseAddress! + sent, data.count - sent, Int32(MSG_NOSIGNAL))
      }
      // The server may answer (413) and close before reading all of a large body: stop sending then.
      if n <= 0 { return }
      sent += n
    }
  }

  static func readToEnd(_ socket: Int32) throws -> Data {
    var data = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = recv(socket, &buffer, buffer.count, 0)
      if n < 0 && !data.isEmpty { break }  // a reset after the answer
      if n < 0 { throw Failure(description: "the connection was reset before any answer") }
      if n == 0 { break }
      data.append(contentsOf: buffer[0..<n])
    }
    return data
  }

  static func parse(_ data: Data) throws -> Response {
    guard let end = data.firstRange(of: Data("\r\n\r\n".utf8)) else {
      throw Failure(description: "no HTTP response: \(String(decoding: data, as: UTF8.self).prefix(200))")
    }
    let head = String(decoding: data[..<end.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let parts = head[0].split(separator: " ")
    guard parts.count >= 2, let status = Int(parts[1]) else { throw Failure(description: "bad status line \(head[0])") }
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    var body = Data(data[end.upperBound...])
    if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
    return Response(status: status, headers: headers, body: body)
  }

  static func dechunk(_ data: Data) -> Data {
    var out = Data()
    var rest = data[...]
    while let lineEnd = rest.firstRange(of: Data("\r\n".utf8)),
      let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0
    {
      let start = lineEnd.upperBound
      out.append(rest[start..<min(rest.endIndex, start + size)])
      rest = rest[min(rest.endIndex, start + size + 2)...]
    }
    return out
  }
}
