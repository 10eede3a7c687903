import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim solve FILE --target SPEC…`: the least reserve, and the cheapest plan over the levers, that meets
/// the board's targets (SPEC §18).
struct SolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "solve",
    abstract: "Find the least starting reserve (and the cheapest plan over policy levers) that meets the targets.",
    discussion: """
      A target is a chance in --assert's grammar: ruin<=1%@5y (below the floor within 5 years at most 1%) or \
      below<=5%@3y (below the board's minimum, policy.minimumMonths, within 3 years at most 5%). The reserve is \
      the unknown. A lever is PATH=START:END:COUNT over a policy or budget field (at most 3, at most 1,000 points); \
      every point runs on the same paths. The best plan is re-run on --check-seed: a plan chosen to sit exactly on \
      its target is inconclusive about half the time there, and a margin (4% for a 5% goal) buys a pass.
      """)

  @Argument(help: "Scenario JSON file.")
  var file: String

  @Option(help: ArgumentHelp("A target, e.g. 'ruin<=5%@3y' or 'below<=5%@3y'. Repeatable.", valueName: "spec"))
  var target: [String] = []

  @Option(help: ArgumentHelp("A lever PATH=START:END:COUNT, e.g. policy.cuts.belowMonths=2:6:5.", valueName: "axis"))
  var lever: [String] = []

  @Flag(help: "Also show the reserve against risk: the first target's chance at 0.5%, 1%, 2%, 5%, 10%, 20%.")
  var frontier = false

  @Option(
    name: .customLong("check-seed"), parsing: .unconditional,
    help: "The seed of the out-of-sample check (default: seed + 1).",
    transform: { try SimulationOptions.seed($0) })
  var checkSeed: UInt64?

  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions

  @Flag(help: "Print the plans as JSON on stdout, and nothing else.")
  var json = false

  @Option(help: "Write plans.csv (and frontier.csv) into this folder.")
  var csv: String?

  @Option(help: ArgumentHelp("Write an HTML report (with the frontier chart under --frontier).", valueName: "path"))
  var report: String?

  func validate() throws {
    if target.isEmpty { throw ValidationError("solve needs at least one --target, e.g. --target 'ruin<=5%@3y'") }
  }

  func run() throws {
    var outputs: [OutputTarget] = []
    if let csv { outputs.append(.folder(csv, files: SolveOutput.fileNames(frontier: frontier), option: "--csv")) }
    if let report { outputs.append(.file(report, option: "--report")) }
    try OutputFiles.check(outputs, reading: [file])
    let levers = try lever.map(SweepAxis.init(lever:))
    let pipeline = try simulation.pipeline(input)
    let loaded = try pipeline.load(file)
    try InputWarnings.report(loaded, asErrors: false, paths: simulation.paths)
    let progress = ProgressBar.forTerminal(enabled: !json)
    let (targets, paths, seed, checkSeed, frontier, reporter) = (
      target, simulation.paths, simulation.seed, checkSeed, frontier, progress?.reporter
    )
    let solve = try awaitPipeline {
      try await pipeline.solve(
        loaded, targets: targets, levers: levers, frontier: frontier, paths: paths, seed: seed, checkSeed: checkSeed,
        progress: reporter)
    }
    progress?.finish()
    if let csv { try OutputFiles.write(SolveOutput.files(solve), into: csv) }
    if let report { try OutputFiles.write(SolveOutput.report(solve, version: ReserveSimVersion.string), to: report) }
    if json {
      print(SolveOutput.json(solve))
    } else {
      print(SolveOutput.text(solve), terminator: "")
      if let csv { print("\nCSV files written to \(csv)/") }
      if let report { print("Report written to \(report)") }
    }
  }
}
