// _ReserveSimKernels: the engine's wide-vector inner loops, in C so that each can be compiled for several
// instruction sets and chosen at run time. An implementation detail of ReserveSim, not API.
//
// Every kernel computes exactly what the Swift reference in Sources/ReserveSim/Engine computes
// (Philox4x32, RandomStreams, VectorMath): the same IEEE operations in the same order, no FMA contraction,
// no libm, so every instruction-set level gives the same bits (a test checks each level the machine has).
#ifndef RESERVESIM_KERNELS_H
#define RESERVESIM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels: 0 = the target's baseline (SSE2 on x86-64), 1 = AVX2, 2 = AVX-512 (F, DQ, VL, BW).
enum { RS_LEVEL_BASELINE = 0, RS_LEVEL_AVX2 = 1, RS_LEVEL_AVX512 = 2 };

/// The highest level this CPU supports (0 on non-x86 machines).
int rs_kernels_supported_level(void);
/// The level in use (the highest supported, unless changed).
int rs_kernels_level(void);
/// Uses `level` (clamped to what the CPU supports) from now on and returns the level chosen. For tests and
/// benchmarks; not safe while kernels run on other threads.
int rs_kernels_set_level(int level);

/// The factor shocks z(m) of paths firstPath … firstPath+lanes−1 for months firstMonth … lastMonth:
/// Philox4x32-10 of counter (path, m, 0x01000000, 0) under key (key0, key1) gives words w0…w3, and
/// Box–Muller gives z0 = r₀·cos 2πu₁, z1 = r₀·sin 2πu₁, z2 = r₂·cos 2πu₃, z3 = r₂·sin 2πu₃ with
/// rᵢ = √(−2 ln uᵢ) and uᵢ = (wᵢ + ½)·2⁻³². Factor k of month m and lane j goes to
/// out[k·factorStride + (m − firstMonth)·monthStride + j].
void rs_factor_normals(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t lanes, int32_t firstMonth, int32_t lastMonth,
    double *out, ptrdiff_t monthStride, ptrdiff_t factorStride);

/// One month of a factor's log random walk, x ← x + (drift + sd·ε) lane by lane, and, when `level` is not
/// NULL, level = exp(x) (the engine's exp). `epsilon` may be NULL when sd is 0.
void rs_advance_factor(
    double *logLevel, const double *epsilon, double drift, double sd, double *level, int32_t lanes);

/// out = exp(a + b) lane by lane (the engine's exp).
void rs_exp_of_sum(const double *a, const double *b, double *out, int32_t lanes);

// ---- One month of a block (SPEC §3–§7), lanes 0 … lanes−1 of buffers laid out [row · stride + lane]. ----
// Each repeats a pass of the Swift reference `PathBlockKernel` (its `reference` passes): same operations, same
// order lane by lane, same random-number addresses. Rare per-lane steps (a new wait, a lost service, a new
// donor) run after the vectorised loop, in lane order.

/// Where a pass runs: the block's paths, the month (1-based) and the streams' key.
typedef struct {
  uint32_t key0, key1;
  /// The block's first path (lane j is path firstPath + j).
  uint32_t firstPath;
  int32_t lanes;
  int32_t month;
  /// Distance between rows (services, events, tiers, factors) of the block's buffers.
  ptrdiff_t stride;
  /// The passes' scratch: 2·stride words, 8-byte aligned.
  uint64_t *scratch;
} rs_block_month;

/// Events (SPEC §6), with their active sets tabulated (at most 6 kinds).
typedef struct {
  int32_t count;
  const int32_t *duration;
  /// ln(1 − q) per kind: geometric waits until a start.
  const double *logNoStart;
  /// Π incomeMultiplier per set of active events (bit k for kind k).
  const double *setIncomeMultiplier;
} rs_events_plan;

/// Marks the events active in the month: a kind whose last occurrence is over draws its next start (a
/// Geometric wait from this month, words 0–1 of address (path, month, 0x02000000 | k, 0)); activeEvents gets
/// bit k while kind k is active, incomeMultiplier the set's product. eventMonths (optional, row k at
/// k·eventMonthsStride) counts active months per kind.
void rs_apply_events(
    const rs_block_month *at, const rs_events_plan *plan, int32_t *eventStart, int32_t *activeEvents,
    double *incomeMultiplier, int32_t *eventMonths, ptrdiff_t eventMonthsStride);

