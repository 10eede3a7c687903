import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimEngine
@testable import ReserveSimResults
@testable import ReserveSimScenario

/// `MemoryEstimate`: its per-path bytes are the arrays a run keeps plus the larger of the block flows and the
/// needs' sort, it finds the largest path count that fits, and it refuses with one line.
final class MemoryEstimateTests: XCTestCase {
  private func scenario(years: Int) throws -> Scenario {
    try makeScenario(
      """
      {"name": "memory", "years": \(years), "reserve": {"initial": 1000},
       "income": [{"name": "grant", "annual": 1200}],
       "sponsorTiers": [{"name": "Tier", "annualAmount": 100, "count": 3, "renewalProbability": 0.9}],
       "inKindServices": [{"name": "CDN", "monthlyValue": 50, "annualLossProbability": 0.2}],
       "events": [{"name": "Downturn", "annualProbability": 0.1, "durationMonths": 6}]}
      """)
  }

  /// Bytes of the per-path arrays a result keeps, from their element counts and sizes.
  private func keptBytes(_ result: SimulationResult) -> Int {
    result.requiredReserve.count * MemoryLayout<Double>.stride
      + result.yearEndBalance.count * MemoryLayout<Double>.stride
      + result.firstRuinMonth.count * MemoryLayout<Int32>.stride
  }

  /// The runway's record (SPEC §21): 4 bytes a path and service in the result, counted twice for the copy into it.
  func testTheFirstPaidMonthsAreCountedWhenRecorded() throws {
    let scenario = try scenario(years: 10)
    var simulator = Simulator(threads: 2)
    simulator.recordsFirstPaidMonths = true
    let result = simulator.run(scenario, paths: 1000, seed: 1)
    XCTAssertEqual(result.firstPaidMonth?.count, 1000 * scenario.inKindServices.count)
    let without = MemoryEstimate(scenario: scenario, paths: 1000, threads: 2)
    let with = simulator.memoryEstimate(for: scenario, paths: 1000)
    XCTAssertEqual(with.bytesPerPath - without.bytesPerPath, Double(2 * MemoryLayout<Int32>.stride))
  }

  func testBytesPerPathAreTheArraysPlusTheLargerTransient() throws {
    for years in [1, 10, 100] {
      let scenario = try scenario(years: years)
      let paths = 1000
      let result = simulate(scenario, paths: paths)
      let estimate = MemoryEstimate(scenario: scenario, paths: paths, threads: 2)
      XCTAssertEqual(Simulator(threads: 2).memoryEstimate(for: scenario, paths: paths), estimate)
      let kept = Double(keptBytes(result)) / Double(paths)
      // The block flows: a [Double] of YearlyFlow.count · years per block of `Simulator.blockSize` paths.
      let flows = Double(YearlyFlow.count * years * MemoryLayout<Double>.stride) / Double(Simulator.blockSize)
      // RadixSort: keys and scratch ([UInt64] of N each) and the sorted needs ([Double] of N) at once.
      let sort = Double(2 * MemoryLayout<UInt64>.stride + MemoryLayout<Double>.stride)
      XCTAssertEqual(estimate.bytesPerPath, kept + max(flows, sort), "years \(years)")

      let withDiagnostics = MemoryEstimate(scenario: scenario, paths: paths, threads: 2, recordsDiagnostics: true)
      XCTAssertEqual(
        Simulator(threads: 2, recordsDiagnostics: true).memoryEstimate(for: scenario, paths: paths), withDiagnostics)
      // One service (1 byte), one event kind (Int32), one tier (Int32 or Int64), four factors (Double).
      let diagnostics = withDiagnostics.bytesPerPath - estimate.bytesPerPath
      XCTAssertGreaterThanOrEqual(diagnostics, Double(1 + 4 + 4 + 4 * 8))
      XCTAssertLessThanOrEqual(diagnostics, Double(1 + 4 + 8 + 4 * 8))
    }
  }

