// The services' pass (SPEC §5, §12, §13): donated services' loss clocks and agreements, paid services' costs, and
// the rare steps (a loss, a renewal draw, a new donor) after the vectorised loop. Compiled once per instruction-set
// level from KernelBody.h, after MonthShared.h.

/// A new donor for service `service` of lane `lane` from `month`: its loss clock and replacement draw; `cell` =
/// service · stride + lane.
RS_INLINE void RS_NAME(rs_start_donation)(
    const rs_block_month *at, const rs_services_state *state, int32_t service, int32_t lane, ptrdiff_t cell,
    int32_t month) {
  uint32_t w[4];
  RS_NAME(rs_words)(at, lane, month, 0x03000000u | (uint32_t)service, w);
  state->clock[cell] = -RS_NAME(rs_log)(rs_unit53(w[0], w[1]));
  state->replacementDraw[cell] = rs_unit53(w[2], w[3]);
  state->payStart[cell] = 0;
  state->payEnd[cell] = 0;
  state->agreementEnd[cell] = 0;
}

/// Every lane's donation period starting at at->month (the block's first month): rs_start_donation lane by lane,
/// vectorised (one Philox block and one log a lane).
static void RS_NAME(rs_start_donations)(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state, int32_t service) {
  const ptrdiff_t row = service * at->stride;
  double *restrict clock = state->clock + row, *restrict replacementDraw = state->replacementDraw + row;
  int32_t *restrict payStart = state->payStart + row, *restrict payEnd = state->payEnd + row;
  int32_t *restrict agreementEnd = state->agreementEnd + row;
  const int32_t agreement = plan->agreementEnds[service], month = at->month, lanes = at->lanes;
  const uint32_t firstPath = at->firstPath, key0 = at->key0, key1 = at->key1;
#pragma clang loop vectorize(assume_safety) interleave_count(2)
  for (int32_t lane = 0; lane < lanes; lane++) {
    uint32_t w[4];
    RS_NAME(rs_philox)(
        firstPath + (uint32_t)lane, (uint32_t)month, 0x03000000u | (uint32_t)service, 0, key0, key1, w);
    clock[lane] = -RS_NAME(rs_log)(rs_unit53(w[0], w[1]));
    replacementDraw[lane] = rs_unit53(w[2], w[3]);
    payStart[lane] = 0;
    payEnd[lane] = 0;
    agreementEnd[lane] = agreement;
  }
}

/// One service's month as rs_service_lanes reads and writes it: its costs, the hazard a donated month adds, its rows
/// of the services' state (lanes 0 … lanes−1 of service s) and the month's per-lane sums.
typedef struct {
  /// The plan's costs (SPEC §5, §13): cost·scale a paid month; with `dated`, mitigatedCost after mitigationAfter
  /// paid months and migrationCost in the first.
  double cost, mitigatedCost, migrationCost;
  int32_t mitigationAfter;
  /// With `own`: the lanes' own cost, mitigated cost and migration cost (SPEC §16), read in place of the plan's.
  const double *laneCost, *laneMitigated, *laneMigration;
  /// The costs' scale per lane: the traffic cost or the inflation level.
  const double *scale;
  /// The hazard a donated month adds, read as `select` says: added[set], added0 or added1, added[lane], or rows by
  /// set addedStride apart (added[set · addedStride + lane]).
  const double *added;
  double added0, added1;
  ptrdiff_t addedStride;
  /// The lanes' sets of active events.
  const int32_t *active;
  /// The service's rows of the state; agreementEnd is read with `dated`.
  double *clock;
  const int32_t *payStart, *payEnd, *agreementEnd;
  /// The month's cash flow, the year's service costs, and with `dated` the month's outgo (SPEC §15).
  double *flow, *paidSum, *outgo;
  /// With `record`: the service's row of rs_services_state.payments (the scale paid at, or with `dated` the
  /// payment).
  double *paymentRow;
  /// One byte per lane, set where rs_pay_services' rare steps follow.
  uint8_t *flags;
} RS_NAME(rs_service_pass);

