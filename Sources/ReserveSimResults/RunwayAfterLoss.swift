import ReserveSimEngine

/// How long the reserve lasts once a donated service has to be paid for (SPEC §21), one per in-kind service.
///
/// Among the paths on which the service is first paid for within the horizon — m_L ≤ M, the first paid month
/// after its first loss; later losses do not restart the clock — the **runway** is R = m_ruin − m_L + 1, the months
/// paid for it up to and including the month of ruin (the first month-end below the floor), censored at the horizon
/// (R = M − m_L + 1) on a path still above the floor. A path that first fell below the floor before m_L ran out
/// before the loss: it is left out of the curve and counted in `ruinedBefore`. With the board's minimum k, the same
/// for m_below − m_L + 1, m_below the first month-end at or after m_L with cover < k, leaving out the paths already
/// below the minimum before m_L. Both curves are Kaplan–Meier estimates (`KaplanMeier`), read at q = 0.1 and 0.5.
public struct RunwayAfterLoss: Sendable, Equatable {
  /// One curve's answers: its 10th percentile and median in months (nil when the curve stays above), and what
  /// it was estimated from.
  public struct Months: Sendable, Equatable {
    /// The least t with Ŝ(t) ≤ 0.9: 90% of these futures last at least this many months; nil when more than 90%
    /// last the whole follow-up.
    public var p10: Int?
    /// The least t with Ŝ(t) ≤ 0.5: half of these futures run out within this many months; nil when more than half
    /// last the whole follow-up.
    public var p50: Int?
    /// The curve itself.
    public var curve: KaplanMeier
    /// The longest follow-up h in months: where a percentile is nil, "more than h months".
    public var followUpMonths: Int { curve.followUpMonths }
    /// The futures the curve is estimated from.
    public var futures: Int { curve.count }

    init(_ curve: KaplanMeier) {
      self.curve = curve
      p10 = curve.months(quantile: 0.1)
      p50 = curve.months(quantile: 0.5)
    }
  }

  /// The service's name.
  public var service: String
  /// Paths on which the service is first paid for within the horizon.
  public var lostPaths: Int
  /// `lostPaths` as a share of all paths.
  public var lostShare: Double
  /// Of those, the paths that had fallen below the floor before m_L (left out of the runway).
  public var ruinedBefore: Int
  /// Months from m_L to running out (R).
  public var runwayMonths: Months
  /// Of the lost paths, those already below the board's minimum before m_L (left out of `toMinimumMonths`); nil
  /// without a minimum.
  public var belowMinimumBefore: Int?
  /// Months from m_L to the first month-end below the board's minimum; nil without a minimum.
  public var toMinimumMonths: Months?

  /// The runway of every in-kind service of a run that recorded its first paid months
  /// (`Simulator.recordsFirstPaidMonths`); nil when it did not.
  /// - Complexity: O(paths × services + services × months).
  public static func all(_ result: SimulationResult) -> [RunwayAfterLoss]? {
    guard let firstPaid = result.firstPaidMonth else { return nil }
    let below = result.belowMinimumMonth.isEmpty ? nil : result.belowMinimumMonth
    return result.scenario.inKindServices.indices.map { s in
      RunwayAfterLoss(
        service: result.scenario.inKindServices[s].name,
        firstPaidMonth: firstPaid[s * result.paths..<(s + 1) * result.paths], ruinMonth: result.firstRuinMonth,
        belowMinimumMonth: below, months: result.scenario.months)
    }
  }

  /// One service's runway from each path's first paid month m_L (0: never lost; past `months`: not within the
  /// horizon), first month below the floor and, with a minimum, first month-end below it (0: never).
  /// - Parameter months: the horizon M.
  public init<Paid: Collection<Int32>>(
    service: String, firstPaidMonth: Paid, ruinMonth: [Int32], belowMinimumMonth: [Int32]?, months: Int
  ) {
    var tally = RunwayTally(months: months, minimum: belowMinimumMonth != nil)
    tally.add(firstPaidMonth: firstPaidMonth, ruinMonth: ruinMonth[...], belowMinimumMonth: belowMinimumMonth?[...])
    self.init(service: service, tally)
  }

  /// One service's runway from the counts of its paths.
  package init(service: String, _ tally: RunwayTally) {
    self.service = service
    lostPaths = tally.lost
    lostShare = tally.paths == 0 ? 0 : Double(tally.lost) / Double(tally.paths)
    ruinedBefore = tally.ruin.before
    runwayMonths = Months(tally.ruin.curve)
    belowMinimumBefore = tally.below?.before
    toMinimumMonths = tally.below.map { Months($0.curve) }
  }
}

/// One service's counts behind its runway curves, added path range by path range (a streamed run adds each chunk
/// of paths; counts add, so the curves do not depend on the chunks).
package struct RunwayTally: Sendable {
  /// Paths seen, and those on which the service is first paid for within the horizon.
  var paths = 0
  var lost = 0
  var ruin: TimesAfterLoss
  /// nil without a minimum.
  var below: TimesAfterLoss?

  package init(months: Int, minimum: Bool) {
    ruin = TimesAfterLoss(months: months)
    below = minimum ? TimesAfterLoss(months: months) : nil
  }

  /// Adds paths from each one's first paid month m_L (0: never lost; past the horizon: not within it), first month
  /// below the floor and, with a minimum, first month-end below it (0: never), all in the same path order.
  package mutating func add<Paid: Collection<Int32>>(
    firstPaidMonth: Paid, ruinMonth: ArraySlice<Int32>, belowMinimumMonth: ArraySlice<Int32>?
  ) {
    precondition(firstPaidMonth.count == ruinMonth.count)
    paths += ruinMonth.count
    let months = ruin.months
    for (path, paid) in zip(ruinMonth.indices, firstPaidMonth) where paid > 0 && paid <= months {
      lost += 1
      ruin.add(firstPaidMonth: Int(paid), firstMonth: Int(ruinMonth[path]))
      if let belowMinimumMonth {
        let offset = path - ruinMonth.startIndex + belowMinimumMonth.startIndex
        below!.add(firstPaidMonth: Int(paid), firstMonth: Int(belowMinimumMonth[offset]))
      }
    }
  }
}

/// One curve's observations, counted by time t = 1 … M: a path first paid for in m_L whose first month of the event
/// (ruin, or below the minimum) is m is an event at m − m_L + 1 when m ≥ m_L, censored at M − m_L + 1 when it never
/// happens (m = 0), and left out, counted in `before`, when m < m_L.
struct TimesAfterLoss: Sendable {
  let months: Int
  var events: [Int], censored: [Int]
  var before = 0

  init(months: Int) {
    self.months = months
    events = [Int](repeating: 0, count: months + 1)
    censored = events
  }

  mutating func add(firstPaidMonth start: Int, firstMonth: Int) {
    if firstMonth == 0 {
      censored[months - start + 1] += 1
    } else if firstMonth < start {
      before += 1
    } else {
      events[firstMonth - start + 1] += 1
    }
  }

  var curve: KaplanMeier { KaplanMeier(events: events, censored: censored) }
}
