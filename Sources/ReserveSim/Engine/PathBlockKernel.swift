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
  /// Total paths of the run (stride of `yearEndBalance`).
  public var paths: Int
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
/// Per month m (SPEC §1–§7): factor levels; events active in m and their multipliers; income, sponsor
/// revenue, expenses and paid service costs; then B(m) = B(m−1)·(1+r)^(1/12) + NCF(m), the discounted
/// running sum S(m) = Σ_{k≤m} NCF(k)/D(k) and need = max_m [floor/D(m) − S(m)]. At each year end the
/// balance is recorded and the sponsor counts roll over with the events active in that month.
///
/// One kernel per thread: it owns its scratch buffers and allocates nothing per block.
public final class PathBlockKernel {
  public let plan: SimulationPlan
  public let streams: RandomStreams
  public let capacity: Int

  // Scratch, lane-major per quantity.
  private var shocks: [Double]  // (months−1)·capacity·4 normals, then correlated in place
  private var correlated: [Double]
  private var logLevel: [Double]  // 4·capacity
  private var level: [Double]  // 4·capacity
  private var eventLeft: [Int32]  // events·capacity
  private var serviceState: [Int32]  // services·capacity
  private var sponsors: [Int]  // tiers·capacity
  private var incomeMultiplier: [Double]
  private var renewalMultiplier: [Double]
  private var newSponsorMultiplier: [Double]
  private var lossMultiplier: [Double]
  private var sponsorMonthly: [Double]
  private var balance: [Double]
  private var discountedSum: [Double]
  private var need: [Double]
  private var ruinMonth: [Int32]

  public init(plan: SimulationPlan, seed: UInt64, capacity: Int) {
    self.plan = plan
    self.streams = RandomStreams(seed: seed)
    self.capacity = capacity
    let f = Factor.allCases.count
    shocks = plan.hasShocks ? [Double](repeating: 0, count: max(0, plan.months - 1) * capacity * f) : []
    correlated = shocks
    logLevel = [Double](repeating: 0, count: f * capacity)
    level = [Double](repeating: 1, count: f * capacity)
    eventLeft = [Int32](repeating: 0, count: plan.eventDuration.count * capacity)
    serviceState = [Int32](repeating: 0, count: plan.serviceMonthlyValue.count * capacity)
    sponsors = [Int](repeating: 0, count: plan.tierMonthlyAmount.count * capacity)
    incomeMultiplier = [Double](repeating: 1, count: capacity)
    renewalMultiplier = incomeMultiplier
    newSponsorMultiplier = incomeMultiplier
    lossMultiplier = incomeMultiplier
    sponsorMonthly = [Double](repeating: 0, count: capacity)
    balance = sponsorMonthly
    discountedSum = sponsorMonthly
    need = sponsorMonthly
    ruinMonth = [Int32](repeating: 0, count: capacity)
  }

  /// Service states: donated, covered by notice (months of cover left, this month included), or paid.
  @usableFromInline static let donated: Int32 = 0
  @usableFromInline static let paying: Int32 = -1

  @inline(__always)
  static func word(_ w: (UInt32, UInt32, UInt32, UInt32), _ i: Int) -> UInt32 {
    i == 0 ? w.0 : i == 1 ? w.1 : i == 2 ? w.2 : w.3
  }

