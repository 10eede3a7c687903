import ReserveSimEngine
import ReserveSimScenario

/// A source of risk that `reservesim attribute` can switch off (SPEC §20): an in-kind service (its loss from every
/// cause), an event kind, sponsor churn (departures only), markets (every factor's volatility), the estimates
/// written as distributions, or several of the smallest grouped as "other sources".
public struct RiskSource: Sendable, Equatable {
  public enum Kind: String, Sendable {
    case service, event, sponsorChurn, markets, estimates, other
  }

  /// The name shown: the service's or event's own, or the source in words.
  public var name: String
  public var kind: Kind
  /// What switching the source off means for the engine.
  package var switchedOff: SwitchedOffSources

  /// The sources of `scenario` that can act, in file order: services, events, sponsor churn, markets, estimates.
  /// Left out: a service with no way to be lost (no loss probability, no agreement ending within the horizon),
  /// an event that never starts, churn when every sponsor surely renews, markets when no factor is volatile,
  /// estimates when the file has no distribution.
  public static func sources(of scenario: Scenario) -> [RiskSource] {
    let uncertain = Set(scenario.uncertainParameters.map(\.lane))
    func varies(_ kind: LaneKind, _ item: Int) -> Bool { uncertain.contains(LaneParameter(kind, item)) }
    var sources: [RiskSource] = []
    for (s, service) in scenario.inKindServices.enumerated() {
      let endsInTime = service.agreement.map { $0.ends <= scenario.months } ?? false
      guard service.annualLossProbability > 0 || varies(.serviceLoss, s) || endsInTime else { continue }
      sources.append(RiskSource(name: service.name, kind: .service, switchedOff: .init(services: [s])))
    }
    for (k, event) in scenario.events.enumerated() where event.annualProbability > 0 || varies(.eventProbability, k) {
      sources.append(RiskSource(name: event.name, kind: .event, switchedOff: .init(events: [k])))
    }
    let tiersLeave = scenario.sponsorTiers.indices.contains { t in
      scenario.sponsorTiers[t].renewalProbability < 1 || varies(.tierRenewal, t)
    }
    let eventsCutRenewal = scenario.events.indices.contains { k in
      scenario.events[k].sponsorRenewalMultiplier < 1 || varies(.eventRenewal, k)
    }
    if !scenario.sponsorTiers.isEmpty && (tiersLeave || eventsCutRenewal) {
      sources.append(RiskSource(name: "Sponsor churn", kind: .sponsorChurn, switchedOff: .init(sponsorChurn: true)))
    }
    let volatile = Factor.allCases.contains { factor in
      (scenario.factors[factor]?.annualVolatility ?? 0) > 0 || varies(.factorVolatility, factor.index)
    }
    if volatile { sources.append(RiskSource(name: "Markets", kind: .markets, switchedOff: .init(markets: true))) }
    if !scenario.uncertainParameters.isEmpty {
      sources.append(RiskSource(name: "Estimates", kind: .estimates, switchedOff: .init(estimates: true)))
    }
    return sources
  }

  /// `sources` grouped as one "other sources", switched on and off together.
  static func grouping(_ sources: [RiskSource]) -> RiskSource {
    RiskSource(
      name: "Other sources (" + sources.map(\.name).joined(separator: ", ") + ")", kind: .other,
      switchedOff: sources.reduce(SwitchedOffSources.none) { $0.union($1.switchedOff) })
  }
}
