// The policy's replay (SPEC §15, §17, §18): months 1 … lastMonth of a block again from recorded flows, with
// only the balance, the cover and the responses recomputed, for a new B₀ per lane. Compiled once per
// instruction-set level from KernelBody.h, after MonthPolicy.h.
//
// Why it is exact: the responses change cash flows only, never a random draw (an appeal's answer is the uniform
// at its own address, drawn whenever the replay needs it). rs_policy_money records, per month, what does not
// depend on the balance: the flow before the responses, the outgo before the cuts, the cut lines and the level of
// donations. The replay then repeats the operations of rs_policy_money, rs_update_balances and
// rs_policy_month_end in the same order, so the same B₀ gives the same balances, bit for bit.

/// One month of the replay for every lane (see rs_policy_replay); returns whether some lane appealed, and in
/// *alive whether some lane has neither been ruined nor fallen below the minimum yet. `lanesOwn` (a constant at
/// each call): 1 when growth, floor and discount are each lane's own (SPEC §16).
RS_INLINE int32_t RS_NAME(rs_replay_month_body)(
    int32_t lanes, int32_t month, const rs_policy_plan *policy, const rs_replay_flows *flows,
    const rs_replay_state *state, ptrdiff_t row, int lanesOwn, uint8_t *restrict flags, int32_t *alive) {
  const rs_policy_thresholds t = RS_NAME(rs_thresholds)(policy);
  const double minimum = t.minimum;
  const int32_t hasMinimum = policy->minimumMonths >= 0;
  const double saved = policy->hasCuts ? 1 - policy->cutMultiplier : 0.0;
  const double appealAmount = policy->hasAppeal ? policy->appealAmount : 0.0;
  const double *restrict base = flows->flow + row, *restrict outgoBase = flows->outgo + row;
  const double *restrict cut = flows->cut + row, *restrict donations = flows->donations + row;
  const double growth = flows->growth, floor = flows->floor;
  const double discount = lanesOwn ? 0.0 : flows->discount[month - 1];
  const double discountedFloor = lanesOwn ? 0.0 : flows->discountedFloor[month - 1];
  const double *restrict laneGrowth = flows->laneGrowth, *restrict laneFloor = flows->laneFloor;
  const double *restrict laneDiscount = lanesOwn ? flows->laneDiscount + row : 0;
  double *restrict balances = state->balance, *restrict sums = state->discountedSum;
  double *restrict needs = state->need, *restrict minimumNeeds = state->minimumNeed;
  int32_t *restrict ruin = state->ruinMonth, *restrict below = state->belowMinimumMonth;
  int32_t *restrict active = state->cutActive, *restrict last = state->lastAppeal;
  int32_t *restrict count = state->appealCount, *restrict arrives = state->appealArrives;
  int32_t appeals = 0, notRuined = 0, notBelow = 0;
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    // rs_policy_money: the cuts' saving and an arriving appeal.
    const double saving = active[lane] ? saved * cut[lane] : 0.0;
    const double raised = arrives[lane] ? appealAmount * donations[lane] : 0.0;
    const double outgo = outgoBase[lane] - saving;
    const double flow = base[lane] + (saving + raised);
    // rs_update_balances (or its per-lane form).
    const double g = lanesOwn ? laneGrowth[lane] : growth;
    const double d = lanesOwn ? laneDiscount[lane] : discount;
    const double f = lanesOwn ? laneFloor[lane] : floor;
    const double df = lanesOwn ? f * d : discountedFloor;
    const double b = balances[lane] * g + flow;
    balances[lane] = b;
    const double s = sums[lane] + flow * d;
    sums[lane] = s;
    const double candidate = df - s;
    needs[lane] = candidate >= needs[lane] ? candidate : needs[lane];
    ruin[lane] = (ruin[lane] == 0 & b < f) ? month : ruin[lane];
    // rs_policy_month_end: the need for the minimum, then cover, cuts and appeals.
    const double minimumCandidate = minimum * outgo * d - s;
    minimumNeeds[lane] = (hasMinimum & (outgo > 0) & (minimumCandidate >= minimumNeeds[lane]))
                             ? minimumCandidate
                             : minimumNeeds[lane];
    const double cover = outgo > 0 ? b / outgo : __builtin_inf();
    const int32_t appeal = RS_NAME(rs_decide)(lane, month, cover, t, below, active, last, count, arrives);
    flags[lane] = (uint8_t)appeal;
    appeals |= appeal;
    notRuined |= ruin[lane] == 0;
    notBelow |= below[lane] == 0;
  }
  alive[0] = notRuined;
  alive[1] = notBelow;
  return appeals;
}

static void RS_NAME(rs_policy_replay)(
    const rs_block_month *at, int32_t lastMonth, int32_t stopWhenFailed, const rs_policy_plan *policy,
    const rs_replay_flows *flows, const rs_replay_state *state) {
  int32_t alive[2];
  const int32_t lanes = at->lanes;
  const ptrdiff_t stride = at->stride;
  for (int32_t lane = 0; lane < lanes; lane++) {
    state->balance[lane] = state->startBalance[lane];
    state->discountedSum[lane] = 0;
    state->need[lane] = -__builtin_inf();
    state->minimumNeed[lane] = -__builtin_inf();
    state->ruinMonth[lane] = 0;
    state->belowMinimumMonth[lane] = 0;
    state->cutActive[lane] = 0;
    state->lastAppeal[lane] = -(1 << 29);
    state->appealCount[lane] = 0;
    state->appealArrives[lane] = 0;
  }
  uint8_t *flags = RS_FLAGS(at);
  int32_t *list = RS_LIST(at);
  const int lanesOwn = flows->laneDiscount != 0;
  for (int32_t month = 1; month <= lastMonth; month++) {
    const ptrdiff_t row = (ptrdiff_t)(month - 1) * stride;
    const int32_t appeals =
        lanesOwn ? RS_NAME(rs_replay_month_body)(lanes, month, policy, flows, state, row, 1, flags, alive)
                 : RS_NAME(rs_replay_month_body)(lanes, month, policy, flows, state, row, 0, flags, alive);
    // Every lane has failed what the caller asks about: the rest of the months cannot change that.
    if (stopWhenFailed == 1 && !alive[0]) break;
    if (stopWhenFailed == 2 && !alive[1]) break;
    if (!appeals || policy->alwaysAct) continue;
    // The appeals' answers: the uniform at (path, month, 0x06000000, 0), as rs_policy_month_end draws it, kept in
    // flows->appealDraw (NaN until first needed) for the next replay.
    double *draws = flows->appealDraw + row;
    const int32_t n = RS_NAME(rs_flagged_lanes)(flags, lanes, list);
    for (int32_t i = 0; i < n; i++) {
      const int32_t lane = list[i];
      if (draws[lane] != draws[lane]) {
        uint32_t w[4];
        RS_NAME(rs_words)(at, flows->path ? flows->path[lane] : lane, month, 0x06000000u, w);
        draws[lane] = rs_unit53(w[0], w[1]);
      }
      state->appealArrives[lane] = draws[lane] < policy->appealProbability;
    }
  }
}
