import Foundation

/// Reads scenario files: file → JSON → `extends` chain merged (RFC 7386) → overrides applied → validated
/// `Scenario`. Composition happens before validation, so the composed document is checked as a whole.
public struct ScenarioLoader: Sendable {
  /// Edits applied to the composed document before validation (for `--set`), in order.
  public var overrides: [ScenarioOverride]
  /// Whether `extends` may name a file outside both the folder of the scenario being loaded and the working
  /// directory (an absolute path, a `..` that leads out, or a symbolic link to elsewhere). Off by default, so
  /// that a scenario handed in for checking cannot make the tool read files the person running it did not
  /// mean to share.
  public var allowsOutsideFolder: Bool

  /// The largest scenario file read: 16 MiB (the shipped scenarios are a few kB).
  public static let maximumFileSize = 16 << 20

  public init(overrides: [ScenarioOverride] = [], allowsOutsideFolder: Bool = false) {
    self.overrides = overrides
    self.allowsOutsideFolder = allowsOutsideFolder
  }

  /// Loads, composes and validates one file.
  /// - Throws: `ScenarioError` naming the file, the JSON path and the problem; a problem at (or inside) a
  ///   path that a `--set` edit wrote is blamed on that edit.
  public func load(_ file: String) throws -> Scenario { try loadWithDocument(file).scenario }

  /// Loads like `load(_:)`, and also gives the composed document the scenario was validated from.
  public func loadWithDocument(_ file: String) throws -> (scenario: Scenario, document: JSONValue) {
    let (document, edits) = try compose(file)
    do {
      return (try Scenario(json: document), document)
    } catch var error as ScenarioError {
      if error.argument == nil,
        let edit = edits.last(where: { error.path.components.starts(with: $0.target.components) })
      {
        error.argument = edit.override.argument
      }
      throw error.inFile(file)
    }
  }

  /// The file's document with its `extends` chain resolved and the overrides applied.
  public func composedDocument(_ file: String) throws -> JSONValue { try compose(file).document }

  /// The composed document and, for each edit, the JSON path it wrote (list items named in the edit
  /// resolved to their indices).
  private func compose(_ file: String) throws -> (
    document: JSONValue, edits: [(override: ScenarioOverride, target: JSONPath)]
  ) {
    let folder = Self.folderBoundary(of: file)
    var document = try resolveExtends(file, document: try Self.readJSON(file), chain: [], folder: folder)
    var edits: [(ScenarioOverride, JSONPath)] = []
    for override in overrides {
      do {
        let target = Self.writtenPath(of: override, in: document)
        document = try override.apply(to: document)
        edits.append((override, target))
      } catch let error as ScenarioError {
        throw error.inFile(file)
      }
    }
    return (document, edits)
  }

  /// The part of `document` an edit replaces: the first object along its path that does not exist yet (the
  /// edit creates it) or else the value at its path.
  private static func writtenPath(of override: ScenarioOverride, in document: JSONValue) -> JSONPath {
    guard let target = override.path.jsonPath(in: document) else { return .root }
    var current: JSONValue? = document
    var written = JSONPath.root
    for component in target.components {
      written.components.append(component)
      switch (component, current) {
      case (.key(let key), .object(let fields)?): current = fields[key]
      case (.index(let index), .array(let items)?) where index < items.count: current = items[index]
      default: current = nil
      }
      if current == nil || current == .null { return written }
    }
    return target
  }

  // MARK: Reading files

  /// Why a file could not be read, from the operating system's answer.
  enum ReadProblem: Error, Equatable {
    case notFound
    case pathThroughAFile
    case isFolder
    case notRegular(kind: String)
    case permissionDenied
    case tooLarge
    case other(String)

    /// The reason as the end of a sentence about the file ("FILE: no such file").
    var reason: String {
      switch self {
      case .notFound: return "no such file"
      case .pathThroughAFile: return "no such file (a part of the path is a file, not a folder)"
      case .isFolder: return "is a folder, not a scenario file"
      case .notRegular(let kind): return "is not a regular file but \(kind); a scenario must be a file"
      case .permissionDenied: return "cannot be read: permission denied"
      case .tooLarge: return "is larger than 16 MiB, far more than any scenario; is it the right file?"
      case .other(let text): return "cannot be read: \(text)"
      }
    }

    init(errno code: Int32) {
      switch code {
      case ENOENT: self = .notFound
      case ENOTDIR: self = .pathThroughAFile
      case EACCES, EPERM: self = .permissionDenied
      case EISDIR: self = .isFolder
      default: self = .other(String(cString: strerror(code)).lowercased())
      }
    }
  }

