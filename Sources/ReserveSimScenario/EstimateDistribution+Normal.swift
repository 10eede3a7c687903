import Foundation

/// The standard normal distribution's CDF and its inverse, for the families that transform a normal (SPEC §16's
/// ranges).
extension EstimateDistribution {
  /// Φ(z) = erfc(−z/√2)/2.
  static func normalCDF(_ z: Double) -> Double { 0.5 * Foundation.erfc(-z / 2.0.squareRoot()) }

  /// Φ⁻¹(p) by Wichura's algorithm AS 241 (PPND16, relative error about 10⁻¹⁶); ∓∞ at p = 0 and 1.
  static func normalQuantile(_ p: Double) -> Double {
    if p <= 0 { return -.infinity }
    if p >= 1 { return .infinity }
    let q = p - 0.5
    if abs(q) <= 0.425 {
      let r = 0.180625 - q * q
      return q * a241(r) / b241(r)
    }
    var r = (-Foundation.log(q < 0 ? p : 1 - p)).squareRoot()
    let x: Double
    if r <= 5 {
      r -= 1.6
      x = c241(r) / d241(r)
    } else {
      r -= 5
      x = e241(r) / f241(r)
    }
    return q < 0 ? -x : x
  }

  // The rational functions of AS 241 (Wichura 1988, Applied Statistics 37(3), 477–484), in Horner form.
  @inline(__always) private static func a241(_ x: Double) -> Double {
    (((((((2.5090809287301226727e3) * x + 3.3430575583588128105e4) * x + 6.7265770927008700853e4) * x
      + 4.5921953931549871457e4) * x + 1.3731693765509461125e4) * x + 1.9715909503065514427e3) * x
      + 1.3314166789178437745e2) * x + 3.3871328727963666080e0
  }
  @inline(__always) private static func b241(_ x: Double) -> Double {
    (((((((5.2264952788528545610e3) * x + 2.8729085735721942674e4) * x + 3.9307895800092710610e4) * x
      + 2.1213794301586595867e4) * x + 5.3941960214247511077e3) * x + 6.8718700749205790830e2) * x
      + 4.2313330701600911252e1) * x + 1
  }
  @inline(__always) private static func c241(_ x: Double) -> Double {
    (((((((7.74545014278341407640e-4) * x + 2.27238449892691845833e-2) * x + 2.41780725177450611770e-1) * x
      + 1.27045825245236838258e0) * x + 3.64784832476320460504e0) * x + 5.76949722146069140550e0) * x
      + 4.63033784615654529590e0) * x + 1.42343711074968357734e0
  }
  @inline(__always) private static func d241(_ x: Double) -> Double {
    (((((((1.05075007164441684324e-9) * x + 5.47593808499534494600e-4) * x + 1.51986665636164571966e-2) * x
      + 1.48103976427480074590e-1) * x + 6.89767334985100004550e-1) * x + 1.67638483018380384940e0) * x
      + 2.05319162663775882187e0) * x + 1
  }
  @inline(__always) private static func e241(_ x: Double) -> Double {
    (((((((2.01033439929228813265e-7) * x + 2.71155556874348757815e-5) * x + 1.24266094738807843860e-3) * x
      + 2.65321895265761230930e-2) * x + 2.96560571828504891230e-1) * x + 1.78482653991729133580e0) * x
      + 5.46378491116411436990e0) * x + 6.65790464350110377720e0
  }
  @inline(__always) private static func f241(_ x: Double) -> Double {
    (((((((2.04426310338993978564e-15) * x + 1.42151175831644588870e-7) * x + 1.84631831751005468180e-5) * x
      + 7.86869131145613259100e-4) * x + 1.48753612908506148525e-2) * x + 1.36929880922735805310e-1) * x
      + 5.99832206555887937690e-1) * x + 1
  }
}
