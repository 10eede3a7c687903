// One month of a block — events, money lines, services, balances — and the sponsors' year end, compiled once
// per instruction-set level after KernelBody.h (it uses its rs_philox, rs_log and RS_NAME). Each pass is a
// loop over lanes that the compiler vectorises (selects, no branches), followed, only when some lane needs
// it, by a scalar loop for the rare steps that draw random numbers. This is the engine's one implementation of
// the month (SPEC §3–§7); `PathBlockKernel` runs it.

#define RS_NEVER ((int32_t)1 << 30)

/// Distributions.geometricWait: G = ⌈ln u / ln(1 − q)⌉ in [1, never], never when ln(1 − q) = 0.
RS_INLINE int32_t RS_NAME(rs_geometric_wait)(double u, double logNoSuccess) {
  if (logNoSuccess == 0) return RS_NEVER;
  const double wait = __builtin_ceil(RS_NAME(rs_log)(u) / logNoSuccess);
  return wait < 1 ? 1 : wait >= (double)RS_NEVER ? RS_NEVER : (int32_t)wait;
}

/// The lanes whose flag byte (0 or 1) is set, in lane order, into `list`; returns how many. Reads the flags
/// eight at a time: a word's lowest set bit is its first flagged lane.
RS_INLINE int32_t RS_NAME(rs_flagged_lanes)(const uint8_t *flags, int32_t lanes, int32_t *list) {
  int32_t count = 0, base = 0;
  for (; base + 8 <= lanes; base += 8) {
    uint64_t word;
    memcpy(&word, flags + base, 8);
    for (; word; word &= word - 1) list[count++] = base + __builtin_ctzll(word) / 8;
  }
  for (; base < lanes; base++) {
    if (flags[base]) list[count++] = base;
  }
  return count;
}

/// The scratch's flag bytes (one per lane) and the list of flagged lanes that follows them.
#define RS_FLAGS(at) ((uint8_t *)(at)->scratch)
#define RS_LIST(at) ((int32_t *)((at)->scratch + (at)->stride / 8 + 1))

/// Four words of address (path, month, stream, 0).
RS_INLINE void RS_NAME(rs_words)(
    const rs_block_month *at, int32_t lane, int32_t month, uint32_t stream, uint32_t w[4]) {
  RS_NAME(rs_philox)(at->firstPath + (uint32_t)lane, (uint32_t)month, stream, 0, at->key0, at->key1, w);
}

