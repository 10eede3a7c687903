import ArgumentParser
import Foundation
import ReserveSim

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
      random numbers the differences between variants are precise long before the levels are.
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

  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions
  @OptionGroup var output: WhatIfOutputOptions

  func validate() throws {
    guard swing > 0 && swing <= 1 else {
      throw ValidationError("--swing must be above 0 and at most 1, found \(swing)")
    }
  }

  func run() throws {
    try output.checkOutputs(svg.map { [.file($0, option: "--svg")] } ?? [], reading: [file])
    let loader = try input.loader()
    let scenario = try loader.load(file)
    InputWarnings.report(scenario, file: file, asErrors: false)
    let document = try loader.composedDocument(file)
    let listed = params.isEmpty ? nil : try params.map(ScenarioPath.init(parsing:))
    let progress = ProgressBar.forTerminal(enabled: !output.json)
    let analysis: SensitivityAnalysis
    do {
      analysis = try SensitivityAnalysis(
        document: document, parameters: listed, swing: swing, metric: metric,
        simulate: simulation.commonRandomNumbers(
          paths: simulation.paths ?? min(scenario.simulation.paths, Self.defaultMaximumPaths),
          seed: simulation.seedValue(for: scenario)),
        progress: progress?.runs)
    } catch let error as ScenarioError {
      throw error.inFile(file)
    }
    progress?.finish()
    try output.emit(
      json: { WhatIfJSON.encode(analysis) },
      text: { WhatIfText.render(analysis) + (svg.map { "\nTornado chart written to \($0)\n" } ?? "") },
      table: { WhatIfCSV.table(analysis) }, alongside: svg.map { [($0, .file(TornadoChart.svg(analysis)))] } ?? [])
  }
}
