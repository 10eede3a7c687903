import ArgumentParser
import Foundation
import ReserveSim
import ReserveSimFiles

/// `reservesim check FILE…`: evaluate every file's assertions (SPEC §9) for CI.
struct CheckCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Check scenario assertions with 95% Monte Carlo intervals; exit 1 when any fails.",
    discussion: """
      A check passes when the whole 95% interval of its estimate is within the threshold, fails when the \
      whole interval is beyond it, and is inconclusive otherwise. Exit 0: nothing failed (inconclusive \
      allowed); 1: something failed (or was inconclusive, with --strict); 2: bad input.
      """)

  @Argument(help: "Scenario JSON files.")
  var files: [String]

  @OptionGroup var input: ScenarioOptions
  @OptionGroup var simulation: SimulationOptions
  @OptionGroup var nesting: NestedOption

  @Flag(help: "Count inconclusive checks as failures.")
  var strict = false

  @Flag(help: "Print the results as JSON on stdout, and nothing else.")
  var json = false

  @Option(help: ArgumentHelp("Also write a JUnit XML report to this file.", valueName: "path"))
  var junit: String?

  @Flag(
    help: "Double the paths (simulating only the new ones) until every check is conclusive or --max-paths is reached.")
  var autoPaths = false

  @Option(parsing: .unconditional, help: "With --auto-paths: the most paths to use (default 1000000).")
  var maxPaths: Int?

  @Option(
    name: .customLong("assert"),
    help: ArgumentHelp(
      "An extra assertion for every file, e.g. 'ruin<=0.05@3y' or 'reserve@95%<=2M'. Repeatable.",
      discussion:
        "ruin[@Ny]<=P and below[@Ny]<=P (below the board's minimum, policy.minimumMonths; P as 0.05 or 5%; N years, default the horizon); reserve@C<=AMOUNT and reserveMin@C<=AMOUNT (the reserve that holds the floor, or the board's minimum; C as 0.95 or 95%; AMOUNT as 2e6, 2M, 150k).",
      valueName: "spec"))
  var assertions: [String] = []

  static let defaultMaxPaths = 1_000_000

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one scenario file") }
    if let maxPaths {
      guard autoPaths else { throw ValidationError("--max-paths goes with --auto-paths") }
      guard (1...Scenario.maximumPaths).contains(maxPaths) else {
        throw ValidationError("--max-paths must be between 1 and \(Scenario.maximumPaths), found \(maxPaths)")
      }
    }
  }

  func run() throws {
    if let junit { try OutputFiles.check([.file(junit, option: "--junit")], reading: files) }
    let pipeline = nesting.applied(to: try simulation.pipeline(input))
    var outcomes: [ScenarioCheck] = []
    for (loaded, assertions) in try loadAll(pipeline) {
      let scenario = loaded.scenario
      let seed = simulation.seed ?? scenario.simulation.seed
      guard !assertions.isEmpty else {
        outcomes.append(
          ScenarioCheck(
            file: loaded.file, scenarioName: scenario.name, currency: scenario.currency, paths: 0, seed: seed,
            checks: []))
        continue
      }
      let bar = ProgressBar.forTerminal(enabled: !json)
      let (paths, growing, report) = (
        simulation.paths, autoPaths ? (maxPaths ?? Self.defaultMaxPaths) : nil, bar?.reporter
      )
      let run = try awaitPipeline {
        try await pipeline.check(
          loaded, assertions: assertions, paths: paths, seed: seed, maxPaths: growing, progress: report)
      }
      bar?.finish()
      var outcome = ScenarioCheck(
        file: loaded.file, scenarioName: scenario.name, currency: scenario.currency, paths: run.summary.paths,
        seed: seed, checks: run.checks)
      outcome.headline = run.summary.headline
      outcomes.append(outcome)
    }

    if let junit { try OutputFiles.write(JUnitReport.xml(outcomes, strict: strict), to: junit) }
    print(
      json ? try CheckReport.json(outcomes, strict: strict) : CheckReport.table(outcomes, strict: strict),
      terminator: json ? "\n" : "")
    if ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" {
      // On stderr, so that --json keeps stdout to the document; the runner reads commands from both.
      let annotations = CheckReport.githubAnnotations(outcomes, strict: strict, line: ScenarioLoader.line(in:of:))
      for command in annotations { FileHandle.standardError.write(Data((command + "\n").utf8)) }
    }
    if outcomes.fails(strict: strict) { throw ExitCode(1) }
  }

  /// Every file composed, validated and given its assertions (the file's, then `--assert`'s) before anything
  /// is simulated; any bad file or `--assert` stops the run with one message for all of them.
  private func loadAll(_ pipeline: RunPipeline) throws -> [(LoadedScenario, assertions: [Assertion])] {
    let extra = try assertions.map(CompactAssertion.init(parsing:))
    var loaded: [(LoadedScenario, assertions: [Assertion])] = []
    var failures: [String] = []
    var skipped: [String] = []
    for file in files {
      if ScenarioLoader.isJSONSchema(file) {
        skipped.append(file)
        continue
      }
      do {
        let scenario = try pipeline.load(file)
        // A check is strict about its inputs: a likely typo (a rate above 100% a year) fails it.
        failures += scenario.warningLines
        let added = try extra.map { try $0.assertion(for: scenario.scenario) }
        loaded.append((scenario, scenario.scenario.assertions + added))
      } catch let error as ScenarioError {
        failures.append(error.inFile(file).description)
      }
    }
    if !failures.isEmpty { CommandLineExit.fail(lines: failures) }
    if loaded.isEmpty {
      let what = skipped.count == 1 ? "is a JSON Schema" : "are JSON Schemas"
      CommandLineExit.fail("no scenario to check: \(skipped.joined(separator: ", ")) \(what)")
    }
    for file in skipped {
      let shown = ScenarioError.oneLine(file)
      FileHandle.standardError.write(Data("reservesim: \(shown): a JSON Schema, not a scenario; skipped\n".utf8))
    }
    return loaded
  }
}