  /// Simulates paths `firstPath ..< firstPath + count` and writes their results into `output`.
  public func simulate(firstPath: Int, count lanes: Int, into output: BlockOutput) {
    precondition(lanes <= capacity)
    let plan = self.plan
    let f = Factor.allCases.count
    let months = plan.months
    let tiers = plan.tierMonthlyAmount.count
    let services = plan.serviceMonthlyValue.count
    let events = plan.eventDuration.count
    let streams = self.streams
    let flows = output.blockFlows
    for i in 0..<(plan.years * YearlyFlow.count) { flows[i] = 0 }

    if plan.hasShocks { drawCorrelatedShocks(firstPath: firstPath, lanes: lanes) }

    // Path state at the start.
    for lane in 0..<lanes {
      balance[lane] = plan.initialReserve
      discountedSum[lane] = 0
      need[lane] = -Double.infinity
      ruinMonth[lane] = 0
    }
    // Every per-lane array is laid out [item · capacity + lane]: reset all lanes of every item.
    logLevel.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    level.withUnsafeMutableBufferPointer { $0.update(repeating: 1) }
    eventLeft.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    serviceState.withUnsafeMutableBufferPointer { $0.update(repeating: Self.donated) }
    for t in 0..<tiers { for lane in 0..<capacity { sponsors[t * capacity + lane] = plan.tierInitialCount[t] } }
    if let diagnostics = output.diagnostics {
      for lane in 0..<lanes {
        let i = firstPath + lane
        for s in 0..<services { diagnostics.serviceLost[s * output.paths + i] = 0 }
        for k in 0..<events { diagnostics.eventMonths[k * output.paths + i] = 0 }
      }
    }

    for m in 1...months {
      let year = (m - 1) / 12
      let monthWord = UInt32(m)

      // Factor levels: X(m) = X(m−1) + drift + sd·ε(m) for m ≥ 2; level = exp(X).
      if m >= 2 {
        for factor in 0..<f where plan.factorMoves[factor] {
          let drift = plan.factorDrift[factor]
          let sd = plan.factorShockSD[factor]
          let rowBase = (m - 2) * capacity
          for lane in 0..<lanes {
            var x = logLevel[factor * capacity + lane] + drift
            if sd > 0 { x += sd * correlated[(rowBase + lane) * f + factor] }
            logLevel[factor * capacity + lane] = x
            level[factor * capacity + lane] = Foundation.exp(x)
          }
        }
      }

      // Events active this month and their combined multipliers.
      if m == 1 || events > 0 {
        for lane in 0..<lanes {
          incomeMultiplier[lane] = 1
          renewalMultiplier[lane] = 1
          newSponsorMultiplier[lane] = 1
          lossMultiplier[lane] = 1
        }
      }
      if events > 0 {
        for lane in 0..<lanes {
          let path = UInt32(truncatingIfNeeded: firstPath + lane)
          var words = (UInt32(0), UInt32(0), UInt32(0), UInt32(0))
          var fetchedGroup = -1
          for k in 0..<events {
            let slot = k * capacity + lane
            if eventLeft[slot] == 0 {
              if fetchedGroup != k / 4 {
                words = streams.words(path: path, month: monthWord, stream: .eventStarts, index: UInt32(k / 4))
                fetchedGroup = k / 4
              }
              if RandomStreams.unit(Self.word(words, k % 4)) < plan.eventMonthlyStart[k] {
                eventLeft[slot] = Int32(plan.eventDuration[k])
              }
            }
            if eventLeft[slot] > 0 {
              incomeMultiplier[lane] *= plan.eventIncomeMultiplier[k]
              renewalMultiplier[lane] *= plan.eventRenewalMultiplier[k]
              newSponsorMultiplier[lane] *= plan.eventNewSponsorMultiplier[k]
              lossMultiplier[lane] *= plan.eventLossMultiplier[k]
              eventLeft[slot] -= 1
              if let diagnostics = output.diagnostics { diagnostics.eventMonths[k * output.paths + firstPath + lane] += 1 }
            }
          }
        }
      }

      // Sponsor revenue is fixed within a year: Σ_t count_t · annualAmount_t / 12.
      if (m - 1) % 12 == 0 {
        for lane in 0..<lanes {
          var total = 0.0
          for t in 0..<tiers { total += Double(sponsors[t * capacity + lane]) * plan.tierMonthlyAmount[t] }
          sponsorMonthly[lane] = total
        }
      }

      let flowBase = year * YearlyFlow.count
      var incomeTotal = 0.0, sponsorTotal = 0.0, expenseTotal = 0.0, serviceTotal = 0.0
      for lane in 0..<lanes {
        var income = plan.incomeFixed[m - 1]
        var expenses = plan.expensesFixed[m - 1]
        for factor in 0..<f {
          let lv = level[factor * capacity + lane]
          income += plan.incomeByFactor[factor][m - 1] * lv
          expenses += plan.expensesByFactor[factor][m - 1] * lv
        }
        income *= incomeMultiplier[lane]

        // In-kind services (SPEC §5).
        var serviceCost = 0.0
        if services > 0 {
          let path = UInt32(truncatingIfNeeded: firstPath + lane)
          let traffic = level[Factor.traffic.index * capacity + lane] * level[Factor.unitCost.index * capacity + lane]
          let inflation = level[Factor.inflation.index * capacity + lane]
          var words = (UInt32(0), UInt32(0), UInt32(0), UInt32(0))
          for s in 0..<services {
            if s % 4 == 0 {
              words = streams.words(path: path, month: monthWord, stream: .serviceDraws, index: UInt32(s / 4))
            }
            let u = RandomStreams.unit(Self.word(words, s % 4))
            let slot = s * capacity + lane
            var state = serviceState[slot]
            if state == Self.donated {
              let hazard = min(1, plan.serviceMonthlyHazard[s] * lossMultiplier[lane])
              if u < hazard {
                state = Int32(plan.serviceNoticeMonths[s] + 1)
                if let diagnostics = output.diagnostics { diagnostics.serviceLost[s * output.paths + firstPath + lane] = 1 }
              }
            }
            if state > 0 {
              state -= 1
              if state == 0 { state = Self.paying }
            } else if state == Self.paying {
              let value = plan.serviceMonthlyValue[s] * (plan.serviceScalesWithTraffic[s] ? traffic : inflation)
              serviceCost += plan.serviceCostFraction[s] * value
              if u < plan.serviceMonthlyReplacement[s] { state = Self.donated }
            }
            serviceState[slot] = state
          }
        }

        let sponsorRevenue = sponsorMonthly[lane]
        let cashFlow = income + sponsorRevenue - expenses - serviceCost
        let b = balance[lane] * plan.monthlyGrowth + cashFlow
        balance[lane] = b
        let s = discountedSum[lane] + cashFlow * plan.discount[m - 1]
        discountedSum[lane] = s
        need[lane] = max(need[lane], plan.discountedFloor[m - 1] - s)
        if ruinMonth[lane] == 0 && b < plan.floor { ruinMonth[lane] = Int32(m) }
        incomeTotal += income
        sponsorTotal += sponsorRevenue
        expenseTotal += expenses
        serviceTotal += serviceCost
      }
      flows[flowBase + YearlyFlow.income.rawValue] += incomeTotal
      flows[flowBase + YearlyFlow.sponsorRevenue.rawValue] += sponsorTotal
      flows[flowBase + YearlyFlow.expenses.rawValue] += expenseTotal
      flows[flowBase + YearlyFlow.serviceCosts.rawValue] += serviceTotal

      if m % 12 == 0 {
        for lane in 0..<lanes { output.yearEndBalance[year * output.paths + firstPath + lane] = balance[lane] }
        if m < months && tiers > 0 { rollOverSponsors(month: m, firstPath: firstPath, lanes: lanes) }
      }
    }

    for lane in 0..<lanes {
      output.requiredReserve[firstPath + lane] = need[lane]
      output.firstRuinMonth[firstPath + lane] = ruinMonth[lane]
    }
    if let diagnostics = output.diagnostics {
      for lane in 0..<lanes {
        for t in 0..<tiers {
          diagnostics.finalSponsors[t * output.paths + firstPath + lane] = Int32(clamping: sponsors[t * capacity + lane])
        }
        for factor in 0..<f {
          diagnostics.finalLogLevel[factor * output.paths + firstPath + lane] = logLevel[factor * capacity + lane]
        }
      }
    }
  }

