import ReserveSimEngine
import ReserveSimScenario

/// What a streamed run keeps per group of n paths (SPEC §22), added chunk by chunk in path order: each group's
/// count of paths that ran out (and fell below the minimum) in each year, and its reserves r_j(c) — the ⌈cn⌉-th
/// smallest of its n needs, as `GroupedNeeds.groupReserves` reads them from all the needs sorted. A group that a
/// chunk cuts waits for the rest of its needs in the next chunk.
///
/// Memory: J × (years × 4 bytes for each share, and 8 bytes for each confidence), and one group's needs.
struct GroupTallies {
  let inner: Int
  let groups: Int
  let years: Int
  /// The ranks ⌈cn⌉ of the confidences whose r_j(c) are kept (`NestedSummary.groupReserveConfidences`).
  private let ranks: [Int]
  private var ruinedInYear: [Int32]
  private var belowMinimumInYear: [Int32]?
  /// r_j(c) at `[c][j]`, each through `RunSummary.finite`.
  private(set) var reserves: [[Double]]
  /// The keys (`RadixSort.key`) of the needs of the group under way.
  private var pending: [UInt64] = []
  private var nextGroup = 0

  init(paths: Int, inner: Int, years: Int, hasMinimum: Bool, reserveConfidences: [Double]) {
    self.inner = inner
    groups = paths / inner
    self.years = years
    ranks = NestedSummary.groupReserveConfidences(reserveConfidences, inner: inner).map {
      Quantiles.ceilRank($0, of: inner)
    }
    ruinedInYear = [Int32](repeating: 0, count: groups * years)
    belowMinimumInYear = hasMinimum ? ruinedInYear : nil
    reserves = [[Double]](repeating: [Double](repeating: 0, count: paths / inner), count: ranks.count)
    pending.reserveCapacity(inner)
  }

  /// Adds the chunk of paths `firstPath ..< firstPath + chunk.paths`, the chunk after the last one added.
  mutating func add(_ chunk: SimulationResult, firstPath: Int) {
    GroupShares.count(
      chunk.firstRuinMonth[...], firstPath: firstPath, inner: inner, groups: groups, into: &ruinedInYear)
    if belowMinimumInYear != nil {
      GroupShares.count(
        chunk.belowMinimumMonth[...], firstPath: firstPath, inner: inner, groups: groups, into: &belowMinimumInYear!)
    }
    for need in chunk.requiredReserve {
      pending.append(RadixSort.key(need))
      guard pending.count == inner else { continue }
      pending.sort()
      for (c, rank) in ranks.enumerated() {
        reserves[c][nextGroup] = RunSummary.finite(
          RadixSort.value(pending[rank - 1]), undefined: .greatestFiniteMagnitude)
      }
      pending.removeAll(keepingCapacity: true)
      nextGroup += 1
    }
  }

  /// Each group's shares of paths that ran out by each year end.
  var ruin: GroupShares { GroupShares(inner: inner, groups: groups, years: years, countsInYear: ruinedInYear) }

  /// Each group's shares of paths below the minimum by each year end; nil without a minimum.
  var belowMinimum: GroupShares? {
    belowMinimumInYear.map { GroupShares(inner: inner, groups: groups, years: years, countsInYear: $0) }
  }
}
