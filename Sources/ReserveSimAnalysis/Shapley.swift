/// The Shapley allocation of a set function over n players (at most 30), with subsets as bitmasks (bit i set:
/// player i is in).
///
/// φ_s = Σ_{T ⊆ N∖{s}} w(|T|) · (f(T ∪ {s}) − f(T)), w(t) = t!(n − t − 1)!/n!, so Σ_s φ_s = f(N) − f(∅)
/// (efficiency; exact in real arithmetic, to rounding in doubles).
public struct Shapley: Sendable {
  /// Players.
  public let players: Int
  /// w(t) for t = 0 … n − 1.
  public let weights: [Double]
  /// t!(n − t − 1)! = n!·w(t) for t = 0 … n − 1, whole numbers for `scaledShare` (n ≤ 20; empty beyond).
  public let scaledWeights: [Int]
  /// n!, the scale of `scaledShare` (n ≤ 20; 0 beyond).
  public let scale: Int

  public init(players n: Int) {
    precondition((1...30).contains(n))
    players = n
    // w(t) = 1 / (n · C(n − 1, t)), computed from the binomial coefficient to keep it exact for small n.
    var binomial = 1.0
    var weights: [Double] = []
    for t in 0..<n {
      weights.append(1 / (Double(n) * binomial))
      binomial = binomial * Double(n - 1 - t) / Double(t + 1)
    }
    self.weights = weights
    func factorial(_ k: Int) -> Int { k <= 1 ? 1 : (2...k).reduce(1, *) }
    scaledWeights = n <= 20 ? (0..<n).map { factorial($0) * factorial(n - $0 - 1) } : []
    scale = n <= 20 ? factorial(n) : 0
  }

  /// n!·φ_s of a 0/1 set function `f` (true: 1) as a whole number, Σ_{T ⊆ N∖{s}} t!(n − t − 1)!·(f(T ∪ {s}) − f(T)):
  /// exact, so sums of many paths' values add in any order to the same total. |n!·φ_s| ≤ n!; n ≤ 20.
  /// (t!(n − t − 1)! ≤ (n − 1)! ≤ 19! fits, and so does their sum: Σ over the 2ⁿ⁻¹ subsets of |weights| = n!.)
  @inline(__always)
  package func scaledShare(of s: Int, _ f: (Int) -> Bool) -> Int {
    let bit = 1 << s
    var total = 0
    for subset in 0..<(1 << players) where subset & bit == 0 {
      let change = (f(subset | bit) ? 1 : 0) - (f(subset) ? 1 : 0)
      if change != 0 { total += change * scaledWeights[subset.nonzeroBitCount] }
    }
    return total
  }

  /// φ for the values f(T) of every subset T, `values[T]` (2ⁿ entries).
  /// - Complexity: O(n · 2ⁿ⁻¹).
  public func shares(_ values: [Double]) -> [Double] {
    precondition(values.count == 1 << players)
    return values.withUnsafeBufferPointer { f in
      (0..<players).map { share(of: $0) { f[$0] } }
    }
  }

  /// φ_s for the subset values `f`.
  @inline(__always)
  func share(of s: Int, _ f: (Int) -> Double) -> Double {
    let bit = 1 << s
    var total = 0.0
    for subset in 0..<(1 << players) where subset & bit == 0 {
      total += weights[subset.nonzeroBitCount] * (f(subset | bit) - f(subset))
    }
    return total
  }
}
