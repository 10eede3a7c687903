import ReserveSimScenario
import _ReserveSimKernels

/// The month's passes of a `PathBlockKernel` — events, money lines, services, balances and the sponsors' year
/// end — run by the C kernels of `_ReserveSimKernels` (one file per pass, `Month*.h`), vectorised over the block's
/// lanes at the best instruction-set level. They are the engine's one implementation of the month.
///
/// With the sets of active events tabulated (`SimulationPlan.eventSetCount` > 0, at most six event kinds) the
/// kernels read the multipliers' products by set; with more kinds they multiply them per lane.
///
/// Owns copies of the plan's small per-event and per-service tables, so that the C structs can point into them
/// for the kernel's lifetime.
final class MonthPasses {
  let events: rs_events_plan
  let services: rs_services_plan
  let servicesState: rs_services_state
  /// The file's policy (SPEC §15); its state lives in the kernel.
  let policy: rs_policy_plan
  let policyState: rs_policy_state
  /// The money lines of each month, index m − 1.
  let moneyMonths: UnsafeMutablePointer<rs_money_month>
  private var allocations: [UnsafeMutableRawPointer] = []

  /// - Parameter state: the kernel's service rows (clock, replacement draw, pay months), `capacity` lanes each.
  /// - Parameter lanes: the parameters that differ between paths, when the file has any (SPEC §16).
  init(plan: SimulationPlan, state: rs_services_state, policyState: rs_policy_state, lanes: LaneParameters? = nil) {
    precondition(
      MemoryLayout<SponsorTransitionTables.Cell>.stride == MemoryLayout<rs_sponsor_cell>.stride
        && MemoryLayout<SponsorTransitionTables.Row>.stride == MemoryLayout<rs_sponsor_row>.stride,
      "the sponsor tables' layout differs from the C kernel's")
    var allocations: [UnsafeMutableRawPointer] = []
    func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
      let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(1, values.count))
      pointer.initialize(from: values, count: values.count)
      allocations.append(UnsafeMutableRawPointer(pointer))
      return pointer
    }
    let perLane = plan.eventSetCount == 0
    events = rs_events_plan(
      count: Int32(plan.eventDuration.count), duration: copy(plan.eventDuration.map { Int32($0) }),
      logNoStart: copy(plan.eventLogNoStart), setIncomeMultiplier: copy(plan.eventSetIncomeMultiplier),
      perLane: perLane ? 1 : 0, incomeMultiplier: copy(plan.eventIncomeMultiplier),
      renewalMultiplier: copy(plan.eventRenewalMultiplier),
      newSponsorMultiplier: copy(plan.eventNewSponsorMultiplier), lossMultiplier: copy(plan.eventLossMultiplier),
      agreementMultiplier: copy(plan.eventAgreementMultiplier), lanes: lanes?.events.map { UnsafePointer($0) })
    services = rs_services_plan(
      count: Int32(plan.serviceMonthlyValue.count),
      cost: copy(Self.serviceCost(plan)),
      scalesWithTraffic: copy(plan.serviceScalesWithTraffic.map { $0 ? UInt8(1) : 0 }),
      noticeMonths: copy(plan.serviceNoticeMonths.map { Int32($0) }),
      logNoReplacement: copy(plan.serviceLogNoReplacement),
      addedHazard: copy(plan.eventSetServiceAddedHazard), sets: Int32(plan.eventSetCount),
      monthlyHazard: copy(plan.serviceMonthlyHazard), logHazard: copy(plan.serviceMonthlyLogHazard),
      dated: copy(plan.serviceIsDated.map { $0 ? UInt8(1) : 0 }),
      agreementEnds: copy(plan.serviceAgreementEnd.map { Int32($0) }),
      agreementRenewal: copy(plan.serviceAgreementRenewal),
      renewalMonths: copy(plan.serviceRenewalMonths.map { Int32($0) }),
      setAgreementMultiplier: copy(plan.eventSetAgreementMultiplier), migrationCost: copy(plan.serviceMigrationCost),
      mitigationAfter: copy(plan.serviceMitigationAfter.map { Int32($0) }),
      mitigatedCost: copy(plan.serviceMitigatedCost), lanes: lanes?.services.map { UnsafePointer($0) })
    servicesState = state
    self.policyState = policyState
    policy = Self.policy(plan)
    moneyMonths = copy((1...plan.months).map { Self.moneyMonth(plan, month: $0) })
    self.allocations = allocations
  }

  deinit { for pointer in allocations { pointer.deallocate() } }

  /// Per service: the cost of a paid month at scale 1, replacementCostFraction · monthlyValue (SPEC §5).
  static func serviceCost(_ plan: SimulationPlan) -> [Double] {
    zip(plan.serviceCostFraction, plan.serviceMonthlyValue).map { $0 * $1 }
  }

  /// The plan's policy (SPEC §15, §17, §19) as the month-end pass and the replays read it.
  static func policy(_ plan: SimulationPlan) -> rs_policy_plan {
    rs_policy_plan(
      minimumMonths: plan.minimumMonths ?? -1, hasCuts: plan.cutBelow > -.infinity ? 1 : 0, cutBelow: plan.cutBelow,
      cutRestore: plan.cutRestore, cutMultiplier: plan.cutMultiplier,
      hasAppeal: plan.appealBelow > -.infinity ? 1 : 0, appealBelow: plan.appealBelow,
      appealAmount: plan.appealAmount, appealProbability: plan.appealProbability,
      appealCooldown: Int32(plan.appealCooldown), appealLimit: Int32(plan.appealLimit), alwaysAct: 0)
  }

  /// This month's money lines for the C kernel: the fixed amounts and each factor line's amount (unused lines 0).
  static func moneyMonth(_ plan: SimulationPlan, month m: Int) -> rs_money_month {
    /// Four values, the given ones first: a C array of four.
    func four<T: Numeric>(_ values: [T]) -> (T, T, T, T) {
      let v = values + Array(repeating: 0, count: 4 - values.count)
      return (v[0], v[1], v[2], v[3])
    }
    let income = plan.incomeFactors, expenses = plan.expenseFactors
    return rs_money_month(
      incomeFixed: plan.incomeFixed[m - 1], expensesFixed: plan.expensesFixed[m - 1],
      incomeFactorCount: Int32(income.count), expenseFactorCount: Int32(expenses.count),
      incomeFactors: four(income.map { Int32($0) }), expenseFactors: four(expenses.map { Int32($0) }),
      incomeAmount: four(income.map { plan.incomeByFactor[$0][m - 1] }),
      expenseAmount: four(expenses.map { plan.expensesByFactor[$0][m - 1] }), oneOff: plan.oneOff[m - 1],
      cutFixed: plan.cutFixed[m - 1], cutAmount: four(expenses.map { plan.cutByFactor[$0][m - 1] }))
  }

  /// The sponsors' year end by the alias tables; returns the (tier, lane) cells left to the chunked samplers,
  /// marked in `fallback`.
  /// `renewal` and `newSponsors`: the lanes' products of the event multipliers when they are per lane, else nil.
  static func rollOverSponsors(
    at: inout rs_block_month, tables: SponsorTransitionTables, tiers: Int, activeEvents: UnsafePointer<Int32>,
    renewal: UnsafePointer<Double>?, newSponsors: UnsafePointer<Double>?, sponsors: UnsafeMutablePointer<Int64>,
    fallback: UnsafeMutablePointer<UInt8>
  ) -> Int32 {
    tables.rows.withUnsafeBytes { rows in
      tables.cells.withUnsafeBytes { cells in
        tables.ratesOfTierAndSet.withUnsafeBufferPointer { rates in
          var c = rs_sponsor_tables(
            tiers: Int32(tiers), sets: Int32(tables.setCount),
            rowsPerRates: Int32(SponsorTransitionTables.maximumCount + 1), ratesOfTierAndSet: rates.baseAddress,
            rows: rows.baseAddress?.assumingMemoryBound(to: rs_sponsor_row.self),
            cells: cells.isEmpty ? nil : cells.baseAddress?.assumingMemoryBound(to: rs_sponsor_cell.self))
          return rs_roll_over_sponsors(&at, &c, activeEvents, renewal, newSponsors, sponsors, fallback)
        }
      }
    }
  }
}

