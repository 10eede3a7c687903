// The money lines' pass (SPEC §3, §4, §14, §16): the month's income, expenses, sponsor revenue and one-off items
// into the cash flow and the year's sums. Compiled once per instruction-set level from KernelBody.h.

/// The money lines as the money and policy bodies read them: the fixed amounts at [lane · laneStride] and line i's
/// amount at [i · rowStride + lane · laneStride], one value for every lane (rowStride 1, laneStride 0) or each lane's
/// own (rowStride = the block's stride, laneStride 1), and each of the four lines' factor levels per lane. The strides
/// are the bodies' arguments, constants at each call.
typedef struct {
  const double *incomeFixed, *expensesFixed, *cutFixed;
  const double *incomeAmount, *expenseAmount, *cutAmount;
  const double *incomeLevel[4], *expenseLevel[4];
} RS_NAME(rs_money_rows);

/// The lanes' sum of the money lines: income = fixed + Σ amount_i·level_i over the first `factorLines` lines of
/// each list, paid = income·multiplier, and so on, with `lines` read at the strides (see rs_money_rows). The strides
/// and `factorLines` (1, 2 or 4; lines past a list's own are 0) are constants at each call, so each call compiles
/// to its own vectorised loop with the same operations.
RS_INLINE void RS_NAME(rs_money_body)(
    int32_t lanes, const RS_NAME(rs_money_rows) *lines, ptrdiff_t rowStride, ptrdiff_t laneStride, int factorLines,
    const double *restrict multiplier, const double *restrict sponsors, const rs_month_sums *sums) {
  const double *restrict incomeFixed = lines->incomeFixed, *restrict expensesFixed = lines->expensesFixed;
  const double *restrict incomeAmount = lines->incomeAmount, *restrict expenseAmount = lines->expenseAmount;
  const double *const *incomeLevel = lines->incomeLevel, *const *expenseLevel = lines->expenseLevel;
  double *restrict flow = sums->cashFlow, *restrict incomes = sums->incomeSum, *restrict expenses = sums->expenseSum;
  double *restrict sponsorTotals = sums->sponsorSum;
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const ptrdiff_t at = lane * laneStride;
    double income = incomeFixed[at], expense = expensesFixed[at];
    for (int i = 0; i < factorLines; i++) income += incomeAmount[i * rowStride + at] * incomeLevel[i][lane];
    for (int i = 0; i < factorLines; i++) expense += expenseAmount[i * rowStride + at] * expenseLevel[i][lane];
    const double paid = income * multiplier[lane];
    flow[lane] = paid + sponsors[lane] - expense;
    incomes[lane] += paid;
    expenses[lane] += expense;
    sponsorTotals[lane] += sponsors[lane];
  }
}

/// rs_money_body with `factorLines` the longer list's count rounded up to 1, 2 or 4, each its own loop.
RS_INLINE void RS_NAME(rs_money_body_of)(
    int32_t lanes, const RS_NAME(rs_money_rows) *lines, ptrdiff_t rowStride, ptrdiff_t laneStride, int32_t longer,
    const double *multiplier, const double *sponsors, const rs_month_sums *sums) {
  if (longer <= 1) {
    RS_NAME(rs_money_body)(lanes, lines, rowStride, laneStride, 1, multiplier, sponsors, sums);
  } else if (longer <= 2) {
    RS_NAME(rs_money_body)(lanes, lines, rowStride, laneStride, 2, multiplier, sponsors, sums);
  } else {
    RS_NAME(rs_money_body)(lanes, lines, rowStride, laneStride, 4, multiplier, sponsors, sums);
  }
}

static void RS_NAME(rs_money_lines)(
    const rs_block_month *at, const rs_money_month *money, const rs_money_lanes *own, const double *level,
    const double *incomeMultiplier, const double *sponsorMonthly, const rs_month_sums *sums) {
  const int32_t lanes = at->lanes;
  // Up to four factor lines each; an absent or zero line adds 0·level = 0 (levels are finite), which leaves
  // the sum's bits as the reference's skipping it does. The loop adds as many as the longer list has, rounded up
  // to 1, 2 or 4 (measured: the four of every file were a third of the pass for the PyPI files' one each).
  const int32_t longer = money->incomeFactorCount > money->expenseFactorCount ? money->incomeFactorCount
                                                                              : money->expenseFactorCount;
  RS_NAME(rs_money_rows) lines = {0};
  double incomeAmount[4], expenseAmount[4];
  for (int32_t i = 0; i < 4; i++) {
    const int incomeLine = i < money->incomeFactorCount, expenseLine = i < money->expenseFactorCount;
    lines.incomeLevel[i] = level + (incomeLine ? money->incomeFactors[i] : 0) * at->stride;
    incomeAmount[i] = incomeLine ? money->incomeAmount[i] : 0.0;
    lines.expenseLevel[i] = level + (expenseLine ? money->expenseFactors[i] : 0) * at->stride;
    expenseAmount[i] = expenseLine ? money->expenseAmount[i] : 0.0;
  }
  // The plan's fixed amounts, copied so that the loop reads them from no memory it writes.
  const double incomeFixed = money->incomeFixed, expensesFixed = money->expensesFixed;
  if (own) {
    // Each lane's own lines (SPEC §16), summed in the same order. Rows past a list's factor lines are 0.
    lines.incomeFixed = own->incomeFixed;
    lines.expensesFixed = own->expensesFixed;
    lines.incomeAmount = own->incomeAmount;
    lines.expenseAmount = own->expenseAmount;
    RS_NAME(rs_money_body_of)(lanes, &lines, at->stride, 1, longer, incomeMultiplier, sponsorMonthly, sums);
  } else {
    lines.incomeFixed = &incomeFixed;
    lines.expensesFixed = &expensesFixed;
    lines.incomeAmount = incomeAmount;
    lines.expenseAmount = expenseAmount;
    RS_NAME(rs_money_body_of)(lanes, &lines, 1, 0, longer, incomeMultiplier, sponsorMonthly, sums);
  }
  const double oneOff = money->oneOff;
  if (oneOff != 0) {
    double *restrict flow = sums->cashFlow, *restrict totals = oneOff > 0 ? sums->incomeSum : sums->expenseSum;
    const double counted = oneOff > 0 ? oneOff : -oneOff;
#pragma clang loop vectorize(assume_safety)
    for (int32_t lane = 0; lane < lanes; lane++) {
      flow[lane] += oneOff;
      totals[lane] += counted;
    }
  }
}
