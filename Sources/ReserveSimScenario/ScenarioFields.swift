/// The one description of every field of the scenario format: its JSON path, type, allowed range, unit, default
/// and meaning in one line.
///
/// Everything else that knows the fields reads them from here: the decoder, which reads every plain number through
/// its row's key path with the row's range and default (`ObjectReader.decode`; `Scenario+Decoding.swift` and
/// `Scenario+PartII.swift` decode the rest), `--set` (`ParameterAddress`), the report's assumption tables (each row's
/// `label`), whether a service takes the engine's general pass (`SimulationPlan`), the what-if analyses' whole-number
/// fields and clamps (`ScenarioParameters`), the warnings for likely percentage slips (`Scenario+Warnings.swift`),
/// and the published `scenarios/schema.json` and `docs/scenario-format.md`, which `reservesim schema` prints
/// (`scripts/generate-format.sh` writes both; a test fails while the committed files differ).
///
/// The table is a list of objects (the top level, then each JSON Schema definition), each a list of fields; a
/// field's JSON path pattern is where its object stands plus its key (`inKindServices[].annualLossProbability`).
public enum ScenarioFields {
  // MARK: The table

  /// The top level of a scenario file.
  static let root = ScenarioObject(
    "", title: "Top level",
    note: "*Checked by reservesim:* names are unique within each list.",
    fields: [
      ScenarioField(
        "$schema", .text,
        "Where editors find this schema; shipped scenarios use \"schema.json\". Ignored by the simulation."),
      ScenarioField(
        "extends", .text, examples: ["pypi-today.json"],
        "A base scenario file (a path relative to this file) that this file changes. This file is applied to the base as a JSON Merge Patch (RFC 7386): objects merge key by key, null removes a key, and a list replaces the base's list whole. A file that extends another need not repeat name or years."
      ),
      ScenarioField(
        "name", .name, required: .unlessExtending, "The scenario's name, shown in every report."),
      ScenarioField("description", .text, "What the file models, in plain words. Ignored by the simulation."),
      ScenarioField(
        "sources", .list(.text), default: .array([]),
        "What each figure rests on: the public source of each quoted number, and which numbers are estimates. Ignored by the simulation."
      ),
      ScenarioField(
        "currency", .text, default: .string("USD"), pattern: "^[A-Z]{3}$", examples: ["USD", "EUR"],
        "The three-letter ISO 4217 code of the currency every amount in the file is in (used for labels only)."),
      ScenarioField(
        "start", .text, pattern: monthPattern, examples: ["2020-04"],
        "The calendar month of month 1, as \"YYYY-MM\" (used for labels only)."),
      ScenarioField(
        "years", .wholeNumber, range: .between(1, 100), unit: "years", required: .unlessExtending,
        at: .wholeNumber(\Scenario.years), limit: .horizon,
        "How many years to simulate (the horizon). The simulation runs in monthly steps, 12 per year; month 1 is exactly the figures written in the file."
      ),
      ScenarioField("simulation", .object("simulation"), at: .object(\Scenario.simulation)),
      ScenarioField("reserve", .object("reserve"), at: .object(\Scenario.reserve)),
      ScenarioField("factors", .object("factors"), at: .object(\Scenario.factors)),
      ScenarioField(
        "correlations", .list(.object("correlation")), default: .array([]), at: .list(\Scenario.correlations),
        "How the random factors' monthly surprises move together. Pairs not listed are uncorrelated. Each pair may be given once, and together they must be possible (a positive definite matrix): the tool rejects, for example, traffic moving with unit cost, unit cost with donations, but traffic against donations, all strongly."
      ),
      ScenarioField(
        "income", .list(.object("moneyLine")), default: .array([]), at: .list(\Scenario.income),
        "Regular income other than sponsors (donations, grants, fees). Names must be unique within the list. Income is multiplied by the incomeMultiplier of every active event."
      ),
      ScenarioField(
        "expenses", .list(.object("moneyLine")), default: .array([]), at: .list(\Scenario.expenses),
        "Regular spending (staff, hosting, other costs). Names must be unique within the list."),
      ScenarioField(
        "sponsorTiers", .list(.object("sponsorTier")), default: .array([]), at: .list(\Scenario.sponsorTiers),
        "Sponsorship tiers. Sponsors pay monthly; at each year end each sponsor renews or leaves, and new sponsors join. Names must be unique within the list."
      ),
      ScenarioField(
        "inKindServices", .list(.object("inKindService")), default: .array([]), at: .list(\Scenario.inKindServices),
        "Services donated in kind (a CDN, cloud hosting, monitoring) that the organisation would have to pay for if the donor stopped. Names must be unique within the list."
      ),
      ScenarioField(
        "events", .list(.object("event")), default: .array([]), at: .list(\Scenario.events),
        "Kinds of shock (a downturn, a funding freeze) that start at random, last a while, and change income, renewals, new sponsors and the chance of losing donated services while they last. Different kinds are independent; when several are active their effects multiply. Names must be unique within the list."
      ),
      ScenarioField(
        "assertions", .list(.object("assertion")), default: .array([]), at: .list(\Scenario.assertions),
        "Budget assumptions that `reservesim check` tests against the simulation (for CI). A check passes, fails, or is inconclusive when the threshold lies inside the estimate's 95% Monte Carlo confidence interval. Names must be unique within the list."
      ),
      ScenarioField(
        "oneOffs", .list(.object("oneOff")), default: .array([]), at: .list(\Scenario.oneOffs),
        "Single cash flows in given months (an audit, a one-off grant). Names must be unique within the list."),
      ScenarioField("policy", .object("policy"), at: .optionalObject(\Scenario.policy)),
    ])