static void RS_NAME(rs_apply_events)(
    const rs_block_month *at, const rs_events_plan *plan, int32_t *eventStart, int32_t *activeEvents,
    const rs_event_products *products, int32_t *eventMonths, ptrdiff_t eventMonthsStride) {
  const int32_t lanes = at->lanes, month = at->month;
  const int perLane = plan->perLane;
  int32_t *restrict active = activeEvents;
  double *restrict income = products->income, *restrict renewal = products->renewal,
                   *restrict newSponsors = products->newSponsors, *restrict loss = products->loss,
                   *restrict agreement = products->agreement;
  for (int32_t lane = 0; lane < lanes; lane++) active[lane] = 0;
  if (perLane) {
    for (int32_t lane = 0; lane < lanes; lane++) {
      income[lane] = 1;
      renewal[lane] = 1;
      newSponsors[lane] = 1;
      loss[lane] = 1;
      agreement[lane] = 1;
    }
  }
  const rs_event_lanes *own = plan->lanes;
  for (int32_t k = 0; k < plan->count; k++) {
    int32_t *restrict starts = eventStart + k * at->stride;
    const ptrdiff_t row = k * at->stride;
    const int32_t duration = plan->duration[k];
    uint8_t *flags = RS_FLAGS(at);
    int32_t over = 0;
    if (own && own->duration) {
      const int32_t *restrict durations = own->duration + row;
#pragma clang loop vectorize(assume_safety)
      for (int32_t lane = 0; lane < lanes; lane++) {
        const int32_t isOver = month >= starts[lane] + durations[lane];
        flags[lane] = (uint8_t)isOver;
        over |= isOver;
      }
    } else {
#pragma clang loop vectorize(assume_safety)
      for (int32_t lane = 0; lane < lanes; lane++) {
        const int32_t isOver = month >= starts[lane] + duration;
        flags[lane] = (uint8_t)isOver;
        over |= isOver;
      }
    }
    if (over) {
      // The last occurrence is over (or none yet): wait Geometric(q) months from this one.
      int32_t *list = RS_LIST(at);
      const int32_t n = RS_NAME(rs_flagged_lanes)(flags, lanes, list);
      const double *logNoStart = own && own->logNoStart ? own->logNoStart + row : 0;
      for (int32_t i = 0; i < n; i++) {
        const int32_t lane = list[i];
        uint32_t w[4];
        RS_NAME(rs_words)(at, lane, month, 0x02000000u | (uint32_t)k, w);
        const double logQ = logNoStart ? logNoStart[lane] : plan->logNoStart[k];
        starts[lane] = month + RS_NAME(rs_geometric_wait)(rs_unit53(w[0], w[1]), logQ) - 1;
      }
    }
    if (perLane && own && own->incomeMultiplier) {
      // The lanes' own multipliers (SPEC §16), rows of every kind.
      const double *restrict mi = own->incomeMultiplier + row, *restrict mr = own->renewalMultiplier + row;
      const double *restrict mn = own->newSponsorMultiplier + row, *restrict ml = own->lossMultiplier + row;
      const double *restrict ma = own->agreementMultiplier + row;
#pragma clang loop vectorize(assume_safety)
      for (int32_t lane = 0; lane < lanes; lane++) {
        const int on = starts[lane] <= month;
        income[lane] = on ? income[lane] * mi[lane] : income[lane];
        renewal[lane] = on ? renewal[lane] * mr[lane] : renewal[lane];
        newSponsors[lane] = on ? newSponsors[lane] * mn[lane] : newSponsors[lane];
        loss[lane] = on ? loss[lane] * ml[lane] : loss[lane];
        agreement[lane] = on ? agreement[lane] * ma[lane] : agreement[lane];
      }
    } else if (perLane) {
      const double mi = plan->incomeMultiplier[k], mr = plan->renewalMultiplier[k];
      const double mn = plan->newSponsorMultiplier[k], ml = plan->lossMultiplier[k];
      const double ma = plan->agreementMultiplier[k];
#pragma clang loop vectorize(assume_safety)
      for (int32_t lane = 0; lane < lanes; lane++) {
        const int on = starts[lane] <= month;
        income[lane] = on ? income[lane] * mi : income[lane];
        renewal[lane] = on ? renewal[lane] * mr : renewal[lane];
        newSponsors[lane] = on ? newSponsors[lane] * mn : newSponsors[lane];
        loss[lane] = on ? loss[lane] * ml : loss[lane];
        agreement[lane] = on ? agreement[lane] * ma : agreement[lane];
      }
    } else {
      const int32_t bit = (int32_t)1 << k;
#pragma clang loop vectorize(assume_safety)
      for (int32_t lane = 0; lane < lanes; lane++) active[lane] |= starts[lane] <= month ? bit : 0;
    }
    if (eventMonths) {
      int32_t *restrict counted = eventMonths + k * eventMonthsStride;
#pragma clang loop vectorize(assume_safety)
      for (int32_t lane = 0; lane < lanes; lane++) counted[lane] += starts[lane] <= month;
    }
  }
  if (perLane) return;
  const double *restrict setProducts = plan->setIncomeMultiplier;
  if (plan->count == 1) {
    // Two sets: a select instead of a gather.
    const double none = setProducts[0], downturn = setProducts[1];
#pragma clang loop vectorize(assume_safety)
    for (int32_t lane = 0; lane < lanes; lane++) income[lane] = active[lane] ? downturn : none;
  } else {
#pragma clang loop vectorize(assume_safety)
    for (int32_t lane = 0; lane < lanes; lane++) income[lane] = setProducts[active[lane]];
  }
}

/// The lanes' sum of the money lines: income = fixed + Σ amount_i·level_i, paid = income·multiplier, and so on.
/// Amounts are read at [i · rowStride + lane · laneStride] and the fixed amounts at [lane · laneStride]: one value
/// for every lane (rowStride 1, laneStride 0) or each lane's own (rowStride = the block's stride, laneStride 1).
/// Both are constants at each call, so each call compiles to its own vectorised loop with the same operations.
RS_INLINE void RS_NAME(rs_money_body)(
    int32_t lanes, const double *restrict incomeFixed, const double *restrict expensesFixed,
    const double *restrict incomeAmount, const double *restrict expenseAmount, ptrdiff_t rowStride,
    ptrdiff_t laneStride, const double *const *incomeLevel, const double *const *expenseLevel,
    const double *restrict multiplier, const double *restrict sponsors, double *restrict flow,
    double *restrict incomes, double *restrict expenses, double *restrict sponsorTotals) {
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const ptrdiff_t at = lane * laneStride;
    double income = incomeFixed[at], expense = expensesFixed[at];
    income += incomeAmount[at] * incomeLevel[0][lane];
    income += incomeAmount[rowStride + at] * incomeLevel[1][lane];
    income += incomeAmount[2 * rowStride + at] * incomeLevel[2][lane];
    income += incomeAmount[3 * rowStride + at] * incomeLevel[3][lane];
    expense += expenseAmount[at] * expenseLevel[0][lane];
    expense += expenseAmount[rowStride + at] * expenseLevel[1][lane];
    expense += expenseAmount[2 * rowStride + at] * expenseLevel[2][lane];
    expense += expenseAmount[3 * rowStride + at] * expenseLevel[3][lane];
    const double paid = income * multiplier[lane];
    flow[lane] = paid + sponsors[lane] - expense;
    incomes[lane] += paid;
    expenses[lane] += expense;
    sponsorTotals[lane] += sponsors[lane];
  }
}

