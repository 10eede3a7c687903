import Foundation

/// Factor shocks and levels (SPEC §2): the block's normals, their correlation, X_f(m) and exp(X_f(m)).
extension PathBlockKernel {
  @inline(__always)
  static func store(_ v: SIMD4<Double>, at p: UnsafeMutablePointer<Double>) {
    p[0] = v[0]
    p[1] = v[1]
    p[2] = v[2]
    p[3] = v[3]
  }

  @inline(__always)
  static func load(_ p: UnsafeMutablePointer<Double>) -> SIMD4<Double> { SIMD4(p[0], p[1], p[2], p[3]) }

  /// Draws the block's factor shocks for every month at once: four standard normals per lane and month by
  /// Box–Muller from the path's own stream (four lanes at a time; a partial block computes a few spare lanes,
  /// capacity being a multiple of 4), then ε = z·Lᵀ for the whole block in one `dgemm`.
  func drawShocks(firstPath: Int, lanes: Int) {
    let cap = capacity
    let rows = (plan.months - 1) * cap
    for m in 2...plan.months {
      let z = normals + (m - 2) * cap
      for lane in stride(from: 0, to: lanes, by: 4) {
        let shock = streams.factorShocks(firstPath: UInt32(truncatingIfNeeded: firstPath + lane), month: UInt32(m))
        Self.store(shock.0, at: z + lane)
        Self.store(shock.1, at: z + rows + lane)
        Self.store(shock.2, at: z + 2 * rows + lane)
        Self.store(shock.3, at: z + 3 * rows + lane)
      }
    }
    if !plan.shocksAreIndependent {
      BLAS.correlate(rows: rows, normals: normals, cholesky: plan.choleskyFactor, into: shocks)
    }
  }

  /// X_f(m) = X_f(m−1) + ln(1 + g_f)/12 + (σ_f/√12)·ε_f(m), and the levels the month needs.
  func advanceFactors(month m: Int, lanes: Int) {
    let plan = self.plan
    let cap = capacity
    let rows = (plan.months - 1) * cap
    let eps = (plan.shocksAreIndependent ? normals : shocks) + (m - 2) * cap
    for factor in 0..<Self.factorCount where plan.factorMoves[factor] {
      let drift = plan.factorDrift[factor]
      let sd = plan.factorShockSD[factor]
      let x = logLevel + factor * cap
      let e = eps + factor * rows
      if sd > 0 {
        for lane in 0..<lanes { x[lane] += drift + sd * e[lane] }
      } else {
        for lane in 0..<lanes { x[lane] += drift }
      }
      if plan.needsFactorLevel[factor] {
        let l = level + factor * cap
        for lane in stride(from: 0, to: lanes, by: 4) { Self.store(VectorMath.exp(Self.load(x + lane)), at: l + lane) }
      }
    }
    if plan.needsTrafficCost {
      let t = logLevel + Factor.traffic.index * cap
      let u = logLevel + Factor.unitCost.index * cap
      for lane in stride(from: 0, to: lanes, by: 4) {
        Self.store(VectorMath.exp(Self.load(t + lane) + Self.load(u + lane)), at: trafficCost + lane)
      }
    }
  }
}
