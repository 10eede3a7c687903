// Compiles KernelBody.h once per instruction-set level and dispatches to the best one the CPU has.
#include "ReserveSimKernels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

// Bit-identical on every level: no a·b + c fused into one rounding.
#pragma clang fp contract(off)

static const double rs_log2e = 1.44269504088896338700e+00;
static const double rs_ln2Hi = 6.93147180369123816490e-01;
static const double rs_ln2Lo = 1.90821492927058770002e-10;
/// 1.5·2⁵²: adding it rounds to the nearest integer and leaves that integer in the low mantissa bits.
static const double rs_shifter = 6755399441055744.0;

#include "ZigguratTables.h"

static inline __attribute__((always_inline)) uint64_t rs_bits(double x) {
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  return bits;
}

static inline __attribute__((always_inline)) double rs_double(uint64_t bits) {
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

/// RandomStreams.unit: a uniform in (0, 1) from 32 bits, (x + ½)·2⁻³².
static inline __attribute__((always_inline)) double rs_unit(uint32_t x) { return ((double)x + 0.5) * 0x1p-32; }

/// RandomStreams.unit53: a uniform in (0, 1) with 53 bits from two words, ((hi·2²¹ ⊕ lo/2¹¹) mod 2⁵³ + ½)·2⁻⁵³.
/// The 53-bit integer is converted as its two 32-bit halves, h·2³² + l (exact: both terms and their sum are below
/// 2⁵³), the same double as a direct conversion; x86 before AVX-512 has no vector conversion of 64-bit integers,
/// so the direct one kept every loop that draws such a uniform from vectorising.
static inline __attribute__((always_inline)) double rs_unit53(uint32_t hi, uint32_t lo) {
  const uint64_t bits = (((uint64_t)hi << 21) ^ ((uint64_t)lo >> 11)) & ((UINT64_C(1) << 53) - 1);
  const double value = (double)(uint32_t)(bits >> 32) * 4294967296.0 + (double)(uint32_t)bits;
  return (value + 0.5) * 0x1p-53;
}

struct rs_kernel_table {
  void (*factorNormals)(uint32_t, uint32_t, uint32_t, int32_t, int32_t, int32_t, double *, ptrdiff_t, ptrdiff_t);
  void (*advanceFactor)(double *, const double *, double, double, double *, int32_t);
  void (*expOfSum)(const double *, const double *, double *, int32_t);
  void (*applyEvents)(
      const rs_block_month *, const rs_events_plan *, int32_t *, int32_t *, const rs_event_products *, int32_t *,
      ptrdiff_t);
  void (*moneyLines)(
      const rs_block_month *, const rs_money_month *, const rs_money_lanes *, const double *, const double *,
      const double *, const rs_month_sums *);
  void (*payServices)(
      const rs_block_month *, const rs_services_plan *, const rs_services_state *, const int32_t *, const double *,
      const double *, double *, double *, uint8_t *, ptrdiff_t);
  void (*updateBalances)(const rs_block_month *, const rs_reserve_month *, const double *, const rs_reserve_state *);
  int32_t (*rollOverSponsors)(
      const rs_block_month *, const rs_sponsor_tables *, const int32_t *, const double *, const double *, int64_t *,
      uint8_t *);
  void (*startDonations)(const rs_block_month *, const rs_services_plan *, const rs_services_state *, int32_t);
  void (*policyMoney)(
      const rs_block_month *, const rs_money_month *, const rs_money_lanes *, const rs_policy_plan *,
      const rs_policy_state *, const double *, const rs_month_sums *);
  void (*policyMonthEnd)(
      const rs_block_month *, const rs_policy_plan *, const rs_policy_state *, const double *, const double *,
      ptrdiff_t);
  void (*advanceFactorLanes)(double *, const double *, const double *, const double *, double *, int32_t);
  void (*rollOverLanes)(
      const rs_block_month *, int32_t, const double *, const double *, const double *, const double *, double *,
      int64_t *, uint8_t *);
  void (*parameterDraws)(uint32_t, uint32_t, uint32_t, int32_t, uint32_t, double *, uint32_t *);
  void (*updateBalancesLanes)(
      const rs_block_month *, const rs_reserve_lanes *, const double *, const rs_reserve_state *);
  void (*policyReplay)(
      const rs_block_month *, int32_t, int32_t, const rs_policy_plan *, const rs_replay_flows *,
      const rs_replay_state *);
  void (*fourierTerms)(const double *, const double *, double, double, int64_t, double *);
  void (*gatherInOrder)(
      const uint64_t *, int64_t, const double *, int32_t, int64_t, int32_t, int64_t *, double *, double *, double *,
      double *);
};

#define RS_SUFFIX _baseline
#include "KernelBody.h"
#undef RS_SUFFIX

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#define RS_SUFFIX _avx2
#define RS_ZIGGURAT_AVX2
#include "KernelBody.h"
#undef RS_ZIGGURAT_AVX2
#undef RS_SUFFIX
#pragma clang attribute pop

#pragma clang attribute push(                                                                            \
    __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2"), min_vector_width(512))),            \
    apply_to = function)
#define RS_SUFFIX _avx512
#include "KernelBody.h"
#undef RS_SUFFIX
#pragma clang attribute pop
#endif

static int rs_supported(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")
      && __builtin_cpu_supports("avx512bw"))
    return RS_LEVEL_AVX512;
  if (__builtin_cpu_supports("avx2")) return RS_LEVEL_AVX2;
#endif
  return RS_LEVEL_BASELINE;
}