static void RS_NAME(rs_money_lines)(
    const rs_block_month *at, const rs_money_month *money, const rs_money_lanes *own, const double *level,
    const double *incomeMultiplier, const double *sponsorMonthly, double *cashFlow, double *incomeSum,
    double *expenseSum, double *sponsorSum) {
  const int32_t lanes = at->lanes;
  // Up to four factor lines each; an absent or zero line adds 0·level = 0 (levels are finite), which leaves
  // the sum's bits as the reference's skipping it does.
  const double *incomeLevel[4], *expenseLevel[4];
  double incomeAmount[4], expenseAmount[4];
  for (int32_t i = 0; i < 4; i++) {
    const int incomeLine = i < money->incomeFactorCount, expenseLine = i < money->expenseFactorCount;
    incomeLevel[i] = level + (incomeLine ? money->incomeFactors[i] : 0) * at->stride;
    incomeAmount[i] = incomeLine ? money->incomeAmount[i] : 0.0;
    expenseLevel[i] = level + (expenseLine ? money->expenseFactors[i] : 0) * at->stride;
    expenseAmount[i] = expenseLine ? money->expenseAmount[i] : 0.0;
  }
  double *flow = cashFlow, *incomes = incomeSum, *expenses = expenseSum;
  if (own) {
    // Each lane's own lines (SPEC §16), summed in the same order. Rows past a list's factor lines are 0.
    RS_NAME(rs_money_body)(
        lanes, own->incomeFixed, own->expensesFixed, own->incomeAmount, own->expenseAmount, at->stride, 1,
        incomeLevel, expenseLevel, incomeMultiplier, sponsorMonthly, flow, incomes, expenses, sponsorSum);
  } else {
    RS_NAME(rs_money_body)(
        lanes, &money->incomeFixed, &money->expensesFixed, incomeAmount, expenseAmount, 1, 0, incomeLevel,
        expenseLevel, incomeMultiplier, sponsorMonthly, flow, incomes, expenses, sponsorSum);
  }
  const double oneOff = money->oneOff;
  if (oneOff != 0) {
    double *restrict sums = oneOff > 0 ? incomes : expenses;
    const double counted = oneOff > 0 ? oneOff : -oneOff;
#pragma clang loop vectorize(assume_safety)
    for (int32_t lane = 0; lane < lanes; lane++) {
      flow[lane] += oneOff;
      sums[lane] += counted;
    }
  }
}

static void RS_NAME(rs_start_donation)(
    const rs_block_month *at, const rs_services_state *state, int32_t service, int32_t lane, int32_t month) {
  uint32_t w[4];
  RS_NAME(rs_words)(at, lane, month, 0x03000000u | (uint32_t)service, w);
  const ptrdiff_t cell = service * at->stride + lane;
  state->clock[cell] = -RS_NAME(rs_log)(rs_unit53(w[0], w[1]));
  state->replacementDraw[cell] = rs_unit53(w[2], w[3]);
  state->payStart[cell] = 0;
  state->payEnd[cell] = 0;
  state->agreementEnd[cell] = 0;
}

static void RS_NAME(rs_start_donations)(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state, int32_t service) {
  for (int32_t lane = 0; lane < at->lanes; lane++) {
    RS_NAME(rs_start_donation)(at, state, service, lane, at->month);
    state->agreementEnd[service * at->stride + lane] = plan->agreementEnds[service];
  }
}

/// The vectorised part of a service's month (see rs_pay_services); returns whether a lane was lost, ends its
/// agreement or ends its paid months (flags[lane] = 1 for those). `select` (a constant at each call): 1 when there
/// are at most two sets of active events (the set's hazard is a select between added0 and added1 rather than a
/// gather), 2 when the hazard is per lane (added[lane]), 0 for a gather by set; with the lanes' own values, 3 reads
/// rows by set (added[set · stride + lane]) and 4 selects between the two rows of two sets. `dated` (a constant): the service
/// has an agreement, a migration cost or a mitigation (costs.* and agreementEnd are read).
typedef struct {
  double cost, mitigatedCost, migrationCost;
  int32_t mitigationAfter;
} RS_NAME(rs_service_costs);

