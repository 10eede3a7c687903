// The policy's replay (SPEC §15, §17, §18): months 1 … lastMonth of a block again from recorded flows, with
// only the balance, the cover and the responses recomputed, for a new B₀ per lane. Compiled once per
// instruction-set level from KernelBody.h, after MonthPolicy.h.
//
// Why it is exact: the responses change cash flows only, never a random draw (an appeal's answer is the uniform
// at its own address, drawn whenever the replay needs it). rs_policy_money records, per month, what does not
// depend on the balance: the flow before the responses, the outgo before the cuts, the cut lines and the level of
// donations. The replay then repeats the operations of rs_policy_money, rs_update_balances and
// rs_policy_month_end in the same order, so the same B₀ gives the same balances, bit for bit.

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
/// The four doubles p[lane[0]] … p[lane[3]].
#define RS_REPLAY_GATHER(p, lane) ((rs_replay_d4){(p)[(lane)[0]], (p)[(lane)[1]], (p)[(lane)[2]], (p)[(lane)[3]]})
/// Four doubles from p … p + 3.
#define RS_REPLAY_LOAD(p)                                                                                          \
  ({                                                                                                               \
    rs_replay_d4 loaded_;                                                                                          \
    memcpy(&loaded_, (p), sizeof loaded_);                                                                         \
    loaded_;                                                                                                       \
  })
#endif

