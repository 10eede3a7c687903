import Foundation
import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// One axis of a sweep: a parameter taking `count` evenly spaced values from `start` to `end`.
///
/// Written on the command line as `--set PATH=START:END:COUNT`; value k (0-based) is
/// start + (end − start) · k/(count − 1), with the last exactly `end` (a single value is `start`).
/// Whole-number fields (`count`, `noticeMonths`, …) are rounded. The ends are read as `--set` reads numbers: 2M, 1.5k,
/// 5%, 2_000.
public struct SweepAxis: Sendable, Equatable {
  /// The most values one axis may take.
  public static let maximumCount = 1000

  public var path: ScenarioPath
  public var start: Double
  public var end: Double
  public var count: Int

  public init(path: ScenarioPath, start: Double, end: Double, count: Int) {
    precondition(count >= 1)
    self.path = path
    self.start = start
    self.end = end
    self.count = count
  }

  /// Parses `PATH=START:END:COUNT`; `nil` when the value is not of that form (a plain `PATH=VALUE` edit).
  /// - Throws: `ScenarioError` (file "--set") when the value looks like an axis but its count is not a
  ///   whole number from 1 to `maximumCount`.
  public init?(parsing text: String) throws {
    guard let equals = text.firstIndex(of: "=") else { return nil }
    let parts = text[text.index(after: equals)...].split(separator: ":", omittingEmptySubsequences: false)
    // The ends as `--set` reads numbers (2M, 1.5k, 5%, 2_000), so an axis takes what a plain edit takes.
    guard parts.count == 3, let start = CompactNumber.value(String(parts[0])),
      let end = CompactNumber.value(String(parts[1]))
    else {
      return nil
    }
    guard let count = Int(parts[2]), (1...Self.maximumCount).contains(count) else {
      throw ScenarioError(
        file: "--set", path: .root,
        message:
          "\(text): an axis is PATH=START:END:COUNT with COUNT a whole number from 1 to \(Self.maximumCount), found \"\(parts[2])\""
      )
    }
    self.init(path: try ScenarioPath(parsing: String(text[..<equals])), start: start, end: end, count: count)
  }

  /// Parses a lever of `solve`: `PATH=START:END:COUNT` only (a plain edit is not a lever).
  /// - Throws: `ScenarioError` (file "--lever") when the text is not of that form, or its count is out of range.
  public init(lever text: String) throws {
    guard let axis = try SweepAxis(parsing: text) else {
      throw ScenarioError(
        file: "--lever", path: .root,
        message: "\(text): a lever is PATH=START:END:COUNT, e.g. policy.cuts.belowMonths=2:6:5")
    }
    self = axis
  }

  /// The axis' values, rounded for whole-number fields and otherwise to 12 significant digits, so that a step
  /// of 0.1 gives 0.1, 0.2, 0.3 (not 0.09999999999999999): the value set and shown is the one people typed.
  public var values: [Double] {
    (0..<count).map { k in
      let x = count == 1 ? start : k == count - 1 ? end : start + (end - start) * Double(k) / Double(count - 1)
      if ScenarioParameters.isInteger(path) { return x.rounded() }
      return Double(String(format: "%.12g", x)) ?? x
    }
  }
}

/// A grid of scenarios over one or two axes, every point run on common random numbers.
///
/// Point (v₁, v₂) is the base document with v₁ at the first axis' path and v₂ at the second's; rows run
/// over the first axis' values in the outer loop. With the same seed and path count at every point, path i
/// sees the same draws everywhere, so a curve moves only where the model does: e.g. raising
/// `reserve.initial` can only remove ruined paths, never add one, so the ruin probability falls monotonically.
public struct Sweep: Sendable {
  /// One grid point: the axis values and the outcome there.
  public struct Row: Sendable, Equatable {
    public var values: [Double]
    public var outcome: RunOutcome
  }

  /// The most grid points a sweep may have.
  public static let maximumPoints = 10_000

  public var axes: [SweepAxis]
  public var scenarioName: String
  public var currency: String
  public var paths = 0
  public var seed: UInt64 = 0
  /// The base scenario's horizon, in years (an axis may not change it).
  public var years: Int
  /// The plain `--set` edits applied at every point besides the axes, as written; set by the caller that made them.
  public var edits: [String] = []
  public var rows: [Row]

  /// Runs the grid over a composed scenario document (plain edits applied): decodes it once, then as
  /// `init(scenario:axes:confidences:simulate:progress:)`.
  public init(
    document: JSONValue, axes: [SweepAxis], confidences: [Double] = RunSummary.defaultReserveConfidences,
    simulate: (Scenario) throws -> SimulationResult, progress: ((Int, Int) -> Void)? = nil
  ) throws {
    try self.init(
      scenario: Scenario(json: document), axes: axes, confidences: confidences, simulate: simulate, progress: progress)
  }