static const struct rs_kernel_table *rs_table_for(int level) {
#if defined(__x86_64__)
  if (level >= RS_LEVEL_AVX512) return &rs_table_avx512;
  if (level == RS_LEVEL_AVX2) return &rs_table_avx2;
#endif
  (void)level;
  return &rs_table_baseline;
}

static int rs_active_level = -1;
static const struct rs_kernel_table *rs_active;

static const struct rs_kernel_table *rs_kernels(void) {
  if (__builtin_expect(rs_active == 0, 0)) rs_kernels_set_level(rs_supported());
  return rs_active;
}

int rs_kernels_supported_level(void) { return rs_supported(); }

int rs_kernels_level(void) {
  rs_kernels();
  return rs_active_level;
}

int rs_kernels_set_level(int level) {
  const int supported = rs_supported();
  const int chosen = level < 0 ? 0 : level > supported ? supported : level;
  __atomic_store_n(&rs_active, rs_table_for(chosen), __ATOMIC_RELEASE);
  rs_active_level = chosen;
  return chosen;
}

/// At load: the highest level the CPU supports, capped by RESERVESIM_VECTOR_LEVEL (baseline, avx2, avx512).
__attribute__((constructor)) static void rs_choose_level(void) {
  int level = rs_supported();
  const char *cap = getenv("RESERVESIM_VECTOR_LEVEL");
  if (cap && strcmp(cap, "baseline") == 0) level = RS_LEVEL_BASELINE;
  if (cap && strcmp(cap, "avx2") == 0 && level > RS_LEVEL_AVX2) level = RS_LEVEL_AVX2;
  rs_kernels_set_level(level);
}

const double *rs_ziggurat_widths(void) { return rs_zig_width; }
const double *rs_ziggurat_heights(void) { return rs_zig_height; }
double rs_ziggurat_r(void) { return rs_zig_r; }

void rs_factor_normals(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t lanes, int32_t firstMonth, int32_t lastMonth,
    double *out, ptrdiff_t monthStride, ptrdiff_t factorStride) {
  rs_kernels()->factorNormals(key0, key1, firstPath, lanes, firstMonth, lastMonth, out, monthStride, factorStride);
}

void rs_advance_factor(
    double *logLevel, const double *epsilon, double drift, double sd, double *level, int32_t lanes) {
  rs_kernels()->advanceFactor(logLevel, epsilon, drift, sd, level, lanes);
}

void rs_exp_of_sum(const double *a, const double *b, double *out, int32_t lanes) {
  rs_kernels()->expOfSum(a, b, out, lanes);
}

void rs_apply_events(
    const rs_block_month *at, const rs_events_plan *plan, int32_t *eventStart, int32_t *activeEvents,
    const rs_event_products *products, int32_t *eventMonths, ptrdiff_t eventMonthsStride) {
  rs_kernels()->applyEvents(at, plan, eventStart, activeEvents, products, eventMonths, eventMonthsStride);
}

