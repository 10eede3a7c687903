import ReserveSimEngine
import ReserveSimScenario

/// What a sensitivity analysis ranks parameters by.
public enum SensitivityMetric: String, CaseIterable, Sendable {
  /// The required reserve at 95% confidence.
  case requiredReserve95
  /// The probability of falling below the floor within the horizon.
  case ruinProbability

  /// The confidence of the required reserve that sensitivity reports (whatever the ranking metric).
  public static let reserveConfidence = 0.95

  /// The metric's value in a run's outcome.
  public func value(of outcome: RunOutcome) -> Double {
    switch self {
    case .requiredReserve95: return outcome.requiredReserve(confidence: Self.reserveConfidence)
    case .ruinProbability: return outcome.ruinProbability
    }
  }
}

/// One-at-a-time sensitivity: each parameter set low and high with all others at their base values, every
/// run on common random numbers, ranked by how far the metric moves.
///
/// For a parameter with base value v and relative swing s (0.2 = 20%):
///
///     low = valid(v · (1 − s)),  high = valid(v · (1 + s))
///
/// where `valid` rounds whole-number fields and clamps into the field's range (`ScenarioParameters`):
/// probabilities to [0, 1], correlations to [−1, 1], year ranges to 1 … horizon and in order. A whole
/// number that rounding would leave unchanged moves one step instead (a tier of one sponsor is tested with
/// zero and two), so small counts are not reported as insensitive. A parameter whose base is 0 cannot be
/// swung by a relative amount; it is listed in `unchanged` instead of being run.
///
/// The swing of a parameter is the width of its tornado bar, max(m_low, m_base, m_high) − min(…), with m the
/// chosen metric; parameters are sorted by it, largest first (ties keep file order).
///
/// Every run uses the same seed and path count, so path i sees the same draws in every variant and the
/// differences come from the parameter, not from sampling noise. Identical variants (a value that rounding
/// or clamping returns to the base) reuse one run.
public struct SensitivityAnalysis: Sendable {
  public struct Parameter: Sendable, Equatable {
    /// The parameter in the `--set` syntax.
    public var path: String
    public var base, low, high: Double
    /// Required reserve at 95% with the parameter low / high.
    public var requiredReserveLow, requiredReserveHigh: Double
    public var ruinProbabilityLow, ruinProbabilityHigh: Double
    /// The ranking metric with the parameter low / high, and the tornado-bar width.
    public var metricLow, metricHigh, swing: Double
  }

  /// A parameter that could not be varied, and why.
  public struct Skipped: Sendable, Equatable {
    public var path: String
    public var reason: String
  }

  public var scenarioName: String
  public var currency: String
  public var years: Int
  public var paths: Int
  public var seed: UInt64
  /// The relative swing s.
  public var relativeSwing: Double
  public var metric: SensitivityMetric
  /// The outcome with every parameter at its base value.
  public var base: RunOutcome
  /// Sorted by `swing`, largest first.
  public var parameters: [Parameter]
  /// Parameters found with value 0, which a relative swing leaves unchanged.
  public var unchanged: [String]
  /// Parameters whose low or high value makes the scenario invalid.
  public var skipped: [Skipped]
  /// Distinct scenarios simulated (base included).
  public var simulations: Int
  /// The path count and seed the file asks for (`simulation`), which `run` uses without `--paths` and `--seed`.
  public var filePaths: Int
  public var fileSeed: UInt64
  /// The swung parameters that the file writes as distributions (SPEC §16): their base is the centre, and their
  /// low and high variants move the centre and keep the spread.
  public var swungEstimates: [String]

  /// Why the base may differ from `run`'s figures, in one sentence: the base is the file run with this analysis'
  /// paths and seed, exactly what `run --paths N --seed S` prints; `run` alone uses the file's own settings.
  public var baseNote: String {
    let command = "run" + (paths == filePaths ? "" : " --paths \(paths)") + (seed == fileSeed ? "" : " --seed \(seed)")
    var note = "the base is the file exactly as `\(command)` prints it"
    var own: [String] = []
    if paths != filePaths { own.append("\(filePaths) paths") }
    if seed != fileSeed { own.append("seed \(fileSeed)") }
    if !own.isEmpty {
      note +=
        "; `run` alone uses the file's \(own.joined(separator: " and ")), so its figures differ by Monte Carlo noise"
    }
    return note
  }