/// The vectorised part of a service's month (see rs_pay_services); returns whether a lane was lost, ends its
/// agreement or ends its paid months (flags[lane] = 1 for those). Three constants at each call choose the loop:
/// `own`, the lanes' own costs; `dated`, the service has an agreement, a migration cost or a mitigation (the costs'
/// other fields and agreementEnd are read); `select`, how the set's hazard is read: 1 when there are at most two sets
/// of active events (a select between added0 and added1 rather than a gather), 2 when the hazard is per lane
/// (added[lane]), 0 for a gather by set; with the lanes' own values, 3 reads rows by set (added[set · addedStride +
/// lane]) and 4 selects between the two rows of two sets. With `record` (a constant too) each lane's payment (with
/// `dated`) or the scale it is paid at (0 where not paid) is also written to paymentRow.
RS_INLINE int32_t RS_NAME(rs_service_lanes)(
    int32_t lanes, int32_t month, const RS_NAME(rs_service_pass) *service, int own, int dated, int select,
    int record) {
  int32_t changes = 0;
  const double cost = service->cost, mitigatedCost = service->mitigatedCost;
  const double migrationCost = service->migrationCost;
  const int32_t mitigationAfter = service->mitigationAfter;
  const double *restrict laneCost = service->laneCost, *restrict laneMitigated = service->laneMitigated;
  const double *restrict laneMigration = service->laneMigration;
  const double *restrict scale = service->scale, *restrict added = service->added;
  const double added0 = service->added0, added1 = service->added1;
  const ptrdiff_t stride = service->addedStride;
  const int32_t *restrict active = service->active;
  double *restrict clock = service->clock;
  const int32_t *restrict payStart = service->payStart, *restrict payEnd = service->payEnd;
  const int32_t *restrict agreementEnd = service->agreementEnd;
  double *restrict flow = service->flow, *restrict paidSum = service->paidSum, *restrict outgo = service->outgo;
  double *restrict paymentRow = service->paymentRow;
  uint8_t *restrict flags = service->flags;
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
    // Read whether or not the lane pays: a load under a condition is a masked load.
    const double laneScale = scale[lane];
    double paid;
    int32_t change = (donated & (left <= 0)) | (paying & (month == payEnd[lane]));
    if (dated) {
      // SPEC §13: the mitigated cost after `mitigationAfter` paid months, the migration in the first paid month.
      const int32_t paidBefore = month - start;
      const double full = own ? laneCost[lane] : cost;
      const double mitigated = own ? laneMitigated[lane] : mitigatedCost;
      const double unit = paidBefore >= mitigationAfter ? mitigated : full;
      const double firstMonth = own ? laneMigration[lane] : migrationCost;
      const double migration = paidBefore == 0 ? firstMonth : 0.0;
      paid = paying ? (unit + migration) * laneScale : 0.0;
      outgo[lane] += paid;
      change |= donated & (month == agreementEnd[lane]);
    } else {
      paid = paying ? cost * laneScale : 0.0;
    }
    flow[lane] -= paid;
    paidSum[lane] += paid;
    if (record) paymentRow[lane] = dated ? paid : paying ? laneScale : 0.0;
    flags[lane] = (uint8_t)change;
    changes |= change;
  }
  return changes;
}

/// rs_service_lanes for `count` (2 … 4, a constant at each call) plain services at once — not dated, the plan's
/// costs, at most two sets of active events — reading each lane's flow, paid sum and set once: the same operations
/// service after service, so the same bits. Bit s of flags[lane] is service s's change; returns the changes' or.
/// With `record` (a constant) the scale each service is paid at (0 where not paid) is also written to its paymentRow.
RS_INLINE int32_t RS_NAME(rs_plain_services_lanes)(
    int32_t lanes, int32_t month, const RS_NAME(rs_service_pass) *services, int count, int record) {
  int32_t changes = 0;
  const int32_t *restrict active = services[0].active;
  double *restrict flow = services[0].flow, *restrict paidSum = services[0].paidSum;
  uint8_t *restrict flags = services[0].flags;
  double *restrict clock[4], *restrict paymentRow[4];
  const int32_t *restrict payStart[4], *restrict payEnd[4];
  const double *restrict scale[4];
  double cost[4], added0[4], added1[4];
  for (int s = 0; s < count; s++) {
    clock[s] = services[s].clock;
    paymentRow[s] = services[s].paymentRow;
    payStart[s] = services[s].payStart;
    payEnd[s] = services[s].payEnd;
    scale[s] = services[s].scale;
    cost[s] = services[s].cost;
    added0[s] = services[s].added0;
    added1[s] = services[s].added1;
  }
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const int32_t set = active[lane];
    double laneFlow = flow[lane], lanePaid = paidSum[lane];
    int32_t flag = 0;
    for (int s = 0; s < count; s++) {
      const int32_t start = payStart[s][lane];
      const int donated = start == 0;
      const double left = clock[s][lane] - (set ? added1[s] : added0[s]);
      clock[s][lane] = donated ? left : clock[s][lane];
      const int paying = !donated & (start <= month);
      const double laneScale = scale[s][lane];
      const int32_t change = (donated & (left <= 0)) | (paying & (month == payEnd[s][lane]));
      const double paid = paying ? cost[s] * laneScale : 0.0;
      laneFlow -= paid;
      lanePaid += paid;
      if (record) paymentRow[s][lane] = paying ? laneScale : 0.0;
      flag |= change << s;
    }
    flow[lane] = laneFlow;
    paidSum[lane] = lanePaid;
    flags[lane] = (uint8_t)flag;
    changes |= flag;
  }
  return changes;
}