  /// Runs the grid.
  ///
  /// Each axis' path is resolved once against `scenario` (`ParameterAddress`); point (v₁, v₂) is `scenario` with the
  /// values written through the addresses (no document is edited or decoded per point).
  /// - Parameters:
  ///   - scenario: the base scenario (plain edits applied).
  ///   - axes: one or two axes.
  ///   - simulate: runs one scenario with the sweep's fixed seed and path count.
  ///   - progress: called with (points done, points in all) after each point.
  /// - Throws: `ScenarioError` when there are not one or two axes, an axis names no numeric field of the scenario,
  ///   the grid is too large, or a point is not a valid scenario (the message names the point); errors of
  ///   `simulate`.
  public init(
    scenario base: Scenario, axes: [SweepAxis], confidences: [Double] = RunSummary.defaultReserveConfidences,
    simulate: (Scenario) throws -> SimulationResult, progress: ((Int, Int) -> Void)? = nil
  ) throws {
    try self.init(
      scenario: base, axes: axes, confidences: confidences,
      outcome: { RunOutcome(try simulate($0), confidences: $1) }, progress: progress)
  }

  /// Runs the grid, each point's outcome from `outcome` (the point's scenario and `confidences`): one result of all
  /// paths read by `RunOutcome(_:confidences:)`, or a streamed run's (`RunPipeline.sweep` past the one-pass memory
  /// budget), the same numbers. With `replayed` (base, points, confidences), a grid whose points differ from the base
  /// only in the numbers of a policy that responds to the balance or in the reserve
  /// (`Simulator.replaysOutcome(_:on:)`) asks it for every point's outcome at once (one simulation, each point read
  /// from it: the same numbers); where it returns nil, each point runs on its own.
  public init(
    scenario base: Scenario, axes: [SweepAxis], confidences: [Double] = RunSummary.defaultReserveConfidences,
    outcome: (Scenario, [Double]) throws -> RunOutcome,
    replayed: ((Scenario, [Scenario], [Double]) throws -> [RunOutcome]?)? = nil, progress: ((Int, Int) -> Void)? = nil
  ) throws {
    guard (1...2).contains(axes.count) else {
      throw ScenarioError(
        file: "--set", path: .root, message: "a sweep takes one or two axes PATH=START:END:COUNT, found \(axes.count)")
    }
    if axes.count == 2 && axes[0].path == axes[1].path {
      throw ScenarioError(
        file: "--set", path: .root, message: "both axes set \(axes[0].path); give two different parameters")
    }
    let points = axes.reduce(1) { $0 * $1.count }
    guard points <= Self.maximumPoints else {
      throw ScenarioError(
        file: "--set", path: .root, message: "the grid has \(points) points; at most \(Self.maximumPoints) are allowed")
    }
    self.axes = axes
    scenarioName = base.name
    years = base.years
    currency = base.currency
    let addresses = try axes.map { try ParameterAddress($0.path, in: base) }

    let (grid, scenarios) = try Self.points(base, axes: axes, addresses: addresses) { value, address, point in
      point = try ScenarioParameters.setting(value, at: address, in: point)
    }
    var outcomes: [RunOutcome]? = nil
    if let replayed, scenarios.allSatisfy({ Simulator.replaysOutcome($0, on: base) }) {
      outcomes = try replayed(base, scenarios, confidences)
    }
    var rows: [Row] = []
    for (done, (values, scenario)) in zip(grid, scenarios).enumerated() {
      let point = try outcomes?[done] ?? outcome(scenario, confidences)
      (paths, seed) = (point.paths, point.seed)
      rows.append(Row(values: values, outcome: point))
      progress?(done + 1, grid.count)
    }
    self.rows = rows
  }

  /// The grid of `axes`' values (the first axis in the outer loop) and its points: `base` with each point's values
  /// written through `addresses` by `write`. Every point is built, and so checked, before any is simulated, so a bad
  /// grid fails at once, naming its point. The rules between fields are checked after each write, so where two
  /// axes are tied by one (a line's first and last year) the other order is tried before a point is refused.
  static func points(
    _ base: Scenario, axes: [SweepAxis], addresses: [ParameterAddress],
    write: (Double, ParameterAddress, inout Scenario) throws -> Void
  ) throws -> (grid: [[Double]], scenarios: [Scenario]) {
    var grid: [[Double]] = [[]]
    for axis in axes { grid = grid.flatMap { prefix in axis.values.map { prefix + [$0] } } }
    let scenarios = try grid.map { values -> Scenario in
      func written(_ order: [Int]) throws -> Scenario {
        var point = base
        for i in order { try write(values[i], addresses[i], &point) }
        return point
      }
      do {
        do {
          return try written(Array(addresses.indices))
        } catch {
          guard addresses.count > 1, let point = try? written(addresses.indices.reversed()) else { throw error }
          return point
        }
      } catch var error as ScenarioError {
        let label = zip(axes, values).map { "\($0.path)=\(JSONValue.format($1))" }.joined(separator: ", ")
        error.message = "at the grid point \(label): \(error.message)"
        throw error
      }
    }
    return (grid, scenarios)
  }
}
