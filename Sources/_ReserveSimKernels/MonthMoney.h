// The money lines' pass (SPEC §3, §4, §14, §16): the month's income, expenses, sponsor revenue and one-off items
// into the cash flow and the year's sums. Compiled once per instruction-set level from KernelBody.h.

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
