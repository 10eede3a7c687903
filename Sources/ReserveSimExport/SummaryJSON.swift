import ReserveSimResults
import ReserveSimScenario

/// The `--json` summary of SPEC §10 (plus extra keys: interval bounds, floor, currency, yearly flows, SPEC §15's
/// method, months of outgo and share below the board's minimum, SPEC §19's policy activity and SPEC §21's runway after a
/// loss).
public enum SummaryJSON {
  /// The summary as a JSON document with the keys in SPEC order.
  public static func document(_ s: RunSummary) -> OrderedJSON {
    .object(
      [
        ("scenario", .string(s.scenarioName)),
        ("paths", .integer(s.paths)),
        ("seed", .raw(String(s.seed))),
        ("years", .integer(s.years)),
        ("currency", .string(s.currency)),
        ("initialReserve", .number(s.initialReserve)),
        ("floor", .number(s.floor)),
      ] + (s.warnings.isEmpty ? [] : [("warnings", .array(s.warnings.map(OrderedJSON.string)))]) + [
        (
          "ruinProbability",
          .object([
            ("value", .number(s.ruinProbability.value)), ("standardError", .number(s.ruinProbability.standardError)),
            ("lower", .number(s.ruinProbability.lower)), ("upper", .number(s.ruinProbability.upper)),
          ])
        ),
        ("ruinProbabilityByYear", .array(s.ruinProbabilityByYear.map(OrderedJSON.number))),
        (
          "ruinProbabilityIntervalByYear",
          .array(
            (1...s.years).map {
              let share = s.ruinProbability(withinYears: $0)
              return .object([("lower", .number(share.lower)), ("upper", .number(share.upper))])
            })
        ),
        ("requiredReserve", reserveLevels(s.requiredReserve, s)),
      ] + (s.minimumMonths == nil ? [] : [("requiredReserveForMinimum", reserveLevels(s.requiredReserveForMinimum, s))])
        + [
          ("requiredReserveMethod", .string(s.requiredReserveMethod.rawValue)),
          ("monthlyOutgoMonth1", .number(s.monthlyOutgoMonth1)),
          expectedShortfall(s),
        ] + belowMinimum(s) + [
          (
            "balanceByYear",
            .array(
              s.balanceByYear.map {
                .object([
                  ("year", .integer($0.year)), ("p5", .number($0.p5)), ("p25", .number($0.p25)),
                  ("p50", .number($0.p50)),
                  ("p75", .number($0.p75)), ("p95", .number($0.p95)), ("mean", .number($0.mean)),
                ])
              })
          ),
          (
            "budget",
            .object([
              (
                "month1",
                .array(
                  s.budget.month1.map {
                    .object(
                      [
                        ("kind", .string($0.kind.rawValue)), ("name", .string($0.name)),
                        ("monthly", .number($0.monthly)),
                      ])
                  })
              ),
              ("month1Net", .number(s.budget.month1Net)),
            ])
          ),
          (
            "flowsByYear",
            .array(
              s.yearlyFlows.map {
                .object([
                  ("year", .integer($0.year)), ("meanIncome", .number($0.income)),
                  ("meanSponsorRevenue", .number($0.sponsorRevenue)), ("meanExpenses", .number($0.expenses)),
                  ("meanServiceCosts", .number($0.serviceCosts)),
                ])
              })
          ),
        ] + policyActivity(s) + uncertainty(s) + runwayAfterLoss(s) + nested(s))
  }

  /// SPEC §19's `policyActivity` when the file has cuts or an appeal: a row per year of means over paths.
  static func policyActivity(_ s: RunSummary) -> [(String, OrderedJSON)] {
    guard !s.policyActivity.isEmpty else { return [] }
    return [
      (
        "policyActivity",
        .array(
          s.policyActivity.map {
            .object([
              ("year", .integer($0.year)), ("cutShare", .number($0.cutShare)), ("cutMonths", .number($0.cutMonths)),
              ("cutAmount", .number($0.cutAmount)), ("appeals", .number($0.appeals)),
              ("appealsAnswered", .number($0.appealsAnswered)), ("raised", .number($0.raised)),
            ])
          })
      )
    ]
  }

  /// Reserve levels with their 95% intervals and `months` (the reserve in months of the month-1 budgeted outgo,
  /// left out when month 1 budgets none).
  static func reserveLevels(_ levels: [RunSummary.ReserveLevel], _ s: RunSummary) -> OrderedJSON {
    .array(
      levels.map {
        .object(
          [
            ("confidence", .number($0.confidence)), ("value", .number($0.value)), ("lower", .number($0.lower)),
            ("upper", .number($0.upper)),
          ] + (s.months(of: $0.value).map { [("months", OrderedJSON.number($0))] } ?? []))
      })
  }

