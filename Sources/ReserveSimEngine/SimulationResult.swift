import Foundation
import ReserveSimScenario

/// The raw outcome of a run: one entry per path (in path order) for everything the summaries need.
public struct SimulationResult: Sendable {
  public let scenario: Scenario
  public let paths: Int
  public let seed: UInt64
  /// need for each path: the least B₀ that keeps the path at or above the floor every month (SPEC §7).
  public let requiredReserve: [Double]
  /// B(12y) for each path, starting from the scenario's initial reserve; year-major:
  /// `yearEndBalance[(y−1)·paths + i]`.
  public let yearEndBalance: [Double]
  /// First month with B(m) < floor, or 0 when the path is never ruined.
  public let firstRuinMonth: [Int32]
  /// Mean over paths of each yearly flow, `yearlyFlowMeans[(y−1)·YearlyFlow.count + flow]`.
  public let yearlyFlowMeans: [Double]
  /// Per-path diagnostics, when the simulator was asked to record them.
  public let diagnostics: PathDiagnostics?
  /// First month-end with the balance below the policy's minimum months of outgo (SPEC §15), 0 when never;
  /// empty when the scenario sets no minimum.
  public var belowMinimumMonth: [Int32] = []
  /// need_min for each path (SPEC §17): the least B₀ that keeps cover ≥ k (B(m) ≥ k·outgo(m)) at every month-end
  /// with outgo; −∞ for a path with no outgo at all; empty when the scenario sets no minimum.
  public var minimumNeed: [Double] = []
  /// need_y for each path, by y, for the simulator's `needYears` (SPEC §17): the least B₀ that keeps the path at or
  /// above the floor in months 1 … 12y.
  public var needsWithin: [Int: [Double]] = [:]
  /// need_min,y for each path, by y, for the simulator's `needYears`; empty without a minimum.
  public var minimumNeedsWithin: [Int: [Double]] = [:]
  /// Mean over paths of the policy's activity in each year (SPEC §19),
  /// `policyActivityMeans[(y−1)·PolicyActivityField.count + field]`; empty when the scenario has no cuts or appeal.
  public var policyActivityMeans: [Double] = []
  /// The first month each in-kind service is paid for after a loss (SPEC §21's m_L: m + notice + 1 for a loss in
  /// month m, e + 1 for an agreement that ends with month e; later losses do not move it), possibly past the
  /// horizon M; 0 when the service is never lost. Service-major: `firstPaidMonth[s·paths + i]`. Nil unless the
  /// simulator recorded it (`Simulator.recordsFirstPaidMonths`).
  public var firstPaidMonth: [Int32]? = nil
  /// Each block's yearly flow sums, block-major (`blockFlowSums[b·years·YearlyFlow.count + (y−1)·YearlyFlow.count +
  /// flow]`), when the simulator kept them (`Simulator.keepsBlockSums`); else empty.
  package var blockFlowSums: [Double] = []
  /// Each block's policy activity sums, laid out like `blockFlowSums` with `PolicyActivityField.count` fields, when
  /// kept and the scenario has cuts or an appeal; else empty.
  package var blockActivitySums: [Double] = []
  /// How the paths drew their uncertain estimates (SPEC §16); nil when the scenario has none.
  public var parameterDraws: ParameterDraws? = nil

  /// How `requiredReserve` was found: SPEC §7's closed formula, or a search on B₀ when the policy's responses
  /// make cash flows depend on the balance (SPEC §15).
  public var requiredReserveMethod: RequiredReserveMethod {
    scenario.policy?.respondsToBalance == true ? .search : .exact
  }

  public var years: Int { scenario.years }

  /// Year-end balances of year `year` (1-based) over all paths.
  public func balances(year: Int) -> [Double] {
    Array(yearEndBalance[(year - 1) * paths..<year * paths])
  }

  /// The first month service `service` is paid for on path `path` (SPEC §21), 0 when never lost; nil when not
  /// recorded.
  public func firstPaidMonth(service: Int, path: Int) -> Int? {
    firstPaidMonth.map { Int($0[service * paths + path]) }
  }

  /// Mean of a yearly flow in year `year` (1-based).
  public func meanFlow(_ flow: YearlyFlow, year: Int) -> Double {
    yearlyFlowMeans[(year - 1) * YearlyFlow.count + flow.rawValue]
  }

  /// Mean over paths of one figure of the policy's activity in year `year` (1-based, SPEC §19); nil when the
  /// scenario has no cuts or appeal.
  public func meanActivity(_ field: PolicyActivityField, year: Int) -> Double? {
    policyActivityMeans.isEmpty ? nil : field.value(year: year, in: policyActivityMeans)
  }
}