/// rs_service_lanes, recording each lane's payment or scale when the service's paymentRow is set.
RS_INLINE int32_t RS_NAME(rs_service_lanes_of)(
    int32_t lanes, int32_t month, const RS_NAME(rs_service_pass) *service, int own, int dated, int select) {
  return service->paymentRow ? RS_NAME(rs_service_lanes)(lanes, month, service, own, dated, select, 1)
                          : RS_NAME(rs_service_lanes)(lanes, month, service, own, dated, select, 0);
}

/// rs_plain_services_lanes, recording the scales paid at when the services' paymentRows are set.
RS_INLINE int32_t RS_NAME(rs_plain_services_of)(
    int32_t lanes, int32_t month, const RS_NAME(rs_service_pass) *services, int count) {
  return services[0].paymentRow ? RS_NAME(rs_plain_services_lanes)(lanes, month, services, count, 1)
                             : RS_NAME(rs_plain_services_lanes)(lanes, month, services, count, 0);
}

static void RS_NAME(rs_service_rare_steps)(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state, const int32_t *active,
    int32_t s, const int32_t *list, int32_t n, uint8_t *lost, ptrdiff_t lostStride);
static void RS_NAME(rs_plain_services_rare_steps)(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state, const int32_t *list,
    int32_t n, const uint8_t *bits, uint8_t *lost, ptrdiff_t lostStride);

