import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim compare A [B]`: what changes from scenario A to scenario B, on common random numbers.
struct CompareCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "compare",
    abstract:
      "Compare two scenarios on common random numbers: ruin probability and reserve needed, B − A with 95% intervals.",
    discussion: """
      Both scenarios run with the same seed and path count (A's, unless --paths/--seed say otherwise), so path i \
      sees the same random draws in both and the paired difference is far less noisy than two separate runs. \
      Without B, A is compared with itself changed by --set-b: compare base.json --set-b reserve.initial=2e6.
      """)

  @Argument(help: "Scenario A, the reference.")
  var fileA: String

  @Argument(help: "Scenario B (default: A again, changed by --set-b).")
  var fileB: String?

  @OptionGroup var input: ScenarioOptions

  @Option(
    name: .customLong("set-b"),
    help: ArgumentHelp("Change a field of B only, after --set: PATH=VALUE. Repeatable.", valueName: "path=value"))
  var setB: [String] = []

  @OptionGroup var simulation: SimulationOptions
  @OptionGroup var output: WhatIfOutputOptions

  func run() throws {
    try output.checkOutputs(reading: [fileA] + (fileB.map { [$0] } ?? []))
    let pipeline = try simulation.pipeline(input)
    let a = try pipeline.load(fileA)
    let editsB = try setB.map { try ScenarioOverride(parsing: $0, option: "--set-b") }
    let b = try simulation.pipeline(input, adding: editsB).load(fileB ?? fileA)
    try InputWarnings.report(a, asErrors: false, paths: simulation.paths)
    if fileB != nil || !setB.isEmpty { try InputWarnings.report(b, asErrors: false, paths: simulation.paths) }
    let progress = ProgressBar.forTerminal(enabled: !output.json)
    let (paths, seed, report) = (simulation.paths, simulation.seed, progress?.reporter)
    var comparison = try awaitPipeline {
      try await pipeline.compare(a, b, paths: paths, seed: seed, progress: report)
    }
    progress?.finish()
    comparison.label(edits: input.set, editsB: setB, fileA: fileA, fileB: fileB)
    try output.emit(
      json: { WhatIfJSON.encode(comparison) }, text: { WhatIfText.render(comparison) },
      table: { WhatIfCSV.table(comparison) })
  }
}
