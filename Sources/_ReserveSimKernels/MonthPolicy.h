// The policy's pass (SPEC §15): the cuts' saving and an appeal's money after the money lines, and the month-end's
// cover, cuts and appeals after the balances. Compiled once per instruction-set level from KernelBody.h, after
// MonthShared.h.

/// The policy's part of the month for every lane (see rs_policy_money), with the expense and cut lines read as in
/// rs_money_body (see rs_money_rows): one value for every lane (rowStride 1, laneStride 0) or each lane's own.
/// `record` (a constant at each call): 1 adds the month's cuts and arriving appeal to the year's activity rows
/// (SPEC §19), `stride` lanes apart; 0 leaves them out of the loop. `replayable` (a constant): 1 writes what the
/// replay needs (the flow before the responses, the outgo before the cuts, the cut lines, the donations' level)
/// to the state's replay rows.
RS_INLINE void RS_NAME(rs_policy_money_body)(
    int32_t lanes, const RS_NAME(rs_money_rows) *lines, ptrdiff_t rowStride, ptrdiff_t laneStride, double saved,
    double appeal, const rs_policy_state *state, const rs_month_sums *sums, int record, ptrdiff_t stride,
    int replayable) {
  const double *restrict expensesFixed = lines->expensesFixed, *restrict cutFixed = lines->cutFixed;
  const double *restrict expenseAmount = lines->expenseAmount, *restrict cutAmount = lines->cutAmount;
  const double *const *expenseLevel = lines->expenseLevel;
  const int32_t *restrict active = state->cutActive, *restrict arrives = state->appealArrives;
  const double *restrict donations = state->donationsLevel;
  double *restrict outgo = state->outgo, *restrict flow = sums->cashFlow, *restrict expenses = sums->expenseSum;
  double *restrict incomes = sums->incomeSum;
  double *restrict activity = state->activity;
  double *restrict baseFlow = state->replayFlow, *restrict baseOutgo = state->replayOutgo;
  double *restrict cutLines = state->replayCut, *restrict donationsLevel = state->replayDonations;
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
    // The outgo so far holds what the services paid this month (rs_pay_services runs first).
    const double before = expense + outgo[lane];
    if (replayable) {
      baseFlow[lane] = flow[lane];
      baseOutgo[lane] = before;
      cutLines[lane] = cut;
      donationsLevel[lane] = donations[lane];
    }
    outgo[lane] = before - saving;
    flow[lane] += saving + raised;
    expenses[lane] -= saving;
    incomes[lane] += raised;
    if (record) {
      double *restrict inForce = activity + RS_ACTIVITY_CUT_IN_FORCE * stride;
      inForce[lane] = active[lane] ? 1.0 : inForce[lane];
      activity[RS_ACTIVITY_CUT_MONTHS * stride + lane] += active[lane] ? 1.0 : 0.0;
      activity[RS_ACTIVITY_CUT_AMOUNT * stride + lane] += saving;
      activity[RS_ACTIVITY_ANSWERED * stride + lane] += arrives[lane] ? 1.0 : 0.0;
      activity[RS_ACTIVITY_RAISED * stride + lane] += raised;
    }
  }
}

/// rs_policy_money_body with the activity rows (SPEC §19) and the replay's rows when the state has them, without
/// otherwise; each a loop of its own.
RS_INLINE void RS_NAME(rs_policy_money_lines)(
    int32_t lanes, const RS_NAME(rs_money_rows) *lines, ptrdiff_t rowStride, ptrdiff_t laneStride, double saved,
    double appeal, const rs_policy_state *state, const rs_month_sums *sums, ptrdiff_t stride) {
  const int replayable = state->replayFlow != 0;
  if (state->activity && replayable) {
    RS_NAME(rs_policy_money_body)(lanes, lines, rowStride, laneStride, saved, appeal, state, sums, 1, stride, 1);
  } else if (state->activity) {
    RS_NAME(rs_policy_money_body)(lanes, lines, rowStride, laneStride, saved, appeal, state, sums, 1, stride, 0);
  } else if (replayable) {
    RS_NAME(rs_policy_money_body)(lanes, lines, rowStride, laneStride, saved, appeal, state, sums, 0, stride, 1);
  } else {
    RS_NAME(rs_policy_money_body)(lanes, lines, rowStride, laneStride, saved, appeal, state, sums, 0, stride, 0);
  }
}