extension PathBlockKernel {
  /// Where the C passes run: this block's paths and month.
  func blockMonth(month m: Int, firstPath: Int, lanes: Int) -> rs_block_month {
    rs_block_month(
      key0: streams.key0, key1: streams.key1, firstPath: UInt32(truncatingIfNeeded: firstPath), lanes: Int32(lanes),
      month: Int32(m), stride: capacity, scratch: passScratch)
  }

  /// Starts a donation period of every service in every lane at month 1.
  func startDonations(firstPath: Int, lanes: Int) {
    var at = blockMonth(month: 1, firstPath: firstPath, lanes: lanes)
    var services = monthPasses.services
    var state = monthPasses.servicesState
    for s in 0..<plan.serviceMonthlyValue.count { rs_start_donations(&at, &services, &state, Int32(s)) }
    // A service switched off (SPEC §20) is never lost: its clock (drawn as always) never runs out, and no dated
    // agreement ends.
    for s in switchedOff.services {
      (serviceClock + s * capacity).update(repeating: .infinity, count: lanes)
      (serviceAgreementEnd + s * capacity).update(repeating: 0, count: lanes)
    }
  }

  /// Month m's events, sponsor revenue (in a year's first month), money lines, services and balances, and with a
  /// policy its money and month-end steps, recording the flows the replays read when the kernel has `replay`.
  /// Diagnostics are counted only when `recording` is given; the policy's activity (SPEC §19) only into
  /// `activity` when given (`PolicyActivityField.count` rows of `capacity` lanes).
  func runMonth(
    month m: Int, firstPath: Int, lanes: Int, policy: rs_policy_plan, activity: UnsafeMutablePointer<Double>?,
    recording output: BlockOutput?
  ) {
    let plan = self.plan
    let passes = monthPasses
    let slot = output.map { firstPath - $0.runStart } ?? 0
    let diagnostics = output?.diagnostics
    let paths = output?.paths ?? 0
    var at = blockMonth(month: m, firstPath: firstPath, lanes: lanes)
    var policy = policy
    var policyState = passes.policyState
    policyState.activity = activity
    if passes.events.count > 0 {
      var events = passes.events
      var products = rs_event_products(
        income: incomeMultiplier, renewal: renewalMultiplier, newSponsors: newSponsorMultiplier, loss: lossMultiplier,
        agreement: agreementMultiplier)
      rs_apply_events(
        &at, &events, eventStart, activeEvents, &products, diagnostics.map { $0.activeEventMonths + slot }, paths)
    }
    if (m - 1) % 12 == 0 { sponsorRevenue(lanes: lanes) }
    let ownMoney = laneParameters?.money
    if ownMoney != nil { laneParameters!.fillMoney(month: m, lanes: lanes) }
    var sums = rs_month_sums(
      cashFlow: cashFlow, incomeSum: yearSum(.income), expenseSum: yearSum(.expenses),
      sponsorSum: yearSum(.sponsorRevenue))
    rs_money_lines(&at, passes.moneyMonths + (m - 1), ownMoney, level, incomeMultiplier, sponsorMonthly, &sums)
    // With a policy the services add what they pay to the month's outgo, and the policy's money comes after them,
    // so that the flow before the responses is what the replays start from (`PolicyReplay`).
    if plan.hasPolicy { outgo.update(repeating: 0, count: lanes) }
    if passes.services.count > 0 {
      var services = passes.services
      var state = passes.servicesState
      if let firstPaid = output?.firstPaidMonth {
        state.firstPaid = firstPaid + slot
        state.firstPaidStride = paths
      }
      state.payments = reserveVariants?.payments
      rs_pay_services(
        &at, &services, &state, activeEvents, trafficCost, level + Factor.inflation.index * capacity, cashFlow,
        yearSum(.serviceCosts), diagnostics.map { $0.serviceLostFlags + slot }, paths)
    }
    reserveVariants?.payMoney(
      at: &at, month: m, level: level, incomeMultiplier: incomeMultiplier, sponsors: UnsafePointer(sponsors),
      servicesOutgo: plan.minimumMonths == nil ? nil : UnsafePointer(outgo))
    if plan.hasPolicy {
      replay?.record(month: m, into: &policyState)
      rs_policy_money(&at, passes.moneyMonths + (m - 1), ownMoney, &policy, &policyState, level, &sums)
    }
    var reserve = rs_reserve_state(balance: balance, discountedSum: discountedSum, need: need, ruinMonth: ruinMonth)
    if let rows = laneParameters?.reserveRows {
      // The lanes' own floor or return (SPEC §16).
      laneParameters!.fillBalances(month: m, lanes: lanes)
      replay?.recordReserve(month: m, rows: rows, lanes: lanes)
      var month = rs_reserve_lanes(
        growth: rows, discount: rows + capacity, discountedFloor: rows + 2 * capacity, floor: rows + 3 * capacity)
      rs_update_balances_lanes(&at, &month, cashFlow, &reserve)
      reserveVariants?.update(blockFlow: cashFlow) { rs_update_balances_lanes(&at, &month, $1, &$0) }
    } else {
      var month = rs_reserve_month(
        growth: plan.monthlyGrowth, discount: plan.discount[m - 1], discountedFloor: plan.discountedFloor[m - 1],
        floor: plan.floor)
      rs_update_balances(&at, &month, cashFlow, &reserve)
      reserveVariants?.update(month: m, blockFlow: cashFlow) { rs_update_balances(&at, &$1, $2, &$0) }
    }
    if plan.hasPolicy {
      if let rows = laneParameters?.reserveRows {
        rs_policy_month_end(&at, &policy, &policyState, balance, rows + capacity, 1)
      } else {
        var discount = plan.discount[m - 1]
        rs_policy_month_end(&at, &policy, &policyState, balance, &discount, 0)
      }
      if let variants = reserveVariants, variants.hasMoney, let minimum = plan.minimumMonths {
        // The variants with their own money side: their own outgo and discounted sums.
        if let rows = laneParameters?.reserveRows {
          variants.updateMinimumNeeds(
            lanes: lanes, minimumMonths: minimum, discount: rows + capacity, discountStride: 1)
        } else {
          var discount = plan.discount[m - 1]
          variants.updateMinimumNeeds(lanes: lanes, minimumMonths: minimum, discount: &discount, discountStride: 0)
        }
      }
    }
  }

