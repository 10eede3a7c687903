import Foundation
import ReserveSim
import ReserveSimEngine
import ReserveSimScenario
import XCTest

/// Switching a risk source off (SPEC §20) gives, bit for bit, the file edited so that the source cannot act, and
/// leaves every path that the source did not touch exactly as it was: no random-number address moves.
final class SwitchedOffSourcesTests: XCTestCase {
  /// Correlated volatile factors, a traffic-scaled and a fixed service, an event acting on everything, two tiers.
  static func base(
    renewal: String = "0.8",
    events: String = """
    {"name": "Downturn", "annualProbability": 0.2, "durationMonths": 9, "incomeMultiplier": 0.7,
     "newSponsorMultiplier": 0.5, "serviceLossMultiplier": 2}
    """
  ) -> String {
    """
    {"name": "sources", "years": 6,
     "reserve": {"initial": 900000, "annualReturn": 0.02},
     "factors": {"traffic": {"annualGrowth": 0.3, "annualVolatility": 0.2},
                 "unitCost": {"annualGrowth": -0.1, "annualVolatility": 0.08},
                 "donations": {"annualGrowth": 0.02, "annualVolatility": 0.1}},
     "correlations": [{"between": ["traffic", "unitCost"], "rho": -0.4}],
     "income": [{"name": "Donations", "annual": 400000, "factor": "donations"}],
     "expenses": [{"name": "Staff", "annual": 500000, "annualGrowth": 0.03}],
     "sponsorTiers": [{"name": "Gold", "annualAmount": 60000, "count": 3, "renewalProbability": \(renewal),
                       "newPerYear": 0.5}],
     "inKindServices": [
       {"name": "CDN", "monthlyValue": 30000, "scaling": "traffic", "annualLossProbability": 0.15,
        "noticeMonths": 2, "replacementCostFraction": 0.7, "annualReplacementProbability": 0.3},
       {"name": "Hosting", "monthlyValue": 8000, "annualLossProbability": 0.1,
        "agreement": {"ends": 30, "renewalProbability": 0.5, "renewalYears": 2}}],
     "events": [\(events)]
    }
    """
  }

  static let paths = 700

  /// Each path's need and first ruin month with `sources` switched off, through the compiled plan.
  func switchedOff(_ scenario: Scenario, _ sources: SwitchedOffSources, threads: Int = 2) throws -> [Double] {
    let needs = Box(count: Self.paths)
    try Simulator(threads: threads).runSwitchingOff(
      scenario, runs: [sources], outcome: .need, paths: Self.paths, seed: 11
    ) { first, lanes, values, _ in
      for lane in 0..<lanes { needs[first + lane] = values[lane] }
    }
    return needs.values
  }

  func fileNeeds(_ scenario: Scenario) -> [Double] {
    simulate(scenario, paths: Self.paths, seed: 11).requiredReserve
  }