RS_INLINE int32_t RS_NAME(rs_service_lanes)(
    int32_t lanes, int32_t month, RS_NAME(rs_service_costs) costs, const rs_service_lanes *own, ptrdiff_t row,
    ptrdiff_t stride, int dated, const double *restrict scale, const double *restrict added, int select,
    double added0, double added1, const int32_t *restrict active,
    double *restrict clock, const int32_t *restrict payStart, const int32_t *restrict payEnd,
    const int32_t *restrict agreementEnd, double *restrict flow, double *restrict paidSum, double *restrict outgo,
    uint8_t *restrict flags) {
  int32_t changes = 0;
  const double cost = costs.cost;
  // With the lanes' own values (own not NULL, select 2 or 3) costs are read per lane; select 3 reads the added
  // hazard of the lane's set from rows [set · stride + lane].
  const double *restrict laneCost = own ? own->cost + row : 0, *restrict laneMitigated = own ? own->mitigatedCost + row : 0;
  const double *restrict laneMigration = own ? own->migrationCost + row : 0;
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const int32_t start = payStart[lane];
    const int donated = start == 0;
    // Donated: the month adds the set's hazard to what the clock has run.
    const double hazard = select == 4   ? (active[lane] ? added[stride + lane] : added[lane])
                          : select == 3 ? added[active[lane] * stride + lane]
                          : select == 2 ? added[lane]
                          : select == 1 ? (active[lane] ? added1 : added0)
                                        : added[active[lane]];
    const double left = clock[lane] - hazard;
    clock[lane] = donated ? left : clock[lane];
    const int paying = !donated & (start <= month);
    double paid;
    int32_t change = (donated & (left <= 0)) | (paying & (month == payEnd[lane]));
    if (dated) {
      // SPEC §13: the mitigated cost after `mitigationAfter` paid months, the migration in the first paid month.
      const int32_t paidBefore = month - start;
      const double full = own ? laneCost[lane] : cost;
      const double mitigated = own ? laneMitigated[lane] : costs.mitigatedCost;
      const double unit = paidBefore >= costs.mitigationAfter ? mitigated : full;
      const double migration = paidBefore == 0 ? (own ? laneMigration[lane] : costs.migrationCost) : 0.0;
      paid = paying ? (unit + migration) * scale[lane] : 0.0;
      outgo[lane] += paid;
      change |= donated & (month == agreementEnd[lane]);
    } else {
      paid = paying ? cost * scale[lane] : 0.0;
    }
    flow[lane] -= paid;
    paidSum[lane] += paid;
    flags[lane] = (uint8_t)change;
    changes |= change;
  }
  return changes;
}

static void RS_NAME(rs_pay_services)(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state,
    const int32_t *activeEvents, const double *trafficCost, const double *inflationLevel, double *cashFlow,
    double *serviceSum, uint8_t *lost, ptrdiff_t lostStride) {
  const int32_t lanes = at->lanes, month = at->month;
  const int32_t *restrict active = activeEvents;
  double *restrict flow = cashFlow, *restrict paidSum = serviceSum;
  for (int32_t s = 0; s < plan->count; s++) {
    const ptrdiff_t row = s * at->stride;
    const int dated = plan->dated[s];
    const RS_NAME(rs_service_costs) costs = {
        plan->cost[s], plan->mitigatedCost[s], plan->migrationCost[s], plan->mitigationAfter[s]};
    const double *restrict scale = plan->scalesWithTraffic[s] ? trafficCost : inflationLevel;
    double *restrict clock = state->clock + row;
    const int32_t *restrict payStart = state->payStart + row, *restrict payEnd = state->payEnd + row;
    const int32_t *restrict agreementEnd = state->agreementEnd + row;
    double *restrict outgo = state->outgo;
    uint8_t *flags = RS_FLAGS(at);
    int32_t changes;
    const rs_service_lanes *own = plan->lanes;
    if (own) {
      // The lanes' own values (SPEC §16): always the general pass, which gives a plain service's bits too.
      const double *added;
      int select;
      if (plan->sets == 0) {
        const double *hazard = own->monthlyHazard + row, *logHazard = own->logHazard + row;
        const double *multiplier = state->lossMultiplier;
        double *laneAdded = state->laneHazard;
        for (int32_t lane = 0; lane < lanes; lane++) {
          const double product = hazard[lane] * multiplier[lane];
          laneAdded[lane] = multiplier[lane] == 1 ? logHazard[lane] : -log1p(-(product < 1 ? product : 1));
        }
        added = laneAdded;
        select = 2;
      } else {
        // Rows by set; with two sets (one event kind) a select between the two rows instead of a gather.
        added = own->addedHazard + s * plan->sets * at->stride;
        select = plan->sets == 2 ? 4 : 3;
      }
      if (select == 2) {
        changes = RS_NAME(rs_service_lanes)(
            lanes, month, costs, own, row, at->stride, 1, scale, added, 2, 0, 0, active, clock, payStart, payEnd,
            agreementEnd, flow, paidSum, outgo, flags);
      } else if (select == 4) {
        changes = RS_NAME(rs_service_lanes)(
            lanes, month, costs, own, row, at->stride, 1, scale, added, 4, 0, 0, active, clock, payStart, payEnd,
            agreementEnd, flow, paidSum, outgo, flags);
      } else {
        changes = RS_NAME(rs_service_lanes)(
            lanes, month, costs, own, row, at->stride, 1, scale, added, 3, 0, 0, active, clock, payStart, payEnd,
            agreementEnd, flow, paidSum, outgo, flags);
      }
    } else if (plan->sets == 0) {
      // The lanes' own products of serviceLossMultiplier: −ln(1 − min(1, h·multiplier)) per lane.
      const double hazard = plan->monthlyHazard[s], logHazard = plan->logHazard[s];
      const double *multiplier = state->lossMultiplier;
      double *added = state->laneHazard;
      for (int32_t lane = 0; lane < lanes; lane++) {
        const double product = hazard * multiplier[lane];
        added[lane] = multiplier[lane] == 1 ? logHazard : -log1p(-(product < 1 ? product : 1));
      }
      changes = dated ? RS_NAME(rs_service_lanes)(
                            lanes, month, costs, 0, row, at->stride, 1, scale, added, 2, 0, 0, active, clock, payStart, payEnd,
                            agreementEnd, flow, paidSum, outgo, flags)
                      : RS_NAME(rs_service_lanes)(
                            lanes, month, costs, 0, row, at->stride, 0, scale, added, 2, 0, 0, active, clock, payStart, payEnd,
                            agreementEnd, flow, paidSum, outgo, flags);
    } else {
      const double *restrict added = plan->addedHazard + s * plan->sets;
      const double added0 = added[0], added1 = added[plan->sets > 1];
      if (dated) {
        changes = RS_NAME(rs_service_lanes)(
            lanes, month, costs, 0, row, at->stride, 1, scale, added, 0, added0, added1, active, clock, payStart, payEnd, agreementEnd,
            flow, paidSum, outgo, flags);
      } else if (plan->sets <= 2) {
        changes = RS_NAME(rs_service_lanes)(
            lanes, month, costs, 0, row, at->stride, 0, scale, added, 1, added0, added1, active, clock, payStart, payEnd, agreementEnd,
            flow, paidSum, outgo, flags);
      } else {
        changes = RS_NAME(rs_service_lanes)(
            lanes, month, costs, 0, row, at->stride, 0, scale, added, 0, added0, added1, active, clock, payStart, payEnd, agreementEnd,
            flow, paidSum, outgo, flags);
      }
    }
    if (!changes) continue;
    int32_t *list = RS_LIST(at);
    const int32_t n = RS_NAME(rs_flagged_lanes)(flags, lanes, list);
    for (int32_t i = 0; i < n; i++) {
      const int32_t lane = list[i];
      if (state->payStart[row + lane] == 0) {
        int32_t first;
        if (state->clock[row + lane] <= 0) {
          // Lost this month: the donor covers m … m+n; paid from m+n+1 until a new donor is found.
          first = month + (own ? own->noticeMonths[row + lane] : plan->noticeMonths[s]) + 1;
        } else {
          // The agreement's last month (SPEC §12): one draw renews it for 12k months or ends the donation.
          uint32_t w[4];
          RS_NAME(rs_words)(at, lane, month, 0x05000000u | (uint32_t)s, w);
          const double multiplier =
              plan->sets == 0 ? state->agreementMultiplier[lane] : plan->setAgreementMultiplier[active[lane]];
          const double renewal = (own ? own->agreementRenewal[row + lane] : plan->agreementRenewal[s]) * multiplier;
          if (rs_unit53(w[0], w[1]) < (renewal < 1 ? renewal : 1)) {
            state->agreementEnd[row + lane] = month + plan->renewalMonths[s];
            continue;
          }
          first = month + 1;
        }
        state->agreementEnd[row + lane] = 0;
        state->payStart[row + lane] = first;
        state->payEnd[row + lane] =
            first
            + RS_NAME(rs_geometric_wait)(
                state->replacementDraw[row + lane],
                own ? own->logNoReplacement[row + lane] : plan->logNoReplacement[s])
            - 1;
        if (lost) lost[s * lostStride + lane] = 1;
      } else {
        // The last paid month: a new donor from the next month.
        RS_NAME(rs_start_donation)(at, state, s, lane, month + 1);
      }
    }
  }
}

