import Foundation

/// The correlation matrix of the factors' monthly shocks (SPEC §2), over all of `Factor.allCases`
/// in that order; pairs not listed are 0.
public enum CorrelationMatrix {
  /// The full symmetric matrix, row-major, `Factor.allCases.count` square.
  public static func matrix(_ correlations: [Correlation]) -> [Double] {
    let n = Factor.allCases.count
    var c = [Double](repeating: 0, count: n * n)
    for i in 0..<n { c[i * n + i] = 1 }
    for pair in correlations {
      c[pair.first.index * n + pair.second.index] = pair.rho
      c[pair.second.index * n + pair.first.index] = pair.rho
    }
    return c
  }

  /// The lower-triangular Cholesky factor L (row-major) with L·Lᵀ = C, or `nil` when C is not
  /// positive definite.
  public static func choleskyFactor(_ correlations: [Correlation]) -> [Double]? {
    cholesky(matrix(correlations), size: Factor.allCases.count)
  }

  /// Cholesky–Banachiewicz factorisation of a symmetric matrix; `nil` unless strictly positive definite.
  public static func cholesky(_ a: [Double], size n: Int) -> [Double]? {
    var l = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
      for j in 0...i {
        var sum = a[i * n + j]
        for k in 0..<j { sum -= l[i * n + k] * l[j * n + k] }
        if i == j {
          guard sum > 1e-12 else { return nil }
          l[i * n + i] = sum.squareRoot()
        } else {
          l[i * n + j] = sum / l[j * n + j]
        }
      }
    }
    return l
  }

  /// SPEC §16: with correlations whose rho is a distribution (`uncertain`: the correlation's index and the
  /// distribution), the matrix must be positive definite for every value the draws can take. The matrix is affine
  /// in the rhos and the positive definite matrices are convex, so it is enough that every corner of the box of
  /// their least and greatest draws is: 2^k matrices for k uncertain rhos.
  static func validate(
    _ correlations: [Correlation], uncertain: [(index: Int, distribution: EstimateDistribution)], at path: JSONPath
  ) throws {
    guard !uncertain.isEmpty else { return }
    let corners = 1 << min(uncertain.count, 16)
    for corner in 0..<corners {
      var varied = correlations
      for (bit, item) in uncertain.enumerated() {
        let extremes = item.distribution.drawnExtremes
        varied[item.index].rho = corner & (1 << bit) == 0 ? extremes.least : extremes.greatest
      }
      guard choleskyFactor(varied) == nil else { continue }
      let values = uncertain.map { "correlations[\($0.index)].rho = \(JSONValue.format(varied[$0.index].rho))" }
      throw ScenarioError(
        file: nil, path: path.appending(uncertain[0].index).appending("rho"),
        message:
          "the correlations are not positive definite for every value the distributions can take (at "
          + values.joined(separator: ", ") + "); narrow the distribution or reduce the other |rho|"
          + (uncertain.contains { if case .range = $0.distribution.form { true } else { false } }
            ? " (a range's tails reach the field's ends, ±1: a uniform or triangular keeps rho inside)" : ""))
    }
  }

  /// Checks for duplicate pairs and positive definiteness.
  static func validate(_ correlations: [Correlation], at path: JSONPath) throws {
    var seen: [Set<Factor>: Int] = [:]
    for (index, pair) in correlations.enumerated() {
      let key: Set<Factor> = [pair.first, pair.second]
      if let first = seen[key] {
        throw ScenarioError(
          file: nil, path: path.appending(index).appending("between"),
          message:
            "the pair \(pair.first.rawValue)/\(pair.second.rawValue) is already given at \(path.appending(first))")
      }
      seen[key] = index
    }
    guard choleskyFactor(correlations) != nil else {
      throw ScenarioError(
        file: nil, path: path,
        message:
          "the correlations do not form a positive definite matrix (no set of factors can move this way together); reduce some |rho|"
      )
    }
  }
}
