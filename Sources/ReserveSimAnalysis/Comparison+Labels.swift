/// How `compare` names what it compared, shared by the command line and the server so both print one document.
extension Comparison {
  /// Records the edits as written (`--set` for both, `--set-b` for B) and, when A and B carry one name (two runs
  /// of one file, or files with one name), tells B apart by what it changed: its `--set-b` edits, else its file.
  /// - Parameters:
  ///   - edits: the `PATH=VALUE` edits applied to both, as written.
  ///   - editsB: the `PATH=VALUE` edits applied to B only, as written.
  ///   - fileA: A's file as named.
  ///   - fileB: B's file as named, nil when B is A again.
  public mutating func label(edits: [String], editsB: [String], fileA: String, fileB: String?) {
    self.edits = edits
    self.editsB = editsB
    if nameA == nameB {
      let changes = editsB.isEmpty ? (fileB ?? fileA) : editsB.joined(separator: ", ")
      nameB += " (\(changes))"
    }
  }
}