  /// Runs the analysis over `parameters` (default: every numeric parameter of `document`).
  ///
  /// The document is decoded once and read once for its parameters; each is resolved to a `ParameterAddress`, and
  /// each variant is the base scenario with the varied value written through it (no document edited per variant).
  /// - Parameters:
  ///   - document: the composed scenario document (edits applied), valid as a scenario.
  ///   - simulate: runs one scenario with the analysis' fixed seed and path count.
  ///   - progress: called with (runs done, runs in all) after each run.
  /// - Throws: `ScenarioError` when the base document is not a valid scenario or a listed parameter is not
  ///   a number in it; errors of `simulate`.
  /// - Complexity: at most 2P + 1 simulations for P parameters.
  public init(
    document: JSONValue, parameters listed: [ScenarioPath]? = nil, swing: Double = 0.2,
    metric: SensitivityMetric = .requiredReserve95, simulate: (Scenario) throws -> SimulationResult,
    progress: ((Int, Int) -> Void)? = nil
  ) throws {
    try self.init(
      document: document, parameters: listed, swing: swing, metric: metric,
      outcome: { RunOutcome(try simulate($0), confidences: $1) }, progress: progress)
  }

  /// Runs the analysis as `init(document:parameters:swing:metric:simulate:progress:)` does, each run's outcome from
  /// `outcome` (the scenario and the confidences to read): one result of all paths, or a streamed run's
  /// (`RunPipeline.sensitivity` past the one-pass memory budget), the same numbers. With `replayed` (base, variants,
  /// confidences), the variants that differ from the base only in its policy's numbers or its reserve
  /// (`Simulator.replaysOutcome(_:on:)`) take their outcomes from it at once, the base's with them
  /// (`RunOutcome.replaying`: one simulation, each variant read from it, the same numbers); where it returns nil,
  /// they run one by one.
  public init(
    document: JSONValue, parameters listed: [ScenarioPath]? = nil, swing: Double = 0.2,
    metric: SensitivityMetric = .requiredReserve95, outcome: (Scenario, [Double]) throws -> RunOutcome,
    replayed: ((Scenario, [Scenario], [Double]) throws -> [RunOutcome]?)? = nil, progress: ((Int, Int) -> Void)? = nil
  ) throws {
    precondition(swing >= 0)
    let baseScenario = try Scenario(json: document)
    scenarioName = baseScenario.name
    currency = baseScenario.currency
    years = baseScenario.years
    filePaths = baseScenario.simulation.paths
    fileSeed = baseScenario.simulation.seed
    relativeSwing = swing
    self.metric = metric

    let candidates = try Self.candidates(in: document, listed: listed)
    var unchanged: [String] = []
    var skipped: [Skipped] = []
    // Distinct scenarios to simulate; the base is always the first.
    var jobs: [Scenario] = [baseScenario]
    var planned: [(path: ScenarioPath, base: Double, low: Double, high: Double, lowJob: Int, highJob: Int)] = []

    for (path, value) in candidates {
      do {
        let address = try ParameterAddress(path, in: baseScenario)
        let (low, high) = Self.variedValues(of: address, base: value, swing: swing, in: baseScenario)
        if low == value && high == value && listed == nil {
          unchanged.append(path.description)
          continue
        }
        var indices: [Int] = []
        for varied in [low, high] {
          let variant = try ScenarioParameters.setting(varied, at: address, in: baseScenario)
          if let index = jobs.firstIndex(of: variant) {
            indices.append(index)
          } else {
            jobs.append(variant)
            indices.append(jobs.count - 1)
          }
        }
        planned.append((path, value, low, high, indices[0], indices[1]))
      } catch let error as ScenarioError {
        skipped.append(Skipped(path: path.description, reason: error.description))
      }
    }

    let confidences = [SensitivityMetric.reserveConfidence]
    var known = [RunOutcome?](repeating: nil, count: jobs.count)
    progress?(0, jobs.count)
    if let replayed {
      // The base (job 0) and the variants of the policy's numbers and of the reserve, on one simulation.
      let replaying = jobs.indices.filter { Simulator.replaysOutcome(jobs[$0], on: baseScenario) }
      if replaying.count > 1, let found = try replayed(baseScenario, replaying.map { jobs[$0] }, confidences) {
        for (k, job) in replaying.enumerated() { known[job] = found[k] }
        progress?(replaying.count, jobs.count)
      }
    }
    var done = known.compactMap { $0 }.count
    for (index, job) in jobs.enumerated() where known[index] == nil {
      known[index] = try outcome(job, confidences)
      done += 1
      progress?(done, jobs.count)
    }
    let outcomes = known.map { $0! }
    (paths, seed) = (outcomes[0].paths, outcomes[0].seed)

    base = outcomes[0]
    let baseMetric = metric.value(of: base)
    let rows = planned.map { plan -> Parameter in
      let lowOutcome = outcomes[plan.lowJob], highOutcome = outcomes[plan.highJob]
      let metricLow = metric.value(of: lowOutcome), metricHigh = metric.value(of: highOutcome)
      return Parameter(
        path: plan.path.description, base: plan.base, low: plan.low, high: plan.high,
        requiredReserveLow: lowOutcome.requiredReserve[0], requiredReserveHigh: highOutcome.requiredReserve[0],
        ruinProbabilityLow: lowOutcome.ruinProbability, ruinProbabilityHigh: highOutcome.ruinProbability,
        metricLow: metricLow, metricHigh: metricHigh,
        swing: max(metricLow, metricHigh, baseMetric) - min(metricLow, metricHigh, baseMetric))
    }
    parameters = rows.enumerated().sorted { ($1.element.swing, $0.offset) < ($0.element.swing, $1.offset) }.map(
      \.element)
    self.unchanged = unchanged
    self.skipped = skipped
    simulations = jobs.count
    let estimates = Set(baseScenario.uncertainParameters.map(\.path.description))
    swungEstimates = parameters.map(\.path).filter(estimates.contains)
  }