  /// count_{y+1} = Binomial(count_y, min(1, renewalProbability·R)) + Poisson(newPerYear·N), with R and N the
  /// products of the event multipliers active in month `month` = 12y.
  private func rollOverSponsors(month: Int, firstPath: Int, lanes: Int) {
    let plan = self.plan
    for t in 0..<plan.tierMonthlyAmount.count {
      for lane in 0..<lanes {
        let path = UInt32(truncatingIfNeeded: firstPath + lane)
        let count = sponsors[t * capacity + lane]
        let p = min(1, plan.tierRenewalProbability[t] * renewalMultiplier[lane])
        let lambda = plan.tierNewPerYear[t] * newSponsorMultiplier[lane]
        let binomialChunks = (count + Distributions.binomialChunk - 1) / Distributions.binomialChunk
        let poissonChunks = lambda > 0 ? Int((lambda / Distributions.poissonChunk).rounded(.up)) : 0
        var renewed = 0, joined = 0
        for chunk in 0..<max(binomialChunks, poissonChunks) {
          let w = streams.words(path: path, month: UInt32(month), stream: .sponsorDraws, index: UInt32(t), draw: UInt32(chunk))
          if chunk < binomialChunks {
            let trials = min(Distributions.binomialChunk, count - chunk * Distributions.binomialChunk)
            renewed += Distributions.binomialChunk(trials: trials, probability: p, uniform: RandomStreams.unit53(w.0, w.1))
          }
          if chunk < poissonChunks {
            joined += Distributions.poissonChunk(mean: lambda / Double(poissonChunks), uniform: RandomStreams.unit53(w.2, w.3))
          }
        }
        sponsors[t * capacity + lane] = renewed + joined
      }
    }
  }

  /// Fills `correlated` with ε(m) = L·z(m) for months 2…M of every lane: the independent normals z come
  /// from each path's own stream; the correlation is one `dgemm` over the whole block.
  private func drawCorrelatedShocks(firstPath: Int, lanes: Int) {
    let f = Factor.allCases.count
    let months = plan.months
    guard months >= 2 else { return }
    for m in 2...months {
      let rowBase = (m - 2) * capacity
      for lane in 0..<lanes {
        let z = RandomStreams.normals(
          streams.words(path: UInt32(truncatingIfNeeded: firstPath + lane), month: UInt32(m), stream: .factorShocks))
        let row = (rowBase + lane) * f
        shocks[row] = z.0
        shocks[row + 1] = z.1
        shocks[row + 2] = z.2
        shocks[row + 3] = z.3
      }
    }
    BLAS.correlate(rows: (months - 1) * capacity, shocks: shocks, cholesky: plan.choleskyFactor, into: &correlated)
  }
}
