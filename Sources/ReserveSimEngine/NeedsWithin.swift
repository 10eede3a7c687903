/// One path variable of needs within y years (SPEC §17): need_y (`minimum` false), the least B₀ that keeps the path
/// at or above the floor in months ≤ 12y, or need_min,y, the least that keeps it at or above the board's minimum.
package struct NeedsWithin: Sendable, Hashable {
  package var years: Int
  package var minimum: Bool

  package init(years: Int, minimum: Bool) {
    self.years = years
    self.minimum = minimum
  }
}
