import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimExport
@testable import ReserveSimScenario

final class WhatIfSweepTests: XCTestCase {
  func testAxesParseFromTheSetSyntax() throws {
    let axis = try XCTUnwrap(try SweepAxis(parsing: "reserve.initial=0:2e6:5"))
    XCTAssertEqual(axis.path.description, "reserve.initial")
    XCTAssertEqual(axis.values, [0, 500_000, 1_000_000, 1_500_000, 2_000_000])
    XCTAssertNil(try SweepAxis(parsing: "reserve.initial=2e6"))
    XCTAssertNil(try SweepAxis(parsing: "inKindServices[CDN].scaling=traffic"))
    XCTAssertThrowsError(try SweepAxis(parsing: "reserve.initial=0:1:2.5"))
    XCTAssertThrowsError(try SweepAxis(parsing: "reserve.initial=0:1:0"))
    XCTAssertEqual(try SweepAxis(parsing: "x=3:3:1")?.values, [3])
    XCTAssertEqual(try SweepAxis(parsing: "inKindServices[CDN].noticeMonths=0:3:4")?.values, [0, 1, 2, 3])
    XCTAssertEqual(try SweepAxis(parsing: "inKindServices[CDN].noticeMonths=0:1:3")?.values, [0, 1, 1])  // rounded
  }

  func testAPointWrittenThroughAddressesIsTheEditDecodedFromJSON() throws {
    let document = WhatIfFixtures.cdnDependent()
    let axes = [
      try XCTUnwrap(try SweepAxis(parsing: "inKindServices[CDN].annualLossProbability=0:0.4:3")),
      try XCTUnwrap(try SweepAxis(parsing: "reserve.initial=0:2e6:2")),
    ]
    let simulate = WhatIfFixtures.simulate(paths: 300)
    let sweep = try Sweep(document: document, axes: axes, simulate: simulate)
    XCTAssertEqual(sweep.rows.count, 6)
    for row in sweep.rows {
      var point = document
      for (axis, value) in zip(axes, row.values) { point = try axis.path.setting(.number(value), in: point) }
      let outcome = RunOutcome(
        simulate(try Scenario(json: point)), confidences: RunSummary.defaultReserveConfidences)
      XCTAssertEqual(row.outcome, outcome, "\(row.values)")
    }
  }

  func testRuinFallsMonotonicallyAsTheInitialReserveRises() throws {
    let sweep = try Sweep(
      document: WhatIfFixtures.cdnDependent(), axes: [try XCTUnwrap(try SweepAxis(parsing: "reserve.initial=0:3e6:7"))],
      simulate: WhatIfFixtures.simulate(paths: 500))
    let ruin = sweep.rows.map(\.outcome.ruinProbability)
    XCTAssertEqual(
      sweep.rows.map { $0.values[0] }, [0, 500_000, 1_000_000, 1_500_000, 2_000_000, 2_500_000, 3_000_000])
    XCTAssertGreaterThan(ruin.first!, ruin.last!)
    // On common random numbers a larger reserve can only save paths, never ruin one: strictly no rise.
    for (lower, higher) in zip(ruin, ruin.dropFirst()) { XCTAssertGreaterThanOrEqual(lower, higher) }
    // The reserve a path needs does not depend on the reserve it has.
    for row in sweep.rows { XCTAssertEqual(row.outcome.requiredReserve, sweep.rows[0].outcome.requiredReserve) }
  }

  func testTheReserveNeededRisesWithTheLossProbability() throws {
    let sweep = try Sweep(
      document: WhatIfFixtures.cdnDependent(),
      axes: [try XCTUnwrap(try SweepAxis(parsing: "inKindServices[CDN].annualLossProbability=0:0.5:6"))],
      simulate: WhatIfFixtures.simulate(paths: 400))
    // Without replacement a higher hazard brings every path's loss earlier or leaves it: costs only rise.
    for (lower, higher) in zip(sweep.rows, sweep.rows.dropFirst()) {
      XCTAssertLessThanOrEqual(lower.outcome.ruinProbability, higher.outcome.ruinProbability)
      for (a, b) in zip(lower.outcome.requiredReserve, higher.outcome.requiredReserve) {
        XCTAssertLessThanOrEqual(a, b)
      }
    }
  }

  func testTwoAxesMakeAGridWithTheFirstAxisOutside() throws {
    let sweep = try Sweep(
      document: WhatIfFixtures.cdnDependent(),
      axes: [
        try XCTUnwrap(try SweepAxis(parsing: "reserve.initial=0:1e6:2")),
        try XCTUnwrap(try SweepAxis(parsing: "inKindServices[CDN].annualLossProbability=0.1:0.3:3")),
      ],
      simulate: WhatIfFixtures.simulate(paths: 100))
    XCTAssertEqual(sweep.rows.map(\.values), [[0, 0.1], [0, 0.2], [0, 0.3], [1e6, 0.1], [1e6, 0.2], [1e6, 0.3]])
    let table = WhatIfCSV.table(sweep)
    XCTAssertEqual(
      table.header,
      [
        "reserve.initial", "inKindServices[CDN].annualLossProbability", "ruinProbability", "requiredReserve50",
        "requiredReserve75", "requiredReserve90", "requiredReserve95", "requiredReserve99",
      ])
    XCTAssertEqual(table.rows.count, 6)
  }

  func testAnInvalidGridPointIsNamed() throws {
    XCTAssertThrowsError(
      try Sweep(
        document: WhatIfFixtures.cdnDependent(),
        axes: [try XCTUnwrap(try SweepAxis(parsing: "inKindServices[CDN].annualLossProbability=0.5:1.5:3"))],
        simulate: WhatIfFixtures.simulate(paths: 10))
    ) { error in
      let message = (error as? ScenarioError)?.description ?? ""
      XCTAssertTrue(message.contains("at the grid point inKindServices[CDN].annualLossProbability=1.5"), message)
    }
  }
}