static void RS_NAME(rs_update_balances)(
    const rs_block_month *at, double growth, double discount, double discountedFloor, double floor,
    const double *cashFlow, double *balance, double *discountedSum, double *need, int32_t *ruinMonth) {
  const int32_t lanes = at->lanes, month = at->month;
  const double *restrict flows = cashFlow;
  double *restrict balances = balance, *restrict sums = discountedSum, *restrict needs = need;
  int32_t *restrict ruin = ruinMonth;
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const double flow = flows[lane];
    const double b = balances[lane] * growth + flow;
    balances[lane] = b;
    const double s = sums[lane] + flow * discount;
    sums[lane] = s;
    const double candidate = discountedFloor - s;
    // Swift.max(need, candidate): the candidate when it is ≥ need.
    needs[lane] = candidate >= needs[lane] ? candidate : needs[lane];
    ruin[lane] = (ruin[lane] == 0 & b < floor) ? month : ruin[lane];
  }
}

static void RS_NAME(rs_update_balances_lanes)(
    const rs_block_month *at, const double *growth, const double *discount, const double *discountedFloor,
    const double *floor, const double *cashFlow, double *balance, double *discountedSum, double *need,
    int32_t *ruinMonth) {
  const int32_t lanes = at->lanes, month = at->month;
  const double *restrict flows = cashFlow, *restrict g = growth, *restrict d = discount;
  const double *restrict df = discountedFloor, *restrict f = floor;
  double *restrict balances = balance, *restrict sums = discountedSum, *restrict needs = need;
  int32_t *restrict ruin = ruinMonth;
  // The operations of rs_update_balances, with the month's values per lane.
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const double flow = flows[lane];
    const double b = balances[lane] * g[lane] + flow;
    balances[lane] = b;
    const double s = sums[lane] + flow * d[lane];
    sums[lane] = s;
    const double candidate = df[lane] - s;
    needs[lane] = candidate >= needs[lane] ? candidate : needs[lane];
    ruin[lane] = (ruin[lane] == 0 & b < f[lane]) ? month : ruin[lane];
  }
}