static void RS_NAME(rs_pay_services)(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state,
    const int32_t *activeEvents, const double *trafficCost, const double *inflationLevel, double *cashFlow,
    double *serviceSum, uint8_t *lost, ptrdiff_t lostStride) {
  const int32_t lanes = at->lanes, month = at->month;
  const int32_t *restrict active = activeEvents;
  uint8_t *flags = RS_FLAGS(at);
  int fusable = plan->count >= 2 && plan->count <= 4 && !plan->lanes && plan->sets >= 1 && plan->sets <= 2;
  for (int32_t s = 0; fusable && s < plan->count; s++) fusable = !plan->dated[s];
  if (fusable) {
    // Two to four plain services (the PyPI files' three): one pass over the lanes, then each one's rare steps.
    RS_NAME(rs_service_pass) services[4];
    for (int32_t s = 0; s < plan->count; s++) {
      const ptrdiff_t row = s * at->stride;
      const double *added = plan->addedHazard + s * plan->sets;
      services[s] = (RS_NAME(rs_service_pass)){
          .cost = plan->cost[s],
          .scale = plan->scalesWithTraffic[s] ? trafficCost : inflationLevel,
          .added0 = added[0],
          .added1 = added[plan->sets > 1],
          .active = active,
          .clock = state->clock + row,
          .payStart = state->payStart + row,
          .payEnd = state->payEnd + row,
          .flow = cashFlow,
          .paidSum = serviceSum,
          .paymentRow = state->payments ? state->payments + row : 0,
          .flags = flags};
    }
    const int32_t changes = plan->count == 2   ? RS_NAME(rs_plain_services_of)(lanes, month, services, 2)
                            : plan->count == 3 ? RS_NAME(rs_plain_services_of)(lanes, month, services, 3)
                                               : RS_NAME(rs_plain_services_of)(lanes, month, services, 4);
    if (!changes) return;
    int32_t *list = RS_LIST(at);
    const int32_t n = RS_NAME(rs_flagged_lanes)(flags, lanes, list);
    RS_NAME(rs_plain_services_rare_steps)(at, plan, state, list, n, flags, lost, lostStride);
    return;
  }
  for (int32_t s = 0; s < plan->count; s++) {
    const ptrdiff_t row = s * at->stride;
    const int dated = plan->dated[s];
    RS_NAME(rs_service_pass) service = {
        .cost = plan->cost[s],
        .mitigatedCost = plan->mitigatedCost[s],
        .migrationCost = plan->migrationCost[s],
        .mitigationAfter = plan->mitigationAfter[s],
        .scale = plan->scalesWithTraffic[s] ? trafficCost : inflationLevel,
        .addedStride = at->stride,
        .active = active,
        .clock = state->clock + row,
        .payStart = state->payStart + row,
        .payEnd = state->payEnd + row,
        .agreementEnd = state->agreementEnd + row,
        .flow = cashFlow,
        .paidSum = serviceSum,
        .outgo = state->outgo,
        .paymentRow = state->payments ? state->payments + row : 0,
        .flags = flags};
    int32_t changes;
    const rs_service_lanes *own = plan->lanes;
    if (own) {
      // The lanes' own values (SPEC §16): always the general pass, which gives a plain service's bits too.
      service.laneCost = own->cost + row;
      service.laneMitigated = own->mitigatedCost + row;
      service.laneMigration = own->migrationCost + row;
      if (plan->sets == 0) {
        const double *hazard = own->monthlyHazard + row, *logHazard = own->logHazard + row;
        const double *multiplier = state->lossMultiplier;
        double *laneAdded = state->laneHazard;
        for (int32_t lane = 0; lane < lanes; lane++) {
          const double product = hazard[lane] * multiplier[lane];
          laneAdded[lane] = multiplier[lane] == 1 ? logHazard[lane] : -log1p(-(product < 1 ? product : 1));
        }
        service.added = laneAdded;
        changes = RS_NAME(rs_service_lanes_of)(lanes, month, &service, 1, 1, 2);
      } else if (plan->sets == 2) {
        // Rows by set; with two sets (one event kind) a select between the two rows instead of a gather.
        service.added = own->addedHazard + s * plan->sets * at->stride;
        changes = RS_NAME(rs_service_lanes_of)(lanes, month, &service, 1, 1, 4);
      } else {
        service.added = own->addedHazard + s * plan->sets * at->stride;
        changes = RS_NAME(rs_service_lanes_of)(lanes, month, &service, 1, 1, 3);
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
      service.added = added;
      changes = dated ? RS_NAME(rs_service_lanes_of)(lanes, month, &service, 0, 1, 2)
                      : RS_NAME(rs_service_lanes_of)(lanes, month, &service, 0, 0, 2);
    } else {
      service.added = plan->addedHazard + s * plan->sets;
      service.added0 = service.added[0];
      service.added1 = service.added[plan->sets > 1];
      if (dated) {
        changes = RS_NAME(rs_service_lanes_of)(lanes, month, &service, 0, 1, 0);
      } else if (plan->sets <= 2) {
        changes = RS_NAME(rs_service_lanes_of)(lanes, month, &service, 0, 0, 1);
      } else {
        changes = RS_NAME(rs_service_lanes_of)(lanes, month, &service, 0, 0, 0);
      }
    }
    if (!changes) continue;
    int32_t *list = RS_LIST(at);
    const int32_t n = RS_NAME(rs_flagged_lanes)(flags, lanes, list);
    RS_NAME(rs_service_rare_steps)(at, plan, state, active, s, list, n, lost, lostStride);
  }
}

/// A donation that ends (lost, or its agreement not renewed): paid from month `first` until a new donor is found
/// (SPEC §5, a geometric wait from the lane's replacement draw). `row` = s · stride.
RS_INLINE void RS_NAME(rs_service_paid_from)(
    const rs_services_plan *plan, const rs_services_state *state, int32_t s, ptrdiff_t row, int32_t lane,
    int32_t first) {
  const rs_service_lanes *own = plan->lanes;
  state->agreementEnd[row + lane] = 0;
  state->payStart[row + lane] = first;
  state->payEnd[row + lane] =
      first
      + RS_NAME(rs_geometric_wait)(
          state->replacementDraw[row + lane], own ? own->logNoReplacement[row + lane] : plan->logNoReplacement[s])
      - 1;
}

/// The records of a donation that ended: SPEC §21's m_L (the first paid month of the service's first loss; later
/// losses do not restart the clock) and the lost mark.
RS_INLINE void RS_NAME(rs_service_mark_loss)(
    const rs_services_state *state, int32_t s, ptrdiff_t row, int32_t lane, uint8_t *lost, ptrdiff_t lostStride) {
  if (state->firstPaid) {
    int32_t *firstPaid = state->firstPaid + s * state->firstPaidStride + lane;
    if (*firstPaid == 0) *firstPaid = state->payStart[row + lane];
  }
  if (lost) lost[s * lostStride + lane] = 1;
}

/// Service s's rare steps in the month, for the lanes in `list` (ascending) whose vectorised pass flagged them: a
/// loss, an agreement's last month (renewed or ended), or the last paid month (a new donor from the next month).
static void RS_NAME(rs_service_rare_steps)(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state, const int32_t *active,
    int32_t s, const int32_t *list, int32_t n, uint8_t *lost, ptrdiff_t lostStride) {
  const int32_t month = at->month;
  const ptrdiff_t row = s * at->stride;
  const rs_service_lanes *own = plan->lanes;
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
      RS_NAME(rs_service_paid_from)(plan, state, s, row, lane, first);
      RS_NAME(rs_service_mark_loss)(state, s, row, lane, lost, lostStride);
    } else {
      // The last paid month: a new donor from the next month.
      RS_NAME(rs_start_donation)(at, state, s, lane, row + lane, month + 1);
    }
  }
}