  /// count_{y+1} = Binomial(count_y, min(1, renewalProbability·R)) + Poisson(newPerYear·N) at month 12y, with R
  /// and N the products of the event multipliers active in that month: the C kernel's alias-table draws
  /// (`SponsorTransitionTables`), then `rollOverByChunks` for the (tier, lane) cells the tables do not cover.
  func rollOverSponsors(month: Int, firstPath: Int, lanes: Int) {
    let tiers = plan.tierMonthlyAmount.count
    let perLane = plan.eventSetCount == 0
    var at = blockMonth(month: month, firstPath: firstPath, lanes: lanes)
    // Sponsor churn switched off (SPEC §20): the tables and rates with renewal 1, the same uniforms.
    let keepsAll = switchedOff.sponsorChurn
    let left = MonthPasses.rollOverSponsors(
      at: &at, tables: keepsAll ? sponsorTransitionsWithoutDepartures : plan.sponsorTransitions, tiers: tiers,
      activeEvents: activeEvents, renewal: perLane ? UnsafePointer(keepsAll ? ones : renewalMultiplier) : nil,
      newSponsors: perLane ? UnsafePointer(newSponsorMultiplier) : nil, sponsors: sponsors, fallback: sponsorFallback)
    guard left > 0 else { return }
    if let own = laneParameters, own.tierRatesAreUncertain.contains(true) {
      // Tiers whose rates differ between paths: the C kernel's exact inversion at each lane's own rates.
      for lane in 0..<lanes {
        if perLane {
          own.renewalFactor[lane] = renewalMultiplier[lane]
          own.arrivalFactor[lane] = newSponsorMultiplier[lane]
        } else {
          let set = Int(activeEvents[lane])
          own.renewalFactor[lane] = plan.eventSetRenewalMultiplier[set]
          own.arrivalFactor[lane] = plan.eventSetNewSponsorMultiplier[set]
        }
        if keepsAll { own.renewalFactor[lane] = 1 }
      }
      for t in 0..<tiers where own.tierRatesAreUncertain[t] {
        rs_roll_over_lanes(
          &at, Int32(t), keepsAll ? ones : own.tierRenewal + t * capacity, own.tierNewPerYear + t * capacity,
          own.renewalFactor,
          own.arrivalFactor, own.rollOverWork, sponsors, sponsorFallback)
      }
    }
    for t in 0..<tiers {
      for lane in 0..<lanes where sponsorFallback[t * capacity + lane] != 0 {
        sponsors[t * capacity + lane] = rollOverByChunks(tier: t, lane: lane, path: firstPath + lane, month: month)
      }
    }
  }
}
