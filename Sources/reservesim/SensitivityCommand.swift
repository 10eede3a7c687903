import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim sensitivity FILE`: one-at-a-time sensitivity of the reserve needed (or the ruin probability).
struct SensitivityCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sensitivity",
    abstract: "Set each parameter lower and higher, one at a time, and rank them by how much the answer moves.",
    discussion: """
      Every numeric parameter of the scenario (or those named by --param) is set to value × (1 − swing) and \
      value × (1 + swing) — probabilities kept in [0, 1], whole numbers rounded — and each variant runs on common \
      random numbers. Not varied: years, simulation settings, assertion thresholds, and parameters that are 0. \
      Without --paths, at most \(defaultMaximumPaths) paths are run (fewer when the file asks for fewer): with common \
      random numbers the differences between variants are precise long before the levels are. On a file with \
      estimates written as distributions (SPEC §16) each such parameter's centre is moved, its spread kept.

      With --global, instead: one run of the file's paths (or --paths), and the estimates written as \
      distributions ranked by the share of the variance of the reserve needed and of ruin each explains on its \
      own (first-order indices with 95% intervals); --samples writes each path's draws and outcomes as CSV.
      """)

  /// The most paths run without --paths: an analysis runs up to 2P + 1 simulations for P parameters.
  static let defaultMaximumPaths = 20_000

  @Argument(help: "Scenario JSON file.")
  var file: String

  @Option(parsing: .unconditional, help: "Relative change of each parameter, from 0 to 1 (0.2 = ±20%).")
  var swing = 0.2

  @Option(
    name: .customLong("param"), parsing: .upToNextOption,
    help: ArgumentHelp(
      "Vary only these parameters, in the --set path syntax (e.g. inKindServices[CDN].annualLossProbability); several after one --param, or --param repeated.",
      valueName: "path"))
  var params: [String] = []

  @Option(help: "What to rank by: requiredReserve95 or ruinProbability.")
  var metric = SensitivityMetric.requiredReserve95

  @Option(help: ArgumentHelp("Write a tornado chart as SVG to this file.", valueName: "path"))
  var svg: String?

  @Flag(help: "Rank the estimates written as distributions by their first-order (global) sensitivity indices.")
  var global = false

  @Option(
    help: ArgumentHelp(
      "With --global: also write each path's drawn estimates, ruin (1/0) and need as CSV to this file.",
      valueName: "path"))
  var samples: String?

  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions
  @OptionGroup var output: WhatIfOutputOptions

  func validate() throws {
    if samples != nil && !global { throw ValidationError("--samples needs --global") }
    if global && (svg != nil || !params.isEmpty) {
      throw ValidationError(
        "--global ranks every estimate written as a distribution; --svg and --param are one-at-a-time options")
    }
    guard swing > 0 && swing <= 1 else {
      throw ValidationError("--swing must be above 0 and at most 1, found \(swing)")
    }
  }

  func run() throws {
    if global { return try runGlobal() }
    try output.checkOutputs(svg.map { [.file($0, option: "--svg")] } ?? [], reading: [file])
    let pipeline = try simulation.pipeline(input)
    let loaded = try pipeline.load(file)
    try InputWarnings.report(loaded, asErrors: false, paths: simulation.paths)
    let listed = params.isEmpty ? nil : try params.map(ScenarioPath.init(parsing:))
    let progress = ProgressBar.forTerminal(enabled: !output.json)
    let (swing, metric, seed, report) = (swing, metric, simulation.seed, progress?.reporter)
    let paths = simulation.paths ?? min(loaded.scenario.simulation.paths, Self.defaultMaximumPaths)
    let analysis = try awaitPipeline {
      try await pipeline.sensitivity(
        loaded, parameters: listed, swing: swing, metric: metric, paths: paths, seed: seed, progress: report)
    }
    progress?.finish()
    try output.emit(
      json: { WhatIfJSON.encode(analysis) },
      text: { WhatIfText.render(analysis) + (svg.map { "\nTornado chart written to \($0)\n" } ?? "") },
      table: { WhatIfCSV.table(analysis) }, alongside: svg.map { [($0, .file(TornadoChart.svg(analysis)))] } ?? [])
  }

  /// `--global`: one run, and SPEC §16's ranking of the uncertain estimates.
  func runGlobal() throws {
    try output.checkOutputs(samples.map { [.file($0, option: "--samples")] } ?? [], reading: [file])
    let pipeline = try simulation.pipeline(input)
    let loaded = try pipeline.load(file)
    try InputWarnings.report(loaded, asErrors: false, paths: simulation.paths)
    guard !loaded.scenario.uncertainParameters.isEmpty else {
      throw ScenarioError(
        file: file, path: .root,
        message:
          "no estimate is written as a distribution, so there is nothing for --global to rank; write one as "
          + "{\"range\": [low, high]} (see docs/model.md §16)")
    }
    let progress = ProgressBar.forTerminal(enabled: !output.json)
    let (paths, seed, report) = (simulation.paths, simulation.seed, progress?.reporter)
    // The estimates' ranking only: no runway after a loss (SPEC §21) is shown, so none is recorded.
    let run = try awaitPipeline {
      try await pipeline.run(loaded, paths: paths, seed: seed, runway: false, progress: report)
    }
    progress?.finish()
    let summary = run.summary
    try output.emit(
      json: { UncertaintyExport.json(summary) },
      text: { UncertaintyExport.text(summary) + (samples.map { "\nSamples written to \($0)\n" } ?? "") },
      table: { UncertaintyExport.table(summary) },
      alongside: samples.map { [($0, .file(UncertaintyExport.samples(run.result).text))] } ?? [])
  }
}
