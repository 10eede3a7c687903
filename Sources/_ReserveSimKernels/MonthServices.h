// The services' pass (SPEC §5, §12, §13): donated services' loss clocks and agreements, paid services' costs, and
// the rare steps (a loss, a renewal draw, a new donor) after the vectorised loop. Compiled once per instruction-set
// level from KernelBody.h, after MonthShared.h.

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
