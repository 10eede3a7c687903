import Foundation

/// The year-end transition of a tier's sponsor count (SPEC §4), tabulated once per run: for every tier, every
/// set of active events and every count n = 0…`maximumCount`, the exact distribution of the next count
///
///   P(count_{y+1} = j | count_y = n) = (Binomial(n, min(1, p·R)) ⊛ Poisson(λ·N))(j),
///
/// as a Walker/Vose alias table, so that a year end takes one 64-bit uniform and no branches on its value.
///
/// The masses: the binomial walks up from (1 − s)ⁿ, s = min(p, 1 − p) ≤ ½, by the ratio s(n − x)/((1 − s)(x + 1))
/// (so (1 − s)ⁿ ≥ 2⁻⁶⁴ never underflows), the Poisson up from e^(−λ) by λ/x; both are sums and products of
/// positive numbers, a few ulp each. The Poisson support stops at the first J ≥ λ with
/// P(J + 1)/(1 − λ/(J + 2)) < 2⁻⁶⁴, a bound on the tail P(X > J) (the masses beyond J fall faster than a
/// geometric series of ratio λ/(J + 2)); so the mass left out is below 2⁻⁶⁴, under what a 64-bit uniform
/// can resolve.
///
/// The draw: with K outcomes and a 64-bit uniform U, x = ⌊U·K/2⁶⁴⌋ and the fraction F = U·K mod 2⁶⁴; the draw
/// is x when F < cut[x], else alias[x]. Outcome x then has probability (cut[x] + Σ_{y: alias[y] = x}
/// (2⁶⁴ − cut[y]))/(K·2⁶⁴), up to the spacing of U·K (within K·2⁻⁶⁴ of it): its mass to within the rounding
/// of the table (a few 2⁻⁵³ of the row's largest mass) and that resolution.
///
/// Not tabulated (the kernel then uses the chunked samplers of `Distributions`, exact at any size): counts
/// above `maximumCount`, arrival means λ·N above `maximumArrivalMean`, rates beyond `maximumCells` cells in
/// all (sets are tabulated in order, so the set with no event active comes first), and, with more than
/// `SimulationPlan.maximumTabulatedEvents` event kinds, every year in which an active event changes the rates.
package struct SponsorTransitionTables: Sendable {
  /// Largest current count tabulated.
  public static let maximumCount = 64
  /// Largest arrival mean λ·N tabulated: beyond it the count soon leaves the tables anyway.
  public static let maximumArrivalMean = 64.0
  /// Most alias cells kept in all (16 bytes each: 16 MiB).
  public static let maximumCells = 1 << 20

  /// A tier's year-end rates under a set of active events.
  public struct Rates: Sendable, Hashable {
    /// min(1, renewalProbability · R)
    public let renewalProbability: Double
    /// newPerYear · N
    public let arrivalMean: Double
  }

  /// An alias-table cell: its outcome is kept when the fraction is below `cut`, else `alias` is drawn.
  public struct Cell: Sendable {
    public let cut: UInt64
    public let alias: UInt32
  }

  /// Where the alias table of one (rates, count) pair lies in `cells`; `size` 0 when it is not tabulated.
  public struct Row: Sendable {
    public let start: Int32
    public let size: Int32
  }

  /// Sets of active events the tables are indexed by: `SimulationPlan.eventSetCount`, or 1 (no event active)
  /// when the sets are not tabulated.
  public let setCount: Int
  /// [tier · setCount + set]: the index of the tier's rates under that set (equal rates share an index).
  public let ratesOfTierAndSet: [Int32]
  /// [rates · (maximumCount + 1) + n]
  public let rows: [Row]
  public let cells: [Cell]

  /// - Parameters:
  ///   - renewalProbability, newPerYear: each tier's own rates.
  ///   - setRenewalMultiplier, setNewSponsorMultiplier: R and N of each set of active events (set 0: none).
  public init(
    renewalProbability: [Double], newPerYear: [Double], setRenewalMultiplier: [Double] = [1],
    setNewSponsorMultiplier: [Double] = [1]
  ) {
    precondition(renewalProbability.count == newPerYear.count)
    precondition(setRenewalMultiplier.count == setNewSponsorMultiplier.count && !setRenewalMultiplier.isEmpty)
    let tiers = renewalProbability.count
    let sets = setRenewalMultiplier.count
    let counts = Self.maximumCount + 1
    var index: [Rates: Int32] = [:]
    var rates: [Rates] = []
    var ratesOfTierAndSet = [Int32](repeating: 0, count: tiers * sets)
    var rows: [Row] = []
    var cells: [Cell] = []
    for set in 0..<sets {
      for t in 0..<tiers {
        let r = Rates(
          renewalProbability: Swift.min(1, renewalProbability[t] * setRenewalMultiplier[set]),
          arrivalMean: newPerYear[t] * setNewSponsorMultiplier[set])
        if let known = index[r] {
          ratesOfTierAndSet[t * sets + set] = known
          continue
        }
        let id = Int32(rates.count)
        index[r] = id
        rates.append(r)
        ratesOfTierAndSet[t * sets + set] = id
        let arrivals = r.arrivalMean <= Self.maximumArrivalMean ? Self.poissonMasses(mean: r.arrivalMean) : []
        let size = counts * (counts - 1) / 2 + counts * arrivals.count
        guard !arrivals.isEmpty && cells.count + size <= Self.maximumCells else {
          rows += repeatElement(Row(start: 0, size: 0), count: counts)
          continue
        }
        for n in 0...Self.maximumCount {
          let masses = Self.convolution(
            Self.binomialMasses(trials: n, probability: r.renewalProbability), arrivals)
          rows.append(Row(start: Int32(cells.count), size: Int32(masses.count)))
          cells += Self.aliasCells(masses)
        }
      }
    }
    self.setCount = sets
    self.ratesOfTierAndSet = ratesOfTierAndSet
    self.rows = rows
    self.cells = cells
  }

  /// The next count from a row and a 64-bit uniform: x = ⌊U·K/2⁶⁴⌋, kept when the fraction is below its cut.
  @inlinable @inline(__always)
  public static func draw(_ row: Row, cells: UnsafePointer<Cell>, uniform: UInt64) -> Int32 {
    let (x, fraction) = UInt64(truncatingIfNeeded: row.size).multipliedFullWidth(by: uniform)
    let cell = cells[Int(row.start) + Int(x)]
    return fraction < cell.cut ? Int32(truncatingIfNeeded: x) : Int32(bitPattern: cell.alias)
  }

  /// The next count of `tier` under `set` from count n, or nil when that transition is not tabulated.
  public func nextCount(tier: Int, set: Int = 0, count n: Int, uniform: UInt64) -> Int? {
    guard n >= 0 && n <= Self.maximumCount else { return nil }
    let row = rows[Int(ratesOfTierAndSet[tier * setCount + set]) * (Self.maximumCount + 1) + n]
    guard row.size > 0 else { return nil }
    return cells.withUnsafeBufferPointer { Int(Self.draw(row, cells: $0.baseAddress!, uniform: uniform)) }
  }

  /// Binomial(n, p) masses at 0…n.
  public static func binomialMasses(trials n: Int, probability p: Double) -> [Double] {
    var masses = [Double](repeating: 0, count: n + 1)
    if p <= 0 || p >= 1 {
      masses[p >= 1 ? n : 0] = 1
      return masses
    }
    // Walk up on the side with success probability s ≤ ½ (1 − p is exact for p ≥ ½), then mirror.
    let flipped = p > 0.5
    let success = flipped ? 1 - p : p
    let ratio = success / (1 - success)
    var mass = Foundation.exp(Double(n) * Foundation.log1p(-success))
    masses[0] = mass
    for x in 0..<n {
      mass *= ratio * Double(n - x) / Double(x + 1)
      masses[x + 1] = mass
    }
    return flipped ? masses.reversed() : masses
  }

  /// Poisson(λ) masses at 0…J, J the first count ≥ λ whose tail bound P(J + 1)/(1 − λ/(J + 2)) is below 2⁻⁶⁴
  /// (λ ≤ 700, so that e^(−λ) does not underflow).
  public static func poissonMasses(mean lambda: Double) -> [Double] {
    precondition(lambda >= 0 && lambda <= 700)
    var mass = Foundation.exp(-lambda)
    var masses = [mass]
    var x = 0
    while true {
      let next = mass * lambda / Double(x + 1)
      if Double(x) >= lambda && next / (1 - lambda / Double(x + 2)) < 0x1p-64 { return masses }
      x += 1
      mass = next
      masses.append(mass)
    }
  }

  /// (a ⊛ b)(j) = Σ_i a(i)·b(j − i).
  static func convolution(_ a: [Double], _ b: [Double]) -> [Double] {
    var result = [Double](repeating: 0, count: a.count + b.count - 1)
    for (i, x) in a.enumerated() where x != 0 {
      for (k, y) in b.enumerated() { result[i + k] += x * y }
    }
    return result
  }

  /// Vose's alias method on masses m (normalised here): scaled q = m·K/Σm; a cell with q < 1 keeps its
  /// outcome with probability q and gives the rest to a cell with q ≥ 1, which keeps (q_large + q_small) − 1.
  /// Cells left over are full (cut 2⁶⁴ − 1, their own alias, so the cut does not matter).
  static func aliasCells(_ masses: [Double]) -> [Cell] {
    let k = masses.count
    let total = masses.reduce(0, +)
    var scaled = masses.map { $0 * Double(k) / total }
    var small: [Int] = [], large: [Int] = []
    for x in (0..<k).reversed() {
      if scaled[x] < 1 { small.append(x) } else { large.append(x) }
    }
    var cells = (0..<k).map { Cell(cut: .max, alias: UInt32($0)) }
    while let l = small.last, let g = large.last {
      small.removeLast()
      cells[l] = Cell(cut: UInt64(scaled[l] * 0x1p64), alias: UInt32(g))
      scaled[g] = (scaled[g] + scaled[l]) - 1
      if scaled[g] < 1 {
        large.removeLast()
        small.append(g)
      }
    }
    return cells
  }
}