  static let simulation = ScenarioObject(
    "simulation", title: "Simulation settings", default: .object([:]),
    description:
      "How many possible futures (paths) to simulate, and from which seed. The same file, seed and path count always give identical numbers.",
    fields: [
      ScenarioField(
        "paths", .wholeNumber, range: .between(1, 1e9), default: .number(10_000), unit: "paths",
        at: .wholeNumber(\SimulationSettings.paths),
        "How many possible futures to simulate. More paths narrow the Monte Carlo confidence intervals (roughly, four times the paths halves them) and take longer. Shipped scenarios keep this at 100,000 or fewer."
      ),
      ScenarioField(
        "seed", .wholeNumber, range: .between(0, largestWholeNumber), default: .number(1),
        at: .seed(\SimulationSettings.seed),
        "The starting point of the random numbers. Path i's random numbers depend only on the seed and i, so a run of 2N paths contains the first N paths' results unchanged."
      ),
      ScenarioField(
        "nested", .object("nested"), at: .optionalObject(\SimulationSettings.nested),
        "Estimates drawn per group of paths rather than per path, to say how sure the answers are: the paths form consecutive groups of inner paths, each group shares one draw of every estimate written as a distribution, and the results add each group's own answers (their spread is the spread that research on the estimates could remove)."
      ),
    ])

  static let nested = ScenarioObject(
    "nested", title: "Estimates drawn per group",
    description:
      "Paths i = j·inner … (j+1)·inner − 1 form group j and share one draw of every estimate written as a distribution; every other random number stays per path. The path count must be a multiple of inner, with at least 20 groups.",
    fields: [
      ScenarioField(
        "inner", .wholeNumber, range: .between(100, 1e9), unit: "paths", required: .always,
        at: .wholeNumber(\NestedDraws.inner),
        "The paths in each group (at least 100): each group's own chance of running out is a share of this many futures."
      )
    ])

  static let reserve = ScenarioObject(
    "reserve", title: "The reserve", default: .object([:]),
    description:
      "The cash reserve. Each month: balance = last month's balance grown by the monthly return, plus income and sponsor payments, minus expenses and the cost of services no longer donated. A future is ruined in the first month the balance is below the floor.",
    fields: [
      ScenarioField(
        "initial", .number, range: .balance, default: .number(0), unit: "currency", at: .number(\ReservePolicy.initial),
        label: "Initial reserve",
        lane: .reserveInitial, "The balance at the start, before month 1."),
      ScenarioField(
        "floor", .number, range: .balance, default: .number(0), unit: "currency", at: .number(\ReservePolicy.floor),
        label: "Floor (ruin is falling below it)",
        lane: .reserveFloor,
        "The lowest balance the organisation accepts; falling below it counts as ruin. 0 means running out of cash; a positive floor keeps a safety margin."
      ),
      ScenarioField(
        "annualReturn", .number, range: .growth, default: .number(0), unit: "fraction per year", scale: .rate,
        at: .number(\ReservePolicy.annualReturn), label: "Return on the reserve per year", lane: .reserveReturn,
        "Interest or investment return on the balance, applied monthly as (1 + annualReturn)^(1/12). It applies to any sign of balance, so a negative balance is charged the same rate."
      ),
    ])

  static let factors = ScenarioObject(
    "factors", title: "Random factors", default: .object([:]),
    description:
      "The random factors that drive the model. Each is a level that starts at 1 in month 1 and then drifts at its growth rate with random monthly surprises of the given volatility (a monthly random walk in logarithms, so the level is never negative). A factor left out stays exactly 1.",
    fields: [
      ScenarioField(
        "traffic", .object("factor"), at: .object(\[Factor: FactorDynamics][dynamicsOf: .traffic]),
        "How much the donated services are used (requests, bytes served). Scales the value of services with scaling \"traffic\"."
      ),
      ScenarioField(
        "unitCost", .object("factor"), at: .object(\[Factor: FactorDynamics][dynamicsOf: .unitCost]),
        "The price per unit of use (e.g. per GB served). Scales the value of services with scaling \"traffic\"; falling prices are a negative growth."
      ),
      ScenarioField(
        "donations", .object("factor"), at: .object(\[Factor: FactorDynamics][dynamicsOf: .donations]),
        "The general level of giving; income lines with factor \"donations\" follow it."
      ),
      ScenarioField(
        "inflation", .object("factor"), at: .object(\[Factor: FactorDynamics][dynamicsOf: .inflation]),
        "Prices in general. Scales services with scaling \"fixed\" and any line with factor \"inflation\"."),
    ])

  static let factor = ScenarioObject(
    "factor", title: "One factor",
    fields: [
      ScenarioField(
        "annualGrowth", .number, range: .growth, default: .number(0), unit: "fraction per year", scale: .rate,
        at: .number(\FactorDynamics.annualGrowth), label: "Median growth per year", lane: .factorGrowth,
        "The typical (median) growth per year: the factor's median level in month m is (1 + annualGrowth)^((m-1)/12). -0.1 is a 10% fall per year; it must be above -1 (-100%)."
      ),
      ScenarioField(
        "annualVolatility", .number, range: .between(0, 5), default: .number(0),
        unit: "fraction per year (standard deviation of the log level)", scale: .rate,
        at: .number(\FactorDynamics.annualVolatility), label: "Volatility per year", lane: .factorVolatility,
        "How uncertain the factor is: the standard deviation of its logarithm grows as annualVolatility times the square root of the years elapsed. 0 makes the factor follow its growth exactly."
      ),
    ])

