import Foundation
import ReserveSim
import ReserveSimEngine
import XCTest

/// The engine's own exp, log and cos/sin(2πu) agree with the platform's libm to a few ulp.
final class VectorMathTests: XCTestCase {
  private func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), .leastNormalMagnitude) }

  func testExpOverTheEnginesRange() {
    var worst = 0.0
    for i in 0...200_000 {
      let x = -700 + 1400 * Double(i) / 200_000
      worst = max(worst, relativeError(VectorMath.exp(x), Foundation.exp(x)))
    }
    for x in [0.0, 1e-12, -1e-12, 0.5, -0.5, 1, 2] {
      worst = max(worst, relativeError(VectorMath.exp(x), Foundation.exp(x)))
    }
    XCTAssertLessThan(worst, 8 * Double.ulpOfOne)
    XCTAssertEqual(VectorMath.exp(0), 1)
  }

  func testLogOfUniforms() {
    var worst = 0.0
    for i in 1...200_000 {
      let u = (Double(i) - 0.5) / 200_000
      worst = max(worst, relativeError(VectorMath.log(u), Foundation.log(u)))
    }
    for u in [0x1p-53, 0x1p-33, 0.25, 0.999999, 1 - 0x1p-33, 3.5, 1e300] {
      worst = max(worst, relativeError(VectorMath.log(u), Foundation.log(u)))
    }
    XCTAssertLessThan(worst, 8 * Double.ulpOfOne)
    XCTAssertEqual(VectorMath.log(1), 0)
  }

  func testCosSinOfWholeTurns() {
    var worst = 0.0
    for i in 0...200_000 {
      let u = Double(i) / 200_000
      let (c, s) = VectorMath.cosSin2Pi(u)
      worst = max(worst, abs(c - Foundation.cos(2 * .pi * u)), abs(s - Foundation.sin(2 * .pi * u)))
    }
    // The reference itself rounds its argument 2π·u (up to ½ ulp(2π) ≈ 4.4e−16) and both round the result.
    XCTAssertLessThan(worst, 1.5e-15)
  }
}