  /// The bytes of `file`, at most `maximumFileSize`. Opened without blocking and checked with `fstat` before
  /// any byte is read, so a FIFO, a device or a folder is reported rather than waited on or read forever.
  /// - Parameter regularOnly: refuse anything but a regular file. The file named on the command line may be a
  ///   pipe (`<(…)`, `/dev/stdin`), a base named by `extends` may not.
  static func readBytes(_ file: String, regularOnly: Bool) throws(ReadProblem) -> [UInt8] {
    let descriptor = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else { throw ReadProblem(errno: errno) }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw ReadProblem(errno: errno) }
    let type = info.st_mode & S_IFMT
    switch type {
    case S_IFREG:
      guard Int(info.st_size) <= maximumFileSize else { throw .tooLarge }
    case S_IFDIR:
      throw .isFolder
    default:
      if regularOnly {
        let kind =
          type == S_IFIFO
          ? "a FIFO (named pipe)" : type == S_IFCHR ? "a device" : type == S_IFSOCK ? "a socket" : "special"
        throw .notRegular(kind: kind)
      }
      // A pipe given on the command line: read it as it arrives.
      _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 {
        if errno == EINTR { continue }
        throw ReadProblem(errno: errno)
      }
      if count == 0 { return bytes }
      bytes.append(contentsOf: chunk[..<count])
      guard bytes.count <= maximumFileSize else { throw .tooLarge }
    }
  }

  /// Reads a file as JSON, with a message that names the file when it cannot be read or parsed.
  public static func readJSON(_ file: String) throws -> JSONValue {
    try readJSON(file, regularOnly: false)
  }

  static func readJSON(_ file: String, regularOnly: Bool) throws -> JSONValue {
    let bytes: [UInt8]
    do {
      bytes = try readBytes(file, regularOnly: regularOnly)
    } catch {
      throw ScenarioError(file: file, path: .root, message: error.reason)
    }
    return try JSONValue.parse(Data(bytes), file: file)
  }

  // MARK: extends

  /// The folders `extends` may not leave: the scenario's folder and the working directory (so that a file in
  /// a project's subfolder may extend one in a sibling folder when run from the project), each as written
  /// (`..` removed) and with symbolic links resolved.
  struct FolderBoundary: CustomStringConvertible {
    var folders: [(written: String, resolved: String)]

    func contains(writtenPath path: String) -> Bool { folders.contains { Self.isInside(path, $0.written) } }
    func contains(resolvedPath path: String) -> Bool { folders.contains { Self.isInside(path, $0.resolved) } }

    /// "the scenario's folder "/a/b" and the working directory "/a"", for messages.
    var description: String {
      var text = "the scenario's folder \(ScenarioError.quoted(folders[0].written))"
      if folders.count > 1 { text += " and the working directory \(ScenarioError.quoted(folders[1].written))" }
      return text
    }

    static func isInside(_ path: String, _ folder: String) -> Bool {
      folder == "/" || path == folder || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
  }

  static func folderBoundary(of file: String) -> FolderBoundary {
    let scenarioFolder = URL(fileURLWithPath: file).deletingLastPathComponent().standardizedFileURL.path
    let workingDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
    return FolderBoundary(folders: [scenarioFolder, workingDirectory].map { ($0, realPath($0) ?? $0) })
  }

  /// `path` with every symbolic link and `..` resolved, or `nil` when it does not exist.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }

  /// Follows `extends` (relative to the extending file) and merges `document`, read from `file`, onto its base.
  func resolveExtends(_ file: String, document: JSONValue, chain: [String], folder: FolderBoundary) throws -> JSONValue
  {
    let canonical = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
    let extendsPath = JSONPath.root.appending("extends")
    guard case .object(let fields) = document else {
      throw ScenarioError(
        file: file, path: .root, message: "expected a scenario object, found \(document.kindDescription)")
    }
    guard let extends = fields["extends"], extends != .null else { return document }
    guard case .string(let base) = extends else {
      throw ScenarioError(
        file: file, path: extendsPath, message: "expected a file name, found \(extends.kindDescription)")
    }
    func refuse(_ why: String) -> ScenarioError {
      ScenarioError(file: file, path: extendsPath, message: "base file \(ScenarioError.quoted(base)) \(why)")
    }
    guard !base.isEmpty else {
      throw ScenarioError(file: file, path: extendsPath, message: "is empty; name the base file, or leave extends out")
    }
    let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
    let basePath = base.hasPrefix("/") ? base : directory.appendingPathComponent(base).path
    let written = URL(fileURLWithPath: basePath).standardizedFileURL.path
    let allowOutside = " (pass --allow-outside to read it)"
    if !allowsOutsideFolder {
      if base.hasPrefix("/") {
        throw refuse("is an absolute path; extends names a file relative to the scenario's folder" + allowOutside)
      }
      // Checked before the file is touched, so nothing outside is even looked at.
      guard folder.contains(writtenPath: written) else {
        throw refuse("is outside \(folder)" + allowOutside)
      }
    }
    let baseCanonical = URL(fileURLWithPath: basePath).standardizedFileURL.resolvingSymlinksInPath().path
    let visited = chain + [canonical]
    if visited.contains(baseCanonical) {
      throw ScenarioError(
        file: file, path: extendsPath,
        message: "files extend each other in a cycle: "
          + (visited + [baseCanonical]).map { ($0 as NSString).lastPathComponent }.joined(separator: " → "))
    }
    let bytes: [UInt8]
    do {
      bytes = try Self.readBytes(basePath, regularOnly: true)
    } catch {
      let reason = error == .notFound ? "not found" : error.reason
      throw refuse("\(reason) (looked for \(ScenarioError.quoted(written)))")
    }
    if !allowsOutsideFolder, let resolved = Self.realPath(basePath), !folder.contains(resolvedPath: resolved) {
      throw refuse(
        "leads outside \(folder) through a symbolic link to "
          + ScenarioError.quoted(resolved) + allowOutside)
    }
    let parsed: JSONValue
    do {
      parsed = try JSONValue.parse(Data(bytes), file: basePath)
    } catch var error as ScenarioError {
      error.message += " (in the base that \(file) extends)"
      throw error
    }
    let baseDocument = try resolveExtends(basePath, document: parsed, chain: visited, folder: folder)
    var patch = fields
    patch.removeValue(forKey: "extends")
    return MergePatch.apply(.object(patch), to: baseDocument)
  }
}
