import ReserveSimEngine
import ReserveSimScenario

extension SolveRuns {
  /// The doubles a path's need takes in the sort of a row of needs (`SolveRuns.NeedsQuery.orderStatistics`): the
  /// row's copy, the radix sort's keys and their scratch, the sorted values.
  static let sortScratch = 4

  /// `replayedNeeds` on `simulator`'s threads over paths 0 ..< `paths`: the grid's points in groups whose needs fit
  /// `bytes` together beside one sort's working memory (one simulation of the base per group), each point's needs
  /// sorted for its order statistics as `needs` sorts them; nil when one point's needs do not fit. `progress` gives
  /// the current run's progress callback, called with the share of all the groups' blocks done.
  static func replaying(
    simulator: Simulator, paths: Int, bytes: Int, cancellation: CancellationFlag?,
    progress: @escaping () -> (@Sendable (Double) -> Void)?
  ) -> ReplayedNeeds {
    { base, points, seed, queries in
      let rowsPerPoint = queries.count
      // Doubles: a point's needs, and a sort's (the row's copy, its keys, their scratch, the sorted values).
      let (perPoint, sorting, budget) = (rowsPerPoint * paths, sortScratch * paths, bytes / MemoryLayout<Double>.stride)
      guard perPoint + sorting <= budget else { return nil }
      let group = (budget - sorting) / perPoint
      let needs = queries.map { NeedsWithin(years: $0.withinYears, minimum: $0.metric == .below) }
      let report = progress()
      var result: [(paths: Int, values: [[Double]])] = []
      for first in stride(from: 0, to: points.count, by: group) {
        let part = Array(points[first..<min(points.count, first + group)])
        let (before, share) = (Double(first) / Double(points.count), Double(part.count) / Double(points.count))
        let held = try simulator.heldReplaying(
          base, of: part, needs: needs, paths: paths, seed: seed,
          progress: report.map { report in { @Sendable done in report(before + share * done) } },
          cancellation: cancellation)
        held.withBuffer { all in
          for k in part.indices {
            let values = queries.enumerated().map { q, query in
              let row = k * rowsPerPoint + q
              return query.orderStatistics(Array(all[row * paths..<(row + 1) * paths]))
            }
            result.append((paths, values))
          }
        }
      }
      report?(1)
      return result
    }
  }

  /// `replayedCosts` on `simulator`'s threads over paths 0 ..< `paths`: the plans in groups whose block sums fit
  /// `bytes` together (one simulation of the base per group); nil when one plan's do not fit. `progress` as for
  /// `replaying`.
  static func costing(
    simulator: Simulator, paths: Int, bytes: Int, cancellation: CancellationFlag?,
    progress: @escaping () -> (@Sendable (Double) -> Void)?
  ) -> ReplayedCosts {
    { base, points, reserves, seed in
      let blocks = (paths + Simulator.blockSize - 1) / Simulator.blockSize
      let perPoint = blocks * base.years * PolicyActivityField.count
      guard perPoint <= bytes / MemoryLayout<Double>.stride else { return nil }
      let group = max(1, bytes / MemoryLayout<Double>.stride / perPoint)
      let report = progress()
      var costs: [ResponseCost] = []
      for first in stride(from: 0, to: points.count, by: group) {
        let part = first..<min(points.count, first + group)
        let (before, share) = (Double(first) / Double(points.count), Double(part.count) / Double(points.count))
        let means = try simulator.policyActivityMeans(
          base, of: Array(points[part]), reserves: Array(reserves[part]), pathRange: 0..<paths, seed: seed,
          progress: report.map { report in { @Sendable done in report(before + share * done) } },
          cancellation: cancellation)
        costs += means.map { ResponseCost(activityMeans: $0, years: base.years) }
      }
      report?(1)
      return costs
    }
  }
}
