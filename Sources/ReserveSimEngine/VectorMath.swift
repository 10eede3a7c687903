/// Branch-free `exp`, `log` and `sin`/`cos` of 2πu in plain IEEE double arithmetic, giving the same bits on
/// every x86-64 or ARM machine (no libm, no FMA).
///
/// These are the reference: the vectorised C kernels (`_ReserveSimKernels`, KernelBody.h) repeat the same
/// operations in the same order, and a test checks them bit for bit at every instruction-set level.
///
/// Accuracy: a few ulp over the ranges the engine uses (checked against Foundation in the tests).
package enum VectorMath {
  @usableFromInline static let ln2Hi = 6.93147180369123816490e-01
  @usableFromInline static let ln2Lo = 1.90821492927058770002e-10
  @usableFromInline static let log2e = 1.44269504088896338700e+00
  /// 1.5·2⁵²: adding it rounds to the nearest integer and leaves that integer in the low mantissa bits.
  @usableFromInline static let shifter = 6_755_399_441_055_744.0

  /// e^x for x clamped to [−708, 709] (fdlibm's method): x = k·ln 2 + r with |r| ≤ ½ ln 2, split as
  /// r = hi − lo (ln 2 in two parts); e^r = 1 + r + r·c/(2 − c) with c = r − r²·P(r²), P a degree-4 minimax
  /// polynomial; times 2ᵏ built in the exponent bits. Error below 1 ulp.
  @inlinable @inline(__always)
  public static func exp(_ value: Double) -> Double {
    let x = Swift.min(Swift.max(value, -708.0), 709.0)
    let shifted = x * log2e + shifter
    let k = shifted - shifter
    let p = expOfReduced(hi: x - k * ln2Hi, lo: k * ln2Lo)
    let exponent = Int64(bitPattern: shifted.bitPattern &- shifter.bitPattern) &+ 1023
    return p * Double(bitPattern: UInt64(bitPattern: exponent << 52))
  }

  /// ln x for a positive normal x (fdlibm's method): x = 2ᵏ·(1 + f) with 1 + f in [√½, √2),
  /// s = f/(2 + f), ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)) with a degree-14 minimax R.
  @inlinable @inline(__always)
  public static func log(_ x: Double) -> Double {
    let bits = x.bitPattern
    let high = UInt32(truncatingIfNeeded: bits >> 32) &+ (0x3ff0_0000 &- 0x3fe6_a09e)
    let k = Double(Int32(bitPattern: high >> 20) &- 0x3ff)
    let normalised = (high & 0x000f_ffff) &+ 0x3fe6_a09e
    let f = Double(bitPattern: (UInt64(normalised) << 32) | (bits & 0xffff_ffff)) - 1
    return logOfReduced(f, k)
  }

  /// (cos 2πu, sin 2πu) for u in [0, 1]: u = q/4 + v exactly, |v| ≤ ⅛, so 2πu = q·π/2 + x with
  /// |x| ≤ π/4; sin x and cos x by Taylor series to x¹⁷ and x¹⁶, then a quarter-turn rotation by q.
  @inlinable @inline(__always)
  public static func cosSin2Pi(_ u: Double) -> (cos: Double, sin: Double) {
    let quarterTurns = (u * 4 + shifter) - shifter
    let x = (u - quarterTurns * 0.25) * (2 * Double.pi)
    let (c, s) = cosSinOfReduced(x)
    let q = Int64(bitPattern: (u * 4 + shifter).bitPattern &- shifter.bitPattern) & 3
    let cosine = q == 0 ? c : q == 1 ? -s : q == 2 ? -c : s
    let sine = q == 0 ? s : q == 1 ? c : q == 2 ? -s : -c
    return (cosine, sine)
  }

  // MARK: Polynomials on the reduced arguments.

  /// e^r for r = hi − lo, |r| ≤ ½ ln 2: 1 − ((lo − r·c/(2 − c)) − hi), c = r − r²·(P1 + r²(P2 + … + r²·P5)).
  @inlinable @inline(__always)
  static func expOfReduced(hi: Double, lo: Double) -> Double {
    let r = hi - lo
    let t = r * r
    let c =
      r
      - t
      * (1.66666666666666019037e-01
        + t
        * (-2.77777777770155933842e-03
          + t * (6.61375632143793436117e-05 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))))
    return 1 - ((lo - (r * c) / (2 - c)) - hi)
  }

  /// k·ln 2 + ln(1 + f) for 1 + f in [√½, √2) (fdlibm's minimax R(s²) with s = f/(2 + f)).
  @inlinable @inline(__always)
  static func logOfReduced(_ f: Double, _ k: Double) -> Double {
    let halfSquare = 0.5 * f * f
    let s = f / (2 + f)
    let z = s * s
    let w = z * z
    let t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01))
    let t2 =
      z
      * (6.666666666666735130e-01
        + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)))
    let r = t2 + t1
    return k * ln2Hi - ((halfSquare - (s * (halfSquare + r) + k * ln2Lo)) - f)
  }

  /// (cos x, sin x) for |x| ≤ π/4: Taylor series to x¹⁶ and x¹⁷.
  @inlinable @inline(__always)
  static func cosSinOfReduced(_ x: Double) -> (Double, Double) {
    let x2 = x * x
    var s = 1.0 / 355_687_428_096_000.0
    s = s * x2 - 1.0 / 1_307_674_368_000.0
    s = s * x2 + 1.0 / 6_227_020_800.0
    s = s * x2 - 1.0 / 39_916_800.0
    s = s * x2 + 1.0 / 362_880.0
    s = s * x2 - 1.0 / 5_040.0
    s = s * x2 + 1.0 / 120.0
    s = s * x2 - 1.0 / 6.0
    s = (s * x2 + 1.0) * x
    var c = 1.0 / 20_922_789_888_000.0
    c = c * x2 - 1.0 / 87_178_291_200.0
    c = c * x2 + 1.0 / 479_001_600.0
    c = c * x2 - 1.0 / 3_628_800.0
    c = c * x2 + 1.0 / 40_320.0
    c = c * x2 - 1.0 / 720.0
    c = c * x2 + 1.0 / 24.0
    c = c * x2 - 0.5
    c = c * x2 + 1.0
    return (c, s)
  }
}
