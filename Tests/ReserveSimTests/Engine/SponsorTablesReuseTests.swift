import XCTest

@testable import ReserveSimEngine

/// `SponsorTransitionTables.reused` gives the tables a fresh build gives, for the same rates and after a change.
final class SponsorTablesReuseTests: XCTestCase {
  private func same(_ a: SponsorTransitionTables, _ b: SponsorTransitionTables) -> Bool {
    a.setCount == b.setCount && a.ratesOfTierAndSet == b.ratesOfTierAndSet
      && a.rows.map { [$0.start, $0.size] } == b.rows.map { [$0.start, $0.size] }
      && a.cells.map { "\($0.cut),\($0.alias)" } == b.cells.map { "\($0.cut),\($0.alias)" }
  }

  func testReusedTablesEqualAFreshBuildBeforeAndAfterTheRatesChange() {
    let rates: [([Double], [Double])] = [
      ([0.85, 0.5], [0.4, 2]), ([0.85, 0.5], [0.4, 2]), ([0.8, 0.5], [0.4, 2]),
    ]
    for (renewal, arrivals) in rates {
      let reused = SponsorTransitionTables.reused(
        renewalProbability: renewal, newPerYear: arrivals, setRenewalMultiplier: [1, 0.9],
        setNewSponsorMultiplier: [1, 0.5])
      let fresh = SponsorTransitionTables(
        renewalProbability: renewal, newPerYear: arrivals, setRenewalMultiplier: [1, 0.9],
        setNewSponsorMultiplier: [1, 0.5])
      XCTAssertTrue(same(reused, fresh), "\(renewal) \(arrivals)")
    }
    // A change in the events' multipliers alone is a change too.
    let other = SponsorTransitionTables.reused(
      renewalProbability: [0.8, 0.5], newPerYear: [0.4, 2], setRenewalMultiplier: [1, 0.7],
      setNewSponsorMultiplier: [1, 0.5])
    XCTAssertTrue(
      same(
        other,
        SponsorTransitionTables(
          renewalProbability: [0.8, 0.5], newPerYear: [0.4, 2], setRenewalMultiplier: [1, 0.7],
          setNewSponsorMultiplier: [1, 0.5])))
  }
}