/// The rare steps of plain services (rs_plain_services_lanes: no agreements, the plan's values), all services' at once:
/// the flagged (service, lane) pairs sorted into losses and ends of paid months, then one vectorised loop for each
/// kind over all services (a log a loss; a Philox block and a log a new donor), where a loop per service would hold a
/// lane or two. Each pair's state is its own, so the order does not change a bit.
static void RS_NAME(rs_plain_services_rare_steps)(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state, const int32_t *list,
    int32_t n, const uint8_t *bits, uint8_t *lost, ptrdiff_t lostStride) {
  enum { batch = 256 };
  const int32_t month = at->month;
  const ptrdiff_t stride = at->stride;
  int32_t lossService[batch], lossLane[batch], donorService[batch], donorLane[batch], donorCell[batch];
  int32_t losses = 0, donors = 0;
  for (int32_t i = 0; i < n; i++) {
    const int32_t lane = list[i];
    for (int32_t s = 0; s < plan->count; s++) {
      if (!(bits[lane] >> s & 1)) continue;
      if (state->payStart[s * stride + lane] == 0) {
        lossService[losses] = s;
        lossLane[losses++] = lane;
      } else {
        donorService[donors] = s;
        donorCell[donors] = s * (int32_t)stride + lane;
        donorLane[donors++] = lane;
      }
    }
    if (losses > batch - 4 || donors > batch - 4 || i == n - 1) {
      // Lost this month: the donor covers m … m+n; paid from m+n+1 until a new donor is found.
#pragma clang loop vectorize(assume_safety)
      for (int32_t j = 0; j < losses; j++) {
        const int32_t s = lossService[j];
        RS_NAME(rs_service_paid_from)(plan, state, s, s * stride, lossLane[j], month + plan->noticeMonths[s] + 1);
      }
      for (int32_t j = 0; j < losses; j++) {
        RS_NAME(rs_service_mark_loss)(state, lossService[j], lossService[j] * stride, lossLane[j], lost, lostStride);
      }
      // The last paid month: a new donor from the next month.
#pragma clang loop vectorize(assume_safety)
      for (int32_t j = 0; j < donors; j++) {
        RS_NAME(rs_start_donation)(at, state, donorService[j], donorLane[j], donorCell[j], month + 1);
      }
      losses = donors = 0;
    }
  }
}
