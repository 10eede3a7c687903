import Foundation

/// Where a block of paths writes its results: per-path slots (disjoint between blocks, so threads never
/// share a slot) and per-block yearly sums.
public struct BlockOutput {
  /// need per path (SPEC §7), indexed by path.
  public var requiredReserve: UnsafeMutablePointer<Double>
  /// B(12y) per path, year-major: `yearEndBalance[(y−1)·paths + i]`.
  public var yearEndBalance: UnsafeMutablePointer<Double>
  /// First month with B(m) < floor, 0 when never; indexed by path.
  public var firstRuinMonth: UnsafeMutablePointer<Int32>
  /// Paths of the run (stride of `yearEndBalance` and of the diagnostics).
  public var paths: Int
  /// The run's first path: path i is written at slot i − runStart (a run may cover paths a..<b).
  public var runStart: Int = 0
  /// Yearly sums over the block's paths, `flows[(y−1)·YearlyFlow.count + flow]`.
  public var blockFlows: UnsafeMutablePointer<Double>
  /// Optional per-path diagnostics for "drivers of ruin" analysis.
  public var diagnostics: PathDiagnosticsOutput?
}

/// The money flows summed per year for the yearly table (means over paths after reduction).
public enum YearlyFlow: Int, CaseIterable, Sendable {
  case income, sponsorRevenue, expenses, serviceCosts
  public static let count = allCases.count
}

/// Per-path facts recorded for analysis of what drives ruin (optional: costs a little time).
public struct PathDiagnosticsOutput {
  /// Whether service s was ever lost on path i: `serviceLost[s·paths + i]` (0 or 1).
  public var serviceLost: UnsafeMutablePointer<UInt8>
  /// Months event kind k was active on path i: `eventMonths[k·paths + i]`.
  public var eventMonths: UnsafeMutablePointer<Int32>
  /// Sponsors of tier t at the horizon on path i: `finalSponsors[t·paths + i]`.
  public var finalSponsors: UnsafeMutablePointer<Int32>
  /// Log level X_f(M) of factor f at the horizon on path i: `finalLogLevel[f·paths + i]`.
  public var finalLogLevel: UnsafeMutablePointer<Double>
}

/// Simulates one block of consecutive paths, month by month, with the block's paths as vector lanes.
///
/// Per month m (SPEC §1–§7): factor levels (shocks ε = L·z, one `dgemm` when factors are correlated);
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
/// One kernel per thread: it owns its scratch buffers and allocates nothing per block.
public final class PathBlockKernel {
  public let plan: SimulationPlan
  public let streams: RandomStreams
  public let capacity: Int

  @usableFromInline static let factorCount = Factor.allCases.count
  /// A month after any horizon (SPEC caps years at 100): "never" for waits.
  @usableFromInline static let never: Int32 = 1 << 30

  // Scratch, laid out [item · capacity + lane].
  /// Normals z for months 2…M, a column-major ((M−1)·capacity) × 4 matrix: z[f·rows + (m−2)·capacity + lane].
  private let normals: UnsafeMutablePointer<Double>
  /// ε = z·Lᵀ in the same layout (unused when the factors are independent).
  private let shocks: UnsafeMutablePointer<Double>
  private let logLevel: UnsafeMutablePointer<Double>  // 4 · capacity, X_f(m)
  private let level: UnsafeMutablePointer<Double>  // 4 · capacity, exp(X_f(m)) where needed
  private let trafficCost: UnsafeMutablePointer<Double>  // capacity, level_traffic · level_unitCost
  private let eventStart: UnsafeMutablePointer<Int32>  // events · capacity: month the current or next occurrence starts
  private let incomeMultiplier: UnsafeMutablePointer<Double>
  private let renewalMultiplier: UnsafeMutablePointer<Double>
  private let newSponsorMultiplier: UnsafeMutablePointer<Double>
  private let lossMultiplier: UnsafeMutablePointer<Double>
  private let serviceClock: UnsafeMutablePointer<Double>  // services · capacity: hazard left before the loss
  private let serviceReplacementDraw: UnsafeMutablePointer<Double>  // services · capacity: u for the replacement wait
  private let servicePayStart: UnsafeMutablePointer<Int32>  // services · capacity: 0 while donated
  private let servicePayEnd: UnsafeMutablePointer<Int32>
  private let sponsors: UnsafeMutablePointer<Int32>  // tiers · capacity
  private let sponsorMonthly: UnsafeMutablePointer<Double>
  private let cashFlow: UnsafeMutablePointer<Double>
  private let monthIncome: UnsafeMutablePointer<Double>
  private let monthExpenses: UnsafeMutablePointer<Double>
  private let balance: UnsafeMutablePointer<Double>
  private let discountedSum: UnsafeMutablePointer<Double>
  private let need: UnsafeMutablePointer<Double>
  private let ruinMonth: UnsafeMutablePointer<Int32>
  private var allocations: [UnsafeMutableRawPointer] = []

