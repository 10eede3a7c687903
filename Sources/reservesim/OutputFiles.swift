import Foundation

/// An output that could not be written: which path, and why, with the operating system's reason when it gave one
/// ("cannot be written: No space left on device").
struct OutputError: Error, CustomStringConvertible {
  var path: String
  var reason: String

  init(path: String, reason: String, errno code: Int32? = nil) {
    self.path = path
    self.reason = code.map { "\(reason): \(String(cString: strerror($0)))" } ?? reason
  }

  var description: String { "\(path): \(reason)" }
}

/// One output named on the command line: a file (`-o`, `--junit`, `--svg`, a what-if `--csv`) or a folder that
/// receives a set of files together (`run --csv DIR`).
struct OutputTarget {
  /// The option that names it, for messages: "-o", "--csv".
  var option: String
  var path: String
  /// The files written into `path` when it is a folder; `nil` when `path` is the file itself.
  var files: [String]?

  static func file(_ path: String, option: String) -> OutputTarget { OutputTarget(option: option, path: path) }
  static func folder(_ path: String, files: [String], option: String) -> OutputTarget {
    OutputTarget(option: option, path: path, files: files)
  }
}

/// The one place where the command line writes files: every command checks its outputs with `check` before it
/// simulates, and writes them with `write` afterwards, so that bad output paths cost nothing and an output is
/// written whole or not at all (docs/outputs.md, "How files are written", states the guarantees).
///
/// - A regular file, or a path where nothing is yet, is written into a fresh hidden folder
///   (`.reservesim-XXXXXX`) beside the target and renamed over it: readers see the old file or the new one.
/// - A symbolic link is followed: its target is replaced the same way and the link stays a link.
/// - A device or FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is opened and written through; write errors
///   (ENOSPC on `/dev/full`) are reported. Nothing is ever renamed over it.
/// - A set of files in one folder (`run --csv DIR`) is staged together and renamed into place while this process
///   holds an exclusive `flock` on the folder and defers SIGINT/SIGTERM/SIGHUP; if a rename fails the ones
///   already made are undone from hard-linked copies of the previous files.
enum OutputFiles {
  /// Checks that every target can be written, without writing anything: the path's folder exists (or can be
  /// created) and is writable, a file target is not a folder or socket, a folder's files are plain files, and
  /// no two targets name the same file.
  static func check(_ targets: [OutputTarget]) throws {
    var seen: [(key: FileKey, option: String)] = []
    for target in targets {
      let paths: [String]
      if let files = target.files {
        try checkFolder(target.path)
        paths = files.map { joined(target.path, $0) }
        for path in paths { try checkSetMember(path) }
      } else {
        try checkFile(target.path)
        paths = [target.path]
      }
      for path in paths {
        let key = FileKey(path)
        if let other = seen.first(where: { $0.key == key }) {
          throw OutputError(path: path, reason: "named by both \(other.option) and \(target.option)")
        }
        seen.append((key, target.option))
      }
    }
  }

  /// Writes `contents` to `path` as `check` describes: atomically for a regular file or a new one (through a
  /// symbolic link to its target), written through for a device or FIFO.
  static func write(_ contents: String, to path: String) throws {
    switch try entry(path, following: false) {
    case .folder: throw OutputError(path: path, reason: "is a folder; name a file")
    case .socket: throw OutputError(path: path, reason: "is a socket; name a file")
    case .device, .fifo: try writeThrough(Data(contents.utf8), to: path)
    case .missing, .regularFile: try replace([(lastComponent(path), contents)], in: parent(path), naming: [path])
    case .symbolicLink:
      switch try entry(path, following: true) {
      case .missing: throw OutputError(path: path, reason: "is a symbolic link to a missing file")
      case .folder: throw OutputError(path: path, reason: "is a link to a folder; name a file")
      case .socket: throw OutputError(path: path, reason: "is a link to a socket; name a file")
      case .device, .fifo: try writeThrough(Data(contents.utf8), to: path)
      case .regularFile, .symbolicLink:
        guard let resolved = realpath(path, nil) else {
          throw OutputError(path: path, reason: "cannot be written", errno: errno)
        }
        let target = String(cString: resolved)
        free(resolved)
        try replace([(lastComponent(target), contents)], in: parent(target), naming: [path])
      }
    }
  }

  /// Writes `files` into `folder` (created if missing, and removed again if this fails) as one set: all of them
  /// are replaced, or none is.
  static func write(_ files: [(name: String, contents: String)], into folder: String) throws {
    switch try entry(folder, following: true) {
    case .missing, .folder: break
    default: throw OutputError(path: folder, reason: "exists and is not a folder")
    }
    try replace(files, in: folder, naming: files.map { joined(folder, $0.name) })
  }

