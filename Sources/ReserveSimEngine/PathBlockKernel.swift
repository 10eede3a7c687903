import Foundation
import ReserveSimScenario
import _ReserveSimKernels

/// Simulates one block of consecutive paths, month by month, with the block's paths as vector lanes.
///
/// Per month m (SPEC §1–§7): factor levels (shocks ε = L·z, `dgemv` when factors are correlated);
/// events active in m and their multipliers; income, sponsor revenue, expenses and paid service costs;
/// then B(m) = B(m−1)·(1+r)^(1/12) + NCF(m), the discounted running sum S(m) = Σ_{k≤m} NCF(k)/D(k) and
/// need = max_m [floor/D(m) − S(m)]. At each year end the balance is recorded and sponsor counts roll over
/// with the events active in that month.
///
/// Waiting times are drawn once instead of a uniform every month, with exactly the distributions of
/// SPEC §5–§6:
/// - an inactive event starts after a Geometric(q) wait: G = ⌈ln u / ln(1 − q)⌉, P(G > k) = (1 − q)^k;
/// - a donated service carries an exponential clock E = −ln u and is lost in the first month at which the
///   accumulated hazard Σ −ln(1 − hₖ) reaches E, so it survives month k with probability 1 − hₖ even as
///   events change hₖ;
/// - a paid service is taken over after a Geometric(1 − (1 − q)^(1/12)) wait, counted from its first paid month.
///
/// The month's passes — events, money lines, services, balances and the sponsors' year end — are the C kernels
/// of `_ReserveSimKernels` (`MonthPasses`), the engine's one implementation of the month. With at most
/// `SimulationPlan.maximumTabulatedEvents` event kinds they read the multipliers' products from tables by the
/// lane's set of active events; with more, they multiply the products per lane.
///
/// One kernel per thread: it owns its scratch buffers and allocates nothing per block.
package final class PathBlockKernel {
  let plan: SimulationPlan
  let streams: RandomStreams
  let capacity: Int
  /// The month's passes and their tables.
  let monthPasses: MonthPasses
  /// The parameters that differ between paths (SPEC §16), drawn per block; nil when the file has none.
  let laneParameters: LaneParameters?
  /// The block's recorded flows and their replays for the searched needs (SPEC §15); nil when no response
  /// depends on the balance.
  let replay: PolicyReplay?

  @usableFromInline static let factorCount = Factor.allCases.count

  // Scratch, laid out [item · capacity + lane].
  /// Normals z for a chunk of up to `shockMonths` months, a column-major `shockRows` × 4 matrix:
  /// z[f·shockRows + ((m−2) mod shockMonths)·capacity + lane].
  let normals: UnsafeMutablePointer<Double>
  /// ε = z·Lᵀ in the same layout for the correlated factors after the first (whose ε is its z; unused when the
  /// factors are independent).
  let shocks: UnsafeMutablePointer<Double>
  /// Rows of `normals` and `shocks` per factor: `shockMonths` · capacity.
  let shockRows: Int
  /// Months of shocks drawn at once: min(`shockChunkMonths`, M − 1), or every month M − 1 when the kernel keeps a
  /// block's shocks for its runs with sources switched off (`keepsShocks`).
  let shockMonths: Int
  /// Whether a block's shocks, drawn for the whole horizon, are kept between its runs with different sources
  /// switched off (`simulate(firstPath:count:switchingOff:outcome:into:)`): the draws are the same in every run.
  let keepsShocks: Bool
  /// While set, `run` reads the shocks the block's first run drew instead of drawing them again.
  var shocksAreDrawn = false
  /// With `keepsShocks`: the block's factor levels month by month, per way the factors walk in its runs with sources
  /// switched off; nil when no month reads a level that moves.
  let levelCache: FactorLevelCache?
  /// While set (a run with sources switched off), how this run's factors walk (`FactorLevelCache.way`): `run` reads
  /// the levels an earlier run of the block saved for it, or saves them.
  var levelWay: Int? = nil
  let logLevel: UnsafeMutablePointer<Double>  // 4 · capacity, X_f(m)
  let level: UnsafeMutablePointer<Double>  // 4 · capacity, exp(X_f(m)) where needed
  let trafficCost: UnsafeMutablePointer<Double>  // capacity, level_traffic · level_unitCost
  let eventStart: UnsafeMutablePointer<Int32>  // events · capacity: month the current or next occurrence starts
  /// capacity: the set of events active this month, bit k for kind k (when `plan.eventSetCount` > 0).
  let activeEvents: UnsafeMutablePointer<Int32>
  /// capacity each: the products of the active events' multipliers (renewal, new sponsors and loss only when
  /// the sets are not tabulated).
  let incomeMultiplier: UnsafeMutablePointer<Double>
  let renewalMultiplier: UnsafeMutablePointer<Double>
  let newSponsorMultiplier: UnsafeMutablePointer<Double>
  let lossMultiplier: UnsafeMutablePointer<Double>
  let agreementMultiplier: UnsafeMutablePointer<Double>
  /// capacity: a service's per-lane added hazard (when the sets are not tabulated).
  let laneHazard: UnsafeMutablePointer<Double>
  let serviceClock: UnsafeMutablePointer<Double>  // services · capacity: hazard left before the loss
  let serviceReplacementDraw: UnsafeMutablePointer<Double>  // services · capacity: u for the replacement wait
  let servicePayStart: UnsafeMutablePointer<Int32>  // services · capacity: 0 while donated
  let servicePayEnd: UnsafeMutablePointer<Int32>
  let serviceAgreementEnd: UnsafeMutablePointer<Int32>  // services · capacity: 0 when no dated term runs
  let sponsors: UnsafeMutablePointer<Int64>  // tiers · capacity
  let sponsorMonthly: UnsafeMutablePointer<Double>
  let cashFlow: UnsafeMutablePointer<Double>
  let monthIncome: UnsafeMutablePointer<Double>
  let monthExpenses: UnsafeMutablePointer<Double>
  let balance: UnsafeMutablePointer<Double>
  let discountedSum: UnsafeMutablePointer<Double>
  let need: UnsafeMutablePointer<Double>
  let ruinMonth: UnsafeMutablePointer<Int32>
  /// capacity: each lane's B₀ (the file's, or a candidate while needs are searched for).
  let startBalance: UnsafeMutablePointer<Double>
  // The policy's state (SPEC §15), capacity each: outgo this month, cuts on, last appeal month, an appeal's money
  // arriving this month, first month-end below the minimum.
  let outgo: UnsafeMutablePointer<Double>
  let cutActive: UnsafeMutablePointer<Int32>
  let lastAppeal: UnsafeMutablePointer<Int32>
  let appealArrives: UnsafeMutablePointer<Int32>
  /// capacity: the appeals made so far (SPEC §19: none once `plan.appealLimit` are made).
  let appealCount: UnsafeMutablePointer<Int32>
  /// capacity: 1 once the cuts applied to some month of the run (SPEC §18's cutShare), 0 before.
  let cutEver: UnsafeMutablePointer<Double>
  let belowMinimumMonth: UnsafeMutablePointer<Int32>
  /// capacity: need_min, the least B₀ that keeps cover ≥ k at every month-end with outgo (SPEC §17).
  let minimumNeed: UnsafeMutablePointer<Double>
  /// Whether the horizon's needs are searched for when responses depend on the balance (else NaN).
  let searchesNeeds: Bool
  /// The years whose needs within them are searched for, per target, when responses depend on the balance.
  let searchedNeedsWithin: (floor: Set<Int>, minimum: Set<Int>)
  /// The years y whose needs within y years (need_y, need_min,y; SPEC §17) the kernel records, ascending.
  let needYears: [Int]
  /// needYears.count · capacity each: the running need and need for the minimum at the end of each of `needYears`
  /// (the max over months ≤ 12y), row k for needYears[k].
  let yearNeed: UnsafeMutablePointer<Double>
  let yearMinimumNeed: UnsafeMutablePointer<Double>
  /// `YearlyFlow.count` · capacity: each lane's income, sponsor revenue, expenses and service costs so far this
  /// year, summed over the lanes at the year end.
  let yearSums: UnsafeMutablePointer<Double>
  /// `PolicyActivityField.count` · capacity: each lane's policy activity so far this year (SPEC §19), summed over the
  /// lanes at the year end; nil when the file has no cuts or appeal (then nothing is counted).
  let activitySums: UnsafeMutablePointer<Double>?
  /// tiers · capacity: the (tier, lane) cells whose year end the C kernel left to `rollOverByChunks`.
  let sponsorFallback: UnsafeMutablePointer<UInt8>
  /// 2 · capacity words of scratch for the C month passes (flags and lists of lanes, uniforms).
  let passScratch: UnsafeMutablePointer<UInt64>
  /// capacity ones: the renewal rows read while sponsor churn is switched off.
  let ones: UnsafeMutablePointer<Double>
  /// The risk sources the next runs ignore (SPEC §20); none unless an attribution sets them.
  package var switchedOff = SwitchedOffSources.none
  /// While set, `run` also runs the balance from these other reserves on the block's flows (only where no response
  /// depends on the balance: `simulate(firstPath:count:replaying:reserves:needs:ruin:into:)`).
  var reserveVariants: ReserveVariants? = nil
  /// The rows of the last reserves asked for, kept for the next blocks.
  var reserveVariantRows: ReserveVariants? = nil
  /// The sponsor tables with every tier's renewal taken as 1 (no departures), built when churn is first switched off.
  lazy var sponsorTransitionsWithoutDepartures = SponsorTransitionTables(
    renewalProbability: plan.tierRenewalProbability.map { _ in 1 },
    newPerYear: plan.tierNewPerYear.indices.map { t in
      laneParameters?.tierRatesAreUncertain[t] == true ? .infinity : plan.tierNewPerYear[t]
    },
    setRenewalMultiplier: plan.eventSetCount > 0 ? plan.eventSetRenewalMultiplier.map { _ in 1 } : [1],
    setNewSponsorMultiplier: plan.eventSetCount > 0 ? plan.eventSetNewSponsorMultiplier : [1])
  private var allocations: [UnsafeMutableRawPointer] = []

  /// - Parameters:
  ///   - capacity: the most lanes (paths) a block may have.
  ///   - needYears: years y (1 … horizon) whose needs within y years to record for `BlockOutput.needsWithin`.
  ///   - searchesNeeds: whether, with balance-dependent responses, each path's need over the horizon (and for the
  ///     minimum) is searched for; when not, those outputs are NaN (a run that reads only ruin, the minimum and
  ///     the needs within years).
  ///   - searchedNeedsWithin: with balance-dependent responses, the years whose need_y (`floor`) and need_min,y
  ///     (`minimum`) are searched for, the others NaN; nil: all of `needYears`.
  ///   - keepsShocks: whether to hold a block's shocks for the whole horizon and keep them between its runs with
  ///     sources switched off (4 · (M − 1) · capacity doubles, 1 MB at 10 years for 256 lanes).
  public init(
    plan: SimulationPlan, seed: UInt64, capacity: Int, needYears: [Int] = [], searchesNeeds: Bool = true,
    searchedNeedsWithin: (floor: Set<Int>, minimum: Set<Int>)? = nil, keepsShocks: Bool = false
  ) {
    precondition(capacity > 0, "capacity must be positive")
    precondition(needYears.allSatisfy { (1...plan.years).contains($0) })
    self.plan = plan
    self.needYears = Array(Set(needYears)).sorted()
    self.searchesNeeds = searchesNeeds
    self.searchedNeedsWithin = searchedNeedsWithin ?? (Set(needYears), Set(needYears))
    self.streams = RandomStreams(seed: seed)
    self.capacity = capacity
    var allocations: [UnsafeMutableRawPointer] = []
    func buffer<T>(_ items: Int, _: T.Type) -> UnsafeMutablePointer<T> {
      let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(1, items) * capacity)
      UnsafeMutableRawPointer(pointer).initializeMemory(
        as: UInt8.self, repeating: 0, count: max(1, items) * capacity * MemoryLayout<T>.stride)
      allocations.append(UnsafeMutableRawPointer(pointer))
      return pointer
    }
    let f = Self.factorCount
    let chunk = keepsShocks ? plan.months - 1 : Self.shockChunkMonths
    let shockMonths = plan.hasShocks ? Swift.max(1, Swift.min(chunk, plan.months - 1)) : 1
    self.shockMonths = shockMonths
    self.keepsShocks = keepsShocks
    shockRows = shockMonths * capacity
    normals = buffer(f * shockMonths, Double.self)
    shocks = buffer(Swift.max(0, plan.correlatedFactors.count - 1) * shockMonths, Double.self)
    logLevel = buffer(f, Double.self)
    level = buffer(f, Double.self)
    trafficCost = buffer(1, Double.self)
    eventStart = buffer(plan.eventDuration.count, Int32.self)
    activeEvents = buffer(1, Int32.self)
    incomeMultiplier = buffer(1, Double.self)
    renewalMultiplier = buffer(1, Double.self)
    newSponsorMultiplier = buffer(1, Double.self)
    lossMultiplier = buffer(1, Double.self)
    agreementMultiplier = buffer(1, Double.self)
    laneHazard = buffer(1, Double.self)
    serviceClock = buffer(plan.serviceMonthlyValue.count, Double.self)
    serviceReplacementDraw = buffer(plan.serviceMonthlyValue.count, Double.self)
    servicePayStart = buffer(plan.serviceMonthlyValue.count, Int32.self)
    servicePayEnd = buffer(plan.serviceMonthlyValue.count, Int32.self)
    serviceAgreementEnd = buffer(plan.serviceMonthlyValue.count, Int32.self)
    sponsors = buffer(plan.tierMonthlyAmount.count, Int64.self)
    sponsorMonthly = buffer(1, Double.self)
    cashFlow = buffer(1, Double.self)
    monthIncome = buffer(1, Double.self)
    monthExpenses = buffer(1, Double.self)
    balance = buffer(1, Double.self)
    discountedSum = buffer(1, Double.self)
    need = buffer(1, Double.self)
    ruinMonth = buffer(1, Int32.self)
    startBalance = buffer(1, Double.self)
    outgo = buffer(1, Double.self)
    cutActive = buffer(1, Int32.self)
    lastAppeal = buffer(1, Int32.self)
    appealArrives = buffer(1, Int32.self)
    appealCount = buffer(1, Int32.self)
    cutEver = buffer(1, Double.self)
    belowMinimumMonth = buffer(1, Int32.self)
    minimumNeed = buffer(1, Double.self)
    yearNeed = buffer(needYears.count, Double.self)
    yearMinimumNeed = buffer(needYears.count, Double.self)
    yearSums = buffer(YearlyFlow.count, Double.self)
    activitySums = plan.respondsToBalance ? buffer(PolicyActivityField.count, Double.self) : nil
    sponsorFallback = buffer(plan.tierMonthlyAmount.count, UInt8.self)
    passScratch = buffer(2, UInt64.self)
    ones = buffer(1, Double.self)
    ones.update(repeating: 1, count: capacity)
    self.allocations = allocations
    let levels = level, traffic = trafficCost
    let levelRows =
      (0..<f).filter { plan.needsFactorLevel[$0] }.map { levels + $0 * capacity }
      + (plan.needsTrafficCost ? [traffic] : [])
    levelCache =
      keepsShocks && !levelRows.isEmpty
      ? FactorLevelCache(rows: levelRows, capacity: capacity, months: plan.months) : nil
    let laneParameters = plan.uncertainScenario.map {
      LaneParameters(scenario: $0, plan: plan, streams: RandomStreams(seed: seed), capacity: capacity)
    }
    self.laneParameters = laneParameters
    replay =
      plan.respondsToBalance
      ? PolicyReplay(plan: plan, capacity: capacity, laneReserve: laneParameters?.reserveRows != nil) : nil
    monthPasses = MonthPasses(
      plan: plan,
      state: rs_services_state(
        clock: serviceClock, replacementDraw: serviceReplacementDraw, payStart: servicePayStart,
        payEnd: servicePayEnd, lossMultiplier: lossMultiplier, laneHazard: laneHazard,
        agreementEnd: serviceAgreementEnd, agreementMultiplier: agreementMultiplier, outgo: outgo, firstPaid: nil,
        firstPaidStride: 0, payments: nil),
      policyState: rs_policy_state(
        outgo: outgo, cutActive: cutActive, lastAppeal: lastAppeal, appealArrives: appealArrives,
        appealCount: appealCount, belowMinimumMonth: belowMinimumMonth,
        donationsLevel: level + Factor.donations.index * capacity, minimumNeed: minimumNeed,
        discountedSum: discountedSum, activity: nil, replayFlow: nil, replayOutgo: nil, replayCut: nil,
        replayDonations: nil, replayAppealDraw: nil),
      lanes: laneParameters)
  }

  deinit { for pointer in allocations { pointer.deallocate() } }

  /// The start month of an event kind that never starts: far past any horizon, with room for its duration.
  static let neverStarts = Int32.max / 2

  /// Simulates paths `firstPath ..< firstPath + count` and writes their results into `output`.
  ///
  /// When the file's policy makes cash flows depend on the balance (SPEC §15), each path's need is then searched
  /// for (`searchNeeds`) on the same random numbers, and written in place of the closed formula's.
  public func simulate(firstPath: Int, count lanes: Int, into output: BlockOutput) {
    precondition(lanes <= capacity)
    let plan = self.plan
    let cap = capacity
    let tiers = plan.tierMonthlyAmount.count
    let services = plan.serviceMonthlyValue.count
    let events = plan.eventDuration.count
    // Where this block's paths go in the run's per-path arrays.
    let slot = firstPath - output.runStart
    if let diagnostics = output.diagnostics {
      for lane in 0..<lanes {
        for s in 0..<services { diagnostics.serviceLostFlags[s * output.paths + slot + lane] = 0 }
        for k in 0..<events { diagnostics.activeEventMonths[k * output.paths + slot + lane] = 0 }
      }
    }
    if let firstPaid = output.firstPaidMonth {
      // Written only where a loss sets the first paid month (SPEC §21): 0, never paid for, until then.
      for s in 0..<services { (firstPaid + s * output.paths + slot).update(repeating: 0, count: lanes) }
    }
    laneParameters?.draw(firstPath: firstPath, lanes: lanes)
    setStartBalances(lanes: lanes)
    replay?.startBlock(lanes: lanes)
    run(firstPath: firstPath, lanes: lanes, policy: monthPasses.policy, recording: output)

    (output.requiredReserve + slot).update(from: need, count: lanes)
    (output.firstRuinMonth + slot).update(from: ruinMonth, count: lanes)
    if let below = output.belowMinimumMonth { (below + slot).update(from: belowMinimumMonth, count: lanes) }
    if let minimum = output.minimumNeed { (minimum + slot).update(from: minimumNeed, count: lanes) }
    if let diagnostics = output.diagnostics {
      for lane in 0..<lanes {
        for t in 0..<tiers { diagnostics.horizonSponsors[t * output.paths + slot + lane] = sponsors[t * cap + lane] }
        for factor in 0..<Self.factorCount {
          diagnostics.horizonLogLevels[factor * output.paths + slot + lane] = logLevel[factor * cap + lane]
        }
      }
    }
    if plan.respondsToBalance {
      // Searched needs (SPEC §15, §17): over the horizon, unless the run does not read them, then within each
      // recorded year (the horizon's own when the year is the last).
      let horizonNeeds: [(UnsafeMutablePointer<Double>?, NeedTarget)] = [
        (output.requiredReserve + slot, .floor), (output.minimumNeed.map { $0 + slot }, .minimum),
      ]
      for case (let destination?, let target) in horizonNeeds {
        if searchesNeeds {
          searchNeeds(firstPath: firstPath, lanes: lanes, target: target, into: destination)
        } else {
          destination.update(repeating: .nan, count: lanes)
        }
      }
    }
    let recordedNeeds:
      [(UnsafeMutablePointer<Double>?, NeedTarget, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>?)] = [
        (output.needsWithin, .floor, yearNeed, output.requiredReserve),
        (output.minimumNeedsWithin, .minimum, yearMinimumNeed, output.minimumNeed),
      ]
    for case (let within?, let target, let atYearEnd, let horizon) in recordedNeeds {
      for (k, years) in needYears.enumerated() {
        let row = within + k * output.paths + slot
        if !plan.respondsToBalance {
          row.update(from: atYearEnd + k * cap, count: lanes)
        } else if !(target == .floor ? searchedNeedsWithin.floor : searchedNeedsWithin.minimum).contains(years) {
          row.update(repeating: .nan, count: lanes)
        } else if let horizon, searchesNeeds, 12 * years == plan.months {
          row.update(from: horizon + slot, count: lanes)
        } else {
          searchNeeds(firstPath: firstPath, lanes: lanes, target: target, withinYears: years, into: row)
        }
      }
    }
  }

  /// Each lane's B₀: the file's initial reserve, or the lane's own draw of it (SPEC §16).
  func setStartBalances(lanes: Int) {
    if let own = laneParameters?.column(.reserveInitial) {
      startBalance.update(from: own, count: lanes)
    } else {
      startBalance.update(repeating: plan.initialReserve, count: lanes)
    }
  }

  /// Runs months 1 … M of the block from `startBalance`, with the block's shocks already drawn. Leaves each
  /// lane's need (SPEC §7's formula), first ruin month and first month below the minimum in the kernel's
  /// buffers; writes year-end balances, yearly sums, the policy's activity (SPEC §19) and diagnostics only when
  /// `recording` is given.
  func run(firstPath: Int, lanes: Int, policy: rs_policy_plan, recording output: BlockOutput?) {
    let plan = self.plan
    let cap = capacity
    let months = plan.months
    let tiers = plan.tierMonthlyAmount.count
    let events = plan.eventDuration.count
    yearSums.update(repeating: 0, count: YearlyFlow.count * cap)
    let activity = output == nil ? nil : activitySums
    activity?.update(repeating: 0, count: PolicyActivityField.count * cap)

    // Path state at month 0.
    for lane in 0..<lanes {
      balance[lane] = startBalance[lane]
      discountedSum[lane] = 0
      need[lane] = -Double.infinity
      ruinMonth[lane] = 0
      trafficCost[lane] = 1
      incomeMultiplier[lane] = 1
      renewalMultiplier[lane] = 1
      newSponsorMultiplier[lane] = 1
      lossMultiplier[lane] = 1
      activeEvents[lane] = 0
      cutActive[lane] = 0
      lastAppeal[lane] = -(1 << 29)
      appealArrives[lane] = 0
      appealCount[lane] = 0
      cutEver[lane] = 0
      belowMinimumMonth[lane] = 0
      minimumNeed[lane] = -Double.infinity
    }
    reserveVariants?.start(firstPath: firstPath, lanes: lanes, own: startBalance)
    logLevel.update(repeating: 0, count: Self.factorCount * cap)
    level.update(repeating: 1, count: Self.factorCount * cap)
    for k in 0..<events {
      // As if an occurrence had just ended before month 1: month 1 draws the first wait.
      if let own = laneParameters?.events?.pointee.duration {
        for lane in 0..<lanes { eventStart[k * cap + lane] = 1 - own[k * cap + lane] }
      } else {
        for lane in 0..<lanes { eventStart[k * cap + lane] = 1 - Int32(plan.eventDuration[k]) }
      }
    }
    // An event kind switched off (SPEC §20) never starts: its first wait is never over.
    for k in switchedOff.events {
      (eventStart + k * cap).update(repeating: Self.neverStarts, count: lanes)
    }
    startDonations(firstPath: firstPath, lanes: lanes)
    for t in 0..<tiers {
      if let own = laneParameters?.tierCount {
        (sponsors + t * cap).update(from: own + t * cap, count: lanes)
      } else {
        for lane in 0..<lanes { sponsors[t * cap + lane] = Int64(plan.tierInitialCount[t]) }
      }
    }

    for m in 1...months {
      let year = (m - 1) / 12
      if m >= 2 {
        if plan.hasShocks && (m - 2) % shockMonths == 0 {
          drawShocks(
            firstPath: firstPath, lanes: lanes, months: m...Swift.min(months, m + shockMonths - 1),
            normalsAreDrawn: shocksAreDrawn)
        }
        if let levelCache, let levelWay {
          levelCache.month(m, way: levelWay, lanes: lanes) { advanceFactors(month: m, lanes: lanes) }
        } else {
          advanceFactors(month: m, lanes: lanes)
        }
      }
      runMonth(month: m, firstPath: firstPath, lanes: lanes, policy: policy, activity: activity, recording: output)

      if m % 12 == 0 {
        if let k = needYears.firstIndex(of: m / 12) {
          (yearNeed + k * cap).update(from: need, count: lanes)
          (yearMinimumNeed + k * cap).update(from: minimumNeed, count: lanes)
        }
        if let output {
          let row = output.yearEndBalance + year * output.paths + (firstPath - output.runStart)
          row.update(from: balance, count: lanes)
          addYearSums(into: output.blockFlows + year * YearlyFlow.count, lanes: lanes)
          if let activity, let flows = output.blockActivity {
            let inForce = activity + PolicyActivityField.cutInForce.rawValue * cap
            let soFar = activity + PolicyActivityField.cutSoFar.rawValue * cap
            // Cleared with the other rows each year, so rebuilt from the lanes' own flag.
            for lane in 0..<lanes {
              cutEver[lane] = Swift.max(cutEver[lane], inForce[lane])
              soFar[lane] = cutEver[lane]
            }
            addSums(
              activity, rows: PolicyActivityField.count, into: flows + year * PolicyActivityField.count, lanes: lanes)
          }
        }
        if m < months && tiers > 0 { rollOverSponsors(month: m, firstPath: firstPath, lanes: lanes) }
      }
    }
  }

  /// Writes the year's sums over the block's lanes (in lane order) to `flows` (one year's `YearlyFlow` entries)
  /// and clears them for the next year.
  func addYearSums(into flows: UnsafeMutablePointer<Double>, lanes: Int) {
    addSums(yearSums, rows: YearlyFlow.count, into: flows, lanes: lanes)
  }

  /// Writes each of `rows` per-lane rows (`capacity` apart) summed over the block's lanes, in lane order, to
  /// `totals`, and clears the rows for the next year.
  func addSums(
    _ perLane: UnsafeMutablePointer<Double>, rows: Int, into totals: UnsafeMutablePointer<Double>, lanes: Int
  ) {
    for row in 0..<rows {
      let sums = perLane + row * capacity
      var total = 0.0
      for lane in 0..<lanes { total += sums[lane] }
      totals[row] = total
      sums.update(repeating: 0, count: lanes)
    }
  }

  /// The row of `yearSums` for one flow.
  @inline(__always)
  func yearSum(_ flow: YearlyFlow) -> UnsafeMutablePointer<Double> { yearSums + flow.rawValue * capacity }
}
