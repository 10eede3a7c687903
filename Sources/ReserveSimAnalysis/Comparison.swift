import Foundation
import ReserveSimEngine
import ReserveSimResults
import ReserveSimScenario

/// Two scenarios run on common random numbers, and what changes from A to B with 95% paired intervals.
///
/// Both results must come from the same seed and path count, so path i of A and path i of B see the same
/// random draws (SPEC §8). Then:
/// - ruin probability: the paired normal interval of `PairedProportion` over the per-path ruin indicators;
/// - required reserve at confidence c: the paired bootstrap of `PairedBootstrap` over the per-path needs (each
///   path weighted alike in A and B), with the statistic max(0, q_c) that `run` reports.
///
/// Comparing a result with itself gives differences and intervals of exactly 0.
public struct Comparison: Sendable {
  /// One figure in A and B, the difference b − a and its 95% interval.
  public struct PairedDifference: Sendable, Equatable {
    public var a, b, difference, lower, upper: Double
  }

  /// The required reserve at one confidence in A and B.
  public struct ReserveDifference: Sendable, Equatable {
    public var confidence: Double
    public var value: PairedDifference
  }

  public var nameA: String
  public var nameB: String
  public var currency: String
  public var paths: Int
  public var seed: UInt64
  /// The horizons of A and B, in years (each ruin probability counts its own).
  public var yearsA: Int
  public var yearsB: Int
  /// The `--set` edits applied to both files, as written (`reserve.initial=3e6`); set by the caller that made them.
  public var edits: [String] = []
  /// The `--set-b` edits applied to B only, as written.
  public var editsB: [String] = []
  public var ruinProbability: PairedDifference
  public var requiredReserve: [ReserveDifference]
  /// What to keep in mind when reading the difference (lists or horizons that differ); empty when nothing.
  public var notes: [String]
  /// What overflowed, in the words every output uses (`RunSummary.overflowWarning`); empty when nothing did.
  public var warnings: [String] = []

  /// Compares two results of the same seed and path count.
  /// - Complexity: O(N) selections, then O(resamples × N) for the bootstrap's weights.
  public init(
    a: SimulationResult, b: SimulationResult, confidences: [Double] = RunSummary.defaultReserveConfidences,
    resamples: Int = PairedBootstrap.defaultResamples, bootstrapSeed: UInt64 = PairedBootstrap.defaultSeed,
    threads: Int = ProcessInfo.processInfo.activeProcessorCount
  ) {
    precondition(a.paths == b.paths && a.seed == b.seed, "a comparison needs common random numbers")
    self.init(
      a.scenario, b.scenario,
      outcomes: (RunOutcome(a, confidences: confidences), RunOutcome(b, confidences: confidences)),
      ruinOnlyIn: Self.ruinedInOnlyOne(a.firstRuinMonth, b.firstRuinMonth),
      resampled: PairedBootstrap.resampleQuantiles(
        of: [a.requiredReserve, b.requiredReserve], confidences: confidences, resamples: resamples,
        seed: bootstrapSeed, threads: threads))
  }

  /// Compares two runs of the same seed and paths from what they give: each run's outcome (at the confidences of the
  /// comparison), the paths ruined in only one of them, and each resample's needs' quantiles `[r][run][c]`
  /// (`PairedBootstrap`; runs A and B).
  init(
    _ scenarioA: Scenario, _ scenarioB: Scenario, outcomes: (a: RunOutcome, b: RunOutcome),
    ruinOnlyIn: (a: Int, b: Int), resampled: [[[Double]]]
  ) {
    let (outcomeA, outcomeB) = outcomes
    precondition(outcomeA.paths == outcomeB.paths && outcomeA.seed == outcomeB.seed)
    let confidences = outcomeA.confidences
    nameA = scenarioA.name
    nameB = scenarioB.name
    currency = scenarioA.currency
    paths = outcomeA.paths
    seed = outcomeA.seed
    yearsA = scenarioA.years
    yearsB = scenarioB.years
    notes = Self.caveats(scenarioA, scenarioB)

    let ruin = PairedProportion.difference(onlyA: ruinOnlyIn.a, onlyB: ruinOnlyIn.b, paths: paths)
    ruinProbability = PairedDifference(
      a: outcomeA.ruinProbability, b: outcomeB.ruinProbability, difference: ruin.difference, lower: ruin.lower,
      upper: ruin.upper)
    let intervals = PairedBootstrap.differenceIntervals(resampled, confidences: confidences) { max(0, $0) }
    var overflowed: [String] = []
    requiredReserve = confidences.indices.map { i in
      let valueA = outcomeA.requiredReserve[i], valueB = outcomeB.requiredReserve[i]
      let raw = PairedDifference(
        a: valueA, b: valueB, difference: valueB - valueA, lower: intervals[i].lower, upper: intervals[i].upper)
      let shown = Self.finite(raw)
      if shown != raw { overflowed.append("the reserve at \(JSONValue.format(confidences[i] * 100))% (A, B or B − A)") }
      return ReserveDifference(confidence: confidences[i], value: shown)
    }
    warnings = RunSummary.overflowWarning(overflowed).map { [$0] } ?? []
  }

  /// A difference as every output shows amounts that overflow: ±∞ as ±1.8e308 (`Double.greatestFiniteMagnitude`);
  /// an undefined reserve (∞ − ∞) as +1.8e308, as `run` shows it; an undefined difference or interval end (both
  /// reserves overflowed) as the widest interval, −1.8e308 to +1.8e308, with the difference at +1.8e308.
  static func finite(_ d: PairedDifference) -> PairedDifference {
    let most = Double.greatestFiniteMagnitude
    return PairedDifference(
      a: RunSummary.finite(d.a, undefined: most), b: RunSummary.finite(d.b, undefined: most),
      difference: RunSummary.finite(d.difference, undefined: most),
      lower: RunSummary.finite(d.lower, undefined: -most), upper: RunSummary.finite(d.upper, undefined: most))
  }

  /// Lists whose items differ in number or order between A and B, and horizons that differ. The engine addresses draws by position
  /// (event kind k, service s, tier t), so items at different positions do not share their draws: the
  /// comparison stays valid but its difference is noisier.
  public static func caveats(_ a: Scenario, _ b: Scenario) -> [String] {
    let lists: [(String, [String], [String])] = [
      ("inKindServices", a.inKindServices.map(\.name), b.inKindServices.map(\.name)),
      ("events", a.events.map(\.name), b.events.map(\.name)),
      ("sponsorTiers", a.sponsorTiers.map(\.name), b.sponsorTiers.map(\.name)),
    ]
    let horizon =
      a.years == b.years
      ? []
      : ["A runs \(a.years) years and B \(b.years): each ruin probability counts its own horizon"]
    return horizon
      + lists.compactMap { field, namesA, namesB in
        namesA == namesB
          ? nil
          : "\(field) differ between the two files (\(namesA.joined(separator: ", ")) vs \(namesB.joined(separator: ", "))): "
            + "items at different positions do not share random draws, so the difference is noisier"
      }
  }
}