  // MARK: - Checks

  private static func checkFile(_ path: String) throws {
    if path.isEmpty { throw OutputError(path: "''", reason: "an output path is empty") }
    switch try entry(path, following: false) {
    case .missing: try checkCreatable(path)
    case .folder: throw OutputError(path: path, reason: "is a folder; name a file")
    case .socket: throw OutputError(path: path, reason: "is a socket; name a file")
    case .regularFile: try checkWritableFolder(parent(path), for: path)
    case .device, .fifo: try checkWritable(path)
    case .symbolicLink:
      switch try entry(path, following: true) {
      case .missing: throw OutputError(path: path, reason: "is a symbolic link to a missing file")
      case .folder: throw OutputError(path: path, reason: "is a link to a folder; name a file")
      case .socket: throw OutputError(path: path, reason: "is a link to a socket; name a file")
      case .device, .fifo: try checkWritable(path)
      case .regularFile, .symbolicLink:
        guard let resolved = realpath(path, nil) else {
          throw OutputError(path: path, reason: "cannot be written", errno: errno)
        }
        defer { free(resolved) }
        try checkWritableFolder(parent(String(cString: resolved)), for: path)
      }
    }
  }

  private static func checkFolder(_ folder: String) throws {
    if folder.isEmpty { throw OutputError(path: "''", reason: "an output folder is empty") }
    switch try entry(folder, following: true) {
    case .missing: try checkCreatable(folder)
    case .folder: try checkWritableFolder(folder, for: folder)
    default: throw OutputError(path: folder, reason: "exists and is not a folder")
    }
  }

  /// A file of a set must be a plain file or absent: the set is replaced by renames inside one folder, which a
  /// link, device or folder in its place would break.
  private static func checkSetMember(_ path: String) throws {
    switch try entry(path, following: false) {
    case .missing, .regularFile: return
    case .folder: throw OutputError(path: path, reason: "is a folder, not a file")
    case .symbolicLink:
      throw OutputError(path: path, reason: "is a symbolic link; the files of a set must be plain files")
    case .device, .fifo, .socket:
      throw OutputError(path: path, reason: "is not a plain file; the files of a set must be plain files")
    }
  }

  /// `path` does not exist: its nearest existing ancestor must be a folder this process can write into.
  private static func checkCreatable(_ path: String) throws {
    var ancestor = parent(path)
    while true {
      switch try entry(ancestor, following: true) {
      case .folder: return try checkWritableFolder(ancestor, for: path)
      case .missing:
        let up = parent(ancestor)
        if up == ancestor { throw OutputError(path: path, reason: "cannot be created: \(ancestor) is missing") }
        ancestor = up
      default: throw OutputError(path: path, reason: "cannot be created: \(ancestor) is not a folder")
      }
    }
  }

  /// Asks the system, then tries: creates and removes an empty staging folder in `folder`, which catches what
  /// `access` cannot see (a read-only or full file system, `/proc`, a superuser's "yes").
  private static func checkWritableFolder(_ folder: String, for path: String) throws {
    let reason = folder == path ? "cannot be written into" : "cannot be written in \(folder)"
    guard access(folder, W_OK | X_OK) == 0 else { throw OutputError(path: path, reason: reason, errno: errno) }
    var template = Array(joined(folder, ".reservesim-XXXXXX").utf8CString)
    guard mkdtemp(&template) != nil else { throw OutputError(path: path, reason: reason, errno: errno) }
    rmdir(template)
  }

  private static func checkWritable(_ path: String) throws {
    guard access(path, W_OK) == 0 else { throw OutputError(path: path, reason: "cannot be written", errno: errno) }
  }

  // MARK: - Writing

