import Dispatch
import ReserveSimEngine
import ReserveSimScenario

/// A run summarised chunk by chunk, in memory that does not grow with its paths (issue #23), to the same numbers as
/// `RunSummary` of one `Simulator.run` of all of them, bit for bit.
///
/// The paths are simulated in chunks of a few hundred thousand (`StreamingBudget.chunkPaths`, a multiple of
/// `Simulator.blockSize`, so that each chunk's blocks are the whole run's). Pass 1 folds each chunk into tallies and
/// drops it: counts by year (ruin, the minimum, the runway's events and censorings), sums continued in the whole
/// run's order (each block's yearly flows in block order, each year's balances in path order), and
/// `BinnedSelection`'s bins of the balances, the needs and the needs for the minimum. From the first chunk on, pass 1
/// also keeps the values near where that chunk places each wanted rank (`BinnedSelection.speculate`, when the budget
/// `speculates`); what that settles needs no later pass. Each later pass simulates the same paths again — path i's
/// numbers depend only on (seed, i), SPEC §8 — keeping only the values in the bins that hold a wanted rank still
/// unknown (each year's p5 … p95; each confidence's need and its interval; the worst 10% of needs for the expected
/// shortfall), until every one is known.
///
/// With estimates drawn per group of n paths (SPEC §22), pass 1 also keeps each group's counts and reserves
/// (`GroupTallies`), and the bootstrap over groups of the needs (and of the needs for the minimum) takes its own
/// weighted order statistics from the same passes (`GroupBootstrapSelection`; `StreamedRun+Groups.swift`).
package struct StreamedRun: Sendable {
  /// How far a streamed run has got: pass `pass` of at least `passes`, `share` of its paths done.
  package struct Progress: Sendable, Equatable {
    package var pass: Int
    package var passes: Int
    package var share: Double

    /// The share of the whole run done, never going back as passes are added: pass p spans 1 − 2^−(p−1) … 1 − 2^−p,
    /// or on to 1 when no pass follows it (`passes` = p). Two passes: halves; a third found in pass 2 takes its last
    /// quarter, where (p − 1 + share) / passes dropped from ½ to ⅓.
    package var fraction: Double {
      let start = 1 - 1 / Double(1 << min(pass - 1, 52))
      let end = passes > pass ? 1 - 1 / Double(1 << min(pass, 52)) : 1
      return start + (end - start) * share
    }
  }

  package var scenario: Scenario
  package var paths: Int
  package var seed: UInt64
  package var simulator: Simulator
  package var budget: StreamingBudget
  /// The confidences of the reserve needed (and of the reserve that holds the minimum) the summary shows.
  package var reserveConfidences = RunSummary.defaultReserveConfidences
  /// The confidences of the expected shortfall the summary shows.
  package var shortfallConfidences = RunSummary.defaultShortfallConfidences
  /// Further confidences whose reserve levels are read (the assertions', SPEC §9).
  package var extraConfidences: [Double] = []
  /// Further 1-based ranks of the needs read from `Output.needs` (the ends of `compare`'s bootstrap windows).
  package var extraNeedRanks: [Int] = []
  /// Whether the balances' percentiles and means by year are selected and summed (`sweep` and `sensitivity` read
  /// only the ruin and the needs: false, and `statistics.balanceByYear` is empty).
  package var summarisesBalances = true
  /// Whether to rank the uncertain estimates (SPEC §16): pass 1 then keeps the need and ruin of the paths the
  /// ranking reads (`UncertaintyRanking.sampleCount`, at most 2²⁰) and ranks them as `RunSummary` ranks a result.
  package var ranksUncertainty = false
  /// The most paths the ranking reads (`UncertaintyRanking.samplePaths`; tests pass fewer).
  package var rankingLimit = UncertaintyRanking.samplePaths

  package init(scenario: Scenario, paths: Int, seed: UInt64, simulator: Simulator, budget: StreamingBudget) {
    self.scenario = scenario
    self.paths = paths
    self.seed = seed
    self.simulator = simulator
    self.budget = budget
  }

  /// What the run gives: the summary's statistics, and the needs' order statistics as simulated (not through
  /// `finite`) for assertions (`AssertionCheck.evaluate(_:statistics:)`).
  package struct Output: Sendable {
    package var statistics: PathStatistics
    package var needs: OrderStatistics
    package var minimumNeeds: OrderStatistics?
    /// The uncertain estimates ranked (`ranksUncertainty`); empty otherwise.
    package var uncertainty: [UncertainEstimateRank] = []
    /// The passes over the paths it took (1 when nothing had to be re-simulated).
    package var passes: Int
    /// With estimates drawn per group (SPEC §22): what the intervals over groups are computed from.
    package var groups: Groups? = nil
  }

  /// What a run with estimates drawn per group (SPEC §22) keeps of its groups.
  package struct Groups: Sendable {
    package var ruin: GroupShares
    package var belowMinimum: GroupShares?
    /// r_j(c) at `[c][j]` for the `reserveConfidences` with n − ⌊cn⌋ ≥ 10.
    package var reserves: [[Double]]
    /// The bootstrap's interval over groups of the needs at each selected confidence (the reserve's and the
    /// assertions'), and of the needs for the minimum (empty without one).
    package var needIntervals: [Double: ConfidenceInterval]
    package var minimumNeedIntervals: [Double: ConfidenceInterval]
  }

  /// A 95% interval.
  package struct ConfidenceInterval: Sendable, Equatable {
    package var lower: Double
    package var upper: Double
  }

  /// Simulates and summarises every path.
  /// - Throws: `CancellationError` when `cancellation` is set.
  /// - Complexity: O(passes × paths × months × …) time, passes ≥ 2 unless every value is wanted whole; memory as
  ///   `StreamingBudget.estimate`.
  package func run(
    progress: (@Sendable (Progress) -> Void)? = nil, cancellation: CancellationFlag? = nil
  ) throws -> Output {
    var (output, sample) = try simulate(progress: progress, cancellation: cancellation)
    // After the passes, whose bins and kept values are gone by now: the ranking's buffers take their place.
    if ranksUncertainty {
      output.uncertainty = UncertaintyRanking.rank(
        scenario.uncertainParameters,
        draws: LaneParameters.draws(seed: seed, firstPath: 0, inner: scenario.simulation.pathsPerDraw),
        ruined: sample.ruined, needs: sample.needs)
    }
    return output
  }

  /// The passes over the paths: everything but the ranking of the uncertain estimates, and the sample of paths it
  /// reads.
  private func simulate(
    progress: (@Sendable (Progress) -> Void)?, cancellation: CancellationFlag?
  ) throws -> (Output, RankingSample) {
    let years = scenario.years
    let hasMinimum = scenario.policy?.minimumMonths != nil
    // The variables: each year's balances (unless not summarised), the needs, the needs for the minimum.
    let needVariable = summarisesBalances ? years : 0
    let confidences = reserveConfidences + extraConfidences
    let needRanks =
      (confidences.flatMap { RunSummary.reserveRanks(confidence: $0, of: paths) } + extraNeedRanks).map { $0 - 1 }
    let balanceRanks = RunSummary.balancePercentiles.flatMap { p in
      let (lower, upper) = Quantiles.percentileRanks(p, of: paths)
      return [lower] + (upper.map { [$0] } ?? [])
    }
    var requests = [BinnedSelection.Request](
      repeating: BinnedSelection.Request(count: paths, ranks: balanceRanks), count: needVariable)
    requests.append(
      BinnedSelection.Request(
        count: paths, ranks: needRanks,
        tailStarts: shortfallConfidences.map { paths - RunSummary.worstCount($0, of: paths) }))
    if hasMinimum { requests.append(BinnedSelection.Request(count: paths, ranks: needRanks)) }
    let groupSize = RunSummary.groupSize(scenario, paths: paths)
    let nested = groupSize != nil, inner = groupSize ?? 1
    let selection = BinnedSelection(
      requests, histogramBytes: budget.histogramBytes, collectedBytes: budget.selectionBytes(scenario))

    // Pass 1: the tallies, and the bins.
    var tallies = Tallies(scenario: scenario)
    var first = simulator
    first.keepsBlockSums = true
    let balanceSums = UnsafeMutableBufferPointer<Double>.allocate(capacity: years)
    balanceSums.initialize(repeating: 0)
    defer { balanceSums.deallocate() }
    var method = RequiredReserveMethod.exact
    let chunkPaths = budget.chunkPaths(scenario, simulator: simulator)
    let pathsPerDraw = scenario.simulation.pathsPerDraw
    var sample = RankingSample(
      paths: ranksUncertainty && !scenario.uncertainParameters.isEmpty
        ? UncertaintyRanking.sampleCount(of: paths, inner: pathsPerDraw, limit: rankingLimit) : 0)
    var speculating = false
    var groupTallies =
      nested
      ? GroupTallies(
        paths: paths, inner: inner, years: years, hasMinimum: hasMinimum, reserveConfidences: reserveConfidences)
      : nil
    let bootstraps = nested ? groupBootstraps(inner: inner, confidences: confidences, hasMinimum: hasMinimum) : []
    try forEachChunk(first, chunkPaths, pass: 1, passes: 2, progress: progress, cancellation: cancellation) {
      chunk, firstPath in
      tallies.add(chunk)
      groupTallies?.add(chunk, firstPath: firstPath)
      Self.add(chunk, firstPath: firstPath, to: bootstraps)
      sample.add(chunk)
      method = chunk.requiredReserveMethod
      let keeping = speculating
      Self.fold(chunk, variables: requests.count, balances: needVariable) { variable, values in
        selection.count(variable, values)
        if keeping { selection.keep(variable, values) }
        if variable < needVariable {
          var sum = balanceSums[variable]
          for v in values { sum += v }
          balanceSums[variable] = sum
        }
      }
      if budget.speculates && !speculating {
        // The first chunk is the sample: from here on pass 1 also keeps the values near each wanted rank's place,
        // and the needs in the bins where the bootstraps' answers will probably fall.
        selection.speculate(
          designEffects: nested
            ? Self.designEffects(
              { Self.fold(chunk, variables: requests.count, balances: needVariable, $0) }, variables: requests.count,
              inner: inner) : nil)
        speculating = true
        Self.fold(chunk, variables: requests.count, balances: needVariable) { selection.keep($0, $1) }
        Self.speculate(bootstraps, firstChunk: chunk)
      }
    }
    let shownFinite: @Sendable (Double) -> Double = { RunSummary.finite($0, undefined: .greatestFiniteMagnitude) }
    selection.finishCounting { variable -> (@Sendable (Double) -> Double)? in
      variable >= needVariable && selection.overflowed(variable) ? shownFinite : nil
    }
    for bootstrap in bootstraps { bootstrap.finishPass() }

    // Later passes: the paths again, keeping only the values near the wanted ranks (and the bootstraps' targets).
    var again = simulator
    again.recordsFirstPaidMonths = false
    var selecting = false
    let passes = try laterPasses(
      again, chunkPaths, progress: progress, cancellation: cancellation,
      isDone: { selection.isDone && bootstraps.allSatisfy { $0.stage == .done } },
      plan: {
        selecting = !selection.isDone
        return (selecting && selection.planPass()) || bootstraps.contains { $0.stage == .counting }
      },
      collect: { chunk, firstPath in
        if selecting {
          Self.fold(chunk, variables: requests.count, balances: needVariable) { selection.collect($0, $1) }
        }
        Self.add(chunk, firstPath: firstPath, to: bootstraps)
      },
      finish: {
        if selecting { selection.finishPass() }
        for bootstrap in bootstraps { bootstrap.finishPass() }
      })

    func ranked(_ variable: Int) -> (raw: OrderStatistics, shown: PathStatistics.Ranked) {
      let overflowed = selection.overflowed(variable)
      var raw: [Int: Double] = [:], shown: [Int: Double] = [:]
      for rank in Set(requests[variable].ranks) {
        let value = selection.orderStatistic(variable, rank: rank)
        raw[rank + 1] = value
        shown[rank + 1] = overflowed ? RunSummary.finite(value, undefined: .greatestFiniteMagnitude) : value
      }
      let means = zip(variable == needVariable ? shortfallConfidences : [], selection.tailMeans(variable))
      return (
        OrderStatistics(count: paths, values: raw),
        PathStatistics.Ranked(
          orderStatistics: OrderStatistics(count: paths, values: shown), overflowed: overflowed,
          tailMeans: Dictionary(means.map { ($0, $1.mean) }, uniquingKeysWith: { a, _ in a }))
      )
    }
    let needs = ranked(needVariable)
    let minimum = hasMinimum ? ranked(needVariable + 1) : nil
    let balances = stride(from: 1, through: needVariable, by: 1).map { year in
      let p = RunSummary.balancePercentiles.map { p in
        Quantiles.percentile(p, of: paths) { selection.orderStatistic(year - 1, rank: $0) }
      }
      return RunSummary.YearBalance(
        year: year, p5: p[0], p25: p[1], p50: p[2], p75: p[3], p95: p[4], mean: balanceSums[year - 1] / Double(paths))
    }
    let statistics = PathStatistics(
      paths: paths, requiredReserveMethod: method,
      ruinedPathsByYear: RunSummary.cumulative(tallies.ruinedInYear),
      belowMinimumPathsByYear: hasMinimum ? RunSummary.cumulative(tallies.belowMinimumInYear) : [],
      balanceByYear: balances, yearlyFlowMeans: tallies.flowSums.map { $0 / Double(paths) },
      policyActivityMeans: tallies.activitySums.map { $0 / Double(paths) }, needs: needs.shown,
      minimumNeeds: minimum?.shown,
      runwayAfterLoss: simulator.recordsFirstPaidMonths
        ? zip(scenario.inKindServices, tallies.runway).map { RunwayAfterLoss(service: $0.name, $1) } : nil)
    var output = Output(statistics: statistics, needs: needs.raw, minimumNeeds: minimum?.raw, passes: passes)
    if let groupTallies {
      func intervals(_ bootstrap: GroupBootstrapSelection) -> [Double: ConfidenceInterval] {
        let found = zip(bootstrap.confidences, bootstrap.intervals()).map {
          ($0, ConfidenceInterval(lower: $1.lower, upper: $1.upper))
        }
        return Dictionary(found, uniquingKeysWith: { a, _ in a })
      }
      output.groups = Groups(
        ruin: groupTallies.ruin, belowMinimum: groupTallies.belowMinimum, reserves: groupTallies.reserves,
        needIntervals: intervals(bootstraps[0]), minimumNeedIntervals: hasMinimum ? intervals(bootstraps[1]) : [:])
    }
    return (output, sample)
  }

  /// The need and ruin (1 or 0) of the run's first paths, which the ranking of the uncertain estimates reads,
  /// gathered from pass 1's chunks in path order.
  struct RankingSample {
    let paths: Int
    var ruined: [Double] = []
    var needs: [Double] = []

    init(paths: Int) {
      self.paths = paths
      ruined.reserveCapacity(paths)
      needs.reserveCapacity(paths)
    }

    mutating func add(_ chunk: SimulationResult) {
      let wanted = min(chunk.paths, paths - needs.count)
      guard wanted > 0 else { return }
      ruined += chunk.firstRuinMonth.prefix(wanted).map { $0 > 0 ? 1.0 : 0.0 }
      needs += chunk.requiredReserve.prefix(wanted)
    }
  }

  /// The passes after the first (2, 3, …) while `isDone` says some answer is still unknown: before each, `plan`
  /// decides what the pass keeps and says whether another may follow it (for the progress's pass count); each chunk,
  /// in path order, goes to `collect`; `finish` closes the pass.
  /// - Returns: the passes made in all, the first included.
  @discardableResult
  func laterPasses(
    _ simulator: Simulator, _ chunkPaths: Int, progress: (@Sendable (Progress) -> Void)?,
    cancellation: CancellationFlag?, isDone: () -> Bool, plan: () -> Bool,
    collect: (SimulationResult, _ firstPath: Int) -> Void, finish: () -> Void
  ) throws -> Int {
    var pass = 1
    while !isDone() {
      pass += 1
      let more = plan()
      try forEachChunk(
        simulator, chunkPaths, pass: pass, passes: more ? pass + 1 : pass, progress: progress,
        cancellation: cancellation, collect)
      finish()
    }
    return pass
  }

  /// Simulates the run's paths chunk by chunk with `simulator`, handing each chunk's result to `body` in path order.
  func forEachChunk(
    _ simulator: Simulator, _ size: Int, pass: Int, passes: Int, progress: (@Sendable (Progress) -> Void)?,
    cancellation: CancellationFlag?, _ body: (SimulationResult, _ firstPath: Int) -> Void
  ) throws {
    let total = Double(paths)
    progress?(Progress(pass: pass, passes: passes, share: 0))
    for start in stride(from: 0, to: paths, by: size) {
      let range = start..<min(paths, start + size)
      var report: (@Sendable (Double) -> Void)? = nil
      if let progress {
        let count = Double(range.count)
        report = { share in
          progress(Progress(pass: pass, passes: passes, share: (Double(start) + share * count) / total))
        }
      }
      let chunk = try simulator.run(
        scenario, pathRange: range, seed: seed, progress: report, cancellation: cancellation)
      body(chunk, start)
    }
  }

  /// Calls `body` with each variable's values in `chunk` — year y's balances for y − 1 < `balances` (the years, or 0
  /// when they are not summarised), then the needs and the needs for the minimum — the variables spread over the
  /// cores.
  static func fold(
    _ chunk: SimulationResult, variables: Int, balances years: Int, _ body: (Int, UnsafeBufferPointer<Double>) -> Void
  ) {
    let n = chunk.paths
    chunk.yearEndBalance.withUnsafeBufferPointer { balances in
      chunk.requiredReserve.withUnsafeBufferPointer { needs in
        chunk.minimumNeed.withUnsafeBufferPointer { minimum in
          DispatchQueue.concurrentPerform(iterations: variables) { variable in
            switch variable {
            case ..<years: body(variable, UnsafeBufferPointer(rebasing: balances[variable * n..<(variable + 1) * n]))
            case years: body(variable, needs)
            default: body(variable, minimum)
            }
          }
        }
      }
    }
  }

  /// Pass 1's counts and sums, added chunk by chunk in path order.
  struct Tallies {
    var ruinedInYear: [Int]
    var belowMinimumInYear: [Int]
    var flowSums: [Double]
    var activitySums: [Double] = []
    var runway: [RunwayTally]

    init(scenario: Scenario) {
      ruinedInYear = [Int](repeating: 0, count: scenario.years)
      belowMinimumInYear = ruinedInYear
      flowSums = [Double](repeating: 0, count: scenario.years * YearlyFlow.count)
      let minimum = scenario.policy?.minimumMonths != nil
      runway = scenario.inKindServices.map { _ in RunwayTally(months: scenario.months, minimum: minimum) }
    }

    /// Adds a chunk: its counts, and its blocks' sums in block order (as `Simulator.run` adds them).
    mutating func add(_ chunk: SimulationResult) {
      RunSummary.countByYear(firstMonths: chunk.firstRuinMonth[...], into: &ruinedInYear)
      RunSummary.countByYear(firstMonths: chunk.belowMinimumMonth[...], into: &belowMinimumInYear)
      Self.addRows(chunk.blockFlowSums, into: &flowSums)
      if !chunk.blockActivitySums.isEmpty {
        let stride = chunk.years * PolicyActivityField.count
        if activitySums.isEmpty { activitySums = [Double](repeating: 0, count: stride) }
        Self.addRows(chunk.blockActivitySums, into: &activitySums)
      }
      if let firstPaid = chunk.firstPaidMonth {
        let n = chunk.paths
        for s in runway.indices {
          runway[s].add(
            firstPaidMonth: firstPaid[s * n..<(s + 1) * n], ruinMonth: chunk.firstRuinMonth[...],
            belowMinimumMonth: chunk.belowMinimumMonth.isEmpty ? nil : chunk.belowMinimumMonth[...])
        }
      }
    }

    /// Adds each row of `rows` (rows of `sums.count`) to `sums`, row after row.
    static func addRows(_ rows: [Double], into sums: inout [Double]) {
      let width = sums.count
      for row in 0..<(rows.count / width) {
        for i in 0..<width { sums[i] += rows[row * width + i] }
      }
    }
  }
}