  static let correlation = ScenarioObject(
    "correlation", title: "A correlation",
    note:
      "*Checked by reservesim:* each pair of factors at most once, and all pairs together form a positive definite matrix.",
    fields: [
      ScenarioField(
        "between", .list(.factorName), required: .always, itemCount: 2,
        at: .text(\Correlation.between, { $0.map(\.rawValue).joined(separator: " and ") }), label: "Between",
        "The two (different) factors whose monthly surprises are correlated."),
      ScenarioField(
        "rho", .number, range: .openInterval(-1, 1), unit: "correlation coefficient", required: .always,
        at: .number(\Correlation.rho), label: "ρ", lane: .rho, limit: .correlation,
        "The correlation of the two factors' monthly surprises: positive when they tend to move together, negative when one tends to rise as the other falls. Exactly 1 or -1 would tie the two factors into one and is rejected."
      ),
    ])

  static let moneyLine = ScenarioObject(
    "moneyLine", title: "An income or expense line",
    note: "*Checked by reservesim:* `untilYear` is not before `fromYear`.",
    fields: [
      ScenarioField("name", .name, required: .always, "What the line is, unique within its list."),
      ScenarioField(
        "annual", .number, range: .amount, default: .number(0), unit: "currency per year",
        at: .number(\MoneyLine.annual), label: "Per year at start", lane: .lineAnnual,
        "The amount per year at month 1; one twelfth of it is paid each month."),
      ScenarioField(
        "annualGrowth", .number, range: .growth, default: .number(0), unit: "fraction per year", scale: .rate,
        at: .number(\MoneyLine.annualGrowth), label: "Growth per year", lane: .lineGrowth,
        "A planned, certain growth per year (a pay rise, an agreed price increase), compounded monthly from month 2."),
      ScenarioField(
        "factor", .factorName,
        at: .text(\MoneyLine.factor, { $0?.rawValue }), label: "Follows",
        "A random factor that multiplies the line (e.g. \"donations\" for gifts, \"inflation\" for costs that follow prices). Left out: the line follows its annualGrowth only."
      ),
      ScenarioField(
        "fromYear", .wholeNumber, range: .atLeast(1), default: .number(1), unit: "year (1 = the first)",
        at: .optionalWholeNumber(\MoneyLine.fromYear), limit: .firstYear,
        "The first year (1-based, inclusive) in which the line is paid."),
      ScenarioField(
        "untilYear", .wholeNumber, range: .atLeast(1), unit: "year (1 = the first)",
        at: .optionalWholeNumber(\MoneyLine.untilYear), limit: .lastYear,
        "The last year (1-based, inclusive) in which the line is paid; not before fromYear. Left out: to the end of the horizon."
      ),
    ])

  static let sponsorTier = ScenarioObject(
    "sponsorTier", title: "A sponsor tier",
    fields: [
      ScenarioField("name", .name, required: .always, "The tier's name, unique within the list."),
      ScenarioField(
        "annualAmount", .number, range: .amount, default: .number(0), unit: "currency per sponsor per year",
        at: .number(\SponsorTier.annualAmount), label: "Per sponsor per year", lane: .tierAmount,
        "What one sponsor in this tier pays per year; one twelfth of it each month."),
      ScenarioField(
        "count", .wholeNumber, range: .between(0, 1e6), default: .number(0), unit: "sponsors",
        at: .wholeNumber(\SponsorTier.count), label: "Sponsors at start", lane: .tierCount,
        "How many sponsors the tier has at the start."),
      ScenarioField(
        "renewalProbability", .number, range: .probability, default: .number(1),
        unit: "probability per sponsor per year", scale: .probability, at: .number(\SponsorTier.renewalProbability),
        label: "Renewal chance",
        lane: .tierRenewal,
        "Each sponsor's chance of renewing at each year end (0.8 = 80%). Active events multiply it by their sponsorRenewalMultiplier (capped at 1)."
      ),
      ScenarioField(
        "newPerYear", .number, range: .between(0, 1e5), default: .number(0), unit: "sponsors per year (average)",
        at: .number(\SponsorTier.newPerYear), label: "New per year (mean)", lane: .tierNewPerYear,
        "How many new sponsors join at each year end on average (the actual number is random, Poisson). Active events multiply it by their newSponsorMultiplier. 0.5 means one new sponsor every two years on average."
      ),
    ])

