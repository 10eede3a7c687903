import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimExport

final class WhatIfDriversTests: XCTestCase {
  func testTheServiceWhoseLossCausesRuinRanksFirst() {
    let scenario = WhatIfFixtures.scenario(WhatIfFixtures.oneCriticalService)
    let result = WhatIfFixtures.simulate(paths: 800, diagnostics: true)(scenario)
    let drivers = RuinDrivers(result)
    XCTAssertGreaterThan(drivers.ruinedPaths, 50)
    XCTAssertGreaterThan(drivers.survivingPaths, 50)
    let top = drivers.drivers[0]
    XCTAssertEqual(top.kind, .serviceLost)
    XCTAssertEqual(top.name, "Critical")
    XCTAssertEqual(top.ruinedMean, 1, "no path is ruined without losing the critical service")
    XCTAssertEqual(top.separation, top.ruinedMean - top.survivingMean, accuracy: 1e-12)
    XCTAssertGreaterThan(top.separation, 0.5)
    let trivial = drivers.drivers.first { $0.name == "Trivial" }!
    XCTAssertLessThan(abs(trivial.separation), 0.1)
    // Services, the event, the traffic level and the tier are all features (the file draws no estimate).
    XCTAssertEqual(
      Set(drivers.drivers.map(\.kind)), Set(RuinDrivers.Driver.Kind.allCases).subtracting([.drawnEstimate]))
    XCTAssertEqual(
      WhatIfText.sentences(drivers).first,
      "The Critical donation was lost in 100% of ruined paths and \(PercentFormat.format(top.survivingMean, digits: 0)) of surviving ones."
    )
  }

  func testNoRuinedPathAndNoSurvivingPathAreHandled() {
    var safe = WhatIfFixtures.scenario(WhatIfFixtures.oneCriticalService)
    safe.reserve.initial = 1e9
    let none = RuinDrivers(WhatIfFixtures.simulate(paths: 100, diagnostics: true)(safe))
    XCTAssertEqual(none.ruinedPaths, 0)
    XCTAssertEqual(none.drivers, [])
    XCTAssertEqual(WhatIfText.sentences(none), [])
    XCTAssertTrue(WhatIfText.nothingToCompare(none)!.hasPrefix("No path was ruined"))
    XCTAssertTrue(WhatIfText.render(none).contains("nothing to compare"))

    var doomed = safe
    doomed.reserve.initial = 0
    doomed.expenses[0].annual = 1e8
    let all = RuinDrivers(WhatIfFixtures.simulate(paths: 100, diagnostics: true)(doomed))
    XCTAssertEqual(all.survivingPaths, 0)
    XCTAssertEqual(all.drivers, [])
    XCTAssertTrue(WhatIfText.nothingToCompare(all)!.hasPrefix("Every path was ruined"))
  }

  func testCliffsDeltaByHand() {
    XCTAssertEqual(RuinDrivers.cliffsDelta([1, 1, 1], [0, 0]), 1)
    XCTAssertEqual(RuinDrivers.cliffsDelta([0, 0], [1, 1, 1]), -1)
    XCTAssertEqual(RuinDrivers.cliffsDelta([2, 2], [2, 2]), 0)
    // Pairs (x, y): 3>1, 3>2, 1=1, 1<2 → (2 − 1)/4.
    XCTAssertEqual(RuinDrivers.cliffsDelta([3, 1], [1, 2]), 0.25)
    // Yes/no features: the difference in shares.
    XCTAssertEqual(RuinDrivers.cliffsDelta([1, 1, 1, 0], [1, 0, 0, 0, 0]), 0.75 - 0.2, accuracy: 1e-12)
  }
}