  /// SPEC §21's `runwayAfterLoss`, when the run recorded it (`run`, not `check`): per in-kind service the share of
  /// paths on which it is first paid for within the horizon, the paths that had run out before, and the 10th
  /// percentile and median of the months to ruin and (with a minimum; else null) to the board's minimum, each null
  /// where the Kaplan–Meier curve stays above, with `followUpMonths`, the longest follow-up h ("more than h months"),
  /// and `futures`, the paths the curve is estimated from.
  static func runwayAfterLoss(_ s: RunSummary) -> [(String, OrderedJSON)] {
    guard let runway = s.runwayAfterLoss else { return [] }
    func months(_ m: RunwayAfterLoss.Months?) -> OrderedJSON {
      guard let m else { return .null }
      return .object([
        ("p10", m.p10.map(OrderedJSON.integer) ?? .null), ("p50", m.p50.map(OrderedJSON.integer) ?? .null),
        ("followUpMonths", .integer(m.followUpMonths)), ("futures", .integer(m.futures)),
      ])
    }
    return [
      (
        "runwayAfterLoss",
        .array(
          runway.map { r in
            .object(
              [
                ("service", .string(r.service)), ("lostShare", .number(r.lostShare)),
                ("ruinedBefore", .integer(r.ruinedBefore)), ("runwayMonths", months(r.runwayMonths)),
                ("toMinimumMonths", months(r.toMinimumMonths)),
              ] + (r.belowMinimumBefore.map { [("belowMinimumBefore", OrderedJSON.integer($0))] } ?? []))
          })
      )
    ]
  }

  /// SPEC §16's `uncertainty`, when the file has uncertain estimates: each one's `--set` path, its distribution as
  /// written, and its first-order indices for ruin and for the need with their 95% intervals (null where the
  /// output does not vary), largest need index first.
  static func uncertainty(_ s: RunSummary) -> [(String, OrderedJSON)] {
    guard !s.uncertainty.isEmpty else { return [] }
    return [
      (
        "uncertainty",
        .array(
          s.uncertainty.map { rank in
            .object([
              ("path", .string(rank.parameter.path.description)),
              ("distribution", distribution(rank.parameter.distribution.form)),
              ("ruin", index(rank.ruin)), ("need", index(rank.need)),
            ])
          })
      )
    ]
  }

  /// A distribution as written: `{"range": [a, b]}` and the like.
  /// An index with its 95% interval, `{"index", "lower", "upper"}`, or null.
  static func index(_ value: SensitivityIndex?) -> OrderedJSON {
    guard let value else { return .null }
    return .object([
      ("index", .number(value.index)), ("lower", .number(value.lower)), ("upper", .number(value.upper)),
    ])
  }

  /// SPEC §22's `nested`, when estimates are drawn per group: the spread of the groups' own answers over the
  /// plausible sets of estimates, and the estimates ranked by their share of the spread in running out.
  static func nested(_ s: RunSummary) -> [(String, OrderedJSON)] {
    guard let nested = s.nested else { return [] }
    func spread(_ value: NestedSummary.Spread) -> OrderedJSON {
      .object([
        ("p5", .number(value.p5)), ("p50", .number(value.p50)), ("p95", .number(value.p95)),
        ("sdEpistemic", .number(value.sdEpistemic)), ("innerNoiseDominates", .bool(value.innerNoiseDominates)),
      ])
    }
    return [
      (
        "nested",
        .object([
          ("inner", .integer(nested.inner)), ("groups", .integer(nested.groups)), ("ruin", spread(nested.ruin)),
          ("below", nested.below.map(spread) ?? .null),
          (
            "requiredReserve",
            .array(
              nested.requiredReserve.map {
                .object([
                  ("confidence", .number($0.confidence)), ("p5", .number($0.p5)), ("p50", .number($0.p50)),
                  ("p95", .number($0.p95)),
                ])
              })
          ),
          (
            "ranking",
            .array(
              nested.ranking.map {
                .object([("path", .string($0.parameter.path.description)), ("ruin", index($0.ruin))])
              })
          ),
        ])
      )
    ]
  }

  static func distribution(_ form: EstimateDistribution.Form) -> OrderedJSON {
    switch form {
    case .range(let a, let b): return .object([("range", .array([.number(a), .number(b)]))])
    case .uniform(let a, let b): return .object([("uniform", .array([.number(a), .number(b)]))])
    case .triangular(let low, let mode, let high):
      return .object([("triangular", .array([.number(low), .number(mode), .number(high)]))])
    case .beta(let alpha, let beta): return .object([("beta", .array([.number(alpha), .number(beta)]))])
    }
  }

  /// `expectedShortfall`: a list, or null with `expectedShortfallOmitted` saying why (SPEC §15's search).
  static func expectedShortfall(_ s: RunSummary) -> (String, OrderedJSON) {
    guard s.requiredReserveMethod == .exact else { return ("expectedShortfall", .null) }
    return (
      "expectedShortfall",
      .array(
        s.expectedShortfall.map { .object([("confidence", .number($0.confidence)), ("value", .number($0.value))]) })
    )
  }

  /// SPEC §15's keys when the file sets a minimum: `minimumMonths`, `belowMinimum` (value, standard error and
  /// Wilson interval) and `belowMinimumByYear`; the reason the shortfall is omitted in search mode.
  static func belowMinimum(_ s: RunSummary) -> [(String, OrderedJSON)] {
    var keys: [(String, OrderedJSON)] = []
    if s.requiredReserveMethod == .search {
      keys.append(("expectedShortfallOmitted", .string(RunSummary.shortfallOmittedInSearch)))
    }
    guard let minimum = s.minimumMonths, let below = s.belowMinimum else { return keys }
    keys += [
      ("minimumMonths", .number(minimum)),
      (
        "belowMinimum",
        .object([
          ("value", .number(below.value)), ("standardError", .number(below.standardError)),
          ("lower", .number(below.lower)), ("upper", .number(below.upper)),
        ])
      ),
      ("belowMinimumByYear", .array(s.belowMinimumByYear.map(OrderedJSON.number))),
    ]
    return keys
  }

  /// The summary as pretty-printed JSON text.
  public static func encode(_ s: RunSummary) throws -> String { document(s).text() }
}