  /// - Parameter capacity: lanes per block, a multiple of 4 (the normal generator works four lanes at a time).
  public init(plan: SimulationPlan, seed: UInt64, capacity: Int) {
    precondition(capacity > 0 && capacity % 4 == 0, "capacity must be a positive multiple of 4")
    self.plan = plan
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
    let shockMonths = plan.hasShocks ? Swift.max(1, plan.months - 1) : 1
    normals = buffer(f * shockMonths, Double.self)
    shocks = buffer(plan.shocksAreIndependent ? 1 : f * shockMonths, Double.self)
    logLevel = buffer(f, Double.self)
    level = buffer(f, Double.self)
    trafficCost = buffer(1, Double.self)
    eventStart = buffer(plan.eventDuration.count, Int32.self)
    incomeMultiplier = buffer(1, Double.self)
    renewalMultiplier = buffer(1, Double.self)
    newSponsorMultiplier = buffer(1, Double.self)
    lossMultiplier = buffer(1, Double.self)
    serviceClock = buffer(plan.serviceMonthlyValue.count, Double.self)
    serviceReplacementDraw = buffer(plan.serviceMonthlyValue.count, Double.self)
    servicePayStart = buffer(plan.serviceMonthlyValue.count, Int32.self)
    servicePayEnd = buffer(plan.serviceMonthlyValue.count, Int32.self)
    sponsors = buffer(plan.tierMonthlyAmount.count, Int32.self)
    sponsorMonthly = buffer(1, Double.self)
    cashFlow = buffer(1, Double.self)
    monthIncome = buffer(1, Double.self)
    monthExpenses = buffer(1, Double.self)
    balance = buffer(1, Double.self)
    discountedSum = buffer(1, Double.self)
    need = buffer(1, Double.self)
    ruinMonth = buffer(1, Int32.self)
    self.allocations = allocations
  }

  deinit { for pointer in allocations { pointer.deallocate() } }

  /// Geometric wait G ≥ 1 with success probability q per month, from u in (0, 1) and ln(1 − q):
  /// G = ⌈ln u / ln(1 − q)⌉, so P(G > k) = P(u < (1 − q)^k) = (1 − q)^k. `never` when q = 0.
  @inline(__always)
  static func geometricWait(uniform u: Double, logNoSuccess: Double) -> Int32 {
    if logNoSuccess == 0 { return never }
    let wait = (VectorMath.log(u) / logNoSuccess).rounded(.up)
    return wait < 1 ? 1 : wait >= Double(never) ? never : Int32(wait)
  }

  @inline(__always)
  static func store(_ v: SIMD4<Double>, at p: UnsafeMutablePointer<Double>) {
    p[0] = v[0]
    p[1] = v[1]
    p[2] = v[2]
    p[3] = v[3]
  }