  func edited(_ json: String, _ edit: (inout [String: Any]) -> Void) throws -> Scenario {
    var object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    edit(&object)
    return try makeScenario(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
  }

  func testNothingSwitchedOffIsTheRunItself() throws {
    let scenario = try makeScenario(Self.base())
    XCTAssertEqual(try switchedOff(scenario, .none).map(\.bitPattern), fileNeeds(scenario).map(\.bitPattern))
  }

  func testMarketsOffIsTheFileWithEveryVolatilityZero() throws {
    let scenario = try makeScenario(Self.base())
    let calm = try edited(Self.base()) { object in
      var factors = object["factors"] as! [String: [String: Any]]
      for key in factors.keys { factors[key]!["annualVolatility"] = 0 }
      object["factors"] = factors
    }
    let needs = try switchedOff(scenario, .init(markets: true))
    XCTAssertEqual(needs.map(\.bitPattern), fileNeeds(calm).map(\.bitPattern))
    XCTAssertNotEqual(needs, fileNeeds(scenario))
  }

  func testAServiceOffIsTheFileInWhichItCannotBeLost() throws {
    let scenario = try makeScenario(Self.base())
    for (s, name) in ["CDN", "Hosting"].enumerated() {
      let safe = try edited(Self.base()) { object in
        var services = object["inKindServices"] as! [[String: Any]]
        services[s]["annualLossProbability"] = 0
        services[s]["agreement"] = nil
        object["inKindServices"] = services
      }
      let needs = try switchedOff(scenario, .init(services: [s]))
      XCTAssertEqual(needs.map(\.bitPattern), fileNeeds(safe).map(\.bitPattern), name)
    }
  }

  func testAnEventOffIsTheFileInWhichItNeverStarts() throws {
    let scenario = try makeScenario(Self.base())
    let quiet = try edited(Self.base()) { object in
      var events = object["events"] as! [[String: Any]]
      events[0]["annualProbability"] = 0
      object["events"] = events
    }
    XCTAssertEqual(
      try switchedOff(scenario, .init(events: [0])).map(\.bitPattern), fileNeeds(quiet).map(\.bitPattern))
  }

  func testChurnOffIsTheFileInWhichEverySponsorRenews() throws {
    let scenario = try makeScenario(Self.base())
    let loyal = try edited(Self.base()) { object in
      var tiers = object["sponsorTiers"] as! [[String: Any]]
      tiers[0]["renewalProbability"] = 1
      object["sponsorTiers"] = tiers
    }
    XCTAssertEqual(
      try switchedOff(scenario, .init(sponsorChurn: true)).map(\.bitPattern), fileNeeds(loyal).map(\.bitPattern))
  }

  /// With seven event kinds the products are per lane and arrivals changed by events leave the alias tables; with
  /// an uncertain renewal the tier takes the exact samplers. Churn off is still the file with renewal 1.
  func testChurnOffWithPerLaneProductsAndUncertainRates() throws {
    let events = (1...7).map {
      "{\"name\": \"E\($0)\", \"annualProbability\": 0.1, \"durationMonths\": 6, \"newSponsorMultiplier\": 0.6}"
    }.joined(separator: ",")
    let scenario = try makeScenario(Self.base(events: events))
    let loyal = try makeScenario(Self.base(renewal: "1", events: events))
    XCTAssertEqual(
      try switchedOff(scenario, .init(sponsorChurn: true)).map(\.bitPattern), fileNeeds(loyal).map(\.bitPattern))
    // Rates drawn per path take the exact samplers, whose words differ from the tables': there, with churn off, the
    // renewal rate no longer matters — two distributions of it give the same bits.
    let drawn = try makeScenario(Self.base(renewal: "{\"range\": [0.6, 0.9]}", events: events))
    let otherwise = try makeScenario(Self.base(renewal: "{\"uniform\": [0.2, 0.5]}", events: events))
    let churnOff = SwitchedOffSources(sponsorChurn: true)
    XCTAssertEqual(
      try switchedOff(drawn, churnOff).map(\.bitPattern), try switchedOff(otherwise, churnOff).map(\.bitPattern))
    XCTAssertNotEqual(try switchedOff(drawn, .none), try switchedOff(otherwise, .none))
  }

  func testEstimatesOffAreTheFileAtTheirCentres() throws {
    let uncertain = Self.base().replacingOccurrences(
      of: "\"annualLossProbability\": 0.15", with: "\"annualLossProbability\": {\"range\": [0.05, 0.3]}"
    ).replacingOccurrences(of: "\"annual\": 500000", with: "\"annual\": {\"uniform\": [450000, 550000]}")
    let scenario = try makeScenario(uncertain)
    XCTAssertEqual(scenario.uncertainParameters.count, 2)
    let centred = try makeScenario(
      Self.base().replacingOccurrences(
        of: "\"annualLossProbability\": 0.15",
        with:
          "\"annualLossProbability\": \(scenario.uncertainParameters.first { "\($0.path)".contains("CDN") }!.distribution.centre)"
      ))
    XCTAssertEqual(
      try switchedOff(scenario, .init(estimates: true)).map(\.bitPattern), fileNeeds(centred).map(\.bitPattern))
  }

  /// A source switched off changes only the paths it acted on: paths on which the CDN was never lost, or the
  /// downturn never came, keep their need to the bit.
  func testPathsTheSourceDidNotTouchAreUnchanged() throws {
    let scenario = try makeScenario(Self.base())
    let result = simulate(scenario, paths: Self.paths, seed: 11, diagnostics: true)
    let diagnostics = try XCTUnwrap(result.diagnostics)
    let withoutCDN = try switchedOff(scenario, .init(services: [0]))
    let withoutDownturn = try switchedOff(scenario, .init(events: [0]))
    var untouched = (cdn: 0, downturn: 0)
    var changed = (cdn: 0, downturn: 0)
    for path in 0..<Self.paths {
      if !diagnostics.serviceLost(0, path: path) {
        XCTAssertEqual(withoutCDN[path].bitPattern, result.requiredReserve[path].bitPattern, "path \(path)")
        untouched.cdn += 1
      } else if withoutCDN[path] != result.requiredReserve[path] {
        changed.cdn += 1
      }
      if diagnostics.eventMonths(0, path: path) == 0 {
        XCTAssertEqual(withoutDownturn[path].bitPattern, result.requiredReserve[path].bitPattern, "path \(path)")
        untouched.downturn += 1
      } else if withoutDownturn[path] != result.requiredReserve[path] {
        changed.downturn += 1
      }
    }
    XCTAssertGreaterThan(untouched.cdn, 100)
    XCTAssertGreaterThan(changed.cdn, 100)
    XCTAssertGreaterThan(untouched.downturn, 50)
    XCTAssertGreaterThan(changed.downturn, 100)
  }

  /// A block's runs with different sources off share its factor shocks, drawn by the first run and read again by
  /// the others (`keepsShocks`): each run gives what it gives alone, also when each lane has its own correlation
  /// (an uncertain rho, applied again in each run since the estimates at their centres change it).
  func testRunsAfterABlocksFirstReadItsShocksAsDrawn() throws {
    let ownRho = Self.base().replacingOccurrences(of: "\"rho\": -0.4", with: "\"rho\": {\"uniform\": [-0.7, -0.1]}")
    XCTAssertNotEqual(ownRho, Self.base())
    let runs: [SwitchedOffSources] = [
      .init(estimates: true), .none, .init(markets: true), .init(services: [0]), .init(estimates: true),
      .init(events: [0], sponsorChurn: true),
    ]
    for json in [Self.base(), ownRho] {
      let scenario = try makeScenario(json)
      let together = Box(count: runs.count * Self.paths)
      try Simulator(threads: 2).runSwitchingOff(
        scenario, runs: runs, outcome: .need, paths: Self.paths, seed: 11
      ) { first, lanes, values, stride in
        for j in runs.indices {
          for lane in 0..<lanes { together[j * Self.paths + first + lane] = values[j * stride + lane] }
        }
      }
      for (j, sources) in runs.enumerated() {
        let alone = try switchedOff(scenario, sources)
        let shared = Array(together.values[j * Self.paths..<(j + 1) * Self.paths])
        XCTAssertEqual(
          shared.map(\.bitPattern), alone.map(\.bitPattern),
          "run \(j), \(scenario.uncertainParameters.count) estimates")
      }
    }
  }

  func testTheThreadCountChangesNothing() throws {
    let scenario = try makeScenario(Self.base())
    let sources = SwitchedOffSources(services: [1], sponsorChurn: true)
    XCTAssertEqual(
      try switchedOff(scenario, sources, threads: 1).map(\.bitPattern),
      try switchedOff(scenario, sources, threads: 3).map(\.bitPattern))
  }
}

/// Per-path values written by the blocks of a run, each block its own slots.
private final class Box: @unchecked Sendable {
  let storage: UnsafeMutableBufferPointer<Double>
  init(count: Int) {
    storage = .allocate(capacity: count)
    storage.initialize(repeating: .nan)
  }
  deinit { storage.deallocate() }
  var values: [Double] { Array(storage) }
  subscript(i: Int) -> Double {
    get { storage[i] }
    set { storage[i] = newValue }
  }
}
