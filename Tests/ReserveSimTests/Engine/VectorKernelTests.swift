import ReserveSim
import XCTest

@testable import ReserveSimEngine

/// The C kernels against their Swift reference, bit for bit, at every instruction-set level this CPU has.
final class VectorKernelTests: XCTestCase {
  override func tearDown() {
    VectorKernels.use(VectorKernels.supportedLevel)
    super.tearDown()
  }

  /// The levels to check: all up to the highest the machine supports.
  var levels: [VectorKernels.Level] {
    VectorKernels.Level.allCases.filter { $0.rawValue <= VectorKernels.supportedLevel.rawValue }
  }

  func testLevelsCanBeChosenAndAreCappedBySupport() {
    for level in VectorKernels.Level.allCases {
      let chosen = VectorKernels.use(level)
      XCTAssertEqual(chosen.rawValue, min(level.rawValue, VectorKernels.supportedLevel.rawValue))
      XCTAssertEqual(VectorKernels.level, chosen)
    }
  }

  func testFactorNormalsEqualTheReferenceAtEveryLevel() {
    let streams = RandomStreams(seed: 0x1234_5678_9abc)
    // An odd lane count and strides wider than the lanes: remainders and layout both exercised.
    let lanes = 37, monthStride = 40, months = 3...7
    let factorStride = monthStride * months.count + 3
    for level in levels {
      VectorKernels.use(level)
      var out = [Double](repeating: .nan, count: 4 * factorStride)
      out.withUnsafeMutableBufferPointer {
        VectorKernels.factorNormals(
          streams, firstPath: 1_000_003, lanes: lanes, months: months, into: $0.baseAddress!,
          monthStride: monthStride, factorStride: factorStride)
      }
      for m in months {
        for lane in 0..<lanes {
          let z = streams.factorShocks(path: UInt32(1_000_003 + lane), month: UInt32(m))
          let cell = (m - months.lowerBound) * monthStride + lane
          for (k, expected) in [z.0, z.1, z.2, z.3].enumerated() {
            XCTAssertEqual(
              out[k * factorStride + cell].bitPattern, expected.bitPattern, "level \(level), month \(m), lane \(lane)")
          }
        }
        // Lanes past `lanes` are left alone.
        XCTAssertTrue(out[(m - months.lowerBound) * monthStride + lanes].isNaN)
      }
    }
  }

  /// A year of months over 299 lanes (a chunk of 256, then 40 in eights and 3 alone): about 350 of the
  /// ziggurat's retries, some in the tail (|z| > r).
  func testFactorNormalsWithRetriesEqualTheReferenceAtEveryLevel() {
    let streams = RandomStreams(seed: 77)
    let lanes = 299, months = 2...13, rows = lanes * months.count
    for level in levels {
      let out = yearOfNormals(streams, level: level, firstPath: 5_000, lanes: lanes, months: months)
      var tails = 0
      for m in months {
        for lane in 0..<lanes {
          let z = streams.factorShocks(path: UInt32(5_000 + lane), month: UInt32(m))
          for (k, expected) in [z.0, z.1, z.2, z.3].enumerated() {
            let got = out[k * rows + (m - months.lowerBound) * lanes + lane]
            XCTAssertEqual(got.bitPattern, expected.bitPattern, "level \(level), month \(m), lane \(lane), factor \(k)")
            if abs(expected) > Ziggurat.r { tails += 1 }
          }
        }
      }
      XCTAssertGreaterThan(tails, 0, "some normals from the tail")
    }
  }

  /// 1,200 lanes over a year: some 860 retries, more than the kernel queues before it runs them (it runs the queue
  /// whenever over 512 wait, between chunks of 256 lanes), so the queue is run mid-call and again at the end.
  func testFactorNormalsWithAFullRetryQueueEqualTheReferenceAtEveryLevel() {
    let streams = RandomStreams(seed: 2024)
    let lanes = 1_200, months = 2...13, rows = lanes * months.count
    for level in levels {
      let out = yearOfNormals(streams, level: level, firstPath: 70_000, lanes: lanes, months: months)
      var mismatches = 0, refused = 0
      for m in months {
        for lane in 0..<lanes {
          let path = UInt32(70_000 + lane)
          let z = streams.factorShocks(path: path, month: UInt32(m))
          let w = streams.words(path: path, month: UInt32(m), stream: .factorShocks)
          refused += [w.0, w.1, w.2, w.3].filter { !Ziggurat.fast($0).accepted }.count
          for (k, expected) in [z.0, z.1, z.2, z.3].enumerated()
          where out[k * rows + (m - months.lowerBound) * lanes + lane].bitPattern != expected.bitPattern {
            mismatches += 1
          }
        }
      }
      XCTAssertGreaterThan(refused, 512 + 256, "enough retries that the queue runs before the last chunk")
      XCTAssertEqual(mismatches, 0, "level \(level)")
    }
  }

  /// The kernel's normals of `lanes` paths from `firstPath` over `months` at `level`, months `lanes` apart and factors
  /// `lanes · months.count` apart.
  private func yearOfNormals(
    _ streams: RandomStreams, level: VectorKernels.Level, firstPath: Int, lanes: Int, months: ClosedRange<Int>
  ) -> [Double] {
    VectorKernels.use(level)
    let rows = lanes * months.count
    var out = [Double](repeating: .nan, count: 4 * rows)
    out.withUnsafeMutableBufferPointer {
      VectorKernels.factorNormals(
        streams, firstPath: firstPath, lanes: lanes, months: months, into: $0.baseAddress!, monthStride: lanes,
        factorStride: rows)
    }
    return out
  }

  func testFactorStepAndLevelsEqualTheReferenceAtEveryLevel() {
    let lanes = 53
    let epsilon = (0..<lanes).map { Double($0 - 26) / 7 }
    // Log levels across exp's range, its clamps and beyond.
    let start = (0..<lanes).map { Double($0) * 31 - 800 }
    for level in levels {
      VectorKernels.use(level)
      for (drift, sd) in [(0.0338, 0.0433), (-0.0088, 0.0)] {
        var x = start
        var levelsOut = [Double](repeating: 0, count: lanes)
        x.withUnsafeMutableBufferPointer { x in
          levelsOut.withUnsafeMutableBufferPointer { l in
            VectorKernels.advanceFactor(
              logLevel: x.baseAddress!, epsilon: epsilon, drift: drift, sd: sd, level: l.baseAddress!, lanes: lanes)
          }
        }
        for lane in 0..<lanes {
          let expected = sd > 0 ? start[lane] + (drift + sd * epsilon[lane]) : start[lane] + drift
          XCTAssertEqual(x[lane].bitPattern, expected.bitPattern, "level \(level), lane \(lane)")
          XCTAssertEqual(
            levelsOut[lane].bitPattern, VectorMath.exp(expected).bitPattern, "level \(level), lane \(lane)")
        }
      }
      var sum = [Double](repeating: 0, count: lanes)
      sum.withUnsafeMutableBufferPointer { VectorKernels.expOfSum(start, epsilon, into: $0.baseAddress!, lanes: lanes) }
      for lane in 0..<lanes {
        XCTAssertEqual(sum[lane].bitPattern, VectorMath.exp(start[lane] + epsilon[lane]).bitPattern, "level \(level)")
      }
    }
  }
}
