import Foundation
import ReserveSimScenario
import _ReserveSimKernels

/// The parameters that differ between paths (SPEC §16): each uncertain parameter's value in every lane of a block,
/// and the per-lane tables the month's passes read in place of the plan's.
///
/// Parameter j's value in path i is F⁻¹(u) for u = `RandomStreams.unit53` of words 0–1 of Philox at counter
/// (i, 0, `parameterDraws`, key_j) — month 0 is no month's — with key_j the FNV-1a hash of its `--set` path. So a
/// path's values depend only on (seed, path, parameter), as every other draw does (SPEC §8).
///
/// Derived values are computed by the plan's own formulas (`SimulationPlan`), so a distribution collapsed to a
/// point gives the bits of the number itself. Tables of a parameter that is the same in every path hold the
/// plan's value; only an uncertain one's rows are rewritten per block.
package final class LaneParameters {
  let scenario: Scenario
  let plan: SimulationPlan
  let capacity: Int
  let streams: RandomStreams
  /// values[j · capacity + lane]: parameter j's value in the block's lane.
  let values: UnsafeMutablePointer<Double>
  /// The position of each uncertain parameter by its kind and item (resolved when the scenario was decoded).
  let index: [LaneParameter: Int]
  /// The positions of each income and expense line's uncertain annual amount and growth.
  let incomeColumns, expenseColumns: [(annual: Int?, growth: Int?)]

  /// The services' per-lane tables, when a service parameter is uncertain.
  private(set) var services: UnsafeMutablePointer<rs_service_lanes>?
  /// The events' per-lane tables, when an event parameter is uncertain.
  private(set) var events: UnsafeMutablePointer<rs_event_lanes>?
  /// The month's money lines per lane, when a line's amount or growth is uncertain (`fillMoney` writes them).
  private(set) var money: UnsafeMutablePointer<rs_money_lanes>?
  /// Factor f's drift and shock sd per lane (rows f · capacity), when its growth or volatility is uncertain.
  let factorDrift: UnsafeMutablePointer<Double>
  let factorShockSD: UnsafeMutablePointer<Double>
  let factorIsUncertain: [Bool]
  /// Each tier's monthly amount, renewal probability and mean new sponsors per lane (rows t · capacity).
  let tierMonthlyAmount: UnsafeMutablePointer<Double>
  let tierRenewal: UnsafeMutablePointer<Double>
  let tierNewPerYear: UnsafeMutablePointer<Double>
  let tierCount: UnsafeMutablePointer<Int64>
  /// Whether tier t's renewal probability or mean new sponsors differs between paths (its year end then takes
  /// `rs_roll_over_lanes`).
  let tierRatesAreUncertain: [Bool]
  /// Scratch for the year end: each lane's products of the active events' renewal and new-sponsor multipliers.
  let renewalFactor: UnsafeMutablePointer<Double>
  let arrivalFactor: UnsafeMutablePointer<Double>
  /// When a correlation's rho differs between paths: each lane's Cholesky factor of the correlated factors' block,
  /// entry (i, j) of the k × k factor at row (i·k + j) (`SimulationPlan.correlatedFactors`, k of them).
  let laneCholesky: UnsafeMutablePointer<Double>?
  /// The positions of the correlations whose rho is uncertain, by correlation index.
  let rhoColumns: [Int: Int]
  /// When the floor or the return differs between paths: each lane's monthly growth (1 + r)^(1/12), and the
  /// month's discount (1 + r)^(−m/12), discounted floor and floor (rows 0–3, `fillBalances`).
  let reserveRows: UnsafeMutablePointer<Double>?
  /// Six rows of scratch for `rs_roll_over_lanes`.
  let rollOverWork: UnsafeMutablePointer<Double>

  private var allocations: [UnsafeMutableRawPointer] = []

  // Storage the C structs point into.
  private var serviceCost, serviceMitigated, serviceMigration, serviceLogNoReplacement,
    serviceRenewal: UnsafeMutablePointer<Double>
  private var serviceHazard, serviceLogHazard, serviceAdded: UnsafeMutablePointer<Double>
  private var serviceNotice: UnsafeMutablePointer<Int32>
  private var eventDuration: UnsafeMutablePointer<Int32>
  private var eventLogNoStart, eventMultipliers: UnsafeMutablePointer<Double>
  private var moneyRows: UnsafeMutablePointer<Double>

  init(scenario: Scenario, plan: SimulationPlan, streams: RandomStreams, capacity: Int) {
    self.scenario = scenario
    self.plan = plan
    self.streams = streams
    self.capacity = capacity
    let parameters = scenario.uncertainParameters
    var allocations: [UnsafeMutableRawPointer] = []
    func buffer<T>(_ rows: Int, _: T.Type) -> UnsafeMutablePointer<T> {
      let count = Swift.max(1, rows) * capacity
      let pointer = UnsafeMutablePointer<T>.allocate(capacity: count)
      UnsafeMutableRawPointer(pointer).initializeMemory(
        as: UInt8.self, repeating: 0, count: count * MemoryLayout<T>.stride)
      allocations.append(UnsafeMutableRawPointer(pointer))
      return pointer
    }
    values = buffer(parameters.count, Double.self)
    index = Dictionary(
      parameters.enumerated().map { ($0.element.lane, $0.offset) }, uniquingKeysWith: { first, _ in first })
    let positions = index
    func lines(expense: Bool, _ count: Int) -> [(annual: Int?, growth: Int?)] {
      (0..<count).map {
        (
          positions[LaneParameter(.lineAnnual, $0, isExpense: expense)],
          positions[LaneParameter(.lineGrowth, $0, isExpense: expense)]
        )
      }
    }
    incomeColumns = lines(expense: false, scenario.income.count)
    expenseColumns = lines(expense: true, scenario.expenses.count)
    let services = plan.serviceMonthlyValue.count
    let sets = Swift.max(1, plan.eventSetCount)
    let events = plan.eventDuration.count
    let tiers = plan.tierMonthlyAmount.count
    let factors = Factor.allCases.count
    let groups = Set(parameters.map(\.lane.kind.group))
    let hasService = groups.contains(.service)
    let hasEvent = groups.contains(.event)
    let hasMoney = groups.contains(.moneyLine)
    serviceCost = buffer(hasService ? services : 0, Double.self)
    serviceMitigated = buffer(hasService ? services : 0, Double.self)
    serviceMigration = buffer(hasService ? services : 0, Double.self)
    serviceLogNoReplacement = buffer(hasService ? services : 0, Double.self)
    serviceRenewal = buffer(hasService ? services : 0, Double.self)
    serviceHazard = buffer(hasService ? services : 0, Double.self)
    serviceLogHazard = buffer(hasService ? services : 0, Double.self)
    serviceAdded = buffer(hasService ? services * sets : 0, Double.self)
    serviceNotice = buffer(hasService ? services : 0, Int32.self)
    eventDuration = buffer(hasEvent ? events : 0, Int32.self)
    eventLogNoStart = buffer(hasEvent ? events : 0, Double.self)
    eventMultipliers = buffer(hasEvent ? 5 * events : 0, Double.self)
    moneyRows = buffer(hasMoney ? 15 : 0, Double.self)
    factorIsUncertain = Factor.allCases.map { factor in
      positions[LaneParameter(.factorGrowth, factor.index)] != nil
        || positions[LaneParameter(.factorVolatility, factor.index)] != nil
    }
    factorDrift = buffer(factors, Double.self)
    factorShockSD = buffer(factors, Double.self)
    tierMonthlyAmount = buffer(tiers, Double.self)
    tierRenewal = buffer(tiers, Double.self)
    tierNewPerYear = buffer(tiers, Double.self)
    tierCount = buffer(tiers, Int64.self)
    tierRatesAreUncertain = (0..<tiers).map { t in
      positions[LaneParameter(.tierRenewal, t)] != nil || positions[LaneParameter(.tierNewPerYear, t)] != nil
    }
    renewalFactor = buffer(1, Double.self)
    arrivalFactor = buffer(1, Double.self)
    rollOverWork = buffer(6, Double.self)
    reserveRows =
      positions[LaneParameter(.reserveFloor)] != nil || positions[LaneParameter(.reserveReturn)] != nil
      ? buffer(4, Double.self) : nil
    rhoColumns = Dictionary(
      uniqueKeysWithValues: parameters.enumerated().filter { $0.element.lane.kind == .rho }.map {
        ($0.element.item, $0.offset)
      })
    let k = plan.correlatedFactors.count
    laneCholesky = rhoColumns.isEmpty ? nil : buffer(k * k, Double.self)
    self.allocations = allocations

    if hasService {
      let rows = UnsafeMutablePointer<rs_service_lanes>.allocate(capacity: 1)
      rows.initialize(
        to: rs_service_lanes(
          cost: serviceCost, mitigatedCost: serviceMitigated, migrationCost: serviceMigration,
          noticeMonths: serviceNotice, logNoReplacement: serviceLogNoReplacement, agreementRenewal: serviceRenewal,
          monthlyHazard: serviceHazard, logHazard: serviceLogHazard, addedHazard: serviceAdded))
      self.services = rows
      self.allocations.append(UnsafeMutableRawPointer(rows))
      for s in 0..<services { fillService(s, lanes: capacity, own: false) }
    }
    if hasEvent {
      let rows = UnsafeMutablePointer<rs_event_lanes>.allocate(capacity: 1)
      let perLane = plan.eventSetCount == 0
      let block = events * capacity
      rows.initialize(
        to: rs_event_lanes(
          duration: eventDuration, logNoStart: eventLogNoStart,
          incomeMultiplier: perLane ? eventMultipliers : nil,
          renewalMultiplier: perLane ? eventMultipliers + block : nil,
          newSponsorMultiplier: perLane ? eventMultipliers + 2 * block : nil,
          lossMultiplier: perLane ? eventMultipliers + 3 * block : nil,
          agreementMultiplier: perLane ? eventMultipliers + 4 * block : nil))
      self.events = rows
      self.allocations.append(UnsafeMutableRawPointer(rows))
      for k in 0..<events { fillEvent(k, lanes: capacity, own: false) }
    }
    if hasMoney {
      let rows = UnsafeMutablePointer<rs_money_lanes>.allocate(capacity: 1)
      let m = moneyRows
      rows.initialize(
        to: rs_money_lanes(
          incomeFixed: m, expensesFixed: m + capacity, incomeAmount: m + 2 * capacity,
          expenseAmount: m + 6 * capacity, cutFixed: m + 10 * capacity, cutAmount: m + 11 * capacity))
      self.money = rows
      self.allocations.append(UnsafeMutableRawPointer(rows))
    }
    for f in 0..<factors {
      (factorDrift + f * capacity).update(repeating: plan.factorDrift[f], count: capacity)
      (factorShockSD + f * capacity).update(repeating: plan.factorShockSD[f], count: capacity)
    }
    for t in 0..<tiers {
      (tierMonthlyAmount + t * capacity).update(repeating: plan.tierMonthlyAmount[t], count: capacity)
      (tierRenewal + t * capacity).update(repeating: plan.tierRenewalProbability[t], count: capacity)
      (tierNewPerYear + t * capacity).update(repeating: plan.tierNewPerYear[t], count: capacity)
      (tierCount + t * capacity).update(repeating: Int64(plan.tierInitialCount[t]), count: capacity)
    }
  }

  deinit { for pointer in allocations { pointer.deallocate() } }

  /// The uniform behind parameter `key`'s value in `path`: the Swift reference of `rs_parameter_draws`, which the
  /// tests hold the kernel to.
  @inlinable
  static func uniform(_ streams: RandomStreams, path: UInt32, key: UInt32) -> Double {
    let w = streams.words(path: path, month: 0, stream: .parameterDraws, draw: key)
    return RandomStreams.unit53(w.0, w.1)
  }

  /// The draws of a run from `seed` whose entry 0 is path `firstPath`, for the results (`ParameterDraws`); with
  /// `inner` > 1 path i draws at its group's counter ⌊i / inner⌋ (SPEC §22).
  package static func draws(seed: UInt64, firstPath: Int, inner: Int = 1) -> ParameterDraws {
    let streams = RandomStreams(seed: seed)
    guard inner > 1 else {
      return ParameterDraws { key, first, count, uniform, order in
        rs_parameter_draws(
          streams.key0, streams.key1, UInt32(truncatingIfNeeded: firstPath + first), Int32(count), key, uniform, order
        )
      }
    }
    return ParameterDraws(inner: inner, firstPath: firstPath) { key, first, count, uniform, order in
      // The groups' draws, then each path's copy of its group's.
      let start = firstPath + first
      let firstGroup = start / inner
      let groups = (start + count - 1) / inner - firstGroup + 1
      var groupUniform = [Double](repeating: 0, count: uniform == nil ? 0 : groups)
      var groupOrder = [UInt32](repeating: 0, count: order == nil ? 0 : groups)
      groupUniform.withUnsafeMutableBufferPointer { u in
        groupOrder.withUnsafeMutableBufferPointer { o in
          // An empty array may still have a base address: ask only for what the caller asked for.
          rs_parameter_draws(
            streams.key0, streams.key1, UInt32(truncatingIfNeeded: firstGroup), Int32(groups), key,
            uniform == nil ? nil : u.baseAddress, order == nil ? nil : o.baseAddress)
        }
      }
      for entry in 0..<count {
        let group = (start + entry) / inner - firstGroup
        uniform?[entry] = groupUniform[group]
        order?[entry] = groupOrder[group]
      }
    }
  }

  /// The values in the block of parameter `kind` of item `item` (a list item, a factor's index, 0 for the reserve),
  /// or nil when it is the same in every path.
  func column(_ kind: LaneKind, _ item: Int = 0) -> UnsafeMutablePointer<Double>? {
    index[LaneParameter(kind, item)].map { values + $0 * capacity }
  }

  /// Writes `parameter`'s values in paths firstPath ..< firstPath + lanes to `row` (lanes doubles): F⁻¹(u) of the
  /// uniform at its group's counter, each group of `pathsPerDraw` paths sharing one (SPEC §16, §22).
  static func draw(
    _ parameter: UncertainParameter, streams: RandomStreams, pathsPerDraw inner: Int, firstPath: Int, lanes: Int,
    into row: UnsafeMutablePointer<Double>
  ) {
    let firstGroup = firstPath / inner
    let groups = (firstPath + lanes - 1) / inner - firstGroup + 1
    // The uniforms first (the vectorised kernel), then F⁻¹ in place.
    rs_parameter_draws(
      streams.key0, streams.key1, UInt32(truncatingIfNeeded: firstGroup), Int32(groups), parameter.drawKey, row, nil)
    for group in 0..<groups { row[group] = parameter.distribution.value(at: row[group]) }
    if inner > 1 {
      // Downwards: a lane's group, (firstPath + lane)/inner − firstGroup, is never above the lane, so the groups'
      // values are read before they are overwritten.
      for lane in stride(from: lanes - 1, through: 0, by: -1) {
        row[lane] = row[(firstPath + lane) / inner - firstGroup]
      }
    }
  }

  /// Draws every uncertain parameter for paths firstPath ..< firstPath + lanes and rewrites the tables they feed.
  ///
  /// With nested draws (SPEC §22) the block's groups ⌊i / inner⌋ draw at their own counters and each lane copies
  /// its group's value; otherwise each path is its own group.
  /// - Parameter atCentres: every parameter takes its distribution's centre instead (rounded for a whole-number
  ///   field): the estimates switched off (SPEC §20), read through the same per-lane tables.
  func draw(firstPath: Int, lanes: Int, atCentres: Bool = false) {
    let inner = scenario.simulation.pathsPerDraw
    for (j, parameter) in scenario.uncertainParameters.enumerated() {
      let row = values + j * capacity
      let distribution = parameter.distribution
      if atCentres {
        let centre = distribution.centre
        row.update(
          repeating: distribution.isWholeNumber ? centre.rounded(.toNearestOrAwayFromZero) : centre, count: lanes)
        continue
      }
      Self.draw(parameter, streams: streams, pathsPerDraw: inner, firstPath: firstPath, lanes: lanes, into: row)
    }
    if services != nil {
      for s in 0..<plan.serviceMonthlyValue.count { fillService(s, lanes: lanes, own: true) }
    }
    if events != nil {
      for k in 0..<plan.eventDuration.count { fillEvent(k, lanes: lanes, own: true) }
    }
    for (f, factor) in Factor.allCases.enumerated() where factorIsUncertain[f] {
      let growth = column(.factorGrowth, factor.index)
      let volatility = column(.factorVolatility, factor.index)
      for lane in 0..<lanes {
        if let growth { factorDrift[f * capacity + lane] = Foundation.log1p(growth[lane]) / 12 }
        if let volatility { factorShockSD[f * capacity + lane] = volatility[lane] / 12.0.squareRoot() }
      }
    }
    if let laneCholesky { fillCholesky(laneCholesky, lanes: lanes) }
    for t in 0..<plan.tierMonthlyAmount.count {
      let row = t * capacity
      if let amount = column(.tierAmount, t) {
        for lane in 0..<lanes { tierMonthlyAmount[row + lane] = amount[lane] / 12 }
      }
      if let renewal = column(.tierRenewal, t) {
        for lane in 0..<lanes { tierRenewal[row + lane] = renewal[lane] }
      }
      if let arrivals = column(.tierNewPerYear, t) {
        for lane in 0..<lanes { tierNewPerYear[row + lane] = arrivals[lane] }
      }
      if let count = column(.tierCount, t) {
        for lane in 0..<lanes { tierCount[row + lane] = Int64(count[lane]) }
      }
    }
  }

  /// Month m's growth, discount, discounted floor and floor per lane, by the plan's formulas with each lane's own
  /// floor and return.
  func fillBalances(month m: Int, lanes: Int) {
    guard let rows = reserveRows else { return }
    let cap = capacity
    let floors = column(.reserveFloor), returns = column(.reserveReturn)
    for lane in 0..<lanes {
      let floor = floors?[lane] ?? plan.floor
      let growth: Double, discount: Double
      if let returns {
        growth = Foundation.pow(1 + returns[lane], 1.0 / 12)
        discount = Foundation.pow(1 + returns[lane], -Double(m) / 12)
      } else {
        (growth, discount) = (plan.monthlyGrowth, plan.discount[m - 1])
      }
      rows[lane] = growth
      rows[cap + lane] = discount
      rows[2 * cap + lane] = floor * discount
      rows[3 * cap + lane] = floor
    }
  }

  /// Each lane's Cholesky factor of its correlation matrix on the correlated factors (the lane's rhos where they
  /// are uncertain). Validation made every such matrix positive definite.
  private func fillCholesky(_ out: UnsafeMutablePointer<Double>, lanes: Int) {
    let range = plan.correlatedFactors
    let k = range.count
    var matrix = [Double](repeating: 0, count: k * k)
    for lane in 0..<lanes {
      for i in 0..<k { for j in 0..<k { matrix[i * k + j] = i == j ? 1 : 0 } }
      for (c, pair) in scenario.correlations.enumerated() {
        let rho = rhoColumns[c].map { values[$0 * capacity + lane] } ?? pair.rho
        let (i, j) = (pair.first.index - range.lowerBound, pair.second.index - range.lowerBound)
        // A pair outside the correlated factors has rho 0 (the plan's range holds every other one).
        guard (0..<k).contains(i) && (0..<k).contains(j) else { continue }
        matrix[i * k + j] = rho
        matrix[j * k + i] = rho
      }
      let l = CorrelationMatrix.cholesky(matrix, size: k) ?? matrix
      for entry in 0..<(k * k) { out[entry * capacity + lane] = l[entry] }
    }
  }

  /// Service s's per-lane tables, from the lanes' values where `own` and the service has uncertain fields, else
  /// from the plan.
  private func fillService(_ s: Int, lanes: Int, own: Bool) {
    let service = scenario.inKindServices[s]
    func value(_ kind: LaneKind, _ point: Double) -> (Int) -> Double {
      if own, let column = column(kind, s) { return { column[$0] } }
      return { _ in point }
    }
    if own && !LaneKind.allCases.contains(where: { $0.group == .service && column($0, s) != nil }) { return }
    let monthlyValue = value(.serviceValue, service.monthlyValue)
    let lossProbability = value(.serviceLoss, service.annualLossProbability)
    let notice = value(.serviceNotice, Double(service.noticeMonths))
    let fraction = value(.serviceCostFraction, service.replacementCostFraction)
    let replacement = value(.serviceReplacement, service.annualReplacementProbability)
    let renewal = value(.serviceAgreementRenewal, service.agreement?.renewalProbability ?? 0)
    let migration = value(.serviceMigration, service.migrationCost)
    let mitigated = value(.serviceMitigatedFraction, service.mitigation?.costFraction ?? 0)
    let sets = Swift.max(1, plan.eventSetCount)
    let row = s * capacity
    for lane in 0..<lanes {
      let v = monthlyValue(lane)
      serviceCost[row + lane] = fraction(lane) * v
      serviceMitigated[row + lane] = mitigated(lane) * v
      serviceMigration[row + lane] = migration(lane)
      serviceNotice[row + lane] = Int32(notice(lane))
      serviceLogNoReplacement[row + lane] = Foundation.log1p(-replacement(lane)) / 12
      serviceRenewal[row + lane] = renewal(lane)
      let terms = SimulationPlan.serviceHazard(annual: lossProbability(lane))
      serviceHazard[row + lane] = terms.monthly
      serviceLogHazard[row + lane] = terms.log
      if plan.eventSetCount > 0 {
        for set in 0..<sets {
          serviceAdded[(s * sets + set) * capacity + lane] = SimulationPlan.addedHazard(
            terms, multiplier: plan.eventSetLossMultiplier[set])
        }
      }
    }
  }

  /// Event kind k's per-lane tables (see `fillService`).
  private func fillEvent(_ k: Int, lanes: Int, own: Bool) {
    let event = scenario.events[k]
    if own && !LaneKind.allCases.contains(where: { $0.group == .event && column($0, k) != nil }) { return }
    func value(_ kind: LaneKind, _ point: Double) -> (Int) -> Double {
      if own, let column = column(kind, k) { return { column[$0] } }
      return { _ in point }
    }
    let probability = value(.eventProbability, event.annualProbability)
    let duration = value(.eventDuration, Double(event.durationMonths))
    let multipliers = [
      value(.eventIncome, event.incomeMultiplier),
      value(.eventRenewal, event.sponsorRenewalMultiplier),
      value(.eventNewSponsor, event.newSponsorMultiplier),
      value(.eventLoss, event.serviceLossMultiplier),
      value(.eventAgreement, event.agreementRenewalMultiplier),
    ]
    let row = k * capacity
    let block = plan.eventDuration.count * capacity
    for lane in 0..<lanes {
      eventDuration[row + lane] = Int32(duration(lane))
      eventLogNoStart[row + lane] = Foundation.log1p(-probability(lane)) / 12
      for (i, multiplier) in multipliers.enumerated() { eventMultipliers[i * block + row + lane] = multiplier(lane) }
    }
  }

  /// Writes month m's money lines per lane into `money`, summing the lines in the plan's order with each lane's
  /// own amounts: annual/12 · (1 + g)^((m−1)/12) in the months of a line's active years.
  func fillMoney(month m: Int, lanes: Int) {
    guard money != nil else { return }
    let cap = capacity
    // Rows 0–9 (fixed amounts and factor lines of income and expenses), and 10–14 (the cut lines) with cuts.
    moneyRows.update(repeating: 0, count: (scenario.policy?.cuts == nil ? 10 : 15) * cap)
    let year = (m - 1) / 12 + 1
    let t = Double(m - 1) / 12
    func add(
      _ lines: [MoneyLine], columns lineColumns: [(annual: Int?, growth: Int?)], fixed: UnsafeMutablePointer<Double>,
      amounts: UnsafeMutablePointer<Double>, factors: [Int], only: Set<String>? = nil
    ) {
      for (l, line) in lines.enumerated() where line.isActive(inYear: year) && (only?.contains(line.name) ?? true) {
        let target = line.factor.map { amounts + factors.firstIndex(of: $0.index)! * cap } ?? fixed
        let columns = lineColumns[l]
        let annual = columns.annual.map { values + $0 * cap }
        let growth = columns.growth.map { values + $0 * cap }
        if let growth {
          for lane in 0..<lanes {
            let a = annual?[lane] ?? line.annual
            target[lane] += a / 12 * Foundation.pow(1 + growth[lane], t)
          }
        } else {
          let scale = Foundation.pow(1 + line.annualGrowth, t)
          if let annual {
            for lane in 0..<lanes { target[lane] += annual[lane] / 12 * scale }
          } else {
            let amount = line.annual / 12 * scale
            for lane in 0..<lanes { target[lane] += amount }
          }
        }
      }
    }
    let rows = moneyRows
    add(scenario.income, columns: incomeColumns, fixed: rows, amounts: rows + 2 * cap, factors: plan.incomeFactors)
    add(
      scenario.expenses, columns: expenseColumns, fixed: rows + cap, amounts: rows + 6 * cap,
      factors: plan.expenseFactors)
    if let cuts = scenario.policy?.cuts {
      add(
        scenario.expenses, columns: expenseColumns, fixed: rows + 10 * cap, amounts: rows + 11 * cap,
        factors: plan.expenseFactors, only: cuts.lines.map(Set.init) ?? Set(scenario.expenses.map(\.name)))
    }
  }
}

/// The engine's tables a per-lane parameter rewrites. Every kind is placed here, so a kind the engine does not
/// handle does not compile.
package enum LaneGroup: Hashable, Sendable {
  case reserve, factor, correlation, moneyLine, tier, service, event
}

extension LaneKind {
  package var group: LaneGroup {
    switch self {
    case .reserveInitial, .reserveFloor, .reserveReturn: return .reserve
    case .factorGrowth, .factorVolatility: return .factor
    case .rho: return .correlation
    case .lineAnnual, .lineGrowth: return .moneyLine
    case .tierAmount, .tierCount, .tierRenewal, .tierNewPerYear: return .tier
    case .serviceValue, .serviceLoss, .serviceNotice, .serviceCostFraction, .serviceReplacement,
      .serviceAgreementRenewal, .serviceMigration, .serviceMitigatedFraction:
      return .service
    case .eventProbability, .eventDuration, .eventIncome, .eventRenewal, .eventNewSponsor, .eventLoss,
      .eventAgreement:
      return .event
    }
  }
}