  static let inKindService = ScenarioObject(
    "inKindService", title: "An in-kind service",
    fields: [
      ScenarioField("name", .name, required: .always, "The service's name, unique within the list."),
      ScenarioField(
        "monthlyValue", .number, range: .amount, default: .number(0), unit: "currency per month",
        at: .number(\InKindService.monthlyValue), label: "Value per month at start", lane: .serviceValue,
        "What it would cost to pay for the service in month 1."),
      ScenarioField(
        "scaling", .choice(ServiceScaling.allCases.map(\.rawValue)), default: .string("fixed"),
        at: .text(\InKindService.scaling, { $0.rawValue }), label: "Value follows",
        "How the service's value moves: \"traffic\" follows traffic times unitCost (a CDN, bandwidth); \"fixed\" follows inflation only (a flat-fee service)."
      ),
      ScenarioField(
        "annualLossProbability", .number, range: .probability, default: .number(0), unit: "probability per year",
        scale: .probability, at: .number(\InKindService.annualLossProbability), label: "Loss chance per year",
        lane: .serviceLoss,
        "The chance per year that the donor ends the donation. It is spread evenly over the months and multiplied by the serviceLossMultiplier of active events; 1 means the donation ends in month 1."
      ),
      ScenarioField(
        "noticeMonths", .wholeNumber, range: .between(0, 1200), default: .number(0), unit: "months",
        at: .wholeNumber(\InKindService.noticeMonths), label: "Notice", lane: .serviceNotice,
        "How many months the donor keeps covering the service after announcing the end: lost in month m, the donor still covers months m to m + noticeMonths."
      ),
      ScenarioField(
        "replacementCostFraction", .number, range: .between(0, 100), default: .number(1),
        unit: "fraction of the service's value", scale: .fraction, at: .number(\InKindService.replacementCostFraction),
        label: "Share paid once lost",
        lane: .serviceCostFraction,
        "The share of the service's value the organisation pays each month once the donation is gone (0.6 = a negotiated price at 60% of the value; above 1 is allowed, e.g. for an emergency premium)."
      ),
      ScenarioField(
        "annualReplacementProbability", .number, range: .probability, default: .number(0),
        unit: "probability per year", scale: .probability, at: .number(\InKindService.annualReplacementProbability),
        label: "Replacement chance per year",
        lane: .serviceReplacement,
        "While the organisation is paying, the chance per year that a new donor takes the service over; from the month after that the service is donated again (and can be lost again)."
      ),
      ScenarioField(
        "agreement", .object("agreement"), at: .optionalObject(\InKindService.agreement), label: "Dated agreement"),
      ScenarioField(
        "migrationCost", .number, range: .amount, default: .number(0), unit: "currency at month-1 prices",
        at: .number(\InKindService.migrationCost), label: "Migration (once)", lane: .serviceMigration,
        "A one-off cost of moving off the donated service, scaled like the service's value, paid in the first month the organisation pays after each loss."
      ),
      ScenarioField(
        "mitigation", .object("mitigation"), at: .optionalObject(\InKindService.mitigation),
        label: "Cheaper cost once adapted"),
    ])

  static let event = ScenarioObject(
    "event", title: "An event",
    fields: [
      ScenarioField("name", .name, required: .always, "The kind of event, unique within the list."),
      ScenarioField(
        "annualProbability", .number, range: .probability, default: .number(0), unit: "probability per year",
        scale: .probability, at: .number(\EventKind.annualProbability), label: "Chance per year",
        lane: .eventProbability,
        "The chance per year that the event starts, spread evenly over the months in which it is not already active."),
      ScenarioField(
        "durationMonths", .wholeNumber, range: .between(1, 1200), default: .number(1), unit: "months",
        at: .wholeNumber(\EventKind.durationMonths), label: "Lasts", lane: .eventDuration,
        "How long the event lasts once started, the starting month included."),
      ScenarioField(
        "incomeMultiplier", .number, range: .multiplier, default: .number(1), unit: "multiplier",
        at: .number(\EventKind.incomeMultiplier), label: "Income ×", lane: .eventIncome,
        "Multiplies every income line while the event is active (0.8 = income 20% lower). Sponsors are not income lines: use the sponsor multipliers for them."
      ),
      ScenarioField(
        "sponsorRenewalMultiplier", .number, range: .multiplier, default: .number(1), unit: "multiplier",
        at: .number(\EventKind.sponsorRenewalMultiplier), label: "Renewal ×", lane: .eventRenewal,
        "Multiplies every tier's renewalProbability at a year end that falls while the event is active (the result is capped at 1)."
      ),
      ScenarioField(
        "newSponsorMultiplier", .number, range: .multiplier, default: .number(1), unit: "multiplier",
        at: .number(\EventKind.newSponsorMultiplier), label: "New sponsors ×", lane: .eventNewSponsor,
        "Multiplies every tier's newPerYear at a year end that falls while the event is active (0.5 = half as many new sponsors)."
      ),
      ScenarioField(
        "serviceLossMultiplier", .number, range: .multiplier, default: .number(1), unit: "multiplier",
        at: .number(\EventKind.serviceLossMultiplier), label: "Service loss ×", lane: .eventLoss,
        "Multiplies the monthly chance of losing each donated service while the event is active (2 = donors twice as likely to stop)."
      ),
      ScenarioField(
        "agreementRenewalMultiplier", .number, range: .multiplier, default: .number(1), unit: "multiplier",
        at: .number(\EventKind.agreementRenewalMultiplier), label: "Agreement renewal ×", lane: .eventAgreement,
        "Multiplies a dated agreement's renewal probability when the event is active in the agreement's last month."),
    ])

  static let agreement = ScenarioObject(
    "agreement", title: "A service's dated agreement",
    description:
      "The donation's dated agreement: donated until the end of month ends, then renewed or ended. The loss probability still applies before the end (an early end, with its notice). A replacement donor's donation has no dated term.",
    fields: [
      ScenarioField(
        "ends", .month, range: .atLeast(1), required: .always, at: .wholeNumber(\ServiceAgreement.ends),
        label: "Ends",
        "The agreement's last covered month (it may lie past the horizon). At its end one draw decides whether the agreement is renewed; without a renewal the organisation pays from the next month (the notice is taken as given before the end)."
      ),
      ScenarioField(
        "renewalProbability", .number, range: .probability, default: .number(0), unit: "probability",
        scale: .probability, at: .number(\ServiceAgreement.renewalProbability), label: "Renewal chance",
        lane: .serviceAgreementRenewal, limit: .renewalTerm,
        "The chance that the agreement is renewed at each end, multiplied by the agreementRenewalMultiplier of the events active in that month."
      ),
      ScenarioField(
        "renewalYears", .wholeNumber, range: .between(1, 100), unit: "years", required: .with("renewalProbability"),
        at: .optionalWholeNumber(\ServiceAgreement.renewalYears), label: "Renewed for",
        "The length of each renewal, in years. The model knows only when the current term ends, not how long it was, so no term is assumed: it is required whenever renewalProbability is given."
      ),
    ])

