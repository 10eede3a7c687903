import Foundation

/// A table for spreadsheets: RFC 4180 text (CRLF line ends, fields quoted only when they hold a comma,
/// quote or line break), UTF-8, plain numbers with a "." decimal point and no thousands separators.
public struct CSVTable: Equatable, Sendable {
  public var header: [String]
  public var rows: [[String]]

  public init(header: [String], rows: [[String]] = []) {
    self.header = header
    self.rows = rows
  }

  public var text: String {
    ([header] + rows).map { $0.map(Self.quote).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
  }

  static func quote(_ field: String) -> String {
    guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
    return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// A number as spreadsheet-ready text: shortest round-trip form, no exponent for ordinary magnitudes.
  public static func number(_ x: Double) -> String {
    if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    if abs(x) >= 1e-4 && abs(x) < 1e15 {
      var text = String(format: "%.10f", x)
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
      return text
    }
    return "\(x)"
  }
}

/// Writes files so that a failure never leaves a half-written one: each is written to a hidden temporary
/// file beside its target and renamed into place only when every file is written.
public enum AtomicFiles {
  public static func write(_ files: [(name: String, contents: String)], into directory: String) throws {
    let fm = FileManager.default
    var isDirectory: ObjCBool = false
    if fm.fileExists(atPath: directory, isDirectory: &isDirectory) {
      guard isDirectory.boolValue else { throw OutputError(path: directory, reason: "exists and is not a folder") }
    } else {
      do {
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
      } catch {
        throw OutputError(path: directory, reason: "cannot create the folder")
      }
    }
    let base = URL(fileURLWithPath: directory)
    var staged: [(URL, URL)] = []
    do {
      for file in files {
        let target = base.appendingPathComponent(file.name)
        let temporary = base.appendingPathComponent(".\(file.name).\(ProcessInfo.processInfo.processIdentifier).tmp")
        staged.append((temporary, target))
        do {
          try Data(file.contents.utf8).write(to: temporary)
        } catch {
          throw OutputError(path: target.path, reason: "cannot be written")
        }
      }
      for (temporary, target) in staged {
        if fm.fileExists(atPath: target.path) { try? fm.removeItem(at: target) }
        do {
          try fm.moveItem(at: temporary, to: target)
        } catch {
          throw OutputError(path: target.path, reason: "cannot be written")
        }
      }
    } catch {
      for (temporary, _) in staged { try? fm.removeItem(at: temporary) }
      throw error
    }
  }

  /// Writes one file atomically (temporary file, then rename).
  public static func write(_ contents: String, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    try write([(url.lastPathComponent, contents)], into: url.deletingLastPathComponent().path)
  }
}

/// An output that could not be written: which path, and why.
public struct OutputError: Error, CustomStringConvertible, Sendable {
  public var path: String
  public var reason: String
  public var description: String { "\(path): \(reason)" }
}