extension SponsorTransitionTables {
  /// The tables for these rates, built once and reused while the rates stay the same: the what-if analyses
  /// (`sweep`, `sensitivity`, `solve`) compile one plan per point, and most points change no sponsor rate, while
  /// the tables are most of a plan's cost (about 1.4 ms of 2 ms for the PyPI files). The same inputs give the same
  /// tables, so reuse changes no number.
  /// - Complexity: O(tiers · sets) to compare with the last inputs; the tables' own cost when they differ.
  package static func reused(
    renewalProbability: [Double], newPerYear: [Double], setRenewalMultiplier: [Double] = [1],
    setNewSponsorMultiplier: [Double] = [1]
  ) -> SponsorTransitionTables {
    let key = [renewalProbability, newPerYear, setRenewalMultiplier, setNewSponsorMultiplier]
    return lastBuilt.withLock { last in
      if let last, last.key.elementsEqual(key, by: { $0.elementsEqual($1) { $0.bitPattern == $1.bitPattern } }) {
        return last.tables
      }
      let tables = SponsorTransitionTables(
        renewalProbability: renewalProbability, newPerYear: newPerYear, setRenewalMultiplier: setRenewalMultiplier,
        setNewSponsorMultiplier: setNewSponsorMultiplier)
      last = (key, tables)
      return tables
    }
  }

  /// The last tables built by `reused`, with their inputs.
  private static let lastBuilt = LockedValue<(key: [[Double]], tables: SponsorTransitionTables)?>(nil)
}

/// A value behind a lock, for the few caches shared across threads.
package final class LockedValue<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  package init(_ value: Value) { self.value = value }

  /// Runs `body` with the value while holding the lock.
  package func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