/// Months 1 … lastMonth for the replayed lanes g … g + valid − 1 (valid ≤ 4), month after month with their state in
/// registers: each lane's operations in the order of rs_policy_money, rs_update_balances and rs_policy_month_end,
/// so the same bits as the recording run. They read the rows' lanes lane[0 … 3] (a lane past `valid` repeats the
/// last one, and its results are not kept); with `gathered` 0 (a constant at each call), lane[j] = g + j and the
/// rows are read four at a time. Their appeals are answered between months as rs_policy_month_end answers them;
/// with stopWhenFailed, the four stop after the month in which the last of them fails. `lanesOwn` (a constant at
/// each call): 1 when growth, floor and discount are each lane's own (SPEC §16). `record` (a constant at each call):
/// 1 adds each month's responses to the year's activity rows as rs_policy_money_body and rs_policy_month_end_body
/// add them, and writes them to state->activity at each year's end (rs_replay_state). The month-end decisions are
/// rs_decide's, written again for four lanes: a change to one is a change to both (PolicyReplayTests compares a
/// replay with the recording run bit for bit).
RS_INLINE void RS_NAME(rs_replay_four)(
    const rs_block_month *at, int32_t g, const int32_t lane[4], int32_t valid, int32_t lastMonth,
    int32_t stopWhenFailed, const rs_policy_plan *policy, const rs_replay_flows *flows, const rs_replay_state *state,
    int lanesOwn, int gathered, int record) {
  const rs_policy_thresholds t = RS_NAME(rs_thresholds)(policy);
  const ptrdiff_t stride = at->stride;
  const double saved = policy->hasCuts ? 1 - policy->cutMultiplier : 0.0;
  const double appealAmount = policy->hasAppeal ? policy->appealAmount : 0.0;
  const int64_t hasMinimum = policy->minimumMonths >= 0 ? -1 : 0;
  const int64_t always = t.always ? -1 : 0;
  const rs_replay_d4 zero = 0.0, infinity = __builtin_inf();
  rs_replay_d4 growth = flows->growth, floor = flows->floor;
  if (lanesOwn) {
    growth = gathered ? RS_REPLAY_GATHER(flows->laneGrowth, lane) : RS_REPLAY_LOAD(flows->laneGrowth + g);
    floor = gathered ? RS_REPLAY_GATHER(flows->laneFloor, lane) : RS_REPLAY_LOAD(flows->laneFloor + g);
  }
  const int32_t lastValid = valid - 1;
  const int32_t replayed[4] = {
      g, g + (1 < lastValid ? 1 : lastValid), g + (2 < lastValid ? 2 : lastValid), g + lastValid};
  rs_replay_d4 balance = RS_REPLAY_GATHER(state->startBalance, replayed);
  rs_replay_d4 sum = 0.0, need = -__builtin_inf(), minimumNeed = -__builtin_inf();
  // Months and flags as 64-bit lanes beside the doubles: 0 or −1 for the flags (true), as comparisons give them.
  rs_replay_i4 ruin = 0, below = 0, active = 0, last = -(1 << 29), count = 0, arrives = 0;
  // With `record`: the year's activity so far (RS_ACTIVITY_* order), and whether cuts applied in some month so far.
  rs_replay_d4 cutMonths = 0.0, cutAmount = 0.0, appealsMade = 0.0, answered = 0.0, raisedSum = 0.0;
  rs_replay_i4 inForce = 0, ever = 0;
  const rs_replay_d4 one = 1.0;
  for (int32_t month = 1; month <= lastMonth; month++) {
    const ptrdiff_t row = (ptrdiff_t)(month - 1) * stride;
    const rs_replay_d4 base =
        gathered ? RS_REPLAY_GATHER(flows->flow + row, lane) : RS_REPLAY_LOAD(flows->flow + row + g);
    const rs_replay_d4 outgoBase =
        gathered ? RS_REPLAY_GATHER(flows->outgo + row, lane) : RS_REPLAY_LOAD(flows->outgo + row + g);
    const rs_replay_d4 cut = gathered ? RS_REPLAY_GATHER(flows->cut + row, lane) : RS_REPLAY_LOAD(flows->cut + row + g);
    const rs_replay_d4 donations =
        gathered ? RS_REPLAY_GATHER(flows->donations + row, lane) : RS_REPLAY_LOAD(flows->donations + row + g);
    const rs_replay_d4 saving = RS_REPLAY_SELECT(active, saved * cut, zero);
    const rs_replay_d4 raised = RS_REPLAY_SELECT(arrives, appealAmount * donations, zero);
    if (record) {
      inForce |= active;
      cutMonths += RS_REPLAY_SELECT(active, one, zero);
      cutAmount += saving;
      answered += RS_REPLAY_SELECT(arrives, one, zero);
      raisedSum += raised;
    }
    const rs_replay_d4 outgo = outgoBase - saving;
    const rs_replay_d4 flow = base + (saving + raised);
    rs_replay_d4 d, df;
    if (lanesOwn) {
      d = gathered ? RS_REPLAY_GATHER(flows->laneDiscount + row, lane) : RS_REPLAY_LOAD(flows->laneDiscount + row + g);
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
    if (record) {
      appealsMade += RS_REPLAY_SELECT(appeal, one, zero);
      if (month % 12 == 0) {
        ever |= inForce;
        const rs_replay_d4 rows[RS_ACTIVITY_ROWS + 1] = {
            RS_REPLAY_SELECT(inForce, one, zero), cutMonths, cutAmount, appealsMade, answered, raisedSum,
            RS_REPLAY_SELECT(ever, one, zero)};
        double *year = state->activity + (ptrdiff_t)(month / 12 - 1) * (RS_ACTIVITY_ROWS + 1) * stride + g;
        for (int f = 0; f <= RS_ACTIVITY_ROWS; f++) {
          for (int j = 0; j < valid; j++) year[f * stride + j] = rows[f][j];
        }
        cutMonths = cutAmount = appealsMade = answered = raisedSum = zero;
        inForce = 0;
      }
    }
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
      const int32_t l = lane[j];
      if (draws[l] != draws[l]) {
        uint32_t w[4];
        RS_NAME(rs_words)(at, l, month, 0x06000000u, w);
        draws[l] = rs_unit53(w[0], w[1]);
      }
      arrives[j] = draws[l] < policy->appealProbability ? -1 : 0;
    }
  }
  for (int j = 0; j < valid; j++) {
    state->balance[g + j] = balance[j];
    state->discountedSum[g + j] = sum[j];
    state->need[g + j] = need[j];
    state->minimumNeed[g + j] = minimumNeed[j];
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
  const int32_t lanes = at->lanes;
  const int32_t *path = flows->path;
  const int lanesOwn = flows->laneDiscount != 0;
  // Four lanes at a time with their state in registers, month after month (measured on pypi-today-policy, 200k
  // paths, AVX2: the search's share of the run 42.6% → 37.9% against a pass over every lane each month; eight lanes
  // at a time, 40.6%). A selection's lanes, and the last lanes mod 4, read their rows one by one.
  for (int32_t g = 0; g < lanes; g += 4) {
    const int32_t valid = lanes - g < 4 ? lanes - g : 4;
    int32_t lane[4];
    for (int j = 0; j < 4; j++) {
      const int32_t k = g + (j < valid ? j : valid - 1);
      lane[j] = path ? path[k] : k;
    }
    const int gathered = path || valid < 4;
    if (state->activity) {
      // A cost pass: every lane from the block's start, every month (no selection, no stop).
      if (lanesOwn) {
        RS_NAME(rs_replay_four)(at, g, lane, valid, lastMonth, 0, policy, flows, state, 1, gathered, 1);
      } else {
        RS_NAME(rs_replay_four)(at, g, lane, valid, lastMonth, 0, policy, flows, state, 0, gathered, 1);
      }
    } else if (lanesOwn) {
      if (gathered) {
        RS_NAME(rs_replay_four)(at, g, lane, valid, lastMonth, stopWhenFailed, policy, flows, state, 1, 1, 0);
      } else {
        RS_NAME(rs_replay_four)(at, g, lane, valid, lastMonth, stopWhenFailed, policy, flows, state, 1, 0, 0);
      }
    } else if (gathered) {
      RS_NAME(rs_replay_four)(at, g, lane, valid, lastMonth, stopWhenFailed, policy, flows, state, 0, 1, 0);
    } else {
      RS_NAME(rs_replay_four)(at, g, lane, valid, lastMonth, stopWhenFailed, policy, flows, state, 0, 0, 0);
    }
  }
}