/// Per-path facts about what happened on each path, for analysing what drives ruin.
///
/// Each fact is one array over paths per service, event kind, tier or factor, kind-major: the entry for
/// kind k on path i is at `k·paths + i`. The simulator's blocks fill disjoint path ranges of these arrays
/// while the run is under way; afterwards they are only read.
public final class PathDiagnostics: @unchecked Sendable {
  public let paths: Int
  public let serviceNames: [String]
  public let eventNames: [String]
  public let tierNames: [String]
  /// 1 when in-kind service s was lost at least once on path i, else 0: `serviceLostFlags[s·paths + i]`.
  let serviceLostFlags: UnsafeMutablePointer<UInt8>
  /// Months (count) event kind k was active on path i: `activeEventMonths[k·paths + i]`.
  let activeEventMonths: UnsafeMutablePointer<Int32>
  /// Sponsors (count) of tier t in the last year on path i: `horizonSponsors[t·paths + i]`.
  let horizonSponsors: UnsafeMutablePointer<Int64>
  /// Log level X_f(M) of factor f at the horizon month M on path i: `horizonLogLevels[f·paths + i]`.
  let horizonLogLevels: UnsafeMutablePointer<Double>

  /// Zeroed arrays for `paths` paths of the scenario's services, event kinds, tiers and every factor.
  /// - Complexity: O(paths × (services + events + tiers + factors)).
  init(paths: Int, scenario: Scenario) {
    self.paths = paths
    serviceNames = scenario.inKindServices.map(\.name)
    eventNames = scenario.events.map(\.name)
    tierNames = scenario.sponsorTiers.map(\.name)
    func zeroed<T: Numeric>(_ count: Int, _: T.Type) -> UnsafeMutablePointer<T> {
      let p = UnsafeMutablePointer<T>.allocate(capacity: max(1, count))
      p.initialize(repeating: 0, count: max(1, count))
      return p
    }
    serviceLostFlags = zeroed(paths * serviceNames.count, UInt8.self)
    activeEventMonths = zeroed(paths * eventNames.count, Int32.self)
    horizonSponsors = zeroed(paths * tierNames.count, Int64.self)
    horizonLogLevels = zeroed(paths * Factor.allCases.count, Double.self)
  }

  deinit {
    serviceLostFlags.deallocate()
    activeEventMonths.deallocate()
    horizonSponsors.deallocate()
    horizonLogLevels.deallocate()
  }

  /// Whether service `service` was lost at least once on path `path`.
  public func serviceLost(_ service: Int, path: Int) -> Bool { serviceLostFlags[service * paths + path] != 0 }
  /// Months event kind `event` was active on path `path`.
  public func eventMonths(_ event: Int, path: Int) -> Int { Int(activeEventMonths[event * paths + path]) }
  /// Sponsors of tier `tier` in the last year on path `path`.
  public func finalSponsors(_ tier: Int, path: Int) -> Int { Int(horizonSponsors[tier * paths + path]) }
  /// Traffic level at the horizon on path `path`.
  public func finalTraffic(path: Int) -> Double { Foundation.exp(finalLogLevel(.traffic, path: path)) }
  /// Log level X_f(M) of a factor at the horizon on path `path` (0 for a factor the file leaves out).
  public func finalLogLevel(_ factor: Factor, path: Int) -> Double { horizonLogLevels[factor.index * paths + path] }
}

/// How each path's need was found (SPEC §15's `requiredReserveMethod`).
public enum RequiredReserveMethod: String, Sendable {
  /// need = max over m of [floor/D(m) − Σ_{k≤m} NCF(k)/D(k)] (SPEC §7).
  case exact
  /// The least B₀ that keeps the path at or above the floor, by bisection on common random numbers, to within
  /// max(1, 10⁻⁶·B₀).
  case search
}

/// What the policy's responses did in a year (SPEC §19), summed per path and year by the engine's blocks in this
/// order (the kernel's `RS_ACTIVITY_*` rows); means over paths after reduction. Months after ruin count too.
public enum PolicyActivityField: Int, CaseIterable, Sendable {
  /// 1 when the cuts applied to some month of the year (the mean is the share of paths).
  case cutInForce
  /// The months the cuts applied to.
  case cutMonths
  /// The expense not paid because of the cuts: (1 − f) × the cut lines, over those months.
  case cutAmount
  /// Appeals made (at the year's month-ends).
  case appeals
  /// Appeals whose money arrived in the year.
  case appealsAnswered
  /// The money raised by appeals, in the year it arrives.
  case raised
  /// 1 when the cuts applied to some month so far, from month 1 to the year's end (the mean at the horizon is the
  /// share of paths with cuts in force in some month: `solve`'s `cutShare`, SPEC §18). Kept by the engine's Swift
  /// side from `cutInForce` at each year end; the C kernel writes only the rows before it.
  case cutSoFar
  public static let count = allCases.count

  /// This field's entry for year `year` (1-based) in activity rows by year (`policyActivityMeans`' layout:
  /// `(year − 1)·count + field`).
  public func value(year: Int, in rows: [Double]) -> Double { rows[(year - 1) * Self.count + rawValue] }
}

/// The money flows summed per year for the yearly table (means over paths after reduction); the engine's
/// blocks write their sums in this order.
public enum YearlyFlow: Int, CaseIterable, Sendable {
  case income, sponsorRevenue, expenses, serviceCosts
  public static let count = allCases.count
}
