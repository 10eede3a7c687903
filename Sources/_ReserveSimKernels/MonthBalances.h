// The balances' pass (SPEC §7, §16): the reserve's balance, the discounted sum behind the need, and the month of
// ruin. Compiled once per instruction-set level from KernelBody.h.

static void RS_NAME(rs_update_balances)(
    const rs_block_month *at, const rs_reserve_month *reserve, const double *cashFlow, const rs_reserve_state *state) {
  const int32_t lanes = at->lanes, month = at->month;
  const double growth = reserve->growth, discount = reserve->discount;
  const double discountedFloor = reserve->discountedFloor, floor = reserve->floor;
  const double *restrict flows = cashFlow;
  double *restrict balances = state->balance, *restrict sums = state->discountedSum, *restrict needs = state->need;
  int32_t *restrict ruin = state->ruinMonth;
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
    const rs_block_month *at, const rs_reserve_lanes *reserve, const double *cashFlow, const rs_reserve_state *state) {
  const int32_t lanes = at->lanes, month = at->month;
  const double *restrict flows = cashFlow, *restrict g = reserve->growth, *restrict d = reserve->discount;
  const double *restrict df = reserve->discountedFloor, *restrict f = reserve->floor;
  double *restrict balances = state->balance, *restrict sums = state->discountedSum, *restrict needs = state->need;
  int32_t *restrict ruin = state->ruinMonth;
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
