import XCTest
import _ReserveSimKernels

@testable import ReserveSimEngine
@testable import ReserveSimScenario

/// The replay of the balance recursion (`PolicyReplay`) behind the searched needs (SPEC §15, §17): it must give the
/// recording run's balances bit for bit, on any selection of lanes, and the search's monotonicity assumption is
/// measured on the shipped policy file.
final class PolicyReplayTests: XCTestCase {
  /// A block of `lanes` paths simulated by its own kernel, and the buffers its output points into.
  final class SimulatedBlock {
    let kernel: PathBlockKernel
    let lanes: Int
    var need: [Double], minimumNeed: [Double]
    var ruin: [Int32], below: [Int32]

    init(_ scenario: Scenario, lanes: Int, seed: UInt64, firstPath: Int = 0) {
      let plan = SimulationPlan(scenario)
      kernel = PathBlockKernel(plan: plan, seed: seed, capacity: lanes)
      self.lanes = lanes
      need = Array(repeating: 0, count: lanes)
      minimumNeed = Array(repeating: 0, count: lanes)
      ruin = Array(repeating: 0, count: lanes)
      below = Array(repeating: 0, count: lanes)
      var yearEnd = [Double](repeating: 0, count: lanes * plan.years)
      var flows = [Double](repeating: 0, count: plan.years * YearlyFlow.count)
      var activity = [Double](repeating: 0, count: plan.years * PolicyActivityField.count)
      need.withUnsafeMutableBufferPointer { need in
        minimumNeed.withUnsafeMutableBufferPointer { minimumNeed in
          ruin.withUnsafeMutableBufferPointer { ruin in
            below.withUnsafeMutableBufferPointer { below in
              yearEnd.withUnsafeMutableBufferPointer { yearEnd in
                flows.withUnsafeMutableBufferPointer { flows in
                  activity.withUnsafeMutableBufferPointer { activity in
                    var output = BlockOutput(
                      requiredReserve: need.baseAddress!, yearEndBalance: yearEnd.baseAddress!,
                      firstRuinMonth: ruin.baseAddress!, paths: lanes, blockFlows: flows.baseAddress!)
                    output.runStart = firstPath
                    output.belowMinimumMonth = below.baseAddress
                    output.minimumNeed = minimumNeed.baseAddress
                    output.blockActivity = activity.baseAddress
                    kernel.simulate(firstPath: firstPath, count: lanes, into: output)
                  }
                }
              }
            }
          }
        }
      }
    }

    /// Replays the selected lanes (all when nil) from `start` (one B₀ per selected lane) with the file's policy.
    func replay(
      _ start: [Double], lanes selection: [Int]? = nil, firstPath: Int = 0,
      stoppingWhenEvery failed: PolicyReplay.FailedTarget? = nil
    ) -> PolicyReplay {
      let replay = kernel.replay!
      if let selection { replay.select(selection) } else { replay.selectAll() }
      for (k, value) in start.enumerated() { replay.startBalance[k] = value }
      replay.replay(
        at: kernel.blockMonth(month: 0, firstPath: firstPath, lanes: lanes), lastMonth: kernel.plan.months,
        policy: kernel.monthPasses.policy, stoppingWhenEvery: failed)
      return replay
    }
  }

  /// Cuts, a limited appeal, a board minimum, donated services and a return that differs between paths (so the
  /// lanes' own growth, floor and discount are recorded too).
  static let responding = """
    {"name": "responding", "years": 6, "reserve": {"initial": 150000, "annualReturn": {"range": [0.0, 0.06]}},
     "factors": {"donations": {"annualGrowth": 0, "annualVolatility": 0.35}},
     "income": [{"name": "donations", "annual": 900000, "factor": "donations"}],
     "expenses": [{"name": "staff", "annual": 700000}, {"name": "travel", "annual": 250000}],
     "inKindServices": [{"name": "CDN", "monthlyValue": 20000, "scaling": "fixed", "annualLossProbability": 0.3,
                         "replacementCostFraction": 1, "annualReplacementProbability": 0.2}],
     "policy": {"minimumMonths": 2,
                "cuts": {"belowMonths": 3, "restoreMonths": 5, "expenseMultiplier": 0.4, "lines": ["travel"]},
                "appeal": {"belowMonths": 1, "amount": 60000, "probability": 0.5, "cooldownMonths": 6,
                           "maxAppeals": 3}}}
    """