  /// Writes each file into a fresh staging folder inside `folder`, then, holding an exclusive `flock` on
  /// `folder` and with SIGINT/SIGTERM/SIGHUP deferred, renames each over its target; a failed rename undoes the
  /// earlier ones. The staging folder is always removed, and folders this created are removed again on failure
  /// or on a signal. `naming` is the path to report per file.
  private static func replace(_ files: [(name: String, contents: String)], in folder: String, naming: [String])
    throws
  {
    // Each registration, and whether to remove its path when all went well (the staging folder) or only on
    // failure (folders this created).
    var registered: [(InterruptCleanup.Registration, removeOnSuccess: Bool)] = []
    var succeeded = false
    defer { InterruptCleanup.release(registered.reversed().map { ($0.0, !succeeded || $0.removeOnSuccess) }) }
    for created in try createFolders(folder, for: naming[0]) { registered.append((created, false)) }

    let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard folderDescriptor >= 0 else { throw OutputError(path: naming[0], reason: "cannot be written", errno: errno) }
    defer { close(folderDescriptor) }  // and so unlocked
    while flock(folderDescriptor, LOCK_EX) != 0 {
      guard errno == EINTR else {
        throw OutputError(path: folder, reason: "cannot be locked for writing", errno: errno)
      }
    }
    var template = Array(joined(folder, ".reservesim-XXXXXX").utf8CString)
    guard mkdtemp(&template) != nil else {
      throw OutputError(path: naming[0], reason: "cannot be written", errno: errno)
    }
    let staging = String(cString: template)
    registered.append((InterruptCleanup.register(staging, .tree), true))

    var moves: [Move] = []
    for (index, file) in files.enumerated() {
      let move = Move(
        staged: joined(staging, file.name), target: joined(folder, file.name),
        previous: joined(staging, ".previous-" + file.name), display: naming[index])
      if let code = writeNew(Data(file.contents.utf8), to: move.staged) {
        throw OutputError(path: move.display, reason: "cannot be written", errno: code)
      }
      moves.append(move)
    }
    // Checked again now that the folder is locked: the targets may have changed during the simulation.
    for move in moves {
      try checkSetMember(move.target)
      var status = stat()
      if lstat(move.target, &status) == 0 { chmod(move.staged, status.st_mode & 0o7777) }
    }
    OutputFault.current.stop(.beforeCommit)
    try InterruptCleanup.deferringSignals { try commit(moves) }
    fsync(folderDescriptor)
    succeeded = true
  }

  /// A staged file and where it goes; `previous` is where the target's old contents are kept until the set is
  /// in place.
  private struct Move {
    var staged: String
    var target: String
    var previous: String
    var display: String
  }

  /// Renames every staged file over its target. Before each rename the target's current file (if any) is
  /// hard-linked (or, where links are refused, copied) into the staging folder, so a failure part-way restores
  /// the files already replaced.
  private static func commit(_ moves: [Move]) throws {
    var done: [(move: Move, hadPrevious: Bool)] = []
    for (index, move) in moves.enumerated() {
      var status = stat()
      let hadPrevious = lstat(move.target, &status) == 0
      if hadPrevious && link(move.target, move.previous) != 0 {
        let code = errno
        if (try? FileManager.default.copyItem(atPath: move.target, toPath: move.previous)) == nil {
          throw rolledBack(
            done, OutputError(path: move.display, reason: "cannot keep a copy of the file it replaces", errno: code))
        }
      }
      var failure: Int32?
      if OutputFault.current.failsRename(index + 1) {
        failure = EIO
      } else if rename(move.staged, move.target) != 0 {
        failure = errno
      }
      if let failure {
        throw rolledBack(done, OutputError(path: move.display, reason: "cannot be written", errno: failure))
      }
      done.append((move, hadPrevious))
      OutputFault.current.stop(.afterRename(index + 1))
    }
  }

  /// Undoes `done` (newest first) and returns `error`, extended with any file that could not be restored.
  private static func rolledBack(_ done: [(move: Move, hadPrevious: Bool)], _ error: OutputError) -> OutputError {
    var error = error
    for (move, hadPrevious) in done.reversed() {
      let restored = hadPrevious ? rename(move.previous, move.target) == 0 : unlink(move.target) == 0
      if !restored {
        error.reason += "; and \(move.display) could not be restored: \(String(cString: strerror(errno)))"
      }
    }
    return error
  }

  /// Creates `folder` and any missing ancestors, registering each for removal on a signal; returns the
  /// registrations, outermost first.
  private static func createFolders(_ folder: String, for path: String) throws -> [InterruptCleanup.Registration] {
    var missing: [String] = []
    var current = folder
    while case .missing = try entry(current, following: true) {
      missing.insert(current, at: 0)
      let up = parent(current)
      if up == current { throw OutputError(path: path, reason: "cannot be created: \(current) is missing") }
      current = up
    }
    var created: [InterruptCleanup.Registration] = []
    for folder in missing {
      if mkdir(folder, 0o777) == 0 {
        created.append(InterruptCleanup.register(folder, .emptyFolder))
      } else if errno != EEXIST {
        let code = errno
        InterruptCleanup.release(created.reversed().map { ($0, true) })
        throw OutputError(path: path, reason: "cannot be created", errno: code)
      }
    }
    return created
  }

