import Foundation
import ReserveSim
import XCTest

@testable import ReserveSimServer

/// The page's views keep the run of the file as written (`AsWrittenRuns`): simulated once per file, paths and seed,
/// and the same answer as before.
final class AsWrittenRunsTests: XCTestCase {
  private func view(
    _ service: ServeService, _ edits: [String], paths: Int = 400, seed: UInt64? = nil
  ) async throws -> [String: NSObject] {
    var request = APIRequest(scenario: "pypi-2020-uncertain")
    (request.set, request.paths, request.seed) = (edits, paths, seed)
    let text = try await service.view(request)
    return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: NSObject])
  }

  /// Views that move a control run the file as written once; an unedited view runs nothing more (its run is the
  /// file as written); other paths or another seed run it again. Every view's parts equal a fresh service's.
  func testViewsRunTheFileAsWrittenOncePerPathsAndSeed() async throws {
    let service = try ServeService(files: ServerTestCase.shippedScenarios, threads: 2)
    let first = try await view(service, ["reserve.initial=3000000"])
    let second = try await view(service, ["inKindServices[CDN].noticeMonths=2"])
    var simulated = await service.asWritten.simulated
    XCTAssertEqual(simulated, 1)
    XCTAssertEqual(first["base"], second["base"])
    XCTAssertNotEqual(first["run"], second["run"])
    let fresh = try await view(
      try ServeService(files: ServerTestCase.shippedScenarios, threads: 2), ["inKindServices[CDN].noticeMonths=2"])
    XCTAssertEqual(second, fresh, "a view from the kept run is the view that runs both")

    let unedited = try await view(service, [])
    simulated = await service.asWritten.simulated
    XCTAssertEqual(simulated, 1)
    XCTAssertEqual(unedited["run"], first["base"])
    XCTAssertEqual(unedited["base"], first["base"])

    _ = try await view(service, ["reserve.initial=3000000"], paths: 500)
    _ = try await view(service, ["reserve.initial=3000000"], seed: 7)
    simulated = await service.asWritten.simulated
    XCTAssertEqual(simulated, 3)
  }

  /// A view cancelled while its edited file runs (the page's control still moving) has already kept the file as
  /// written: the next view does not run it again.
  func testAViewCancelledWhileItsEditRunsKeepsTheFileAsWritten() async throws {
    let service = try ServeService(files: ServerTestCase.shippedScenarios, threads: 2)
    var request = APIRequest(scenario: "pypi-2020-uncertain")
    (request.set, request.paths) = (["reserve.initial=3000000"], 20_000)
    let box = TaskBox()
    let task = Task { [request] in
      try await service.view(request) { share in if share > 0.55 { box.cancel() } }
    }
    box.set(task)
    let outcome = await task.result
    XCTAssertThrowsError(try outcome.get(), "the view was cancelled while its edit ran")
    var simulated = await service.asWritten.simulated
    XCTAssertEqual(simulated, 1)
    _ = try await view(service, ["reserve.initial=1000000"], paths: 20_000)
    simulated = await service.asWritten.simulated
    XCTAssertEqual(simulated, 1)
  }

  /// The kept runs' memory estimates stay within the budget, the least recently used dropped first; a run larger
  /// than the budget is not kept.
  func testTheKeptRunsStayWithinTheirBudget() async throws {
    let pipeline = RunPipeline(simulator: Simulator(threads: 1))
    let loaded = try pipeline.load(ServerTestCase.shippedScenarios.first { $0.hasSuffix("pypi-2020-baseline.json") }!)
    let output = try await pipeline.run(loaded, paths: 100)
    func key(_ seed: UInt64) -> AsWrittenRuns.Key {
      AsWrittenRuns.Key(file: loaded.file, scenario: loaded.scenario, paths: 100, seed: seed)
    }
    let runs = AsWrittenRuns(budgetBytes: 100)
    for seed: UInt64 in 1...3 { await runs.keep(output, for: key(seed), bytes: 40) }
    var kept = await (runs.output(for: key(1)), runs.output(for: key(2)), runs.output(for: key(3)))
    XCTAssertNil(kept.0, "the least recently used is dropped past the budget")
    XCTAssertNotNil(kept.1)
    XCTAssertNotNil(kept.2)
    // Seed 2 was read before seed 3, so seed 2 goes next.
    await runs.keep(output, for: key(4), bytes: 40)
    kept = await (runs.output(for: key(2)), runs.output(for: key(3)), runs.output(for: key(4)))
    XCTAssertNil(kept.0)
    XCTAssertNotNil(kept.1)
    XCTAssertNotNil(kept.2)
    await runs.keep(output, for: key(5), bytes: 101)
    let large = await runs.output(for: key(5))
    XCTAssertNil(large, "a run larger than the budget is not kept")
  }
}

/// A task that its own progress can cancel.
private final class TaskBox: @unchecked Sendable {
  private let lock = NSLock()
  private var task: Task<String, any Error>?
  private var cancelled = false

  func set(_ task: Task<String, any Error>) {
    lock.withLock {
      self.task = task
      if cancelled { task.cancel() }
    }
  }

  func cancel() {
    lock.withLock {
      cancelled = true
      task?.cancel()
    }
  }
}
