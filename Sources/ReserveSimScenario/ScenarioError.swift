/// A problem with a scenario file that a person can act on: which file, where in it, and what is wrong.
///
/// Every bad input (missing file, malformed JSON, unknown or mistyped field, out-of-range value, bad `--set`)
/// becomes one of these; the command line prints its `description` on one line and exits with code 2. The
/// description is always exactly one line: user text in it (file names, keys, names, values) has its control
/// characters escaped, so a newline, an ESC sequence or a NUL in a file never reaches the terminal.
public struct ScenarioError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The file the problem is in, as the user named it (or `nil` for a command-line value).
  public var file: String?
  /// Where in the (composed) document the problem is.
  public var path: JSONPath
  /// What was expected and what was found.
  public var message: String
  /// Line and column (1-based, the column in characters) of a fault in the file's text, such as malformed JSON.
  public var line: Int?
  public var column: Int?
  /// The command-line argument at fault, already written as the user would type it (`--set 'years=0'`), when
  /// the problem lies in the argument rather than in the file.
  public var argument: String?

  public init(file: String?, path: JSONPath, message: String) {
    self.file = file
    self.path = path
    self.message = message
  }

  /// A fault at `line`:`column` of `file`'s text.
  public init(file: String?, path: JSONPath, message: String, line: Int, column: Int) {
    self.init(file: file, path: path, message: message)
    self.line = line
    self.column = column
  }

  /// A fault in the command-line argument `argument` (e.g. `--set 'years=0'`).
  public init(argument: String, path: JSONPath = .root, message: String) {
    self.init(file: nil, path: path, message: message)
    self.argument = argument
  }

  /// `FILE[:LINE:COLUMN]: $.PATH: MESSAGE`, or `ARGUMENT: $.PATH: MESSAGE (applied to FILE)` when a
  /// command-line argument is at fault; one line, control characters escaped.
  public var description: String {
    let place = path.components.isEmpty ? "" : "\(path): "
    var text: String
    if let argument {
      text = "\(argument): \(place)\(message)"
      if let file { text += " (applied to \(file))" }
    } else if let file {
      let position = line.map { ":\($0):\(column ?? 1)" } ?? ""
      text = "\(file)\(position): \(place)\(message)"
    } else {
      text = "\(place)\(message)"
    }
    return Self.oneLine(text)
  }

  /// The same error, attributed to `file` if it has no file yet.
  public func inFile(_ file: String) -> ScenarioError {
    var copy = self
    if copy.file == nil { copy.file = file }
    return copy
  }

  // MARK: User text in messages

  /// `text` with every character that could break a line or steer a terminal written as an escape: C0 and C1
  /// controls (newline as `\n`, carriage return `\r`, tab `\t`, others as `\u{1B}`), DEL, the Unicode line and
  /// paragraph separators and the bidirectional overrides that can make text read backwards.
  public static func oneLine(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) { out += escape(scalar) } else { out.unicodeScalars.append(scalar) }
    }
    return out
  }

  /// `text` in double quotes, with `"` and `\` escaped as well as everything `oneLine` escapes, so the reader
  /// sees exactly where user text starts and ends: `"CDN"`, `"a\nb"`.
  public static func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case _ where needsEscape(scalar): out += escape(scalar)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// `--set 'reserve.initial=2e6'`: an option and its value as a POSIX shell would need it quoted.
  public static func commandLine(_ option: String, _ value: String) -> String {
    "\(option) '" + value.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
  }

  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
    default: return false
    }
  }

  private static func escape(_ scalar: Unicode.Scalar) -> String {
    switch scalar {
    case "\n": return "\\n"
    case "\r": return "\\r"
    case "\t": return "\\t"
    default: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }
  }
}