  static let mitigation = ScenarioObject(
    "mitigation", title: "A lost service's cost once adapted",
    description: "What a lost service costs once the organisation has adapted to paying for it.",
    fields: [
      ScenarioField(
        "afterMonths", .wholeNumber, range: .between(0, 1200), unit: "months", required: .always,
        at: .wholeNumber(\ServiceMitigation.afterMonths), label: "After",
        "Once the organisation has paid for this many months in a row, it pays costFraction instead of replacementCostFraction (the count starts again after each loss)."
      ),
      ScenarioField(
        "costFraction", .number, range: .between(0, 100), unit: "fraction of the service's value", scale: .fraction,
        required: .always, at: .number(\ServiceMitigation.costFraction), label: "Share paid then",
        lane: .serviceMitigatedFraction,
        "The share of the service's value paid once the organisation has adapted (a cheaper set-up)."),
    ])

  static let oneOff = ScenarioObject(
    "oneOff", title: "A one-off item",
    fields: [
      ScenarioField("name", .name, required: .always, "What the item is, unique within the list."),
      ScenarioField(
        "month", .month, range: .between(1, 1200), required: .always, at: .wholeNumber(\OneOff.month), limit: .month,
        "The month it falls in: a whole number or \"YYYY-MM\" (which needs the file's start), within the horizon (at most 12 × years)."
      ),
      ScenarioField(
        "amount", .number, range: .balance, unit: "currency", required: .always, at: .number(\OneOff.amount),
        "The cash flow: positive for income, negative for an expense. Not scaled by any factor or event."),
    ])

  static let policy = ScenarioObject(
    "policy", title: "The organisation's responses",
    description:
      "The organisation's own responses, measured in months of outgo: cover = balance / (expenses + service costs of the month).",
    fields: [
      ScenarioField(
        "minimumMonths", .number, range: .between(0, 1200), unit: "months of outgo",
        at: .optionalNumber(\ResponsePolicy.minimumMonths), label: "Board minimum",
        "The board's minimum reserve. Changes no cash flow; results report the chance of falling below it."),
      ScenarioField("cuts", .object("cuts"), at: .optionalObject(\ResponsePolicy.cuts), label: "Cuts"),
      ScenarioField(
        "appeal", .object("appeal"), at: .optionalObject(\ResponsePolicy.appeal), label: "Emergency appeal"),
    ])

  static let cuts = ScenarioObject(
    "cuts", title: "Spending cuts",
    description: "Spending cuts that start when the cover falls and stop once it recovers.",
    note: "*Checked by reservesim:* `restoreMonths` is at least `belowMonths`; `lines` name expense lines of the file.",
    fields: [
      ScenarioField(
        "belowMonths", .number, range: .between(0, 1200), unit: "months of outgo", required: .always,
        at: .number(\ExpenseCuts.belowMonths), label: "Start below", limit: .cutsTrigger,
        "When the cover falls below this at a month-end, the listed expense lines are cut from the next month."),
      ScenarioField(
        "restoreMonths", .number, range: .between(0, 1200), unit: "months of outgo",
        at: .number(\ExpenseCuts.restoreMonths), label: "End once the cover is back to", limit: .cutsRestore,
        "The cuts end after the first month-end with cover at least this (default belowMonths); at least belowMonths."),
      ScenarioField(
        "expenseMultiplier", .number, range: .probability, unit: "multiplier", scale: .fraction, required: .always,
        at: .number(\ExpenseCuts.expenseMultiplier), label: "Cut lines paid at",
        "What the cut lines are multiplied by while the cuts apply."),
      ScenarioField(
        "lines", .list(.text), at: .text(\ExpenseCuts.lines, { $0?.joined(separator: ", ") }),
        label: "Lines cut (all when none named)", "The expense lines cut, by name (default: all expense lines)."),
    ])

  static let appeal = ScenarioObject(
    "appeal", title: "An emergency appeal",
    description: "An emergency appeal made when the cover falls.",
    fields: [
      ScenarioField(
        "belowMonths", .number, range: .between(0, 1200), unit: "months of outgo", required: .always,
        at: .number(\EmergencyAppeal.belowMonths), label: "Made below",
        "When the cover falls below this at a month-end, and no appeal was made in the cool-down, an appeal is made."),
      ScenarioField(
        "amount", .number, range: .amount, unit: "currency at month-1 prices", required: .always,
        at: .number(\EmergencyAppeal.amount),
        "What an answered appeal raises the next month, scaled by the donations factor."),
      ScenarioField(
        "probability", .number, range: .probability, default: .number(1), unit: "probability", scale: .probability,
        at: .number(\EmergencyAppeal.probability), label: "Chance answered", "The chance that an appeal is answered."),
      ScenarioField(
        "cooldownMonths", .wholeNumber, range: .between(1, 1200), default: .number(12), unit: "months",
        at: .wholeNumber(\EmergencyAppeal.cooldownMonths), label: "At most once in",
        "No new appeal within this many months of the last one."),
      ScenarioField(
        "maxAppeals", .wholeNumber, range: .atLeast(0), unit: "appeals",
        at: .optionalWholeNumber(\EmergencyAppeal.maxAppeals), label: "At most, over the horizon",
        "At most this many appeals over the horizon (0: none). Left out: no limit."),
    ])

