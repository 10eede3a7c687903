import ReserveSimEngine
import ReserveSimResults

/// The headline numbers of one run — ruin probability and required reserve at a few confidences — computed
/// from a result by selection, without the full summary.
///
/// The ruin probability is the share of paths with B(m) < floor in some month (SPEC §7). The required
/// reserve at confidence c is max(0, the ⌈cN⌉-th smallest `need`), exactly as `RunSummary` reports it.
public struct RunOutcome: Sendable, Equatable {
  /// Share of paths ruined within the horizon.
  public var ruinProbability: Double
  /// Paths ruined within the horizon.
  public var ruinedPaths: Int
  public var paths: Int
  public var seed: UInt64
  /// The confidence levels of `requiredReserve`, as given.
  public var confidences: [Double]
  /// Required reserve at each of `confidences`.
  public var requiredReserve: [Double]

  /// Reads the outcome of `result` at `confidences`.
  /// - Complexity: O(N) expected time (one selection per confidence over shrinking prefixes), O(N) memory.
  public init(_ result: SimulationResult, confidences: [Double] = RunSummary.defaultReserveConfidences) {
    var ruined = 0
    for month in result.firstRuinMonth where month > 0 { ruined += 1 }
    self.init(needs: result.requiredReserve, ruined: ruined, seed: result.seed, confidences: confidences)
  }

  /// The outcome of a run of `seed` whose paths' needs are `needs` (one per path) and of which `ruined` were
  /// ruined within the horizon.
  package init(needs: [Double], ruined: Int, seed: UInt64, confidences: [Double]) {
    paths = needs.count
    self.seed = seed
    ruinedPaths = ruined
    ruinProbability = Double(ruined) / Double(needs.count)
    self.confidences = confidences
    requiredReserve = Self.orderStatistics(
      needs, ranks: confidences.map { Quantiles.ceilRank($0, of: needs.count) }
    )
    .map { max(0, $0) }
  }

  /// Reads the outcome of a streamed run of `seed` (`StreamedRun`, with `confidences` among its reserve confidences):
  /// the same numbers as `init(_:confidences:)` on one result of all its paths — the ruined paths by the horizon's
  /// end and the needs' ⌈cN⌉-th smallest, which the streamed run selects exactly.
  package init(streamed: StreamedRun.Output, seed: UInt64, confidences: [Double]) {
    let statistics = streamed.statistics
    paths = statistics.paths
    self.seed = seed
    ruinedPaths = statistics.ruinedPathsByYear.last ?? 0
    ruinProbability = Double(ruinedPaths) / Double(paths)
    self.confidences = confidences
    let needs = streamed.needs
    requiredReserve = confidences.map { max(0, needs.value(rank: Quantiles.ceilRank($0, of: needs.count))) }
  }

  /// The required reserve at `confidence` (one of `confidences`).
  public func requiredReserve(confidence: Double) -> Double {
    guard let index = confidences.firstIndex(where: { abs($0 - confidence) < 1e-12 }) else {
      preconditionFailure("confidence \(confidence) was not computed")
    }
    return requiredReserve[index]
  }

  /// The k-th smallest values (1-based `ranks`, in any order) of `values`, by selection: the largest rank
  /// first over the whole array, then each smaller rank within the prefix left of the previous one.
  static func orderStatistics(_ values: [Double], ranks: [Int]) -> [Double] {
    var scratch = values
    var result = [Double](repeating: 0, count: ranks.count)
    scratch.withUnsafeMutableBufferPointer { buffer in
      var prefix = buffer.count
      for position in ranks.indices.sorted(by: { ranks[$0] > ranks[$1] }) {
        let k = min(buffer.count, max(1, ranks[position])) - 1
        // After selecting rank k+1, positions 0..<k hold the k smallest values, so smaller ranks need only them.
        let window = UnsafeMutableBufferPointer(rebasing: buffer[0..<prefix])
        result[position] = Quantiles.select(window, k)
        prefix = k + 1
      }
    }
    return result
  }
}
