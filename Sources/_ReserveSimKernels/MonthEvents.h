// The events' pass (SPEC §6): which kinds are active in the month, and the products of their multipliers.
// Compiled once per instruction-set level from KernelBody.h, after MonthShared.h.

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
      // Vectorised over the list (a Philox block and a log each; the lanes' starts gathered and scattered).
      const double planLogQ = plan->logNoStart[k];
#pragma clang loop vectorize(assume_safety)
      for (int32_t i = 0; i < n; i++) {
        const int32_t lane = list[i];
        uint32_t w[4];
        RS_NAME(rs_words)(at, lane, month, 0x02000000u | (uint32_t)k, w);
        const double logQ = logNoStart ? logNoStart[lane] : planLogQ;
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