  /// Creates `path` (which must not exist) with `bytes`, synced to disk; the error number on failure.
  private static func writeNew(_ bytes: Data, to path: String) -> Int32? {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
    guard descriptor >= 0 else { return errno }
    if let code = writeAll(bytes, to: descriptor) {
      close(descriptor)
      return code
    }
    if fsync(descriptor) != 0 {
      let code = errno
      close(descriptor)
      return code
    }
    return close(descriptor) == 0 ? nil : errno
  }

  /// Opens an existing device or FIFO and writes `bytes` to it.
  private static func writeThrough(_ bytes: Data, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC)
    guard descriptor >= 0 else { throw OutputError(path: path, reason: "cannot be written", errno: errno) }
    if let code = writeAll(bytes, to: descriptor) {
      close(descriptor)
      throw OutputError(path: path, reason: "cannot be written", errno: code)
    }
    if close(descriptor) != 0 { throw OutputError(path: path, reason: "cannot be written", errno: errno) }
  }

  /// Writes all of `bytes`, resuming after partial writes and interruptions; the error number on failure.
  private static func writeAll(_ bytes: Data, to descriptor: Int32) -> Int32? {
    bytes.withUnsafeBytes { buffer -> Int32? in
      var offset = 0
      while offset < buffer.count {
        let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return errno
        }
        offset += written
      }
      return nil
    }
  }

  // MARK: - Paths

  /// What is at a path.
  enum Entry {
    case missing, regularFile, folder, symbolicLink, device, fifo, socket
  }

  /// What `lstat` (or `stat`, `following` links) finds at `path`; missing also when a part of it is missing or
  /// is not a folder. Other failures (a path too long, no permission to look) are thrown with their reason.
  static func entry(_ path: String, following: Bool) throws -> Entry {
    var status = stat()
    guard (following ? stat(path, &status) : lstat(path, &status)) == 0 else {
      if errno == ENOENT || errno == ENOTDIR { return .missing }
      throw OutputError(path: path, reason: "cannot be written", errno: errno)
    }
    switch status.st_mode & S_IFMT {
    case S_IFREG: return .regularFile
    case S_IFDIR: return .folder
    case S_IFLNK: return .symbolicLink
    case S_IFCHR, S_IFBLK: return .device
    case S_IFIFO: return .fifo
    default: return .socket
    }
  }

  /// The folder `path` is in ("." for a bare name).
  static func parent(_ path: String) -> String {
    let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    let folder = (trimmed as NSString).deletingLastPathComponent
    return folder.isEmpty ? "." : folder
  }

  static func lastComponent(_ path: String) -> String { (path as NSString).lastPathComponent }

  static func joined(_ folder: String, _ name: String) -> String {
    folder.hasSuffix("/") ? folder + name : folder + "/" + name
  }

  /// Identifies a file for "two outputs name the same file": device and inode when it exists, else the
  /// absolute, standardised path.
  private enum FileKey: Equatable {
    case inode(UInt64, UInt64)
    case path(String)

    init(_ path: String) {
      var status = stat()
      if stat(path, &status) == 0 {
        self = .inode(UInt64(status.st_dev), UInt64(status.st_ino))
      } else {
        self = .path(URL(fileURLWithPath: path).standardizedFileURL.path)
      }
    }
  }
}

/// Failures the end-to-end tests inject through `RESERVESIM_TEST_FAULT` (never set in normal use):
/// `rename-fails:N` makes the Nth rename of a commit fail with EIO; `stop-before-commit` and
/// `stop-after-rename:N` stop the process (SIGSTOP) there, so a test can signal it at that moment.
struct OutputFault {
  enum Moment: Equatable {
    case beforeCommit
    case afterRename(Int)
  }

  var failingRename: Int?
  var stopAt: Moment?

  static let current = OutputFault(ProcessInfo.processInfo.environment["RESERVESIM_TEST_FAULT"] ?? "")

  init(_ text: String) {
    let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
    switch parts.first {
    case "rename-fails": failingRename = parts.count == 2 ? Int(parts[1]) : nil
    case "stop-before-commit": stopAt = .beforeCommit
    case "stop-after-rename": stopAt = parts.count == 2 ? Int(parts[1]).map(Moment.afterRename) : nil
    default: break
    }
  }

  func failsRename(_ number: Int) -> Bool { failingRename == number }

  func stop(_ moment: Moment) {
    if stopAt == moment { raise(SIGSTOP) }
  }
}
