import ReserveSim
import XCTest

@testable import ReserveSimResults

/// The summary's order statistics: the radix sort of the needs and the selected balance percentiles.
final class QuantileTests: XCTestCase {
  func testRadixSortOrdersLikeAComparisonSort() {
    var generator = SplitMix(seed: 3)
    var values: [Double] = [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 1, 1, -1]
    for _ in 0..<50_000 {
      let u = Double(generator.next() >> 11) * 0x1p-53
      // Money-like values over many magnitudes and both signs, with ties.
      let magnitude = Foundation.pow(10, 12 * u) * (u < 0.3 ? -1 : 1)
      values.append(u < 0.05 ? 1_500_000 : magnitude)
    }
    let radix = RadixSort.sorted(values)
    let reference = values.sorted()
    XCTAssertEqual(radix.count, reference.count)
    // Equal as numbers (−0 and +0 may trade places), and in ascending order by bits otherwise.
    XCTAssertTrue(zip(radix, reference).allSatisfy { $0 == $1 })
    XCTAssertTrue(zip(radix, radix.dropFirst()).allSatisfy { $0 <= $1 })
    XCTAssertEqual(RadixSort.sorted([]), [])
    XCTAssertEqual(RadixSort.sorted([2.5]), [2.5])
    XCTAssertEqual(RadixSort.sorted([7, 7, 7]), [7, 7, 7])
  }

  /// Small cases computed by hand with h = (N − 1)·p, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]), the same values
  /// NumPy's default `numpy.percentile(x, 100·p)` (method "linear") gives; by sorting, selection and histogram.
  func testPercentilesOfHandComputedCases() {
    let cases: [(values: [Double], p: Double, expected: Double)] = [
      ([1, 2, 3, 4], 0, 1), ([1, 2, 3, 4], 0.25, 1.75), ([1, 2, 3, 4], 0.5, 2.5), ([1, 2, 3, 4], 0.9, 3.7),
      ([1, 2, 3, 4], 1, 4),
      ([10, 20, 40], 0.05, 11), ([10, 20, 40], 0.5, 20), ([10, 20, 40], 0.9, 36),
      ([5], 0, 5), ([5], 0.3, 5), ([5], 1, 5),
      ([1, 3], 0.95, 2.9),
      ([-4, 0, 0, 7, 100], 0.1, -2.4), ([-4, 0, 0, 7, 100], 0.25, 0), ([-4, 0, 0, 7, 100], 0.6, 2.8),
      ([-4, 0, 0, 7, 100], 0.99, 96.28),
    ]
    for (values, p, expected) in cases {
      let what = "\(values) at p = \(p)"
      XCTAssertEqual(Quantiles.percentile(sorted: values, p), expected, accuracy: 1e-12, what)
      var scrambled = Array(values.reversed())
      XCTAssertEqual(Quantiles.percentiles(selecting: &scrambled, [p])[0], expected, accuracy: 1e-12, what)
      let histogram = Array(values.reversed()).withUnsafeBufferPointer { HistogramSelect.percentiles(of: $0, [p]) }
      XCTAssertEqual(histogram[0], expected, accuracy: 1e-12, what)
    }
  }

  func testSelectedPercentilesEqualThoseOfTheSortedValues() {
    var generator = SplitMix(seed: 11)
    for n in [1, 2, 3, 10, 1001, 20_000] {
      let values = (0..<n).map { _ in Double(generator.next() % 1000) - 300 }
      var scratch = values
      let ps = [0.05, 0.25, 0.5, 0.75, 0.95]
      let selected = Quantiles.percentiles(selecting: &scratch, ps)
      let sorted = values.sorted()
      for (p, value) in zip(ps, selected) {
        XCTAssertEqual(value, Quantiles.percentile(sorted: sorted, p), "n \(n), p \(p)")
      }
    }
  }

  /// A bucket of many values sharing their keys' top bits is narrowed by the next bits (several levels when they
  /// share more), and the k-th smallest is still the sorted values' k-th, with ties and negative values.
  func testSelectInALargeBucketEqualsTheSortedValue() {
    var generator = SplitMix(seed: 23)
    let makers: [(Double) -> Double] = [
      { 1_000_000 + $0 },  // one 16-bit bucket, spread over the next bits
      { 1_000_000 + Double(Int($0 * 50)) },  // 50 values, ties: narrowed down to one key
      { -1_000_000 - $0 },  // negative: keys in the reverse order of the bits
    ]
    for (kind, make) in makers.enumerated() {
      let values = (0..<20_000).map { _ in make(Double(generator.next() >> 11) * 0x1p-53) }
      XCTAssertGreaterThan(values.count, HistogramSelect.refinedCount)
      let sorted = values.sorted()
      for k in [0, 1, 4_095, 4_096, 9_999, 10_000, 19_998, 19_999] {
        var copy = values
        let selected = copy.withUnsafeMutableBufferPointer {
          HistogramSelect.select($0, k, keyBitsAbove: HistogramSelect.bucketBits)
        }
        XCTAssertEqual(selected, sorted[k], "values \(kind), k \(k)")
        XCTAssertEqual(copy.sorted(), sorted, "the bucket keeps its values")
      }
    }
  }

  func testHistogramPercentilesEqualThoseOfTheSortedValues() {
    var generator = SplitMix(seed: 5)
    let ps = [0, 0.05, 0.25, 0.5, 0.75, 0.95, 0.999, 1]
    // Ties, both signs over many magnitudes (many buckets), one magnitude (few buckets), and all equal.
    let makers: [(Double) -> Double] = [
      { Double(Int($0 * 1000)) - 300 },
      { Foundation.pow(10, 12 * $0) * ($0 < 0.3 ? -1 : 1) },
      { 1_000_000 + $0 },
      { _ in 42 },
    ]
    for (kind, make) in makers.enumerated() {
      // Below `HistogramSelect.smallCount` the values are selected in a copy; 150,000 takes the histogram.
      for n in [1, 2, 3, 10, 1001, 150_000] {
        let values = (0..<n).map { _ in make(Double(generator.next() >> 11) * 0x1p-53) }
        let selected = values.withUnsafeBufferPointer { HistogramSelect.percentiles(of: $0, ps) }
        let sorted = values.sorted()
        for (p, value) in zip(ps, selected) {
          XCTAssertEqual(value, Quantiles.percentile(sorted: sorted, p), "values \(kind), n \(n), p \(p)")
        }
      }
    }
  }
}

/// A small deterministic generator for test data (SplitMix64), also for `shuffled(using:)`.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