  /// The low and high values of a parameter (see the type's description).
  public static func variedValues(
    of address: ParameterAddress, base: Double, swing: Double, in scenario: Scenario
  ) -> (low: Double, high: Double) {
    var low = ScenarioParameters.valid(base * (1 - swing), for: address, in: scenario)
    var high = ScenarioParameters.valid(base * (1 + swing), for: address, in: scenario)
    if address.isWholeNumber && base != 0 && swing > 0 {
      if low == base { low = ScenarioParameters.valid(base - 1, for: address, in: scenario) }
      if high == base { high = ScenarioParameters.valid(base + 1, for: address, in: scenario) }
    }
    return (low, high)
  }

  /// The listed parameters with their values, or every parameter of the document.
  static func candidates(in document: JSONValue, listed: [ScenarioPath]?) throws -> [(
    path: ScenarioPath, value: Double
  )] {
    guard let listed else { return ScenarioParameters.all(in: document) }
    let known = ScenarioParameters.all(in: document).map(\.path.description)
    return try listed.map { path in
      if case .key("simulation")? = path.steps.first {
        throw ScenarioError(
          file: "--param", path: .root,
          message: "\(path): simulation settings are not model parameters; use --paths and --seed")
      }
      if let node = path.value(in: document), let distribution = ScenarioParameters.distribution(node, at: path) {
        return (path, distribution.centre)
      }
      guard case .number(let value)? = path.value(in: document) else {
        var message = "\(path): no number at this path in the scenario"
        if let guess = closestMatch(to: path.description, among: known) { message += " (did you mean \(guess)?)" }
        throw ScenarioError(file: "--param", path: .root, message: message)
      }
      return (path, value)
    }
  }
}
