import Foundation
import ReserveSimScenario
import _ReserveSimKernels

/// Factor shocks and levels (SPEC §2): the block's normals, their correlation, X_f(m) and exp(X_f(m)).
extension PathBlockKernel {
  /// Draws the block's factor shocks for every month at once: four standard normals per lane and month by
  /// Box–Muller from the path's own stream (`RandomStreams.factorShocks`, computed by the vectorised C kernel
  /// `VectorKernels.factorNormals` with the same bits), then ε = z·Lᵀ for the whole block in one `dgemm`.
  func drawShocks(firstPath: Int, lanes: Int) {
    let cap = capacity
    let rows = (plan.months - 1) * cap
    VectorKernels.factorNormals(
      streams, firstPath: firstPath, lanes: lanes, months: 2...plan.months, into: normals, monthStride: cap,
      factorStride: rows)
    // Only the factors the correlation mixes go through dgemm; the others' shocks are their normals.
    let correlated = plan.correlatedFactors
    if let laneCholesky = laneParameters?.laneCholesky {
      // Each lane's own factor (SPEC §16): ε_i = Σ_{j≤i} L_ij z_j per lane and month.
      let k = correlated.count
      let z = normals + correlated.lowerBound * rows
      for month in 0..<(plan.months - 1) {
        let offset = month * cap
        for i in 0..<k {
          let out = shocks + i * rows + offset
          for lane in 0..<lanes { out[lane] = 0 }
          for j in 0...i {
            let l = laneCholesky + (i * k + j) * cap
            let zj = z + j * rows + offset
            for lane in 0..<lanes { out[lane] += l[lane] * zj[lane] }
          }
        }
      }
    } else if !correlated.isEmpty {
      BLAS.correlate(
        rows: rows, normals: normals + correlated.lowerBound * rows, cholesky: plan.correlatedCholeskyFactor,
        into: shocks)
    }
  }

  /// X_f(m) = X_f(m−1) + ln(1 + g_f)/12 + (σ_f/√12)·ε_f(m), and the levels the month needs
  /// (`VectorMath.exp`, computed by the `VectorKernels`).
  func advanceFactors(month m: Int, lanes: Int) {
    let plan = self.plan
    let cap = capacity
    let rows = (plan.months - 1) * cap
    let correlated = plan.correlatedFactors
    for factor in 0..<Self.factorCount where plan.factorMoves[factor] {
      let eps =
        correlated.contains(factor)
        ? shocks + (factor - correlated.lowerBound) * rows + (m - 2) * cap : normals + factor * rows + (m - 2) * cap
      let drift = plan.factorDrift[factor]
      // Markets switched off (SPEC §20): no factor has a shock, as in the file with every volatility 0.
      let calm = switchedOff.markets
      let sd = calm ? 0 : plan.factorShockSD[factor]
      let l: UnsafeMutablePointer<Double>? = plan.needsFactorLevel[factor] ? level + factor * cap : nil
      if let own = laneParameters, own.factorIsUncertain[factor] {
        // The lanes' own drift and sd (SPEC §16).
        rs_advance_factor_lanes(
          logLevel + factor * cap, plan.hasShocks && !calm ? UnsafePointer(eps) : nil, own.factorDrift + factor * cap,
          own.factorShockSD + factor * cap, l, Int32(lanes))
        continue
      }
      VectorKernels.advanceFactor(
        logLevel: logLevel + factor * cap, epsilon: eps, drift: drift, sd: sd, level: l, lanes: lanes)
    }
    if plan.needsTrafficCost {
      VectorKernels.expOfSum(
        logLevel + Factor.traffic.index * cap, logLevel + Factor.unitCost.index * cap, into: trafficCost, lanes: lanes)
    }
  }
}
