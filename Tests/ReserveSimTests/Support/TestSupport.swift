import Foundation
import ReserveSim
import XCTest

/// The repository's root folder: the nearest folder above this file that holds Package.swift (so tests find
/// `scenarios/` and `Tests/Fixtures/` wherever their own file sits).
let repositoryRoot: URL = {
  var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  while !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) && url.path != "/" {
    url.deleteLastPathComponent()
  }
  return url
}()

/// Builds a validated scenario from JSON text.
func makeScenario(_ json: String, file: StaticString = #filePath, line: UInt = #line) throws -> Scenario {
  try Scenario(json: JSONValue.parse(Data(json.utf8), file: "test.json"))
}

/// Runs a scenario's simulation on all cores.
func simulate(_ scenario: Scenario, paths: Int, seed: UInt64 = 7, threads: Int = 2, diagnostics: Bool = false)
  -> SimulationResult
{
  Simulator(threads: threads, recordsDiagnostics: diagnostics).run(scenario, paths: paths, seed: seed)
}

/// Asserts |estimate − expected| ≤ k·standardError, reporting how many standard errors off it is.
func assertWithinStandardErrors(
  _ estimate: Double, _ expected: Double, standardError: Double, k: Double = 4, _ what: String,
  file: StaticString = #filePath, line: UInt = #line
) {
  let z = standardError > 0 ? abs(estimate - expected) / standardError : (estimate == expected ? 0 : .infinity)
  XCTAssertLessThanOrEqual(
    z, k, "\(what): estimate \(estimate), expected \(expected), \(z) standard errors off (se \(standardError))",
    file: file, line: line)
}

/// Sample mean and standard error of the mean.
func meanAndStandardError<S: Sequence>(_ values: S) -> (mean: Double, standardError: Double) where S.Element == Double {
  var n = 0.0, sum = 0.0, sumSquares = 0.0
  for v in values {
    n += 1
    sum += v
    sumSquares += v * v
  }
  let mean = sum / n
  let variance = max(0, (sumSquares - n * mean * mean) / (n - 1))
  return (mean, (variance / n).squareRoot())
}

/// Pearson's sample correlation of two equally long samples.
func sampleCorrelation(_ a: [Double], _ b: [Double]) -> Double {
  let n = Double(a.count)
  let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
  var sab = 0.0, saa = 0.0, sbb = 0.0
  for i in a.indices {
    sab += (a[i] - ma) * (b[i] - mb)
    saa += (a[i] - ma) * (a[i] - ma)
    sbb += (b[i] - mb) * (b[i] - mb)
  }
  return sab / (saa * sbb).squareRoot()
}