/// One tier's year end for every lane (see rs_roll_over_sponsors); returns the lanes left untabulated. `select`
/// (a constant at each call) is set when there are at most two sets of active events: the tier's rates are then
/// a select between rates0 and rates1 rather than a gather. `keepMarked` (a constant): lanes whose untabulated
/// byte is already set on entry (their rates changed per lane) are left untabulated.
RS_INLINE int32_t RS_NAME(rs_alias_lanes)(
    int32_t lanes, int32_t last, int32_t rowsPerRates, const int32_t *restrict ratesOfSet, int select,
    int32_t rates0, int32_t rates1, int keepMarked, const int32_t *restrict active,
    const rs_sponsor_row *restrict rows, const rs_sponsor_cell *restrict cells, const uint64_t *restrict uniform,
    int64_t *restrict counts, uint8_t *restrict untabulated) {
  int32_t left = 0;
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const int64_t count = counts[lane];
    const int32_t rates = select ? (active[lane] ? rates1 : rates0) : ratesOfSet[active[lane]];
    const int32_t r = rates * rowsPerRates + (int32_t)(count < last ? count : last);
    const int32_t size = rows[r].size;
    const int32_t marked = keepMarked ? untabulated[lane] : 0;
    const int32_t tabulated = (count <= last) & (size > 0) & !marked;
    // SponsorTransitionTables.draw: with K = size and U the uniform, x = ⌊U·K/2⁶⁴⌋ and the fraction
    // F = U·K mod 2⁶⁴, from the 32-bit halves: U·K = A·2³² + B with A = K·U_hi, B = K·U_lo (each < 2⁶³).
    const uint64_t u = uniform[lane];
    const uint64_t a = (uint64_t)(uint32_t)size * (u >> 32), b = (uint64_t)(uint32_t)size * (u & 0xffffffffu);
    const uint64_t x = (a + (b >> 32)) >> 32, fraction = (a << 32) + b;
    const int64_t cell = tabulated ? (int64_t)rows[r].start + (int64_t)x : 0;
    const int64_t drawn = fraction < cells[cell].cut ? (int64_t)x : (int64_t)cells[cell].alias;
    counts[lane] = tabulated ? drawn : count;
    untabulated[lane] = (uint8_t)!tabulated;
    left += !tabulated;
  }
  return left;
}

static int32_t RS_NAME(rs_roll_over_sponsors)(
    const rs_block_month *at, const rs_sponsor_tables *tables, const int32_t *activeEvents, const double *renewal,
    const double *newSponsors, int64_t *sponsors, uint8_t *fallback) {
  const int32_t lanes = at->lanes;
  const int32_t last = tables->rowsPerRates - 1, rowsPerRates = tables->rowsPerRates, sets = tables->sets;
  const int32_t *active = activeEvents, *ratesOfTierAndSet = tables->ratesOfTierAndSet;
  const rs_sponsor_row *rows = tables->rows;
  const rs_sponsor_cell *cells = tables->cells;
  const int perLane = renewal != 0;
  uint64_t *uniforms = at->scratch;
  int32_t left = 0;
  for (int32_t pair = 0; pair < tables->tiers; pair += 2) {
    const uint32_t stream = 0x04000000u | (uint32_t)pair;
#pragma clang loop vectorize(assume_safety)
    for (int32_t lane = 0; lane < lanes; lane++) {
      uint32_t w[4];
      RS_NAME(rs_words)(at, lane, at->month, stream, w);
      uniforms[lane] = ((uint64_t)w[0] << 32) | w[1];
      uniforms[at->stride + lane] = ((uint64_t)w[2] << 32) | w[3];
    }
    for (int32_t t = pair; t < pair + 2 && t < tables->tiers; t++) {
      int64_t *counts = sponsors + t * at->stride;
      uint8_t *untabulated = fallback + t * at->stride;
      const uint64_t *uniform = uniforms + (t - pair) * at->stride;
      const int32_t *ratesOfSet = ratesOfTierAndSet + t * sets;
      if (!cells) {
        for (int32_t lane = 0; lane < lanes; lane++) untabulated[lane] = 1;
        left += lanes;
        continue;
      }
      if (perLane) {
        // The event products are per lane and the tables hold the no-event rates only: a lane whose products
        // change its rates goes to the fallback.
        for (int32_t lane = 0; lane < lanes; lane++)
          untabulated[lane] = (uint8_t)((renewal[lane] != 1) | (newSponsors[lane] != 1));
        left += RS_NAME(rs_alias_lanes)(
            lanes, last, rowsPerRates, ratesOfSet, 1, ratesOfSet[0], ratesOfSet[0], 1, active, rows, cells, uniform,
            counts, untabulated);
      } else {
        left += sets <= 2 ? RS_NAME(rs_alias_lanes)(
                                lanes, last, rowsPerRates, ratesOfSet, 1, ratesOfSet[0], ratesOfSet[sets > 1], 0,
                                active, rows, cells, uniform, counts, untabulated)
                          : RS_NAME(rs_alias_lanes)(
                                lanes, last, rowsPerRates, ratesOfSet, 0, 0, 0, 0, active, rows, cells, uniform,
                                counts, untabulated);
      }
    }
  }
  return left;
}