  func testAReplayFromTheFilesReserveRepeatsTheRecordingRunBitForBit() throws {
    let scenario = try makeScenario(Self.responding)
    let block = SimulatedBlock(scenario, lanes: 256, seed: 31, firstPath: 512)
    let kernel = block.kernel
    XCTAssertNotNil(kernel.laneParameters?.reserveRows, "the lanes' own reserve rows are exercised")
    let start = (0..<256).map { kernel.startBalance[$0] }
    let replay = block.replay(start, firstPath: 512)
    var ruined = 0
    for lane in 0..<256 {
      XCTAssertEqual(replay.balance[lane].bitPattern, kernel.balance[lane].bitPattern, "lane \(lane)'s last balance")
      XCTAssertEqual(replay.ruinMonth[lane], kernel.ruinMonth[lane], "lane \(lane)'s ruin month")
      XCTAssertEqual(replay.belowMinimumMonth[lane], kernel.belowMinimumMonth[lane], "lane \(lane)'s minimum month")
      XCTAssertEqual(replay.appealCount[lane], kernel.appealCount[lane], "lane \(lane)'s appeals")
      if kernel.ruinMonth[lane] != 0 { ruined += 1 }
    }
    XCTAssertGreaterThan(ruined, 10, "the file must ruin some paths for the test to mean something")
    XCTAssertLessThan(ruined, 246)
  }

  func testAReplayOfSomeLanesGivesWhatTheWholeBlocksReplayGivesThem() throws {
    let scenario = try makeScenario(Self.responding)
    let block = SimulatedBlock(scenario, lanes: 256, seed: 5)
    // A B₀ per lane around the searched needs, where the responses decide survival.
    let start = (0..<256).map { block.need[$0] + Double($0 % 7 - 3) * 1000 }
    let whole = block.replay(start)
    let expected = (0..<256).map { (whole.balance[$0], whole.ruinMonth[$0], whole.need[$0], whole.minimumNeed[$0]) }
    let some = [0, 3, 17, 18, 100, 201, 255]
    let part = block.replay(some.map { start[$0] }, lanes: some)
    for (k, lane) in some.enumerated() {
      XCTAssertEqual(part.balance[k].bitPattern, expected[lane].0.bitPattern, "lane \(lane)")
      XCTAssertEqual(part.ruinMonth[k], expected[lane].1, "lane \(lane)")
      XCTAssertEqual(part.need[k].bitPattern, expected[lane].2.bitPattern, "lane \(lane)")
      XCTAssertEqual(part.minimumNeed[k].bitPattern, expected[lane].3.bitPattern, "lane \(lane)")
    }
  }

  /// A replay that may stop runs four lanes at a time (the last lanes mod 4 together) and stops them once all four
  /// have failed: every lane that survives, or fails with a surviving lane in its four, ends as in the replay of
  /// every month, bit for bit, and every failed lane has the same first failed month. Eleven lanes: two fours and
  /// three left over; B₀ on both sides of each lane's need, so that some fours fail whole and some do not.
  func testAReplayThatStopsWhenEveryLaneHasFailedChangesNoLaneThatIsRead() throws {
    let scenario = try makeScenario(Self.responding)
    let block = SimulatedBlock(scenario, lanes: 256, seed: 13)
    let lanes = [2, 5, 9, 30, 31, 64, 65, 66, 130, 200, 254]
    for shift in [-50_000.0, -1000, 0, 1000] {
      let start = lanes.enumerated().map { k, lane in block.need[lane] + (k < 4 ? shift : -shift) }
      for target in [PolicyReplay.FailedTarget.floor, .minimum] {
        let full = block.replay(start, lanes: lanes)
        let expected = (0..<lanes.count).map {
          (full.balance[$0], full.need[$0], full.minimumNeed[$0], full.ruinMonth[$0], full.belowMinimumMonth[$0])
        }
        let stopped = block.replay(start, lanes: lanes, stoppingWhenEvery: target)
        let failed = (0..<lanes.count).map { target == .floor ? expected[$0].3 != 0 : expected[$0].4 != 0 }
        var stoppedEarly = 0
        for k in 0..<lanes.count {
          let four = k < 8 ? Array(4 * (k / 4)..<4 * (k / 4) + 4) : Array(8..<lanes.count)
          let firstFailed = target == .floor ? stopped.ruinMonth[k] : stopped.belowMinimumMonth[k]
          XCTAssertEqual(firstFailed, target == .floor ? expected[k].3 : expected[k].4, "lane \(k), \(target)")
          guard four.allSatisfy({ failed[$0] }) else {
            XCTAssertEqual(stopped.balance[k].bitPattern, expected[k].0.bitPattern, "lane \(k), \(target)")
            XCTAssertEqual(stopped.need[k].bitPattern, expected[k].1.bitPattern, "lane \(k), \(target)")
            XCTAssertEqual(stopped.minimumNeed[k].bitPattern, expected[k].2.bitPattern, "lane \(k), \(target)")
            continue
          }
          if stopped.balance[k].bitPattern != expected[k].0.bitPattern { stoppedEarly += 1 }
        }
        if shift == -50_000 && target == .floor {
          XCTAssertGreaterThan(stoppedEarly, 0, "a four that failed whole stops before the last month")
        }
      }
    }
  }