  /// The ranking of uncertain estimates (SPEC §16) reads at most 2²⁰ paths: its buffers (r bytes a path it reads)
  /// and the needs' sort (t bytes a path) are not held at once, so the transient peak is max(t·N, r·min(N, 2²⁰)).
  func testTheRankingIsCountedForThePathsItReadsOnly() throws {
    let scenario = try ScenarioLoader().load(
      repositoryRoot.appendingPathComponent("scenarios/pypi-2020-uncertain.json").path)
    XCTAssertFalse(scenario.uncertainParameters.isEmpty)
    XCTAssertNil(scenario.simulation.nested)
    let ranking = MemoryEstimate.rankingBytesPerPath(scenario, threads: 2)
    let sort = Double(2 * MemoryLayout<UInt64>.stride + MemoryLayout<Double>.stride)
    let kept = Double(8 + 4 + 8 * scenario.years)
    let sample = Double(UncertaintyRanking.samplePaths)
    XCTAssertGreaterThan(ranking, sort)
    for paths in [1_000, 1 << 20, 3_000_000, 100_000_000] {
      let estimate = MemoryEstimate(scenario: scenario, paths: paths, threads: 2)
      XCTAssertEqual(estimate.bytesPerPath, kept + sort, "\(paths) paths")
      let transient = max(sort * Double(paths), ranking * min(Double(paths), sample))
      XCTAssertEqual(Double(estimate.bytes - estimate.fixedBytes), kept * Double(paths) + transient, accuracy: 1)
    }
    // What fits is worked out for the ranking's largest share, so it fits at any path count.
    let estimate = MemoryEstimate(scenario: scenario, paths: 100_000_000, threads: 2)
    for available in [512 << 20, 4 << 30] {
      let fits = estimate.largestPathCount(fitting: available)
      XCTAssertLessThanOrEqual(MemoryEstimate(scenario: scenario, paths: fits, threads: 2).bytes, available)
    }
  }

  func testLargestPathCountFitsAndOneMoreDoesNot() throws {
    let scenario = try scenario(years: 100)
    let estimate = MemoryEstimate(scenario: scenario, paths: 1_000_000_000, threads: 4)
    for available in [256 << 20, 1 << 30, 23 << 30, 100 << 30] {
      let fits = estimate.largestPathCount(fitting: available)
      XCTAssertGreaterThan(fits, 0)
      XCTAssertLessThanOrEqual(MemoryEstimate(scenario: scenario, paths: fits, threads: 4).bytes, available)
      XCTAssertGreaterThan(MemoryEstimate(scenario: scenario, paths: fits + 1, threads: 4).bytes, available)
    }
    XCTAssertEqual(estimate.largestPathCount(fitting: estimate.fixedBytes - 1), 0)
  }

  func testRefusesWithOneLineSayingWhatFits() throws {
    let scenario = try scenario(years: 100)
    let estimate = MemoryEstimate(scenario: scenario, paths: 1_000_000_000, threads: 2)
    XCTAssertNoThrow(try estimate.check(available: estimate.bytes))
    XCTAssertThrowsError(try estimate.check(available: 8 << 30)) { error in
      let message = String(describing: error)
      XCTAssertFalse(message.contains("\n"), message)
      XCTAssertTrue(message.contains("1,000,000,000 paths over 100 years"), message)
      XCTAssertTrue(message.contains("8.6 GB available"), message)
      let fits = estimate.largestPathCount(fitting: 8 << 30)
      XCTAssertTrue(message.contains("at most \(InsufficientMemoryError.grouped(fits)) paths fit"), message)
    }
    XCTAssertEqual(InsufficientMemoryError.grouped(999), "999")
    XCTAssertEqual(InsufficientMemoryError.grouped(1234), "1,234")
    XCTAssertEqual(InsufficientMemoryError.grouped(28_592_701), "28,592,701")
    // Unknown memory: nothing to check against.
    XCTAssertNoThrow(try estimate.check(available: nil))
  }

  func testTheMachineSaysHowMuchIsAvailable() throws {
    #if os(Linux)
      let available = try XCTUnwrap(MemoryEstimate.availableBytes())
      XCTAssertGreaterThan(available, 0)
      XCTAssertLessThanOrEqual(available, Int(ProcessInfo.processInfo.physicalMemory))
    #endif
  }
}
