/// The mean of the `count` largest values, added in ascending order: their sum over the count and, for when that
/// sum overflows, the mean added term by term (each term at most 1.8e308 / count), shown through `finite`.
package struct TailMean: Sendable {
  package let count: Int
  package private(set) var sum = 0.0
  package private(set) var termwise = 0.0

  package init(count: Int) { self.count = count }

  package mutating func add(_ value: Double) {
    sum += value
    termwise += value / Double(count)
  }

  /// sum / count, or the term-by-term mean (as `RunSummary.finite`) when that is not finite.
  package var mean: Double {
    let mean = sum / Double(count)
    return mean.isFinite ? mean : RunSummary.finite(termwise)
  }
}
