import Foundation
import ReserveSim

/// What the server answers, without HTTP: each API call as the command line's document, on the library's
/// `RunPipeline` (no copy of the pipeline here).
///
/// Every method loads only served files (and their `extends`), throws `APIError` with the command line's message
/// for bad input, and stops promptly when its task is cancelled.
public struct ServeService: Sendable {
  public let scenarios: ServedScenarios
  /// The page's path count for a full run (`--paths`; nil: each file's `simulation.paths`).
  public let defaultPaths: Int?
  /// The paths of the page's preview while a control moves (the first paths of the full run).
  public static let previewPaths = 10_000
  let simulator: Simulator
  let gate: SimulationGate
  /// The files as written that views compared against, kept for the next view.
  let asWritten = AsWrittenRuns()

  /// - Parameters:
  ///   - files: the scenario files to serve, as named on the command line.
  ///   - paths: the page's path count for a full run.
  ///   - concurrentRuns: how many requests simulate at once; the rest queue.
  public init(files: [String], paths: Int? = nil, concurrentRuns: Int = 2, threads: Int? = nil) throws {
    scenarios = try ServedScenarios(files: files)
    defaultPaths = paths
    simulator = Simulator(threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
    gate = SimulationGate(limit: concurrentRuns)
  }

  /// Checks that every served file loads, before the server starts.
  /// - Throws: the first file's `ScenarioError`.
  public func checkFiles() throws {
    for entry in scenarios.entries {
      _ = try RunPipeline(loader: ScenarioLoader(), simulator: simulator).load(entry.file)
    }
  }

  func pipeline(_ edits: [String], option: String = "--set") throws -> RunPipeline {
    do {
      let overrides = try edits.map { try ScenarioOverride(parsing: $0, option: option) }
      return RunPipeline(loader: ScenarioLoader(overrides: overrides), simulator: simulator)
    } catch { throw APIError.from(error) }
  }

  func load(_ request: APIRequest, name: String? = nil, extra: [String] = []) throws -> LoadedScenario {
    let file = try scenarios.file(named: name ?? request.scenario)
    do {
      let overrides =
        try request.set.map { try ScenarioOverride(parsing: $0, option: "--set") }
        + extra.map { try ScenarioOverride(parsing: $0, option: "--set-b") }
      return try RunPipeline(loader: ScenarioLoader(overrides: overrides), simulator: simulator).load(file)
    } catch { throw APIError.from(error) }
  }

  /// Runs `work` behind the gate, with the library's errors as `APIError`.
  func simulating<Value: Sendable>(_ work: @Sendable () async throws -> Value) async throws -> Value {
    do { return try await gate.run(work) } catch { throw APIError.from(error) }
  }

  /// `GET /api/scenarios`: each served file's name, file, scenario name, paths, seed and the page's controls.
  public func scenarioList() throws -> String {
    let items = try scenarios.entries.map { entry -> OrderedJSON in
      let loaded = try load(APIRequest(scenario: entry.name))
      return .object([
        ("name", .string(entry.name)), ("file", .string(entry.file)), ("scenario", .string(loaded.scenario.name)),
        ("paths", .integer(defaultPaths ?? loaded.scenario.simulation.paths)),
        ("seed", .raw(String(loaded.scenario.simulation.seed))), ("years", .integer(loaded.scenario.years)),
        ("currency", .string(loaded.scenario.currency)), ("previewPaths", .integer(Self.previewPaths(loaded.scenario))),
        ("groups", ScenarioControls.json(loaded)),
      ])
    }
    return OrderedJSON.object([
      ("previewPaths", .integer(Self.previewPaths)), ("scenarios", .array(items)),
    ]).text()
  }

  /// A scenario's preview: the first `previewPaths` paths, rounded up to whole groups of nested draws (SPEC §22)
  /// and to at least their least number of groups, so that the preview is a valid run of the file.
  public static func previewPaths(_ scenario: Scenario) -> Int {
    guard let nested = scenario.simulation.nested else { return previewPaths }
    let groups = (previewPaths + nested.inner - 1) / nested.inner
    return max(groups, NestedDraws.minimumGroups) * nested.inner
  }

  /// `POST /api/run`: what `reservesim run NAME --json --set … --paths N --seed S` prints.
  public func run(_ request: APIRequest) async throws -> String {
    let loaded = try load(request)
    let pipeline = try self.pipeline(request.set)
    let output = try await simulating { try await pipeline.run(loaded, paths: request.paths, seed: request.seed) }
    return try SummaryJSON.encode(output.summary)
  }

  /// `POST /api/compare`: what `reservesim compare NAME [B] --json --set … --set-b …` prints.
  public func compare(_ request: APIRequest) async throws -> String {
    let a = try load(request)
    let b = try load(request, name: request.b ?? request.scenario, extra: request.setB)
    let pipeline = try self.pipeline(request.set)
    var comparison = try await simulating {
      try await pipeline.compare(a, b, paths: request.paths, seed: request.seed, streaming: false)
    }
    let fileB = try request.b.map { try scenarios.file(named: $0) }
    comparison.label(edits: request.set, editsB: request.setB, fileA: a.file, fileB: fileB)
    return WhatIfJSON.encode(comparison)
  }

  /// `POST /api/solve`: what `reservesim solve NAME --json --target … --lever …` prints.
  public func solve(_ request: APIRequest) async throws -> String {
    guard !request.targets.isEmpty else {
      throw APIError.badRequest("solve needs at least one target, e.g. \"targets\": [\"ruin<=5%@3y\"]")
    }
    let loaded = try load(request)
    let pipeline = try self.pipeline(request.set)
    let levers: [SweepAxis]
    do { levers = try request.levers.map(SweepAxis.init(lever:)) } catch { throw APIError.from(error) }
    let solve = try await simulating {
      try await pipeline.solve(
        loaded, targets: request.targets, levers: levers, frontier: request.frontier, paths: request.paths,
        seed: request.seed, checkSeed: request.checkSeed)
    }
    return SolveOutput.json(solve)
  }

  /// `POST /api/view`: the page's answer for one state: `run` (the edited file's `run --json`), `base` (the file as
  /// written, same paths and seed), `compare` (B − A on those common random numbers, as `compare --json` with the
  /// edits as `--set-b`) and `charts` (the report's three charts with the file as written drawn over them).
  ///
  /// The run of the file as written is simulated once for its paths and seed and kept for the next views
  /// (`AsWrittenRuns`); the edited file is simulated unless its edits leave it the file as written.
  /// - Parameter progress: called from any thread with the share of the runs to simulate done, 0 … 1.
  public func view(_ request: APIRequest, progress: (@Sendable (Double) -> Void)? = nil) async throws -> String {
    let (a, b, paths, seed) = try prepareView(request)
    let pipelineA = try pipeline([])
    let pipelineB = try pipeline(request.set)
    let key = AsWrittenRuns.Key(file: a.file, scenario: a.scenario, paths: paths, seed: seed)
    let kept = await asWritten.output(for: key)
    let edited = b.scenario != a.scenario
    // The share of the progress the run of the file as written takes: none when it is kept or is all there is.
    let shareA = kept != nil ? 0 : edited ? 0.5 : 1
    let (asWritten, bytes) = (self.asWritten, simulator.memoryEstimate(for: a.scenario, paths: paths).bytes)
    let (outputA, outputB) = try await simulating {
      let outputA: RunOutput
      if let kept {
        outputA = kept
      } else {
        outputA = try await pipelineA.run(a, paths: paths, seed: seed) { progress?($0.share * shareA) }
        // Kept at once: a view cancelled while its edited file runs (a control still moving) leaves it to the next.
        await asWritten.keep(outputA, for: key, bytes: bytes)
      }
      guard edited else { return (outputA, outputA) }
      let outputB = try await pipelineB.run(b, paths: paths, seed: seed) {
        progress?(shareA + $0.share * (1 - shareA))
      }
      return (outputA, outputB)
    }
    var comparison = Comparison(a: outputA.result, b: outputB.result)
    comparison.label(edits: [], editsB: request.set, fileA: a.file, fileB: nil)
    return OrderedJSON.object([
      ("run", .raw(try SummaryJSON.encode(outputB.summary))),
      ("base", .raw(try SummaryJSON.encode(outputA.summary))),
      ("compare", .raw(WhatIfJSON.encode(comparison))),
      ("charts", ViewCharts.json(edited: outputB.summary, asWritten: outputA.summary)),
    ]).text()
  }

  /// Checks a view's scenario, edits and memory without simulating (the progress stream's answer before it starts).
  /// - Throws: `APIError` (400, 422) as `view` would.
  public func checkView(_ request: APIRequest) throws { _ = try prepareView(request) }

  /// The view's two scenarios (as written, edited), paths and seed, checked against the memory both results need.
  func prepareView(_ request: APIRequest) throws -> (LoadedScenario, LoadedScenario, paths: Int, seed: UInt64) {
    var asWritten = request
    asWritten.set = []
    let a = try load(asWritten)
    let b = try load(request)
    let paths = request.paths ?? defaultPaths ?? a.scenario.simulation.paths
    let seed = request.seed ?? a.scenario.simulation.seed
    // Both results are held at once, as compare holds them: refused (422) before anything runs when they do not fit.
    do { try simulator.checkMemory(for: b.scenario, paths: paths, heldAtOnce: 2) } catch { throw APIError.from(error) }
    return (a, b, paths, seed)
  }

  /// `POST /api/export/scenario`: the edited scenario as one JSON document (`extends` resolved, edits applied).
  public func editedScenario(_ request: APIRequest) throws -> String {
    try load(request).document.jsonText
  }

  /// `POST /api/export/csv`: `run --csv`'s files as `{NAME: CONTENTS}`.
  public func csvFiles(_ request: APIRequest) async throws -> String {
    let output = try await fullRun(request)
    let files = CSVExport.files(output.summary, version: ReserveSimVersion.string)
    return OrderedJSON.object(files.map { ($0.name, .string($0.contents)) }).text()
  }

  /// `POST /api/export/report`: `reservesim report`'s HTML page of the edited scenario.
  public func report(_ request: APIRequest) async throws -> String {
    let output = try await fullRun(request)
    return HTMLReport.render(output.summary, scenario: output.scenario, version: ReserveSimVersion.string)
  }

  func fullRun(_ request: APIRequest) async throws -> RunOutput {
    let loaded = try load(request)
    let pipeline = try self.pipeline(request.set)
    let paths = request.paths ?? defaultPaths
    return try await simulating { try await pipeline.run(loaded, paths: paths, seed: request.seed) }
  }
}
