// The policy's replay (SPEC §15, §17, §18): months 1 … lastMonth of a block again from recorded flows, with
// only the balance, the cover and the responses recomputed, for a new B₀ per lane. Compiled once per
// instruction-set level from KernelBody.h, after MonthPolicy.h.
//
// Why it is exact: the responses change cash flows only, never a random draw (an appeal's answer is the uniform
// at its own address, drawn whenever the replay needs it). rs_policy_money records, per month, what does not
// depend on the balance: the flow before the responses, the outgo before the cuts, the cut lines and the level of
// donations. The replay then repeats the operations of rs_policy_money, rs_update_balances and
// rs_policy_month_end in the same order, so the same B₀ gives the same balances, bit for bit.

/// One month of the replay for lanes first … lanes − 1 (see rs_policy_replay); returns whether one of them appealed,
/// and in *alive whether one of them has neither been ruined nor fallen below the minimum yet. `lanesOwn` (a constant at
/// each call): 1 when growth, floor and discount are each lane's own (SPEC §16).
RS_INLINE int32_t RS_NAME(rs_replay_month_body)(
    int32_t first, int32_t lanes, int32_t month, const rs_policy_plan *policy, const rs_replay_flows *flows,
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
  for (int32_t lane = first; lane < lanes; lane++) {
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

#ifndef RS_REPLAY_VECTOR_TYPES
#define RS_REPLAY_VECTOR_TYPES
/// Four lanes of a replay held in registers (clang's vector extension: each operation lane by lane, as IEEE
/// doubles or 64-bit integers, at every instruction-set level).
typedef double rs_replay_d4 __attribute__((ext_vector_type(4)));
typedef int64_t rs_replay_i4 __attribute__((ext_vector_type(4)));
// Macros rather than functions: a vector passed by value to a function compiled without AVX changes its ABI.
/// Lane by lane: a where mask is all ones, b where it is 0.
#define RS_REPLAY_PICK(mask, a, b) (((mask) & (a)) | (~(mask) & (b)))
#define RS_REPLAY_SELECT(mask, a, b) ((rs_replay_d4)RS_REPLAY_PICK((mask), (rs_replay_i4)(a), (rs_replay_i4)(b)))
/// Four doubles from p … p + 3, and into them.
#define RS_REPLAY_LOAD(p)                                                                                          \
  ({                                                                                                               \
    rs_replay_d4 loaded_;                                                                                          \
    memcpy(&loaded_, (p), sizeof loaded_);                                                                         \
    loaded_;                                                                                                       \
  })
#define RS_REPLAY_STORE(p, v)                                                                                      \
  do {                                                                                                             \
    const rs_replay_d4 stored_ = (v);                                                                              \
    memcpy((p), &stored_, sizeof stored_);                                                                         \
  } while (0)
#endif

/// Months 1 … lastMonth for the four lanes g … g + 3, month after month with their state in registers: the
/// operations of rs_replay_month_body, lane by lane in the same order, so the same bits. The lanes' appeals are
/// answered between months as rs_policy_replay answers them; with stopWhenFailed, the four lanes stop after the
/// month in which the last of them fails. `lanesOwn` (a constant at each call) as in rs_replay_month_body.
RS_INLINE void RS_NAME(rs_replay_four)(
    const rs_block_month *at, int32_t g, int32_t lastMonth, int32_t stopWhenFailed, const rs_policy_plan *policy,
    const rs_replay_flows *flows, const rs_replay_state *state, int lanesOwn) {
  const rs_policy_thresholds t = RS_NAME(rs_thresholds)(policy);
  const ptrdiff_t stride = at->stride;
  const double saved = policy->hasCuts ? 1 - policy->cutMultiplier : 0.0;
  const double appealAmount = policy->hasAppeal ? policy->appealAmount : 0.0;
  const int64_t hasMinimum = policy->minimumMonths >= 0 ? -1 : 0;
  const int64_t always = t.always ? -1 : 0;
  const rs_replay_d4 zero = 0.0, infinity = __builtin_inf();
  rs_replay_d4 growth = flows->growth, floor = flows->floor;
  if (lanesOwn) {
    growth = RS_REPLAY_LOAD(flows->laneGrowth + g);
    floor = RS_REPLAY_LOAD(flows->laneFloor + g);
  }
  rs_replay_d4 balance = RS_REPLAY_LOAD(state->startBalance + g);
  rs_replay_d4 sum = 0.0, need = -__builtin_inf(), minimumNeed = -__builtin_inf();
  // Months and flags as 64-bit lanes beside the doubles: 0 or −1 for the flags (true), as comparisons give them.
  rs_replay_i4 ruin = 0, below = 0, active = 0, last = -(1 << 29), count = 0, arrives = 0;
  for (int32_t month = 1; month <= lastMonth; month++) {
    const ptrdiff_t row = (ptrdiff_t)(month - 1) * stride + g;
    const rs_replay_d4 base = RS_REPLAY_LOAD(flows->flow + row);
    const rs_replay_d4 outgoBase = RS_REPLAY_LOAD(flows->outgo + row);
    const rs_replay_d4 cut = RS_REPLAY_LOAD(flows->cut + row);
    const rs_replay_d4 donations = RS_REPLAY_LOAD(flows->donations + row);
    const rs_replay_d4 saving = RS_REPLAY_SELECT(active, saved * cut, zero);
    const rs_replay_d4 raised = RS_REPLAY_SELECT(arrives, appealAmount * donations, zero);
    const rs_replay_d4 outgo = outgoBase - saving;
    const rs_replay_d4 flow = base + (saving + raised);
    rs_replay_d4 d, df;
    if (lanesOwn) {
      d = RS_REPLAY_LOAD(flows->laneDiscount + row);
      df = floor * d;
    } else {
      d = flows->discount[month - 1];
      df = flows->discountedFloor[month - 1];
    }
    const rs_replay_d4 b = balance * growth + flow;
    balance = b;
    const rs_replay_d4 s = sum + flow * d;
    sum = s;
    const rs_replay_d4 candidate = df - s;
    need = RS_REPLAY_SELECT(candidate >= need, candidate, need);
    const rs_replay_i4 thisMonth = month;
    ruin = RS_REPLAY_PICK((ruin == 0) & (b < floor), thisMonth, ruin);
    const rs_replay_d4 minimumCandidate = t.minimum * outgo * d - s;
    const rs_replay_i4 paysOut = outgo > zero;
    minimumNeed = RS_REPLAY_SELECT(
        hasMinimum & paysOut & (minimumCandidate >= minimumNeed), minimumCandidate, minimumNeed);
    const rs_replay_d4 cover = RS_REPLAY_SELECT(paysOut, b / outgo, infinity);
    // rs_decide, lane by lane.
    below = RS_REPLAY_PICK((below == 0) & (cover < t.minimum), thisMonth, below);
    active = always | RS_REPLAY_PICK(active, ~(cover >= t.cutRestore), cover < t.cutBelow);
    const rs_replay_i4 appeal = (cover < t.appealBelow) & ((thisMonth - last) >= t.cooldown) & (count < t.limit);
    last = RS_REPLAY_PICK(appeal, thisMonth, last);
    count -= appeal;
    arrives = always;
    if (stopWhenFailed) {
      const rs_replay_i4 failed = stopWhenFailed == 1 ? ruin != 0 : below != 0;
      if ((failed[0] & failed[1] & failed[2] & failed[3]) != 0) break;
    }
    if (t.always || !(appeal[0] | appeal[1] | appeal[2] | appeal[3])) continue;
    // The appeals' answers: the uniform at (path, month, 0x06000000, 0), as rs_policy_month_end draws it, kept in
    // flows->appealDraw (NaN until first needed) for the next replay.
    double *draws = flows->appealDraw + row;
    for (int j = 0; j < 4; j++) {
      if (!appeal[j]) continue;
      if (draws[j] != draws[j]) {
        const int32_t lane = g + j;
        uint32_t w[4];
        RS_NAME(rs_words)(at, flows->path ? flows->path[lane] : lane, month, 0x06000000u, w);
        draws[j] = rs_unit53(w[0], w[1]);
      }
      arrives[j] = draws[j] < policy->appealProbability ? -1 : 0;
    }
  }
  RS_REPLAY_STORE(state->balance + g, balance);
  RS_REPLAY_STORE(state->discountedSum + g, sum);
  RS_REPLAY_STORE(state->need + g, need);
  RS_REPLAY_STORE(state->minimumNeed + g, minimumNeed);
  for (int j = 0; j < 4; j++) {
    state->ruinMonth[g + j] = (int32_t)ruin[j];
    state->belowMinimumMonth[g + j] = (int32_t)below[j];
    state->cutActive[g + j] = active[j] != 0;
    state->lastAppeal[g + j] = (int32_t)last[j];
    state->appealCount[g + j] = (int32_t)count[j];
    state->appealArrives[g + j] = arrives[j] != 0;
  }
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
  // Four lanes at a time with their state in registers, month after month; the last lanes mod 4 month by month
  // (measured on pypi-today-policy, 200k paths, AVX2: the search's share of the run 42.6% → 37.9%; eight lanes at a
  // time, 40.6%).
  const int32_t whole = lanes & ~3;
  for (int32_t g = 0; g < whole; g += 4) {
    if (lanesOwn) {
      RS_NAME(rs_replay_four)(at, g, lastMonth, stopWhenFailed, policy, flows, state, 1);
    } else {
      RS_NAME(rs_replay_four)(at, g, lastMonth, stopWhenFailed, policy, flows, state, 0);
    }
  }
  if (whole == lanes) return;
  for (int32_t month = 1; month <= lastMonth; month++) {
    const ptrdiff_t row = (ptrdiff_t)(month - 1) * stride;
    const int32_t appeals =
        lanesOwn ? RS_NAME(rs_replay_month_body)(whole, lanes, month, policy, flows, state, row, 1, flags, alive)
                 : RS_NAME(rs_replay_month_body)(whole, lanes, month, policy, flows, state, row, 0, flags, alive);
    // Every lane has failed what the caller asks about: the rest of the months cannot change that.
    if (stopWhenFailed == 1 && !alive[0]) break;
    if (stopWhenFailed == 2 && !alive[1]) break;
    if (!appeals || policy->alwaysAct) continue;
    // The appeals' answers: the uniform at (path, month, 0x06000000, 0), as rs_policy_month_end draws it, kept in
    // flows->appealDraw (NaN until first needed) for the next replay.
    double *draws = flows->appealDraw + row;
    const int32_t n = RS_NAME(rs_flagged_lanes)(flags + whole, lanes - whole, list);
    for (int32_t i = 0; i < n; i++) {
      const int32_t lane = whole + list[i];
      if (draws[lane] != draws[lane]) {
        uint32_t w[4];
        RS_NAME(rs_words)(at, flows->path ? flows->path[lane] : lane, month, 0x06000000u, w);
        draws[lane] = rs_unit53(w[0], w[1]);
      }
      state->appealArrives[lane] = draws[lane] < policy->appealProbability;
    }
  }
}
