import ArgumentParser
import ReserveSim

/// `--nested N`: estimates drawn once per group of N paths (SPEC §22), for the commands that say how sure their
/// answers are (`run`, `check`, `report`, `notebook`).
struct NestedOption: ParsableArguments {
  @Option(
    parsing: .unconditional,
    help: ArgumentHelp(
      "Draw the estimates written as distributions once per group of N consecutive paths (N ≥ 100), to say how sure the answers are (as the file's simulation.nested.inner).",
      valueName: "n"))
  var nested: Int?

  func validate() throws {
    if let nested, nested < NestedDraws.minimumInner {
      throw ValidationError("--nested must be at least \(NestedDraws.minimumInner) paths per group, found \(nested)")
    }
  }

  /// `pipeline` with the groups set when `--nested` is given.
  func applied(to pipeline: RunPipeline) -> RunPipeline {
    var pipeline = pipeline
    if let nested { pipeline.nested = NestedDraws(inner: nested) }
    return pipeline
  }
}