  func testEachSearchedNeedSurvivesAndTheNeedLessItsToleranceDoesNot() throws {
    let scenario = try makeScenario(Self.responding)
    let block = SimulatedBlock(scenario, lanes: 256, seed: 9)
    let survives = block.replay(block.need)
    let tolerance = block.need.map { Swift.max(1, 1e-6 * abs($0)) }
    let alive = (0..<256).map { survives.ruinMonth[$0] == 0 }
    XCTAssertEqual(alive.filter { !$0 }.count, 0, "every path survives from its need")
    let fails = block.replay(zip(block.need, tolerance).map { $0 - 1.01 * $1 })
    XCTAssertEqual(
      (0..<256).filter { fails.ruinMonth[$0] == 0 }, [], "no path survives from its need less the tolerance")
  }

  /// A searched need costs a few replays of its lane: the upper end, the proposals, and one step to close the
  /// bracket. Where the decisions at a surviving candidate would survive from the bracket's lower end (the need with
  /// every response at its most), the lower end plus the tolerance is tried at once (`searchNeeds`' `lowerEnd`);
  /// bisecting down to it took a dozen replays. Counted on the shipped policy file (four blocks, both searches a
  /// path; a replay counts every lane it runs, settled ones included): 7.9 replays a searched need without that
  /// step, 5.1 with it, 4.7 since a round replays only the lanes still searched for; asserted below 6. The needs
  /// must still be within their tolerance of the least surviving B₀ (the test above).
  func testASearchedNeedTakesAFewReplaysOfItsLane() throws {
    let file = repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path
    let scenario = try ScenarioLoader().load(file)
    var replayed = 0, searched = 0
    for b in 0..<4 {
      let block = SimulatedBlock(scenario, lanes: 256, seed: 2026, firstPath: b * 256)
      replayed += block.kernel.replay!.lanesReplayed
      searched += 2 * 256  // the floor's need and the minimum's, per path
    }
    let perNeed = Double(replayed) / Double(searched)
    print("pypi-today-policy: \(perNeed) replays of a lane per searched need")
    XCTAssertGreaterThan(perNeed, 1, "a need is never found without replaying its lane")
    XCTAssertLessThan(perNeed, 6)
  }

  /// The search assumes that a path that survives from its need survives from every larger B₀. Counted on the
  /// shipped policy file: each path's survival is checked at its need plus 2ᵏ tolerances (k = 0 … 20) and at 32
  /// points up to the closed form's need without responses. About one path in eight breaks the assumption (an
  /// appeal's answer is drawn in the month it is made, so a larger B₀ that moves the appeal redraws it), yet the
  /// run's reserve at each level still keeps its share of the same paths: that is the property the search needs,
  /// and the one asserted here.
  func testHowManyPathsOfTheShippedPolicyFileAreNotMonotone() throws {
    let file = repositoryRoot.appendingPathComponent("scenarios/pypi-today-policy.json").path
    let scenario = try ScenarioLoader().load(file)
    let blocks = (0..<8).map { SimulatedBlock(scenario, lanes: 256, seed: 2026, firstPath: $0 * 256) }
    let paths = 256 * blocks.count
    var violating = 0
    for (b, block) in blocks.enumerated() {
      let kernel = block.kernel
      var none = kernel.monthPasses.policy
      (none.hasCuts, none.hasAppeal) = (0, 0)
      let upper: [Double] = kernel.replay!.bounds[PolicyReplay.BoundKey(lastMonth: kernel.plan.months, policy: none)]!
        .floor
      var steps: [[Double]] = (0...20).map { k in block.need.map { Swift.max(1, 1e-6 * abs($0)) * Double(1 << k) } }
      steps += (1...32).map { j in (0..<256).map { (upper[$0] - block.need[$0]) * Double(j) / 32 } }
      var failing = Set<Int>()
      for step in steps {
        let replay = block.replay((0..<256).map { block.need[$0] + step[$0] }, firstPath: b * 256)
        for lane in 0..<256 where replay.ruinMonth[lane] != 0 && block.need[lane] + step[lane] <= upper[lane] {
          failing.insert(lane)
        }
      }
      violating += failing.count
    }
    print("pypi-today-policy: \(violating) of \(paths) paths fail at some B₀ above their searched need")
    XCTAssertGreaterThan(
      violating, 0, "the file's appeal makes some paths non-monotone; a count of 0 means no check ran")
    XCTAssertLessThan(violating, paths / 2)

    /// How many of the paths survive when every one starts from `reserve`.
    func survivors(from reserve: Double) -> Int {
      blocks.enumerated().map { b, block in
        let replay = block.replay(Array(repeating: reserve, count: 256), firstPath: b * 256)
        return (0..<256).filter { replay.ruinMonth[$0] == 0 }.count
      }.reduce(0, +)
    }
    let needs = blocks.flatMap(\.need).sorted()
    for c in [0.5, 0.75, 0.9, 0.95] {
      let k = Int((c * Double(paths)).rounded(.up))
      XCTAssertGreaterThanOrEqual(survivors(from: needs[k - 1]), k, "the reserve at \(c) keeps its share")
    }
  }
}