static void RS_NAME(rs_policy_money)(
    const rs_block_month *at, const rs_money_month *money, const rs_money_lanes *own, const rs_policy_plan *policy,
    const rs_policy_state *state, const double *level, const rs_month_sums *sums) {
  const int32_t lanes = at->lanes;
  // The month's expenses as rs_money_lines computes them, and the part the cuts apply to.
  RS_NAME(rs_money_rows) lines = {0};
  double expenseAmount[4], cutAmount[4];
  for (int32_t i = 0; i < 4; i++) {
    const int line = i < money->expenseFactorCount;
    lines.expenseLevel[i] = level + (line ? money->expenseFactors[i] : 0) * at->stride;
    expenseAmount[i] = line ? money->expenseAmount[i] : 0.0;
    cutAmount[i] = line ? money->cutAmount[i] : 0.0;
  }
  const double saved = policy->hasCuts ? 1 - policy->cutMultiplier : 0.0;
  const double appeal = policy->hasAppeal ? policy->appealAmount : 0.0;
  // The plan's fixed amounts, copied so that the loop reads them from no memory it writes.
  const double expensesFixed = money->expensesFixed, cutFixed = money->cutFixed;
  if (own) {
    // Each lane's own lines (SPEC §16), in the same order as rs_money_lines sums them.
    lines.expensesFixed = own->expensesFixed;
    lines.cutFixed = own->cutFixed;
    lines.expenseAmount = own->expenseAmount;
    lines.cutAmount = own->cutAmount;
    RS_NAME(rs_policy_money_lines)(lanes, &lines, at->stride, 1, saved, appeal, state, sums, at->stride);
  } else {
    lines.expensesFixed = &expensesFixed;
    lines.cutFixed = &cutFixed;
    lines.expenseAmount = expenseAmount;
    lines.cutAmount = cutAmount;
    RS_NAME(rs_policy_money_lines)(lanes, &lines, 1, 0, saved, appeal, state, sums, at->stride);
  }
}

/// need_min ← max(need_min, k·outgo·discount − S) at a month-end with outgo > 0 (SPEC §17). `discountStride` (a
/// constant at each call): 0 when the month's discount is the same in every lane, 1 for each lane's own.
RS_INLINE void RS_NAME(rs_minimum_need_body)(
    int32_t lanes, double minimum, const double *restrict discount, ptrdiff_t discountStride,
    const double *restrict outgo, const double *restrict sums, double *restrict needs) {
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const double candidate = minimum * outgo[lane] * discount[lane * discountStride] - sums[lane];
    needs[lane] = ((outgo[lane] > 0) & (candidate >= needs[lane])) ? candidate : needs[lane];
  }
}

#ifndef RS_POLICY_THRESHOLDS
#define RS_POLICY_THRESHOLDS
/// The policy's thresholds as the month-end reads them: a threshold that is not set is −∞ (no cover is below it).
/// Defined once, whichever level includes this file first.
typedef struct {
  double minimum, cutBelow, cutRestore, appealBelow;
  int32_t cooldown, always, limit;
} rs_policy_thresholds;
#endif

RS_INLINE rs_policy_thresholds RS_NAME(rs_thresholds)(const rs_policy_plan *policy) {
  const rs_policy_thresholds t = {
      .minimum = policy->minimumMonths >= 0 ? policy->minimumMonths : -__builtin_inf(),
      .cutBelow = policy->hasCuts ? policy->cutBelow : -__builtin_inf(),
      .cutRestore = policy->cutRestore,
      .appealBelow = policy->hasAppeal ? policy->appealBelow : -__builtin_inf(),
      .cooldown = policy->appealCooldown,
      .always = policy->alwaysAct,
      .limit = policy->appealLimit};
  return t;
}