  @inline(__always)
  static func load(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> { SIMD4(p[0], p[1], p[2], p[3]) }

  /// Simulates paths `firstPath ..< firstPath + count` and writes their results into `output`.
  public func simulate(firstPath: Int, count lanes: Int, into output: BlockOutput) {
    precondition(lanes <= capacity)
    let plan = self.plan
    let cap = capacity
    let months = plan.months
    let tiers = plan.tierMonthlyAmount.count
    let services = plan.serviceMonthlyValue.count
    let events = plan.eventDuration.count
    let flows = output.blockFlows
    // Where this block's paths go in the run's per-path arrays.
    let slot = firstPath - output.runStart
    for i in 0..<(plan.years * YearlyFlow.count) { flows[i] = 0 }

    // Path state at month 0.
    for lane in 0..<lanes {
      balance[lane] = plan.initialReserve
      discountedSum[lane] = 0
      need[lane] = -Double.infinity
      ruinMonth[lane] = 0
      trafficCost[lane] = 1
      incomeMultiplier[lane] = 1
      renewalMultiplier[lane] = 1
      newSponsorMultiplier[lane] = 1
      lossMultiplier[lane] = 1
    }
    logLevel.update(repeating: 0, count: Self.factorCount * cap)
    level.update(repeating: 1, count: Self.factorCount * cap)
    for k in 0..<events {
      // As if an occurrence had just ended before month 1: month 1 draws the first wait.
      for lane in 0..<lanes { eventStart[k * cap + lane] = 1 - Int32(plan.eventDuration[k]) }
    }
    for s in 0..<services {
      for lane in 0..<lanes { startDonation(service: s, lane: lane, path: firstPath + lane, month: 1) }
    }
    for t in 0..<tiers {
      for lane in 0..<lanes { sponsors[t * cap + lane] = Int32(clamping: plan.tierInitialCount[t]) }
    }
    if let diagnostics = output.diagnostics {
      for lane in 0..<lanes {
        for s in 0..<services { diagnostics.serviceLost[s * output.paths + slot + lane] = 0 }
        for k in 0..<events { diagnostics.eventMonths[k * output.paths + slot + lane] = 0 }
      }
    }

    if plan.hasShocks && months >= 2 { drawShocks(firstPath: firstPath, lanes: lanes) }

    for m in 1...months {
      let year = (m - 1) / 12
      if m >= 2 { advanceFactors(month: m, lanes: lanes) }
      if events > 0 {
        applyEvents(month: m, firstPath: firstPath, lanes: lanes, output: output)
      }
      if (m - 1) % 12 == 0 { sponsorRevenue(lanes: lanes) }

      let flowBase = year * YearlyFlow.count
      flows[flowBase + YearlyFlow.sponsorRevenue.rawValue] += sum(sponsorMonthly, lanes)
      let (income, expenses) = moneyLines(month: m, lanes: lanes)
      flows[flowBase + YearlyFlow.income.rawValue] += income
      flows[flowBase + YearlyFlow.expenses.rawValue] += expenses
      if services > 0 {
        flows[flowBase + YearlyFlow.serviceCosts.rawValue] += payServices(
          month: m, firstPath: firstPath, lanes: lanes, output: output)
      }
      updateBalances(month: m, lanes: lanes)

      if m % 12 == 0 {
        let row = output.yearEndBalance + year * output.paths + slot
        row.update(from: balance, count: lanes)
        if m < months && tiers > 0 { rollOverSponsors(month: m, firstPath: firstPath, lanes: lanes) }
      }
    }

    (output.requiredReserve + slot).update(from: need, count: lanes)
    (output.firstRuinMonth + slot).update(from: ruinMonth, count: lanes)
    if let diagnostics = output.diagnostics {
      for lane in 0..<lanes {
        for t in 0..<tiers { diagnostics.finalSponsors[t * output.paths + slot + lane] = sponsors[t * cap + lane] }
        for factor in 0..<Self.factorCount {
          diagnostics.finalLogLevel[factor * output.paths + slot + lane] = logLevel[factor * cap + lane]
        }
      }
    }
  }

  @inline(__always)
  private func sum(_ values: UnsafeMutablePointer<Double>, _ lanes: Int) -> Double {
    var total = 0.0
    for lane in 0..<lanes { total += values[lane] }
    return total
  }

  /// Draws the block's factor shocks for every month at once: four standard normals per lane and month by
  /// Box–Muller from the path's own stream (four lanes at a time; a partial block computes a few spare lanes,
  /// capacity being a multiple of 4), then ε = z·Lᵀ for the whole block in one `dgemm`.
  private func drawShocks(firstPath: Int, lanes: Int) {
    let cap = capacity
    let rows = (plan.months - 1) * cap
    for m in 2...plan.months {
      let z = normals + (m - 2) * cap
      for lane in stride(from: 0, to: lanes, by: 4) {
        let shock = streams.factorShocks(firstPath: UInt32(truncatingIfNeeded: firstPath + lane), month: UInt32(m))
        Self.store(shock.0, at: z + lane)
        Self.store(shock.1, at: z + rows + lane)
        Self.store(shock.2, at: z + 2 * rows + lane)
        Self.store(shock.3, at: z + 3 * rows + lane)
      }
    }
    if !plan.shocksAreIndependent {
      BLAS.correlate(rows: rows, normals: normals, cholesky: plan.choleskyFactor, into: shocks)
    }
  }

  /// X_f(m) = X_f(m−1) + ln(1 + g_f)/12 + (σ_f/√12)·ε_f(m), and the levels the month needs.
  private func advanceFactors(month m: Int, lanes: Int) {
    let plan = self.plan
    let cap = capacity
    let rows = (plan.months - 1) * cap
    let eps = (plan.shocksAreIndependent ? normals : shocks) + (m - 2) * cap
    for factor in 0..<Self.factorCount where plan.factorMoves[factor] {
      let drift = plan.factorDrift[factor]
      let sd = plan.factorShockSD[factor]
      let x = logLevel + factor * cap
      let e = eps + factor * rows
      if sd > 0 {
        for lane in 0..<lanes { x[lane] += drift + sd * e[lane] }
      } else {
        for lane in 0..<lanes { x[lane] += drift }
      }
      if plan.needsFactorLevel[factor] {
        let l = level + factor * cap
        for lane in stride(from: 0, to: lanes, by: 4) { Self.store(VectorMath.exp(Self.load(x + lane)), at: l + lane) }
      }
    }
    if plan.needsTrafficCost {
      let t = logLevel + Factor.traffic.index * cap
      let u = logLevel + Factor.unitCost.index * cap
      for lane in stride(from: 0, to: lanes, by: 4) {
        Self.store(VectorMath.exp(Self.load(t + lane) + Self.load(u + lane)), at: trafficCost + lane)
      }
    }
  }

  /// Which events are active in month m, and the products of their multipliers per lane.
  private func applyEvents(month m: Int, firstPath: Int, lanes: Int, output: BlockOutput) {
    let diagnostics = output.diagnostics, paths = output.paths, slot = firstPath - output.runStart
    let plan = self.plan
    let cap = capacity
    let month = Int32(m)
    for lane in 0..<lanes {
      incomeMultiplier[lane] = 1
      renewalMultiplier[lane] = 1
      newSponsorMultiplier[lane] = 1
      lossMultiplier[lane] = 1
    }
    for k in 0..<plan.eventDuration.count {
      let duration = Int32(plan.eventDuration[k])
      let starts = eventStart + k * cap
      for lane in 0..<lanes {
        var start = starts[lane]
        if month >= start &+ duration {
          // The last occurrence is over (or none yet): wait Geometric(q) months from this one.
          let w = streams.words(
            path: UInt32(truncatingIfNeeded: firstPath + lane), month: UInt32(m), stream: .eventStarts, index: UInt32(k)
          )
          start =
            month &+ Self.geometricWait(uniform: RandomStreams.unit53(w.0, w.1), logNoSuccess: plan.eventLogNoStart[k])
            &- 1
          starts[lane] = start
        }
        if start <= month {
          incomeMultiplier[lane] *= plan.eventIncomeMultiplier[k]
          renewalMultiplier[lane] *= plan.eventRenewalMultiplier[k]
          newSponsorMultiplier[lane] *= plan.eventNewSponsorMultiplier[k]
          lossMultiplier[lane] *= plan.eventLossMultiplier[k]
          if let diagnostics { diagnostics.eventMonths[k * paths + slot + lane] += 1 }
        }
      }
    }
  }

  /// Sponsor revenue per month of the year: Σ_t count_t · annualAmount_t / 12.
  private func sponsorRevenue(lanes: Int) {
    let plan = self.plan
    for lane in 0..<lanes { sponsorMonthly[lane] = 0 }
    for t in 0..<plan.tierMonthlyAmount.count {
      let amount = plan.tierMonthlyAmount[t]
      let counts = sponsors + t * capacity
      for lane in 0..<lanes { sponsorMonthly[lane] += Double(counts[lane]) * amount }
    }
  }

  /// Sets the month's cash flow to income·Π incomeMultiplier + sponsor revenue − expenses, where a line's
  /// part is its folded amount c(m), times level_f(m) when it rides on factor f; returns the block's total
  /// income and expenses.
  private func moneyLines(month m: Int, lanes: Int) -> (income: Double, expenses: Double) {
    let plan = self.plan
    let cap = capacity
    let income = monthIncome, expenses = monthExpenses
    let incomeFixed = plan.incomeFixed[m - 1], expensesFixed = plan.expensesFixed[m - 1]
    for lane in 0..<lanes {
      income[lane] = incomeFixed
      expenses[lane] = expensesFixed
    }
    for factor in plan.incomeFactors {
      let amount = plan.incomeByFactor[factor][m - 1]
      let levels = level + factor * cap
      if amount != 0 { for lane in 0..<lanes { income[lane] += amount * levels[lane] } }
    }
    for factor in plan.expenseFactors {
      let amount = plan.expensesByFactor[factor][m - 1]
      let levels = level + factor * cap
      if amount != 0 { for lane in 0..<lanes { expenses[lane] += amount * levels[lane] } }
    }
    var incomeTotal = 0.0, expenseTotal = 0.0
    for lane in 0..<lanes {
      let paid = income[lane] * incomeMultiplier[lane]
      cashFlow[lane] = paid + sponsorMonthly[lane] - expenses[lane]
      incomeTotal += paid
      expenseTotal += expenses[lane]
    }
    return (incomeTotal, expenseTotal)
  }

  /// A new donation period of service s from `month`: a fresh exponential loss clock E = −ln u and the
  /// uniform for the replacement wait after a loss, both from the stream address of that month.
  @inline(__always)
  private func startDonation(service s: Int, lane: Int, path: Int, month: Int) {
    let w = streams.words(
      path: UInt32(truncatingIfNeeded: path), month: UInt32(month), stream: .serviceDraws, index: UInt32(s))
    let cell = s * capacity + lane
    serviceClock[cell] = -VectorMath.log(RandomStreams.unit53(w.0, w.1))
    serviceReplacementDraw[cell] = RandomStreams.unit53(w.2, w.3)
    servicePayStart[cell] = 0
    servicePayEnd[cell] = 0
  }

  /// Runs each service's month (SPEC §5) and subtracts what the organisation pays; returns the block's total.
  private func payServices(month m: Int, firstPath: Int, lanes: Int, output: BlockOutput) -> Double {
    let diagnostics = output.diagnostics, paths = output.paths, slot = firstPath - output.runStart
    let plan = self.plan
    let cap = capacity
    let month = Int32(m)
    var total = 0.0
    for s in 0..<plan.serviceMonthlyValue.count {
      let cost = plan.serviceCostFraction[s] * plan.serviceMonthlyValue[s]
      let scale = plan.serviceScalesWithTraffic[s] ? trafficCost : level + Factor.inflation.index * cap
      let logHazard = plan.serviceMonthlyLogHazard[s]
      let hazard = plan.serviceMonthlyHazard[s]
      let notice = Int32(plan.serviceNoticeMonths[s])
      let logNoReplacement = plan.serviceLogNoReplacement[s]
      for lane in 0..<lanes {
        let cell = s * cap + lane
        let payStart = servicePayStart[cell]
        if payStart == 0 {
          // Donated: the month adds −ln(1 − min(1, h·multiplier)) to the hazard the clock has run.
          let multiplier = lossMultiplier[lane]
          let added = multiplier == 1 ? logHazard : -Foundation.log1p(-Swift.min(1, hazard * multiplier))
          let left = serviceClock[cell] - added
          serviceClock[cell] = left
          if left <= 0 {
            // Lost this month: the donor covers m … m+n; paid from m+n+1 until a new donor is found.
            let start = month &+ notice &+ 1
            servicePayStart[cell] = start
            servicePayEnd[cell] =
              start &+ Self.geometricWait(uniform: serviceReplacementDraw[cell], logNoSuccess: logNoReplacement) &- 1
            if let diagnostics { diagnostics.serviceLost[s * paths + slot + lane] = 1 }
          }
        } else if payStart <= month {
          let paid = cost * scale[lane]
          cashFlow[lane] -= paid
          total += paid
          if month == servicePayEnd[cell] {
            startDonation(service: s, lane: lane, path: firstPath + lane, month: m + 1)
          }
        }
      }
    }
    return total
  }

  /// B(m) = B(m−1)·(1+r)^(1/12) + NCF(m); S(m) = S(m−1) + NCF(m)/D(m); need = max(need, floor/D(m) − S(m)).
  private func updateBalances(month m: Int, lanes: Int) {
    let growth = plan.monthlyGrowth
    let discount = plan.discount[m - 1]
    let discountedFloor = plan.discountedFloor[m - 1]
    let floor = plan.floor
    let month = Int32(m)
    for lane in 0..<lanes {
      let flow = cashFlow[lane]
      let b = balance[lane] * growth + flow
      balance[lane] = b
      let s = discountedSum[lane] + flow * discount
      discountedSum[lane] = s
      need[lane] = Swift.max(need[lane], discountedFloor - s)
      ruinMonth[lane] = (ruinMonth[lane] == 0 && b < floor) ? month : ruinMonth[lane]
    }
  }

  /// count_{y+1} = Binomial(count_y, min(1, renewalProbability·R)) + Poisson(newPerYear·N), with R and N the
  /// products of the event multipliers active in month `month` = 12y.
  private func rollOverSponsors(month: Int, firstPath: Int, lanes: Int) {
    let plan = self.plan
    let chunkTrials = Distributions.binomialChunk
    let key0 = streams.key0, key1 = streams.key1
    let offsets = SIMD4<UInt32>(0, 1, 2, 3)
    for t in 0..<plan.tierMonthlyAmount.count {
      let renewal = plan.tierRenewalProbability[t]
      let arrivals = plan.tierNewPerYear[t]
      let tables = plan.tierTables[t]
      // ln p, ln(1 − p) and the Poisson chunking at the tier's own rates, for the draws the tables do not cover.
      let baseLogs = (VectorMath.log(renewal), VectorMath.log(1 - renewal))
      let baseChunks = arrivals > 0 ? Int((arrivals / Distributions.poissonChunk).rounded(.up)) : 0
      let baseMassAtZero = baseChunks > 0 ? VectorMath.exp(-arrivals / Double(baseChunks)) : 1
      let counts = sponsors + t * capacity
      let stream = RandomStreams.Stream.sponsorDraws.rawValue | UInt32(t)
      for group in stride(from: 0, to: lanes, by: 4) {
        // The first draw of four lanes at once; further chunks (counts above 512, means above 500) below.
        let paths = SIMD4<UInt32>(repeating: UInt32(truncatingIfNeeded: firstPath + group)) &+ offsets
        let first = Philox4x32.blocks(paths, UInt32(month), stream, 0, key: key0, key1)
        for lane in group..<Swift.min(group + 4, lanes) {
          let j = lane - group
          let count = Int(counts[lane])
          let renewalFactor = renewalMultiplier[lane], arrivalFactor = newSponsorMultiplier[lane]
          let p = Swift.min(1, renewal * renewalFactor)
          let lambda = arrivals * arrivalFactor
          if (p >= 1 || p <= 0 || count == 0) && lambda <= 0 {
            counts[lane] = p >= 1 ? Int32(count) : 0
            continue
          }
          let renewalUniform = RandomStreams.unit53(first.0[j], first.1[j])
          let arrivalUniform = RandomStreams.unit53(first.2[j], first.3[j])
          // The common case: the tier's own rates, a count the tables cover, one chunk each.
          if renewalFactor == 1 && arrivalFactor == 1 && count <= SponsorInversionTables.maximumCount
            && (lambda <= 0 || tables.tabulatesArrivals)
          {
            let renewed =
              tables.renewalIsCertainOrImpossible
              ? (p >= 1 ? count : 0) : tables.renewals(of: count, uniform: renewalUniform)
            let joined = lambda > 0 ? tables.arrivals(uniform: arrivalUniform) : 0
            counts[lane] = Int32(clamping: renewed + joined)
            continue
          }
          let logs = renewalFactor == 1 ? baseLogs : (VectorMath.log(p), VectorMath.log(1 - p))
          let binomialChunks = (count + chunkTrials - 1) / chunkTrials
          let poissonChunks: Int
          let massAtZero: Double
          if arrivalFactor == 1 {
            (poissonChunks, massAtZero) = (baseChunks, baseMassAtZero)
          } else {
            poissonChunks = lambda > 0 ? Int((lambda / Distributions.poissonChunk).rounded(.up)) : 0
            massAtZero = poissonChunks > 0 ? VectorMath.exp(-lambda / Double(poissonChunks)) : 1
          }
          var renewed = 0, joined = 0
          for chunk in 0..<Swift.max(binomialChunks, poissonChunks) {
            let w =
              chunk == 0
              ? (first.0[j], first.1[j], first.2[j], first.3[j])
              : streams.words(
                path: UInt32(truncatingIfNeeded: firstPath + lane), month: UInt32(month), stream: .sponsorDraws,
                index: UInt32(t), draw: UInt32(chunk))
            if chunk < binomialChunks {
              renewed += Distributions.binomialChunk(
                trials: Swift.min(chunkTrials, count - chunk * chunkTrials), probability: p, logProbability: logs.0,
                logFailure: logs.1, uniform: RandomStreams.unit53(w.0, w.1))
            }
            if chunk < poissonChunks {
              joined += Distributions.poissonChunk(
                mean: lambda / Double(poissonChunks), massAtZero: massAtZero, uniform: RandomStreams.unit53(w.2, w.3))
            }
          }
          counts[lane] = Int32(clamping: renewed + joined)
        }
      }
    }
  }
}