/// The policy's part of the month for every lane (see rs_policy_money), with the expense lines read as in
/// rs_money_body: one value for every lane (rowStride 1, laneStride 0) or each lane's own.
RS_INLINE void RS_NAME(rs_policy_money_body)(
    int32_t lanes, const double *restrict expensesFixed, const double *restrict cutFixed,
    const double *restrict expenseAmount, const double *restrict cutAmount, ptrdiff_t rowStride, ptrdiff_t laneStride,
    const double *const *expenseLevel, double saved, double appeal, const int32_t *restrict active,
    const int32_t *restrict arrives, const double *restrict donations, double *restrict outgo, double *restrict flow,
    double *restrict expenses, double *restrict incomes) {
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const ptrdiff_t at = lane * laneStride;
    double expense = expensesFixed[at], cut = cutFixed[at];
    expense += expenseAmount[at] * expenseLevel[0][lane];
    expense += expenseAmount[rowStride + at] * expenseLevel[1][lane];
    expense += expenseAmount[2 * rowStride + at] * expenseLevel[2][lane];
    expense += expenseAmount[3 * rowStride + at] * expenseLevel[3][lane];
    cut += cutAmount[at] * expenseLevel[0][lane];
    cut += cutAmount[rowStride + at] * expenseLevel[1][lane];
    cut += cutAmount[2 * rowStride + at] * expenseLevel[2][lane];
    cut += cutAmount[3 * rowStride + at] * expenseLevel[3][lane];
    const double saving = active[lane] ? saved * cut : 0.0;
    const double raised = arrives[lane] ? appeal * donations[lane] : 0.0;
    outgo[lane] = expense - saving;
    flow[lane] += saving + raised;
    expenses[lane] -= saving;
    incomes[lane] += raised;
  }
}

static void RS_NAME(rs_policy_money)(
    const rs_block_month *at, const rs_money_month *money, const rs_money_lanes *own, const rs_policy_plan *policy,
    const rs_policy_state *state, const double *level, double *cashFlow, double *incomeSum, double *expenseSum) {
  const int32_t lanes = at->lanes;
  // The month's expenses as rs_money_lines computes them, and the part the cuts apply to.
  const double *expenseLevel[4];
  double expenseAmount[4], cutAmount[4];
  for (int32_t i = 0; i < 4; i++) {
    const int line = i < money->expenseFactorCount;
    expenseLevel[i] = level + (line ? money->expenseFactors[i] : 0) * at->stride;
    expenseAmount[i] = line ? money->expenseAmount[i] : 0.0;
    cutAmount[i] = line ? money->cutAmount[i] : 0.0;
  }
  const double saved = policy->hasCuts ? 1 - policy->cutMultiplier : 0.0;
  const double appeal = policy->hasAppeal ? policy->appealAmount : 0.0;
  if (own) {
    // Each lane's own lines (SPEC §16), in the same order as rs_money_lines sums them.
    RS_NAME(rs_policy_money_body)(
        lanes, own->expensesFixed, own->cutFixed, own->expenseAmount, own->cutAmount, at->stride, 1, expenseLevel,
        saved, appeal, state->cutActive, state->appealArrives, state->donationsLevel, state->outgo, cashFlow,
        expenseSum, incomeSum);
  } else {
    RS_NAME(rs_policy_money_body)(
        lanes, &money->expensesFixed, &money->cutFixed, expenseAmount, cutAmount, 1, 0, expenseLevel, saved, appeal,
        state->cutActive, state->appealArrives, state->donationsLevel, state->outgo, cashFlow, expenseSum,
        incomeSum);
  }
}

