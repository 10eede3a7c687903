import Foundation
import ReserveSimScenario
import _ReserveSimKernels

/// Factor shocks and levels (SPEC §2): the block's normals, their correlation, X_f(m) and exp(X_f(m)).
extension PathBlockKernel {
  /// Months of shocks drawn at once: a year's (12 · 4 · 8 bytes a lane, 98 KB for a block of 256), which stay in
  /// the core's L2 cache between their draw and their use, where the whole horizon's (975 KB at 10 years) did not.
  static let shockChunkMonths = 12

  /// Draws the block's factor shocks for `months` (at most `shockMonths`): four standard normals per lane and
  /// month from the path's own stream (`RandomStreams.factorShocks`, computed by the vectorised C kernel
  /// `VectorKernels.factorNormals` with the same bits), then ε = z·Lᵀ for the chunk (`BLAS.correlate`: the first
  /// correlated factor's ε is its z, the others' one `dgemv` each, a year of months a call). Month m's row is
  /// (m − 2) mod `shockMonths`.
  /// - Parameter normalsAreDrawn: the block's earlier run with other sources switched off drew the same normals and,
  ///   unless each lane has its own correlation (which the estimates at their centres change), the same ε: only
  ///   the lanes' own correlation is applied again.
  func drawShocks(firstPath: Int, lanes: Int, months: ClosedRange<Int>, normalsAreDrawn: Bool = false) {
    let cap = capacity
    let rows = shockRows
    if normalsAreDrawn && laneParameters?.laneCholesky == nil { return }
    if !normalsAreDrawn {
      VectorKernels.factorNormals(
        streams, firstPath: firstPath, lanes: lanes, months: months, into: normals, monthStride: cap,
        factorStride: rows)
    }
    // Only the factors the correlation mixes after its first go through BLAS; the others' shocks are their normals.
    let correlated = plan.correlatedFactors
    if let laneCholesky = laneParameters?.laneCholesky {
      // Each lane's own factor (SPEC §16): ε_i = Σ_{j≤i} L_ij z_j per lane and month (ε₀ = z₀, as above).
      let k = correlated.count
      let z = normals + correlated.lowerBound * rows
      for month in 0..<months.count {
        let offset = month * cap
        for i in 1..<k {
          let out = shocks + (i - 1) * rows + offset
          for lane in 0..<lanes { out[lane] = 0 }
          for j in 0...i {
            let l = laneCholesky + (i * k + j) * cap
            let zj = z + j * rows + offset
            for lane in 0..<lanes { out[lane] += l[lane] * zj[lane] }
          }
        }
      }
    } else if !correlated.isEmpty {
      // The chunk's rows only (a last chunk may be short), a year of months a call as in a chunk of a year (the same
      // calls, so the same rounding, when the whole horizon is drawn at once); the matrices keep their full row
      // stride.
      for first in stride(from: 0, to: months.count, by: Self.shockChunkMonths) {
        let count = Swift.min(Self.shockChunkMonths, months.count - first)
        BLAS.correlate(
          rows: count * cap, stride: rows, normals: normals + correlated.lowerBound * rows + first * cap,
          cholesky: plan.correlatedCholeskyFactor, into: shocks + first * cap)
      }
    }
  }

  /// X_f(m) = X_f(m−1) + ln(1 + g_f)/12 + (σ_f/√12)·ε_f(m), and the levels the month needs
  /// (`VectorMath.exp`, computed by the `VectorKernels`).
  func advanceFactors(month m: Int, lanes: Int) {
    let plan = self.plan
    let cap = capacity
    let rows = shockRows
    let correlated = plan.correlatedFactors
    let row = (m - 2) % shockMonths * cap
    for factor in 0..<Self.factorCount where plan.factorMoves[factor] {
      // The first correlated factor's ε is its z (L₀₀ = 1); the others' are in `shocks`.
      let eps =
        factor > correlated.lowerBound && factor < correlated.upperBound
        ? shocks + (factor - correlated.lowerBound - 1) * rows + row : normals + factor * rows + row
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
