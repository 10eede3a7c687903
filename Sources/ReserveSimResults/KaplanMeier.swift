/// The Kaplan–Meier estimate of a survival curve from whole-month times, some of them censored (SPEC §21).
///
/// Each observation is a time t ≥ 1 in months and whether the event (running out, falling below the minimum)
/// happened then or the observation stopped there without it (censored: the future was followed up to t and was
/// still fine). With d_t events among the n_t observations still at risk at t (time ≥ t),
///
///     Ŝ(t) = Π_{u ≤ t} (1 − d_u / n_u)
///
/// At tied times events come before censorings: an observation censored at t is still at risk at t. The q-th
/// quantile is the least t with Ŝ(t) ≤ 1 − q, and none (nil) when Ŝ stays above 1 − q over the whole follow-up.
public struct KaplanMeier: Sendable, Equatable {
  /// A time with at least one event, and Ŝ just after it.
  public struct Step: Sendable, Equatable {
    public var months: Int
    public var survival: Double
  }

  /// Ŝ after each time with an event, by increasing time (Ŝ is 1 before the first).
  public var steps: [Step]
  /// The observations (events and censorings).
  public var count: Int
  /// The longest follow-up: the largest time observed, event or censored; 0 without observations.
  public var followUpMonths: Int

  /// The curve from the number of events and of censorings at each time t (index t; index 0 unused, 0).
  /// - Complexity: O(times).
  public init(events: [Int], censored: [Int]) {
    precondition(events.count == censored.count, "one count of each kind per time")
    var atRisk = events.reduce(0, +) + censored.reduce(0, +)
    count = atRisk
    followUpMonths = events.indices.last { events[$0] + censored[$0] > 0 } ?? 0
    var survival = 1.0
    steps = []
    for t in events.indices where events[t] + censored[t] > 0 {
      if events[t] > 0 {
        survival *= Double(atRisk - events[t]) / Double(atRisk)
        steps.append(Step(months: t, survival: survival))
      }
      atRisk -= events[t] + censored[t]
    }
  }

  /// The curve from (time, event) observations: `event` false for a censored time.
  /// - Complexity: O(n + the largest time).
  public init(_ observations: [(months: Int, event: Bool)]) {
    let longest = observations.map(\.months).max() ?? 0
    var events = [Int](repeating: 0, count: longest + 1)
    var censored = events
    for observation in observations {
      precondition(observation.months >= 1, "times are whole months from 1")
      if observation.event { events[observation.months] += 1 } else { censored[observation.months] += 1 }
    }
    self.init(events: events, censored: censored)
  }

  /// Ŝ(t): the estimated share of futures whose event has not happened by the end of month t.
  public func survival(atMonths t: Int) -> Double { steps.last { $0.months <= t }?.survival ?? 1 }

  /// The least t with Ŝ(t) ≤ 1 − q (q = 0.5: the median), nil when Ŝ stays above 1 − q.
  ///
  /// Ŝ is a product of at most one factor per month, each rounded once, so it is compared with an allowance of
  /// 10⁻¹² (well above the rounding of 1,200 factors, ≈ 1.3·10⁻¹³): a curve that reaches 1 − q exactly in exact
  /// arithmetic (9 futures left of 10 for q = 0.1) gives that month.
  public func months(quantile q: Double) -> Int? {
    let level = 1 - q + 1e-12
    return steps.first { $0.survival <= level }?.months
  }
}
