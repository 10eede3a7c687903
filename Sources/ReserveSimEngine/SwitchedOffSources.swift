/// The risk sources a run ignores, for the attribution of SPEC §20: each source switched off acts as if it could
/// not happen, while every random number is still drawn at its own address (path, month, stream), so runs with
/// different sources switched off share their random numbers (common random numbers).
///
/// - a service switched off is never lost: its loss clock is set to +∞ and its dated agreement never ends, which
///   gives the bits of a file in which the service has no way to be lost;
/// - an event kind switched off never starts (no month is active for it);
/// - sponsor churn switched off: sponsors never leave (renewal min(1, p·R) taken as 1 in every tier), new sponsors
///   still join as drawn;
/// - markets switched off: every factor's volatility is 0, so level_f(m) = (1 + g_f)^((m−1)/12) with the path's
///   own g_f, the bits of the file with every `annualVolatility` set to 0;
/// - estimates switched off: every parameter written as a distribution (SPEC §16) takes its distribution's centre
///   in every path (rounded for whole-number fields).
package struct SwitchedOffSources: Hashable, Sendable {
  /// Indices of the in-kind services that are never lost.
  package var services: Set<Int>
  /// Indices of the event kinds that never start.
  package var events: Set<Int>
  /// Whether sponsors never leave.
  package var sponsorChurn: Bool
  /// Whether every factor's volatility is taken as 0.
  package var markets: Bool
  /// Whether every estimate sits at its centre.
  package var estimates: Bool

  package init(
    services: Set<Int> = [], events: Set<Int> = [], sponsorChurn: Bool = false, markets: Bool = false,
    estimates: Bool = false
  ) {
    self.services = services
    self.events = events
    self.sponsorChurn = sponsorChurn
    self.markets = markets
    self.estimates = estimates
  }

  /// Every source on: the file as written.
  package static let none = SwitchedOffSources()

  /// The union of two sets of sources switched off.
  package func union(_ other: SwitchedOffSources) -> SwitchedOffSources {
    SwitchedOffSources(
      services: services.union(other.services), events: events.union(other.events),
      sponsorChurn: sponsorChurn || other.sponsorChurn, markets: markets || other.markets,
      estimates: estimates || other.estimates)
  }
}