static void RS_NAME(rs_policy_month_end)(
    const rs_block_month *at, const rs_policy_plan *policy, const rs_policy_state *state, const double *balance) {
  const int32_t lanes = at->lanes, month = at->month;
  // A threshold that is not set is −∞: no cover is below it.
  const double minimum = policy->minimumMonths >= 0 ? policy->minimumMonths : -__builtin_inf();
  const double cutBelow = policy->hasCuts ? policy->cutBelow : -__builtin_inf(), cutRestore = policy->cutRestore;
  const double appealBelow = policy->hasAppeal ? policy->appealBelow : -__builtin_inf();
  const int32_t cooldown = policy->appealCooldown, always = policy->alwaysAct;
  const double *outgo = state->outgo, *balances = balance;
  int32_t *below = state->belowMinimumMonth, *active = state->cutActive, *last = state->lastAppeal;
  int32_t *arrives = state->appealArrives;
  uint8_t *flags = RS_FLAGS(at);
  int32_t appeals = 0;
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    // cover = B/outgo, +∞ when nothing is paid out (then no threshold is crossed).
    const double cover = outgo[lane] > 0 ? balances[lane] / outgo[lane] : __builtin_inf();
    below[lane] = (below[lane] == 0 & cover < minimum) ? month : below[lane];
    active[lane] = always | (active[lane] ? !(cover >= cutRestore) : cover < cutBelow);
    const int32_t appeal = (cover < appealBelow) & (month - last[lane] >= cooldown);
    last[lane] = appeal ? month : last[lane];
    arrives[lane] = always;
    flags[lane] = (uint8_t)appeal;
    appeals |= appeal;
  }
  if (!appeals || always) return;
  int32_t *list = RS_LIST(at);
  const int32_t n = RS_NAME(rs_flagged_lanes)(flags, lanes, list);
  for (int32_t i = 0; i < n; i++) {
    const int32_t lane = list[i];
    uint32_t w[4];
    RS_NAME(rs_words)(at, lane, month, 0x06000000u, w);
    arrives[lane] = rs_unit53(w[0], w[1]) < policy->appealProbability;
  }
}

/// Distributions.binomialByInversion's walk, operation for operation (n ≤ 512), from its first mass
/// exp(n·ln(1 − p)) — exp(n·ln p) when p > ½ — computed ahead (vectorised).
RS_INLINE int64_t RS_NAME(rs_binomial_walk)(int64_t n, double p, double u, double firstMass) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const int flipped = p > 0.5;
  const double success = flipped ? 1 - p : p;
  const double target = flipped ? 1 - u : u;
  const double ratio = success / (1 - success);
  double mass = firstMass;
  double cumulative = mass;
  int64_t x = 0;
  while (target > cumulative && x < n) {
    mass *= ratio * (double)(n - x) / (double)(x + 1);
    x += 1;
    cumulative += mass;
  }
  return flipped ? n - x : x;
}

/// Distributions.poissonByInversion's walk, operation for operation (λ ≤ 500), from e^(−λ) computed ahead.
RS_INLINE int64_t RS_NAME(rs_poisson_walk)(double lambda, double u, double massAtZero) {
  if (!(lambda > 0)) return 0;
  double mass = massAtZero;
  double cumulative = mass;
  int64_t x = 0;
  while (u > cumulative) {
    x += 1;
    mass *= lambda / (double)x;
    cumulative += mass;
    if (mass < 1e-300 && (double)x > lambda) break;
  }
  return x;
}

static void RS_NAME(rs_roll_over_lanes)(
    const rs_block_month *at, int32_t tier, const double *renewal, const double *arrivals,
    const double *renewalFactor, const double *arrivalFactor, double *work, int64_t *counts, uint8_t *fallback) {
  int64_t *row = counts + tier * at->stride;
  uint8_t *flags = fallback + tier * at->stride;
  const int32_t lanes = at->lanes;
  const ptrdiff_t stride = at->stride;
  double *restrict probability = work, *restrict lambdas = work + stride, *restrict renewalU = work + 2 * stride;
  double *restrict arrivalU = work + 3 * stride, *restrict firstMass = work + 4 * stride;
  double *restrict massAtZero = work + 5 * stride;
  const int64_t *restrict counted = row;
  // Vectorised: the draws' uniforms, the rates, and the walks' first masses (the samplers' logs and exps).
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    uint32_t w[4];
    RS_NAME(rs_philox)(
        at->firstPath + (uint32_t)lane, (uint32_t)at->month, 0x04000000u | (uint32_t)tier, 1, at->key0, at->key1, w);
    renewalU[lane] = rs_unit53(w[0], w[1]);
    arrivalU[lane] = rs_unit53(w[2], w[3]);
    const double product = renewal[lane] * renewalFactor[lane];
    const double p = product < 1 ? product : 1;
    probability[lane] = p;
    const double lambda = arrivals[lane] * arrivalFactor[lane];
    lambdas[lane] = lambda;
    // Where p is 0 or 1 the walk returns before using its first mass; keep the logs finite there.
    const double inside = p > 0 && p < 1 ? p : 0.5;
    const double logProbability = RS_NAME(rs_log)(inside), logFailure = RS_NAME(rs_log)(1 - inside);
    firstMass[lane] = RS_NAME(rs_exp)((double)counted[lane] * (inside > 0.5 ? logProbability : logFailure));
    massAtZero[lane] = RS_NAME(rs_exp)(-(lambda > 0 ? lambda : 0));
  }
  for (int32_t lane = 0; lane < lanes; lane++) {
    const int64_t n = row[lane];
    if (!flags[lane] || n > 512 || lambdas[lane] > 500) continue;
    row[lane] = RS_NAME(rs_binomial_walk)(n, probability[lane], renewalU[lane], firstMass[lane])
                + RS_NAME(rs_poisson_walk)(lambdas[lane], arrivalU[lane], massAtZero[lane]);
    flags[lane] = 0;
  }
}

#undef RS_NEVER
#undef RS_FLAGS
#undef RS_LIST