void rs_money_lines(
    const rs_block_month *at, const rs_money_month *money, const rs_money_lanes *lanes, const double *level,
    const double *incomeMultiplier, const double *sponsorMonthly, const rs_month_sums *sums) {
  rs_kernels()->moneyLines(at, money, lanes, level, incomeMultiplier, sponsorMonthly, sums);
}

void rs_advance_factor_lanes(
    double *logLevel, const double *epsilon, const double *drift, const double *sd, double *level, int32_t lanes) {
  rs_kernels()->advanceFactorLanes(logLevel, epsilon, drift, sd, level, lanes);
}

void rs_pay_services(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state,
    const int32_t *activeEvents, const double *trafficCost, const double *inflationLevel, double *cashFlow,
    double *serviceSum, uint8_t *lost, ptrdiff_t lostStride) {
  rs_kernels()->payServices(
      at, plan, state, activeEvents, trafficCost, inflationLevel, cashFlow, serviceSum, lost, lostStride);
}

void rs_update_balances(
    const rs_block_month *at, const rs_reserve_month *reserve, const double *cashFlow, const rs_reserve_state *state) {
  rs_kernels()->updateBalances(at, reserve, cashFlow, state);
}

int32_t rs_roll_over_sponsors(
    const rs_block_month *at, const rs_sponsor_tables *tables, const int32_t *activeEvents, const double *renewal,
    const double *newSponsors, int64_t *sponsors, uint8_t *fallback) {
  return rs_kernels()->rollOverSponsors(at, tables, activeEvents, renewal, newSponsors, sponsors, fallback);
}

void rs_start_donations(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state, int32_t service) {
  rs_kernels()->startDonations(at, plan, state, service);
}

void rs_policy_money(
    const rs_block_month *at, const rs_money_month *money, const rs_money_lanes *lanes, const rs_policy_plan *policy,
    const rs_policy_state *state, const double *level, const rs_month_sums *sums) {
  rs_kernels()->policyMoney(at, money, lanes, policy, state, level, sums);
}

void rs_policy_month_end(
    const rs_block_month *at, const rs_policy_plan *policy, const rs_policy_state *state, const double *balance,
    const double *discount, ptrdiff_t discountStride) {
  rs_kernels()->policyMonthEnd(at, policy, state, balance, discount, discountStride);
}

void rs_roll_over_lanes(
    const rs_block_month *at, int32_t tier, const double *renewal, const double *arrivals, const double *renewalFactor,
    const double *arrivalFactor, double *work, int64_t *counts, uint8_t *fallback) {
  rs_kernels()->rollOverLanes(at, tier, renewal, arrivals, renewalFactor, arrivalFactor, work, counts, fallback);
}

void rs_parameter_draws(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t count, uint32_t key, double *uniform, uint32_t *order) {
  rs_kernels()->parameterDraws(key0, key1, firstPath, count, key, uniform, order);
}

void rs_update_balances_lanes(
    const rs_block_month *at, const rs_reserve_lanes *reserve, const double *cashFlow, const rs_reserve_state *state) {
  rs_kernels()->updateBalancesLanes(at, reserve, cashFlow, state);
}

void rs_policy_replay(
    const rs_block_month *at, int32_t lastMonth, int32_t stopWhenFailed, const rs_policy_plan *policy,
    const rs_replay_flows *flows, const rs_replay_state *state) {
  rs_kernels()->policyReplay(at, lastMonth, stopWhenFailed, policy, flows, state);
}

void rs_fourier_terms(const double *y0, const double *y1, double mean0, double mean1, int64_t n, double *terms) {
  rs_kernels()->fourierTerms(y0, y1, mean0, mean1, n, terms);
}

void rs_gather_in_order(
    const uint64_t *items, int64_t n, const double *outputs, int32_t count, int64_t inner, int32_t subsamples,
    int64_t *next, double *whole0, double *whole1, double *split0, double *split1) {
  rs_kernels()->gatherInOrder(items, n, outputs, count, inner, subsamples, next, whole0, whole1, split0, split1);
}
