import ReserveSim
import XCTest

@testable import ReserveSimAnalysis
@testable import ReserveSimResults

final class WhatIfComparisonTests: XCTestCase {
  func testComparingAScenarioWithItselfIsExactlyZero() {
    let simulate = WhatIfFixtures.simulate(paths: 500)
    let scenario = WhatIfFixtures.scenario(WhatIfFixtures.cdnDependent())
    let comparison = Comparison(a: simulate(scenario), b: simulate(scenario))
    let ruin = comparison.ruinProbability
    XCTAssertGreaterThan(ruin.a, 0)
    XCTAssertEqual([ruin.difference, ruin.lower, ruin.upper], [0, 0, 0])
    XCTAssertEqual(comparison.requiredReserve.map(\.confidence), RunSummary.defaultReserveConfidences)
    for level in comparison.requiredReserve {
      XCTAssertEqual(level.value.a, level.value.b)
      XCTAssertEqual([level.value.difference, level.value.lower, level.value.upper], [0, 0, 0])
    }
    XCTAssertEqual(comparison.notes, [])
  }

  func testHigherLossProbabilityGivesAPositiveDifferenceWithANarrowerPairedInterval() {
    let n = 2000
    let simulate = WhatIfFixtures.simulate(paths: n)
    let a = simulate(WhatIfFixtures.scenario(WhatIfFixtures.cdnDependent(lossProbability: 0.1)))
    let b = simulate(WhatIfFixtures.scenario(WhatIfFixtures.cdnDependent(lossProbability: 0.2)))
    let comparison = Comparison(a: a, b: b)
    let ruin = comparison.ruinProbability
    XCTAssertEqual(ruin.difference, ruin.b - ruin.a, accuracy: 1e-12)
    XCTAssertGreaterThan(ruin.lower, 0, "the paired interval excludes 0")
    XCTAssertLessThan(ruin.lower, ruin.difference)
    XCTAssertGreaterThan(ruin.upper, ruin.difference)

    // Two independent runs would give the unpaired interval d ± 1.96·√(p_A(1−p_A)/N + p_B(1−p_B)/N).
    let unpairedHalfWidth =
      ConfidenceIntervals.z95 * (ruin.a * (1 - ruin.a) / Double(n) + ruin.b * (1 - ruin.b) / Double(n)).squareRoot()
    let pairedHalfWidth = (ruin.upper - ruin.lower) / 2
    XCTAssertLessThan(pairedHalfWidth, unpairedHalfWidth)
    XCTAssertLessThan(
      pairedHalfWidth, 0.75 * unpairedHalfWidth, "common random numbers should remove much of the noise")

    for level in comparison.requiredReserve where level.confidence >= 0.75 {
      XCTAssertGreaterThan(level.value.difference, 0, "reserve at \(level.confidence)")
      XCTAssertLessThanOrEqual(level.value.lower, level.value.difference)
      XCTAssertGreaterThanOrEqual(level.value.upper, level.value.difference)
    }
  }

  func testOutcomeAgreesWithTheRunSummary() {
    let result = WhatIfFixtures.simulate(paths: 600)(WhatIfFixtures.scenario(WhatIfFixtures.cdnDependent()))
    let outcome = RunOutcome(result)
    let summary = RunSummary(result)
    XCTAssertEqual(outcome.ruinProbability, summary.ruinProbability.value)
    XCTAssertEqual(outcome.requiredReserve, summary.requiredReserve.map(\.value))
    XCTAssertEqual(outcome.requiredReserve(confidence: 0.95), summary.requiredReserve[3].value)
  }

  func testListsInADifferentOrderAndDifferentHorizonsAreNoted() {
    var b = WhatIfFixtures.scenario(WhatIfFixtures.oneCriticalService)
    let a = b
    b.inKindServices.reverse()
    XCTAssertEqual(Comparison.caveats(a, a), [])
    XCTAssertEqual(Comparison.caveats(a, b).count, 1)
    XCTAssertTrue(Comparison.caveats(a, b)[0].hasPrefix("inKindServices differ"))
    var shorter = a
    shorter.years = 3
    XCTAssertEqual(
      Comparison.caveats(a, shorter), ["A runs 5 years and B 3: each ruin probability counts its own horizon"])
  }
}

final class WhatIfBootstrapTests: XCTestCase {
  func testSplitMix64MatchesTheReferenceSequence() {
    // The reference implementation (Vigna, splitmix64.c) from state 0.
    var generator = SplitMix64(seed: 0)
    XCTAssertEqual(generator.next(), 0xE220_A839_7B1D_CDAF)
    XCTAssertEqual(generator.next(), 0x6E78_9E6A_A1B9_65F4)
    XCTAssertEqual(generator.next(), 0x06C4_5D18_8009_454F)
  }

  func testIndicesStayInRangeAndCoverIt() {
    var generator = SplitMix64(seed: 42)
    var seen = Set<Int>()
    for _ in 0..<1000 {
      let index = generator.index(below: 7)
      XCTAssertTrue((0..<7).contains(index))
      seen.insert(index)
    }
    XCTAssertEqual(seen.count, 7)
  }

  func testPairedProportionByHand() {
    // d = (+1, 0, 0, −1, +1): mean 0.2, Σd² = 3, s² = (3 − 5·0.04)/4 = 0.7.
    let a = [false, true, false, true, false]
    let b = [true, true, false, false, true]
    let result = PairedProportion.difference(a: a, b: b)
    XCTAssertEqual(result.difference, 0.2, accuracy: 1e-15)
    let half = ConfidenceIntervals.z95 * (0.7 / 5).squareRoot()
    XCTAssertEqual(result.lower, 0.2 - half, accuracy: 1e-12)
    XCTAssertEqual(result.upper, 0.2 + half, accuracy: 1e-12)
  }

  func testBootstrapIsReproducibleAndCentredOnAShift() {
    var generator = SplitMix64(seed: 9)
    let a = (0..<3000).map { _ in Double(generator.next() % 1_000_000) }
    let b = a.map { $0 + 500 }
    let first = PairedBootstrap.quantileDifferenceIntervals(a: a, b: b, confidences: [0.5, 0.95])
    let again = PairedBootstrap.quantileDifferenceIntervals(a: a, b: b, confidences: [0.5, 0.95])
    XCTAssertEqual(first.map(\.lower), again.map(\.lower))
    XCTAssertEqual(first.map(\.upper), again.map(\.upper))
    // A constant shift moves every order statistic by exactly the shift, in every resample.
    for interval in first {
      XCTAssertEqual(interval.lower, 500)
      XCTAssertEqual(interval.upper, 500)
    }
  }

  func testOrderStatisticsBySelectionMatchSorting() {
    var generator = SplitMix64(seed: 5)
    let values = (0..<1001).map { _ in Double(generator.next() % 5000) - 2500 }
    let sorted = values.sorted()
    let ranks = [1, 500, 1001, 951, 990, 2]
    XCTAssertEqual(RunOutcome.orderStatistics(values, ranks: ranks), ranks.map { sorted[$0 - 1] })
  }
}