  static let ruinProbabilityAssertion = ScenarioObject(
    "ruinProbabilityAssertion", title: "An assertion on the ruin probability",
    description: "\"The chance of falling below the floor within withinYears years is at most atMost.\"",
    note: "*Checked by reservesim:* `withinYears` is at most the scenario's `years`.",
    fields: [
      ScenarioField("name", .name, required: .always, "The assumption in words, unique within the list."),
      ScenarioField(
        "metric", .constant("ruinProbability"), required: .always,
        "The share of futures that fall below the reserve floor."),
      ScenarioField(
        "withinYears", .wholeNumber, range: .between(1, 100), unit: "years", at: .wholeNumber(\Assertion.withinYears),
        limit: .assertionYears,
        "Count ruin in the first withinYears years only; at most the scenario's years. Left out: the whole horizon."),
      ScenarioField(
        "atMost", .number, range: .probability, unit: "probability", scale: .probability, required: .always,
        at: .number(\Assertion.atMost), "The largest acceptable chance of ruin (0.05 = 5%)."),
    ])

  static let requiredReserveAssertion = ScenarioObject(
    "requiredReserveAssertion", title: "An assertion on the required reserve",
    description:
      "\"The starting reserve needed to stay at or above the floor in a share confidence of futures is at most atMost.\"",
    fields: [
      ScenarioField("name", .name, required: .always, "The assumption in words, unique within the list."),
      ScenarioField(
        "metric", .constant("requiredReserve"), required: .always,
        "The starting reserve that keeps a given share of futures at or above the floor for the whole horizon."),
      ScenarioField(
        "confidence", .number, range: .openInterval(0, 1), unit: "probability", scale: .probability,
        required: .always, at: .number(\Assertion.confidence),
        "The share of futures the reserve must carry through (0.95 = 95%)."),
      ScenarioField(
        "atMost", .number, unit: "currency", required: .always, at: .number(\Assertion.atMost),
        "The largest acceptable required reserve."),
    ])

  static let belowMinimumAssertion = ScenarioObject(
    "belowMinimumAssertion", title: "An assertion on falling below the board's minimum",
    description:
      "\"The chance of falling below the board's minimum (policy.minimumMonths months of outgo) at some month-end within withinYears years is at most atMost.\" Needs policy.minimumMonths.",
    note:
      "*Checked by reservesim:* `withinYears` is at most the scenario's `years`, and the scenario sets `policy.minimumMonths`.",
    fields: [
      ScenarioField("name", .name, required: .always, "The assumption in words, unique within the list."),
      ScenarioField(
        "metric", .constant("belowMinimum"), required: .always,
        "The share of futures whose balance falls below the board's minimum months of outgo."),
      ScenarioField(
        "withinYears", .wholeNumber, range: .between(1, 100), unit: "years", at: .wholeNumber(\Assertion.withinYears),
        limit: .assertionYears,
        "Count the first withinYears years only; at most the scenario's years. Left out: the whole horizon."),
      ScenarioField(
        "atMost", .number, range: .probability, unit: "probability", scale: .probability, required: .always,
        at: .number(\Assertion.atMost), "The largest acceptable chance of falling below the minimum (0.1 = 10%)."),
    ])

  static let requiredReserveForMinimumAssertion = ScenarioObject(
    "requiredReserveForMinimumAssertion", title: "An assertion on the reserve that holds the board's minimum",
    description:
      "\"The starting reserve that keeps cover at or above the board's minimum (policy.minimumMonths months of outgo) at every month-end in a share confidence of futures is at most atMost.\" Needs policy.minimumMonths.",
    note: "*Checked by reservesim:* the scenario sets `policy.minimumMonths`.",
    fields: [
      ScenarioField("name", .name, required: .always, "The assumption in words, unique within the list."),
      ScenarioField(
        "metric", .constant("requiredReserveForMinimum"), required: .always,
        "The starting reserve that keeps a given share of futures at or above the board's minimum for the whole horizon."
      ),
      ScenarioField(
        "confidence", .number, range: .openInterval(0, 1), unit: "probability", scale: .probability,
        required: .always, at: .number(\Assertion.confidence),
        "The share of futures the reserve must keep above the minimum (0.95 = 95%)."),
      ScenarioField(
        "atMost", .number, unit: "currency", required: .always, at: .number(\Assertion.atMost),
        "The largest acceptable reserve."),
    ])

  /// An item of `assertions`: one of four kinds, told apart by `metric`; the first is taken when `metric` names
  /// none of the others.
  static let assertion = ScenarioUnion(
    "assertion", discriminator: "metric",
    description: "One budget assumption for `reservesim check`; which other fields it takes depends on its metric.",
    branches: [
      ("ruinProbability", "ruinProbabilityAssertion"), ("requiredReserve", "requiredReserveAssertion"),
      ("belowMinimum", "belowMinimumAssertion"), ("requiredReserveForMinimum", "requiredReserveForMinimumAssertion"),
    ])

  /// Every object, the top level first, in the order the format's reference shows them.
  static let objects: [ScenarioObject] = [
    root, simulation, nested, reserve, factors, factor, correlation, moneyLine, sponsorTier, inKindService, event,
    agreement,
    mitigation, oneOff, policy, cuts, appeal, ruinProbabilityAssertion, requiredReserveAssertion,
    belowMinimumAssertion, requiredReserveForMinimumAssertion,
  ]

  // MARK: Shared value types