/// One lane's month-end decisions from its cover (SPEC §15, §19): the first month below the minimum, the cuts'
/// state for next month, and whether it appeals (cover < appealBelow, no appeal in the cool-down, fewer than the
/// limit so far), recorded in last and count; an appeal's money is left to arrive only with alwaysAct (the caller
/// draws the answers). Returns 1 when the lane appeals. Shared by the month's pass and the replay, so both decide
/// alike.
RS_INLINE int32_t RS_NAME(rs_decide)(
    int32_t lane, int32_t month, double cover, rs_policy_thresholds t, int32_t *restrict below,
    int32_t *restrict active, int32_t *restrict last, int32_t *restrict count, int32_t *restrict arrives) {
  below[lane] = (below[lane] == 0 & cover < t.minimum) ? month : below[lane];
  active[lane] = t.always | (active[lane] ? !(cover >= t.cutRestore) : cover < t.cutBelow);
  const int32_t appeal = (cover < t.appealBelow) & (month - last[lane] >= t.cooldown) & (count[lane] < t.limit);
  last[lane] = appeal ? month : last[lane];
  count[lane] += appeal;
  arrives[lane] = t.always;
  return appeal;
}

/// The month-end's cover, cuts and appeals for every lane (see rs_policy_month_end); returns whether some lane
/// appealed. An appeal needs cover < appealBelow, no appeal in the cool-down and fewer than appealLimit appeals so
/// far (SPEC §19). `record` (a constant at each call): 1 counts the appeals in the year's activity row.
RS_INLINE int32_t RS_NAME(rs_policy_month_end_body)(
    int32_t lanes, int32_t month, const rs_policy_plan *policy, const rs_policy_state *state,
    const double *restrict balances, uint8_t *restrict flags, int record, ptrdiff_t stride) {
  const rs_policy_thresholds t = RS_NAME(rs_thresholds)(policy);
  const double *restrict outgo = state->outgo;
  int32_t *restrict below = state->belowMinimumMonth, *restrict active = state->cutActive;
  int32_t *restrict last = state->lastAppeal, *restrict count = state->appealCount;
  int32_t *restrict arrives = state->appealArrives;
  double *restrict appealsMade = record ? state->activity + RS_ACTIVITY_APPEALS * stride : 0;
  int32_t appeals = 0;
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    // cover = B/outgo, +∞ when nothing is paid out (then no threshold is crossed).
    const double cover = outgo[lane] > 0 ? balances[lane] / outgo[lane] : __builtin_inf();
    const int32_t appeal = RS_NAME(rs_decide)(lane, month, cover, t, below, active, last, count, arrives);
    flags[lane] = (uint8_t)appeal;
    appeals |= appeal;
    if (record) appealsMade[lane] += appeal ? 1.0 : 0.0;
  }
  return appeals;
}

static void RS_NAME(rs_policy_month_end)(
    const rs_block_month *at, const rs_policy_plan *policy, const rs_policy_state *state, const double *balance,
    const double *discount, ptrdiff_t discountStride) {
  const int32_t lanes = at->lanes, month = at->month;
  if (policy->minimumMonths >= 0) {
    if (discountStride == 0) {
      RS_NAME(rs_minimum_need_body)(
          lanes, policy->minimumMonths, discount, 0, state->outgo, state->discountedSum, state->minimumNeed);
    } else {
      RS_NAME(rs_minimum_need_body)(
          lanes, policy->minimumMonths, discount, 1, state->outgo, state->discountedSum, state->minimumNeed);
    }
  }
  uint8_t *flags = RS_FLAGS(at);
  const int32_t appeals =
      state->activity
          ? RS_NAME(rs_policy_month_end_body)(lanes, month, policy, state, balance, flags, 1, at->stride)
          : RS_NAME(rs_policy_month_end_body)(lanes, month, policy, state, balance, flags, 0, at->stride);
  if (!appeals || policy->alwaysAct) return;
  int32_t *arrives = state->appealArrives;
  int32_t *list = RS_LIST(at);
  const int32_t n = RS_NAME(rs_flagged_lanes)(flags, lanes, list);
  for (int32_t i = 0; i < n; i++) {
    const int32_t lane = list[i];
    uint32_t w[4];
    RS_NAME(rs_words)(at, lane, month, 0x06000000u, w);
    const double u = rs_unit53(w[0], w[1]);
    if (state->replayAppealDraw) state->replayAppealDraw[lane] = u;
    arrives[lane] = u < policy->appealProbability;
  }
}