/// The month's money lines: income = fixed + Σ amount_f·level_f over `incomeFactors` (same for expenses),
/// cashFlow = income·incomeMultiplier + sponsorMonthly − expenses; adds the paid income, the expenses and the
/// sponsor revenue to each lane's running sums.
typedef struct {
  double incomeFixed, expensesFixed;
  int32_t incomeFactorCount, expenseFactorCount;
  int32_t incomeFactors[4], expenseFactors[4];
  /// This month's amount of each factor line, by position in incomeFactors / expenseFactors.
  double incomeAmount[4], expenseAmount[4];
} rs_money_month;

void rs_money_lines(
    const rs_block_month *at, const rs_money_month *money, const double *level, const double *incomeMultiplier,
    const double *sponsorMonthly, double *cashFlow, double *incomeSum, double *expenseSum, double *sponsorSum);

/// In-kind services (SPEC §5).
typedef struct {
  int32_t count;
  /// replacementCostFraction · monthlyValue
  const double *cost;
  /// 1 when the cost scales with trafficCost, 0 when with the inflation level.
  const uint8_t *scalesWithTraffic;
  const int32_t *noticeMonths;
  /// ln(1 − q_replacement) per month: geometric waits until a new donor.
  const double *logNoReplacement;
  /// [s · sets + set]: the hazard a donated month adds to service s's clock while `set` is active.
  const double *addedHazard;
  int32_t sets;
} rs_services_plan;

/// The services' state, one row per service.
typedef struct {
  double *clock;
  double *replacementDraw;
  int32_t *payStart;
  int32_t *payEnd;
} rs_services_state;

/// One month of every service: a donated one runs its loss clock down by the set's added hazard and is lost
/// when it reaches 0 (paid from month + notice + 1 for a Geometric wait); a paid one costs cost·scale and, in
/// its last paid month, starts a new donation from month + 1 (words of address (path, month + 1,
/// 0x03000000 | s, 0): clock = −ln u₁, replacementDraw = u₂, as `PathBlockKernel.startDonation`). Subtracts the
/// costs from cashFlow and adds them to serviceSum. lost (optional, row s at s·lostStride) is set to 1 when a
/// service is lost.
void rs_pay_services(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state,
    const int32_t *activeEvents, const double *trafficCost, const double *inflationLevel, double *cashFlow,
    double *serviceSum, uint8_t *lost, ptrdiff_t lostStride);

/// B ← B·growth + NCF; S ← S + NCF·discount; need ← max(need, discountedFloor − S); ruinMonth ← month the
/// first time B < floor.
void rs_update_balances(
    const rs_block_month *at, double growth, double discount, double discountedFloor, double floor,
    const double *cashFlow, double *balance, double *discountedSum, double *need, int32_t *ruinMonth);

/// The sponsor transition tables (layout of SponsorTransitionTables).
typedef struct {
  int32_t start, size;
} rs_sponsor_row;
typedef struct {
  uint64_t cut;
  uint32_t alias;
} rs_sponsor_cell;
typedef struct {
  int32_t tiers, sets, rowsPerRates;
  const int32_t *ratesOfTierAndSet;
  const rs_sponsor_row *rows;
  /// NULL when nothing is tabulated.
  const rs_sponsor_cell *cells;
} rs_sponsor_tables;

/// The year-end roll-over (at->month = 12y) of every tier by its alias tables: tiers 2k and 2k + 1 take the
/// 64-bit uniforms (w0·2³² + w1) and (w2·2³² + w3) of address (path, month, 0x04000000 | 2k, 0). A (tier, lane)
/// the tables do not cover keeps its count, gets fallback[t·stride + lane] = 1, and is counted in the result.
int32_t rs_roll_over_sponsors(
    const rs_block_month *at, const rs_sponsor_tables *tables, const int32_t *activeEvents, int32_t *sponsors,
    uint8_t *fallback);

/// Makes OpenBLAS single-threaded and, in its pthreads build, stops its thread pool, whose workers otherwise
/// spin on a core for about 0.1 s after the library loads and after each threaded call. Returns 1 when the pool
/// was stopped, 0 when this OpenBLAS has none. Call it while no BLAS call runs.
int rs_blas_stop_thread_pool(void);

#ifdef __cplusplus
}
#endif

#endif