  /// "YYYY-MM" with a month 01…12 and a year other than 0000.
  static let monthPattern = "^(?!0000)[0-9]{4}-(0[1-9]|1[0-2])$"
  /// Text with at least one character that is not a space (JSON Schema's view of "not blank").
  static let namePattern = "[^\\t \\u00a0\\u1680\\u2000-\\u200a\\u202f\\u205f\\u3000]"
  /// A percentage as a string, "4%", "-10 %", "12.5%".
  static let percentPattern = "^\\s*[-+]?[0-9][0-9_]*(\\.[0-9]+)?\\s*%\\s*$"
  /// The largest whole number a JSON number (a double) holds exactly, 2⁵³ − 1.
  public static let largestWholeNumber = 9_007_199_254_740_991.0

  static let nameDescription = "A name that is not blank."
  static let factorNameDescription =
    "One of the four random factors: traffic (how much the service is used), unitCost (the price per unit of use, e.g. per GB served), donations (the general level of giving), inflation (prices in general)."
  static let monthDescription =
    "A month: a whole number (month 1 is the first simulated month) or \"YYYY-MM\", which needs the file's start (\"2020-04\" with start \"2020-04\" is month 1)."

  // MARK: Looking fields up

  /// The object definition named `name` ("" for the top level).
  static func object(named name: String) -> ScenarioObject? { objectsByName[name] }

  private static let objectsByName: [String: ScenarioObject] = Dictionary(
    uniqueKeysWithValues: objects.map { ($0.name, $0) })

  /// The fields that may be written as a distribution (SPEC §16), as "definition.key" ("inKindService.monthlyValue";
  /// ".key" at the top level): those whose row names the engine's per-lane parameter they feed (`lane`).
  static let distributionFields: Set<String> = Set(
    objects.flatMap { object in object.fields.filter { $0.lane != nil }.map { object.name + "." + $0.key } })

  /// Every field with its JSON path pattern (`inKindServices[].agreement.ends`, `factors.traffic.annualGrowth`),
  /// in the format's order; a field of an object that stands in several places (an income or expense line) is
  /// listed once per place.
  public static let all: [(pattern: String, field: ScenarioField)] = {
    var found: [(String, ScenarioField)] = []
    func visit(_ object: ScenarioObject, at place: String) {
      for field in object.fields {
        let pattern = place.isEmpty ? field.key : place + "." + field.key
        found.append((pattern, field))
        for (definition, suffix) in field.type.objectDefinitions {
          for branch in assertion.name == definition ? assertion.branches.map(\.object) : [definition] {
            if let child = Self.object(named: branch) { visit(child, at: pattern + suffix) }
          }
        }
      }
    }
    visit(root, at: "")
    var seen = Set<String>()
    return found.filter { seen.insert($0.0).inserted }
  }()

  private static let fieldsByPattern: [String: ScenarioField] = Dictionary(
    all.map { ($0.pattern, $0.field) }, uniquingKeysWith: { first, _ in first })

  /// The field at a JSON path pattern (`inKindServices[].noticeMonths`), if the format has one.
  public static func field(at pattern: String) -> ScenarioField? { fieldsByPattern[pattern] }

  /// The definition of an in-kind service's fields (`inKindServices[]`).
  public static var inKindServiceDefinition: String { inKindService.name }

  /// The names of the objects ("" for the top level, then the schema's definitions), in the format's order.
  public static var definitions: [String] { objects.map(\.name) }

  /// The fields of the object named `definition` ("" for the top level).
  public static func fields(of definition: String) -> [ScenarioField]? { object(named: definition)?.fields }
}

/// One field of the scenario format (see `ScenarioFields`).
public struct ScenarioField: Sendable {
  /// The kinds of value a field holds.
  public indirect enum ValueType: Sendable, Equatable {
    /// A finite number.
    case number
    /// A whole number, at most 2⁵³ − 1 in size.
    case wholeNumber
    /// Free text.
    case text
    /// Text that is not blank.
    case name
    /// One of `Factor`'s names.
    case factorName
    /// One of a few words.
    case choice([String])
    /// Exactly this word (the kind of an assertion).
    case constant(String)
    /// A month: a whole number (month 1 is the first simulated one) or "YYYY-MM" counted from `start`.
    case month
    /// A list of values of one type.
    case list(ValueType)
    /// An object described by the definition of that name.
    case object(String)

    /// The object definitions this type holds, with the path suffix to them ("" for an object, "[]" for a list).
    var objectDefinitions: [(String, String)] {
      switch self {
      case .object(let name): return [(name, "")]
      case .list(let item): return item.objectDefinitions.map { ($0.0, "[]" + $0.1) }
      default: return []
      }
    }

    /// Whether values are numbers, whole or not (a month is a whole number or a "YYYY-MM" text).
    public var isNumeric: Bool { [.number, .wholeNumber, .month].contains(self) }
  }

  /// When a field must be given.
  public enum Requirement: Sendable, Equatable {
    case optional
    case always
    /// Required unless the file `extends` another (which may give it).
    case unlessExtending
    /// Required whenever the sibling field of this key is given (JSON Schema's `dependentRequired`).
    case with(String)
  }

  /// What a number that is a share of something means, which decides how a likely percentage slip is caught.
  public enum Scale: Sendable, Equatable {
    /// A chance, 0 … 1: 85 is an error that names 0.85.
    case probability
    /// A share of something (a cost fraction, a multiplier of at most 1): out of range like a probability, or
    /// above 1 with a warning where more than 100% is allowed.
    case fraction
    /// A rate per year (growth, volatility, return): above 1 (+100% a year) is allowed, with a warning.
    case rate
  }

