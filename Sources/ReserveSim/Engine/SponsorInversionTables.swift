/// A tier's sponsor draws at its own rates (no event multiplier), tabulated once per run: the cumulative
/// masses that `Distributions.binomialChunk` and `poissonChunk` would walk, built by the same recurrences,
/// so a lookup returns exactly the same count without the per-draw `exp` and divisions.
///
/// Years with an event that changes the rates, or counts above `maximumCount`, use the samplers directly.
public struct SponsorInversionTables: Sendable {
  /// Largest sponsor count tabulated (rows 0…64 hold 2,145 cumulative masses).
  public static let maximumCount = 64

  /// Whether the binomial inverts on the failure side (renewal probability above ½).
  public let flipped: Bool
  /// Row n (n = 0…`maximumCount`) starts at n(n+1)/2 and holds the n + 1 cumulative masses of the inverted side.
  public let binomialCumulative: [Double]
  /// Cumulative Poisson masses at 0, 1, …, up to where `poissonChunk` stops; empty when it needs no table
  /// (no arrivals, or a mean above one chunk).
  public let poissonCumulative: [Double]
  /// Whether renewals are certain or impossible (no draw needed).
  let renewalIsCertainOrImpossible: Bool

  public init(renewalProbability p: Double, newPerYear lambda: Double) {
    renewalIsCertainOrImpossible = p <= 0 || p >= 1
    flipped = p > 0.5
    var rows: [Double] = []
    if !renewalIsCertainOrImpossible {
      let success = flipped ? 1 - p : p
      let logFailure = VectorMath.log(flipped ? p : 1 - p)
      let ratio = success / (1 - success)
      for n in 0...Self.maximumCount {
        var mass = VectorMath.exp(Double(n) * logFailure)
        var cumulative = mass
        rows.append(cumulative)
        for x in 0..<n {
          mass *= ratio * Double(n - x) / Double(x + 1)
          cumulative += mass
          rows.append(cumulative)
        }
      }
    }
    binomialCumulative = rows

    var poisson: [Double] = []
    if lambda > 0 && lambda <= Distributions.poissonChunk {
      var mass = VectorMath.exp(-lambda)
      var cumulative = mass
      poisson.append(cumulative)
      var x = 0
      while !(mass < 1e-300 && Double(x) > lambda) {
        x += 1
        mass *= lambda / Double(x)
        cumulative += mass
        poisson.append(cumulative)
      }
    }
    poissonCumulative = poisson
  }

  /// Binomial(n, p) from u for n ≤ `maximumCount`: the same count as `Distributions.binomialChunk`.
  @inlinable @inline(__always)
  public func renewals(of n: Int, uniform u: Double) -> Int {
    let row = n * (n + 1) / 2
    let target = flipped ? 1 - u : u
    var x = 0
    binomialCumulative.withUnsafeBufferPointer { cumulative in
      while x < n && target > cumulative[row + x] { x += 1 }
    }
    return flipped ? n - x : x
  }

  /// Poisson(λ) from u: the same count as `Distributions.poissonChunk`.
  @inlinable @inline(__always)
  public func arrivals(uniform u: Double) -> Int {
    poissonCumulative.withUnsafeBufferPointer { cumulative in
      let last = cumulative.count - 1
      var x = 0
      while x < last && u > cumulative[x] { x += 1 }
      return x
    }
  }

  /// Whether the Poisson side is tabulated.
  public var tabulatesArrivals: Bool { !poissonCumulative.isEmpty }
}
