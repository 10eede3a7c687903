import Foundation

/// An output that could not be written: which path, and why, with the operating system's reason when it gave one
/// ("cannot be written: No space left on device").
package struct OutputError: Error, CustomStringConvertible {
  package var path: String
  package var reason: String

  package init(path: String, reason: String, errno code: Int32? = nil) {
    self.path = path
    self.reason = code.map { "\(reason): \(String(cString: strerror($0)))" } ?? reason
  }

  package var description: String { "\(path): \(reason)" }
}

/// One output named on the command line: a file (`-o`, `--junit`, `--svg`, a what-if `--csv`) or a folder that
/// receives a set of files together (`run --csv DIR`).
package struct OutputTarget {
  /// The option that names it, for messages: "-o", "--csv".
  package var option: String
  package var path: String
  /// The files written into `path` when it is a folder; `nil` when `path` is the file itself.
  package var files: [String]?

  package static func file(_ path: String, option: String) -> OutputTarget { OutputTarget(option: option, path: path) }
  package static func folder(_ path: String, files: [String], option: String) -> OutputTarget {
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
/// - All the files of one command (`run --csv DIR`'s three, `sensitivity --svg --csv`) are staged together and
///   renamed into place while this process holds an exclusive `flock` on each folder and defers
///   SIGINT/SIGTERM/SIGHUP; if a rename fails the ones already made are undone from hard-linked copies of the
///   previous files.
package enum OutputFiles {
  /// Checks that every target can be written, without writing anything: the path's folder exists (or can be
  /// created) and is writable, a file target is not a folder or socket, a folder's files are plain files, no
  /// two targets name the same file, and none names one of `inputs` (the scenario files the command reads).
  package static func check(_ targets: [OutputTarget], reading inputs: [String] = []) throws {
    var seen: [(key: FileKey, option: String)] = inputs.filter { FileManager.default.fileExists(atPath: $0) }.map {
      (FileKey($0), "the scenario file")
    }
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
          let reason =
            other.option == "the scenario file"
            ? "is the scenario file this command reads; \(target.option) would overwrite it"
            : "named by both \(other.option) and \(target.option)"
          throw OutputError(path: path, reason: reason)
        }
        seen.append((key, target.option))
      }
    }
  }

  /// What one output holds: a file's text, or the files of a folder by name.
  package enum Contents {
    case file(String)
    case files([(name: String, contents: String)])
  }

  /// Writes one file (see `write(_:)`).
  package static func write(_ contents: String, to path: String) throws { try write([(path, .file(contents))]) }

  /// Writes `files` into `folder` as one set (see `write(_:)`).
  package static func write(_ files: [(name: String, contents: String)], into folder: String) throws {
    try write([(folder, .files(files))])
  }

  /// Writes every output of a command as one unit, as `check` describes: devices and FIFOs (also behind a link)
  /// are written through first, in order; then every other file is staged beside its target, and all are
  /// renamed into place together (each folder locked, signals deferred) or, if one rename fails, none stays.
  /// Folders created on the way are removed again if anything fails.
  package static func write(_ outputs: [(path: String, contents: Contents)]) throws {
    var throughs: [(path: String, bytes: Data)] = []
    var replacements: [(folder: String, name: String, contents: String, display: String)] = []
    for (path, contents) in outputs {
      switch contents {
      case .file(let text):
        switch try destination(ofFile: path) {
        case .through: throughs.append((path, Data(text.utf8)))
        case .replace(let target): replacements.append((parent(target), lastComponent(target), text, path))
        }
      case .files(let files):
        switch try entry(path, following: true) {
        case .missing, .folder: break
        default: throw OutputError(path: path, reason: "exists and is not a folder")
        }
        replacements += files.map { (path, $0.name, $0.contents, joined(path, $0.name)) }
      }
    }
    for (path, bytes) in throughs { try writeThrough(bytes, to: path) }
    if !replacements.isEmpty { try replace(replacements) }
  }

  /// How a file output is written: through (a device or FIFO, or a link to one), or by replacing `target` (the
  /// path itself, or a link's resolved target).
  private enum Destination {
    case through
    case replace(target: String)
  }

  private static func destination(ofFile path: String) throws -> Destination {
    if path.isEmpty { throw OutputError(path: "''", reason: "an output path is empty") }
    if path.hasSuffix("/") { throw OutputError(path: path, reason: "ends with '/', as a folder does; name a file") }
    switch try entry(path, following: false) {
    case .folder: throw OutputError(path: path, reason: "is a folder; name a file")
    case .socket: throw OutputError(path: path, reason: "is a socket; name a file")
    case .device, .fifo: return .through
    case .missing, .regularFile: return .replace(target: path)
    case .symbolicLink:
      switch try entry(path, following: true) {
      case .missing: throw OutputError(path: path, reason: "is a symbolic link to a missing file")
      case .folder: throw OutputError(path: path, reason: "is a link to a folder; name a file")
      case .socket: throw OutputError(path: path, reason: "is a link to a socket; name a file")
      case .device, .fifo: return .through
      case .regularFile, .symbolicLink:
        guard let resolved = realpath(path, nil) else {
          throw OutputError(path: path, reason: "cannot be written", errno: errno)
        }
        defer { free(resolved) }
        return .replace(target: String(cString: resolved))
      }
    }
  }

  // MARK: - Checks

  private static func checkFile(_ path: String) throws {
    switch try destination(ofFile: path) {
    case .through: try checkWritable(path)
    case .replace(let target):
      if case .missing = try entry(target, following: false) {
        try checkCreatable(target)
      } else {
        try checkWritableFolder(parent(target), for: path)
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

  /// Stages each file in a fresh staging folder inside its target's folder, then, holding an exclusive `flock`
  /// on every folder involved (taken in one order, so two runs cannot deadlock) and with SIGINT/SIGTERM/SIGHUP
  /// deferred, renames each over its target; a failed rename undoes the earlier ones. Staging folders are always
  /// removed, and folders this created are removed again on failure or on a signal.
  private static func replace(_ files: [(folder: String, name: String, contents: String, display: String)]) throws {
    // Each registration, and whether to remove its path when all went well (a staging folder) or only on
    // failure (folders this created).
    var registered: [(InterruptCleanup.Registration, removeOnSuccess: Bool)] = []
    var succeeded = false
    defer { InterruptCleanup.release(registered.reversed().map { ($0.0, !succeeded || $0.removeOnSuccess) }) }
    var folders: [LockedFolder] = []
    defer { for folder in folders { close(folder.descriptor) } }  // and so unlocked

    // Open every folder (creating what is missing), one entry per distinct folder on disk.
    var folderOfFile: [Int] = []
    for file in files {
      for created in try createFolders(file.folder, for: file.display) { registered.append((created, false)) }
      let descriptor = open(file.folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard descriptor >= 0 else { throw OutputError(path: file.display, reason: "cannot be written", errno: errno) }
      var status = stat()
      fstat(descriptor, &status)
      let identity = [UInt64(status.st_dev), UInt64(status.st_ino)]
      if let index = folders.firstIndex(where: { $0.identity == identity }) {
        close(descriptor)
        folderOfFile.append(index)
      } else {
        folders.append(LockedFolder(path: file.folder, descriptor: descriptor, identity: identity))
        folderOfFile.append(folders.count - 1)
      }
    }
    for folder in folders.sorted(by: { $0.identity.lexicographicallyPrecedes($1.identity) }) {
      while flock(folder.descriptor, LOCK_EX) != 0 {
        guard errno == EINTR else {
          throw OutputError(path: folder.path, reason: "cannot be locked for writing", errno: errno)
        }
      }
    }
    for index in folders.indices {
      var template = Array(joined(folders[index].path, ".reservesim-XXXXXX").utf8CString)
      guard mkdtemp(&template) != nil else {
        let display = files[folderOfFile.firstIndex(of: index)!].display
        throw OutputError(path: display, reason: "cannot be written", errno: errno)
      }
      folders[index].staging = String(cString: template)
      registered.append((InterruptCleanup.register(folders[index].staging, .tree), true))
    }

    var moves: [Move] = []
    for (file, index) in zip(files, folderOfFile) {
      let staging = folders[index].staging
      let move = Move(
        staged: joined(staging, file.name), target: joined(file.folder, file.name),
        previous: joined(staging, ".previous-" + file.name), display: file.display)
      if let code = writeNew(Data(file.contents.utf8), to: move.staged) {
        throw OutputError(path: move.display, reason: "cannot be written", errno: code)
      }
      moves.append(move)
    }
    // Checked again now that the folders are locked: the targets may have changed during the simulation.
    for move in moves {
      switch try entry(move.target, following: false) {
      case .missing, .regularFile: break
      case .folder: throw OutputError(path: move.display, reason: "is a folder, not a file")
      default: throw OutputError(path: move.display, reason: "was replaced by a link or special file; not written")
      }
      var status = stat()
      if lstat(move.target, &status) == 0 {
        _ = chown(move.staged, status.st_uid, status.st_gid)  // allowed to the superuser (or to the same owner)
        chmod(move.staged, status.st_mode & 0o7777)
      }
    }
    OutputFault.current.stop(.beforeCommit)
    try InterruptCleanup.deferringSignals { try commit(moves) }
    for folder in folders { fsync(folder.descriptor) }
    succeeded = true
  }

  /// A folder receiving outputs: open (and, once all are open, locked) for the whole write.
  private struct LockedFolder {
    var path: String
    var descriptor: Int32
    /// Device and inode: two paths to one folder are one folder.
    var identity: [UInt64]
    var staging = ""
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

  /// Opens an existing device or FIFO and writes `bytes` to it. SIGPIPE is ignored meanwhile, so that a FIFO
  /// whose reader went away is reported (EPIPE) rather than killing the process.
  private static func writeThrough(_ bytes: Data, to path: String) throws {
    let previous = signal(SIGPIPE, SIG_IGN)
    defer { signal(SIGPIPE, previous) }
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