  public let key: String
  public let type: ValueType
  /// Allowed numbers (numbers, whole numbers and month numbers); `nil`: any.
  package let range: NumberRange?
  /// The unit, in words (`currency per year`, `probability per year`, `months`).
  public let unit: String?
  /// The value a missing (or `null`) field takes; `nil` when the decoder derives it from other fields or none.
  public let defaultValue: JSONValue?
  public let requirement: Requirement
  /// Set where the number is a probability, a share or a rate: a percentage string ("4%") is read as the fraction.
  public let scale: Scale?
  /// The meaning in one line; `nil` for an object field whose definition carries it.
  public let description: String?
  /// A regular expression text values must match (JSON Schema dialect).
  let pattern: String?
  let examples: [String]
  /// For lists of exactly this many different items (`between`).
  let itemCount: Int?
  /// Where the model stores the field (a number, or the object or list that holds more fields): the key path
  /// `ParameterAddress` reads and writes through (`--set`, `sweep`, `sensitivity`, the decoder's rules).
  package let model: ModelKeyPath?
  /// The engine's per-lane parameter a distribution on the field feeds (SPEC §16); `nil`: it takes no distribution.
  package let lane: LaneKind?
  /// The rule between this field and others that narrows its range (besides the table's own range).
  package let limit: FieldLimit?
  /// A short label for the field's column in the report's assumption tables (`label:`, else the key in words:
  /// `exitFee` → "Exit fee").
  public let label: String

  init(
    _ key: String, _ type: ValueType, range: NumberRange? = nil, default defaultValue: JSONValue? = nil,
    unit: String? = nil, scale: Scale? = nil, required requirement: Requirement = .optional, pattern: String? = nil,
    examples: [String] = [], itemCount: Int? = nil, at model: ModelKeyPath? = nil, label: String? = nil,
    lane: LaneKind? = nil, limit: FieldLimit? = nil, _ description: String? = nil
  ) {
    self.label = label ?? Self.words(key)
    self.model = model
    self.lane = lane
    self.limit = limit
    self.key = key
    self.type = type
    self.range = range
    self.defaultValue = defaultValue
    self.unit = unit
    self.scale = scale
    self.requirement = requirement
    self.pattern = pattern
    self.examples = examples
    self.itemCount = itemCount
    self.description = description
  }

  /// The smallest allowed number, and whether it is allowed itself; `nil` when unbounded below.
  public var lowerBound: (value: Double, inclusive: Bool)? { range?.lower.map { ($0, range!.lowerInclusive) } }
  /// The largest allowed number, and whether it is allowed itself; `nil` when unbounded above.
  public var upperBound: (value: Double, inclusive: Bool)? { range?.upper.map { ($0, range!.upperInclusive) } }

  /// The default as a number (for numeric fields that have one).
  var defaultNumber: Double? {
    if case .number(let x)? = defaultValue { return x }
    return nil
  }

  /// For a field required with a sibling (`Requirement.with`), why its absence is an error: "is required when
  /// renewalProbability is given (a whole number of years); it has no default"; nil for other fields.
  var missingWithSibling: String? {
    guard case .with(let sibling) = requirement else { return nil }
    let what = (type == .wholeNumber ? "a whole number" : "a number") + (unit.map { " of \($0)" } ?? "")
    return "is required when \(sibling) is given (\(what)); it has no default"
  }

  /// A key in words, the first capitalised: "annualLossProbability" → "Annual loss probability".
  static func words(_ key: String) -> String {
    var text = ""
    for character in key {
      if character.isUppercase, !text.isEmpty { text += " " + character.lowercased() } else { text.append(character) }
    }
    return text.prefix(1).uppercased() + text.dropFirst()
  }

  /// Whether a percentage string ("4%") may give the value.
  public var acceptsPercent: Bool { scale != nil }

  /// Whether a number above 1 (more than 100%) is allowed but worth a warning: rates, and shares that may exceed
  /// the whole.
  public var warnsAboveOne: Bool {
    guard let scale, scale != .probability, let upper = range?.upper else { return false }
    return upper > 1
  }
}

/// An object of the scenario format: the top level, or a JSON Schema definition.
struct ScenarioObject: Sendable {
  /// The schema definition's name ("" for the top level).
  let name: String
  /// The heading of its section in `docs/scenario-format.md`.
  let title: String
  /// What a missing object means, when it has a default (`{}`: every field at its default).
  let defaultValue: JSONValue?
  let description: String?
  /// What the decoder checks beyond the fields' own types and ranges, for the reference.
  let note: String?
  let fields: [ScenarioField]

  init(
    _ name: String, title: String, default defaultValue: JSONValue? = nil, description: String? = nil,
    note: String? = nil, fields: [ScenarioField]
  ) {
    self.name = name
    self.title = title
    self.defaultValue = defaultValue
    self.description = description
    self.note = note
    self.fields = fields
  }

  func field(_ key: String) -> ScenarioField? { fields.first { $0.key == key } }
}

/// A definition that is one of several objects, told apart by one field's value.
struct ScenarioUnion: Sendable {
  let name: String
  let discriminator: String
  let description: String
  /// (discriminator value, object definition); the first is the fallback.
  let branches: [(value: String, object: String)]

  init(_ name: String, discriminator: String, description: String, branches: [(value: String, object: String)]) {
    self.name = name
    self.discriminator = discriminator
    self.description = description
    self.branches = branches
  }
}

extension JSONValue {
  /// The string, if the value is one.
  var text: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}
