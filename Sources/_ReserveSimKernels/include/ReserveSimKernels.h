// _ReserveSimKernels: the engine's wide-vector inner loops, in C so that each can be compiled for several
// instruction sets and chosen at run time. An implementation detail of ReserveSim, not API.
//
// The random numbers and elementary functions repeat the Swift definitions in Sources/ReserveSimEngine
// (Philox4x32, RandomStreams, VectorMath) operation for operation, with no FMA contraction and no vectorised
// libm, so every instruction-set level gives the same bits (a test checks each level the machine has). The one
// libm call, log1p in the per-lane service hazard of files with more than six event kinds, is scalar and the
// same function at every level.
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
/// Philox4x32-10 of counter (path, m, 0x01000000, 0) under key (key0, key1) gives words w0…w3, and the ziggurat
/// (rs_ziggurat_widths) turns word wₖ into zₖ, retrying from the stream (path, m, 0x08000000 | k, j) the few words
/// its fast path refuses (RandomStreams.factorShocks, operation for operation). Factor k of month m and lane j goes
/// to out[k·factorStride + (m − firstMonth)·monthStride + j].
void rs_factor_normals(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t lanes, int32_t firstMonth, int32_t lastMonth,
    double *out, ptrdiff_t monthStride, ptrdiff_t factorStride);

/// The ziggurat's 257 layer edges w₀ … w₂₅₆ and heights f(wᵢ) = exp(−wᵢ²/2), and r = w₁ (ZigguratTables.h).
const double *rs_ziggurat_widths(void);
const double *rs_ziggurat_heights(void);
double rs_ziggurat_r(void);

/// The draws behind uncertain parameters (SPEC §16) of paths firstPath … firstPath+count−1: Philox4x32-10 of counter
/// (path, 0, 0x07000000, key) under (key0, key1) gives words w0…w3; uniform[i] = the 53-bit uniform of w0 and w1
/// (RandomStreams.unit53) and order[i] = w0, either output optional (NULL).
void rs_parameter_draws(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t count, uint32_t key, double *uniform, uint32_t *order);

/// The uncertainty ranking's Fourier terms (SPEC §16): for k = 1 … 10, F_k = Σ_j (y[source(j)] − mean)·e^{−2πijk/n}
/// with source(j) = 2j for j < ⌈n/2⌉ and 2(n − j) − 1 after, of y0 and, when y1 is not NULL, of y1 (with mean1).
/// terms[0…9] = Re F_k of y0, terms[10…19] = Im F_k of y0, terms[20…39] the same of y1 (zeros without y1).
void rs_fourier_terms(const double *y0, const double *y1, double mean0, double mean1, int64_t n, double *terms);

/// The uncertainty ranking's gather (SPEC §16): for each position p < n, with path = the low 32 bits of items[p],
/// output o of that path (outputs[path · count + o], count 1 or 2) goes to whole_o[p] and to split_o[next[g]++] with
/// g = ⌊path / inner⌋ mod subsamples. whole1 and split1 are read only when count is 2.
void rs_gather_in_order(
    const uint64_t *items, int64_t n, const double *outputs, int32_t count, int64_t inner, int32_t subsamples,
    int64_t *next, double *whole0, double *whole1, double *split0, double *split1);

/// One month of a factor's log random walk, x ← x + (drift + sd·ε) lane by lane, and, when `level` is not
/// NULL, level = exp(x) (the engine's exp). `epsilon` may be NULL when sd is 0.
void rs_advance_factor(
    double *logLevel, const double *epsilon, double drift, double sd, double *level, int32_t lanes);

/// rs_advance_factor with each lane's own drift and sd (SPEC §16).
void rs_advance_factor_lanes(
    double *logLevel, const double *epsilon, const double *drift, const double *sd, double *level, int32_t lanes);

/// out = exp(a + b) lane by lane (the engine's exp).
void rs_exp_of_sum(const double *a, const double *b, double *out, int32_t lanes);

// ---- One month of a block (SPEC §3–§7), lanes 0 … lanes−1 of buffers laid out [row · stride + lane]. ----
// These are the engine's only implementation of the month: `PathBlockKernel` calls them in order. Each is a
// vectorised loop over lanes; rare per-lane steps (a new wait, a lost service, a new donor) run after it, in
// lane order.

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

/// The month's cash flow per lane and the year's running sums the passes add to (rows of the block's buffers).
typedef struct {
  double *cashFlow;
  double *incomeSum, *expenseSum, *sponsorSum;
} rs_month_sums;

/// Per-lane values of parameters that differ between paths (SPEC §16), rows [k · stride + lane]; a NULL row means
/// every lane has the plan's own value.
typedef struct {
  const int32_t *duration;
  const double *logNoStart;
  /// Read only when the plan is perLane.
  const double *incomeMultiplier, *renewalMultiplier, *newSponsorMultiplier, *lossMultiplier, *agreementMultiplier;
} rs_event_lanes;

/// Events (SPEC §6). With at most 6 kinds the sets of active events are tabulated (a lane's set is a bitmask);
/// with more, the multipliers' products are multiplied per lane (`perLane`).
typedef struct {
  int32_t count;
  const int32_t *duration;
  /// ln(1 − q) per kind: geometric waits until a start.
  const double *logNoStart;
  /// Π incomeMultiplier per set of active events (bit k for kind k); NULL when perLane.
  const double *setIncomeMultiplier;
  /// 1 when the sets are not tabulated: then each kind's multipliers below are multiplied per lane.
  int32_t perLane;
  const double *incomeMultiplier, *renewalMultiplier, *newSponsorMultiplier, *lossMultiplier, *agreementMultiplier;
  /// The lanes' own values, or NULL when every path has the plan's.
  const rs_event_lanes *lanes;
} rs_events_plan;

/// The per-lane products of the active events' multipliers.
typedef struct {
  double *income;
  /// Written only when the plan is perLane (else the tables are read by set).
  double *renewal, *newSponsors, *loss, *agreement;
} rs_event_products;

/// Marks the events active in the month: a kind whose last occurrence is over draws its next start (a
/// Geometric wait from this month, words 0–1 of address (path, month, 0x02000000 | k, 0)). Tabulated:
/// activeEvents gets bit k while kind k is active, products->income the set's product. perLane: activeEvents
/// stays 0 and the four products are multiplied in kind order from 1. eventMonths (optional, row k at
/// k·eventMonthsStride) counts active months per kind.
void rs_apply_events(
    const rs_block_month *at, const rs_events_plan *plan, int32_t *eventStart, int32_t *activeEvents,
    const rs_event_products *products, int32_t *eventMonths, ptrdiff_t eventMonthsStride);

/// The month's money lines: income = fixed + Σ amount_f·level_f over `incomeFactors` (same for expenses),
/// cashFlow = income·incomeMultiplier + sponsorMonthly − expenses; adds the paid income, the expenses and the
/// sponsor revenue to each lane's running sums (sums' incomeSum, expenseSum and sponsorSum).
typedef struct {
  double incomeFixed, expensesFixed;
  int32_t incomeFactorCount, expenseFactorCount;
  int32_t incomeFactors[4], expenseFactors[4];
  /// This month's amount of each factor line, by position in incomeFactors / expenseFactors.
  double incomeAmount[4], expenseAmount[4];
  /// The month's one-off items (SPEC §14), summed: added to the cash flow as they are, counted as income when
  /// positive and as expenses when negative.
  double oneOff;
  /// The part of expensesFixed and of each expenseAmount that the policy's cuts apply to (SPEC §15).
  double cutFixed, cutAmount[4];
} rs_money_month;

/// The month's money lines per lane (SPEC §16, when a line's amount or growth differs between paths): the fields of
/// rs_money_month with a value per lane, rows [i · stride + lane] for the four factor lines.
typedef struct {
  double *incomeFixed, *expensesFixed, *incomeAmount, *expenseAmount, *cutFixed, *cutAmount;
} rs_money_lanes;

/// `lanes` (NULL when the lines are the same in every path) replaces money's fixed amounts and factor lines.
void rs_money_lines(
    const rs_block_month *at, const rs_money_month *money, const rs_money_lanes *lanes, const double *level,
    const double *incomeMultiplier, const double *sponsorMonthly, const rs_month_sums *sums);

/// Per-lane values of the services' parameters (SPEC §16), rows [s · stride + lane] (addedHazard: [(s · sets + set)
/// · stride + lane]).
typedef struct {
  const double *cost, *mitigatedCost, *migrationCost;
  const int32_t *noticeMonths;
  const double *logNoReplacement, *agreementRenewal;
  /// When the plan's sets is 0: h and −ln(1 − h) per lane; else addedHazard by set.
  const double *monthlyHazard, *logHazard, *addedHazard;
} rs_service_lanes;

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
  /// 2^kinds when the event sets are tabulated; 0 when the loss multiplier is per lane: then a donated month
  /// adds −ln(1 − min(1, h·multiplier)), or logHazard when the multiplier is 1.
  int32_t sets;
  /// Per service, read when sets is 0: the monthly loss probability h and −ln(1 − h).
  const double *monthlyHazard, *logHazard;
  /// Per service: 1 when it has a dated agreement, a migration cost or a mitigation (SPEC §12–§13), or the file a
  /// policy: the general pass handles those (and adds what is paid to the state's outgo); 0 runs the plain pass
  /// of SPEC §5.
  const uint8_t *dated;
  /// Per service: the month-1 agreement's last month (0: none), its renewal probability r and the months 12k
  /// a renewal adds.
  const int32_t *agreementEnds;
  const double *agreementRenewal;
  const int32_t *renewalMonths;
  /// Per set of active events (when sets > 0): Π agreementRenewalMultiplier.
  const double *setAgreementMultiplier;
  /// Per service: migrationCost (× the value's scale in the first paid month after a loss), the months a of
  /// paying before the mitigation applies (a huge number when none) and costFraction₂ · monthlyValue.
  const double *migrationCost;
  const int32_t *mitigationAfter;
  const double *mitigatedCost;
  /// The lanes' own values, or NULL when every path has the plan's.
  const rs_service_lanes *lanes;
} rs_services_plan;

/// The services' state, one row per service.
typedef struct {
  double *clock;
  double *replacementDraw;
  int32_t *payStart;
  int32_t *payEnd;
  /// When the plan's sets is 0: the lanes' product of serviceLossMultiplier, and one row of scratch.
  const double *lossMultiplier;
  double *laneHazard;
  /// The current agreement's last month per (service, lane), 0 when the donation has no dated term.
  int32_t *agreementEnd;
  /// When the plan's sets is 0: the lanes' product of agreementRenewalMultiplier.
  const double *agreementMultiplier;
  /// The month's outgo per lane, to which the general pass adds what is paid (SPEC §15).
  double *outgo;
  /// Optional (SPEC §21; NULL: not recorded): the first month each service is paid for after a loss, row s at
  /// s·firstPaidStride, written once per lane (while it reads 0) when a loss or an agreement's end sets the first
  /// paid month m + notice + 1 or e + 1, which may lie past the horizon.
  int32_t *firstPaid;
  ptrdiff_t firstPaidStride;
  /// Optional (NULL: not recorded): what each service's payment in the month is read from, per lane, row s at
  /// s·stride, for the cash flows of other money lines, tiers' amounts or services' costs run beside the block's
  /// (`ReserveVariants`): where the service is paid at the plan's one cost (not dated, no lanes' own values), the
  /// scale it is paid at (0 where not paid), so that its payment is cost·that; else the payment itself.
  double *payments;
} rs_services_state;

/// Starts the month-1 donation of `service` in every lane (at->month = 1): words of address (path, month,
/// 0x03000000 | s, 0) give the loss clock −ln u₁ and the uniform u₂ for the replacement wait after a loss; the
/// agreement's end is the plan's (0 when none).
void rs_start_donations(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state, int32_t service);

/// One month of every service: a donated one runs its loss clock down by the set's added hazard and is lost
/// when it reaches 0 (paid from month + notice + 1 for a Geometric wait); at the end of its agreement's last
/// month it is renewed (words 0–1 of address (path, month, 0x05000000 | s, 0) below the renewal probability)
/// or ends (paid from month + 1). A paid one costs cost·scale (mitigatedCost·scale after mitigationAfter paid
/// months, plus migrationCost·scale in its first paid month) and, in its last paid month, starts a new
/// donation without a dated term from month + 1. Subtracts the
/// costs from cashFlow and adds them to serviceSum (not an rs_month_sums: the AVX-512 build interleaves the
/// services' loops less when these two rows are read from memory). lost (optional, row s at s·lostStride) is set
/// to 1 when a service is lost.
void rs_pay_services(
    const rs_block_month *at, const rs_services_plan *plan, const rs_services_state *state,
    const int32_t *activeEvents, const double *trafficCost, const double *inflationLevel, double *cashFlow,
    double *serviceSum, uint8_t *lost, ptrdiff_t lostStride);

/// The reserve's state per lane (SPEC §7): the balance B, the discounted sum S of the net cash flows, the need, and
/// the month of ruin (0 while none).
typedef struct {
  double *balance, *discountedSum, *need;
  int32_t *ruinMonth;
} rs_reserve_state;

/// The reserve's month, the same in every lane: the balance's growth factor, the month's discount factor, the
/// discounted floor and the floor.
typedef struct {
  double growth, discount, discountedFloor, floor;
} rs_reserve_month;

/// rs_reserve_month with each lane's own values (SPEC §16: an uncertain floor or return), one row each.
typedef struct {
  const double *growth, *discount, *discountedFloor, *floor;
} rs_reserve_lanes;

/// B ← B·growth + NCF; S ← S + NCF·discount; need ← max(need, discountedFloor − S); ruinMonth ← month the
/// first time B < floor.
void rs_update_balances(
    const rs_block_month *at, const rs_reserve_month *reserve, const double *cashFlow, const rs_reserve_state *state);

/// rs_update_balances with each lane's own growth, discount, discounted floor and floor this month.
void rs_update_balances_lanes(
    const rs_block_month *at, const rs_reserve_lanes *reserve, const double *cashFlow, const rs_reserve_state *state);

/// The organisation's own responses (SPEC §15). Cover is B(m)/outgo(m) in months, +∞ when outgo(m) is 0.
typedef struct {
  /// k, the board's minimum in months of outgo; negative when none.
  double minimumMonths;
  /// Cuts: the listed expense lines × cutMultiplier from the month after cover < cutBelow, until the first
  /// month-end with cover ≥ cutRestore (restored from the next month).
  int32_t hasCuts;
  double cutBelow, cutRestore, cutMultiplier;
  /// Appeal: when cover < appealBelow at a month-end with no appeal in the last appealCooldown months, an appeal
  /// is made; with appealProbability (words 0–1 of address (path, month, 0x06000000, 0)) it raises
  /// appealAmount × level_donations the next month.
  int32_t hasAppeal;
  double appealBelow, appealAmount, appealProbability;
  int32_t appealCooldown;
  /// No appeal once a lane has made appealLimit of them (SPEC §19); INT32_MAX when the file sets no limit.
  int32_t appealLimit;
  /// 1 for a bound on what the responses can bring: the cuts apply from the first month-end on and an appeal
  /// is made and answered at every month-end, whatever the cover.
  int32_t alwaysAct;
} rs_policy_plan;

/// The policy's state per lane.
typedef struct {
  /// This month's outgo: expenses after cuts (rs_policy_money) plus services paid (rs_pay_services).
  double *outgo;
  /// 1 while the cuts apply.
  int32_t *cutActive;
  /// The month of the last appeal (very negative when none), and 1 when last month's appeal raised money.
  int32_t *lastAppeal;
  int32_t *appealArrives;
  /// The appeals made so far on each lane (SPEC §19).
  int32_t *appealCount;
  /// The first month-end with cover below the minimum, 0 when none yet.
  int32_t *belowMinimumMonth;
  /// The levels of the donations factor (the appeal's scale).
  const double *donationsLevel;
  /// need_min (SPEC §17): max over month-ends with outgo > 0 of k·outgo(m)/D(m) − S(m), −∞ while none; with
  /// S(m) = Σ_{j≤m} NCF(j)/D(j), the balances' discounted sum. Written only when minimumMonths ≥ 0.
  double *minimumNeed;
  const double *discountedSum;
  /// The year's activity so far (SPEC §19), RS_ACTIVITY_ROWS rows of `stride` lanes each (row r of lane l at
  /// r·stride + l); NULL when not recorded (a run of the search), which runs the passes' loops without it.
  double *activity;
  /// This month's rows of the replay's flows (rs_replay_flows, each `stride` lanes), written by rs_policy_money and
  /// rs_policy_month_end when not NULL: the flow before the responses, the outgo before the cuts, the cut lines,
  /// the donations' level and the uniforms of the appeals drawn.
  double *replayFlow, *replayOutgo, *replayCut, *replayDonations, *replayAppealDraw;
} rs_policy_state;

/// The rows of rs_policy_state.activity, in the order of the engine's PolicyActivityField: 1 when the cuts applied
/// in some month of the year, the months they applied, the expense they saved ((1 − f) × the cut lines), the
/// appeals made, the appeals whose money arrived, and the money that arrived.
enum {
  RS_ACTIVITY_CUT_IN_FORCE = 0,
  RS_ACTIVITY_CUT_MONTHS = 1,
  RS_ACTIVITY_CUT_AMOUNT = 2,
  RS_ACTIVITY_APPEALS = 3,
  RS_ACTIVITY_ANSWERED = 4,
  RS_ACTIVITY_RAISED = 5,
  RS_ACTIVITY_ROWS = 6
};

/// After rs_pay_services in a file with a policy (outgo then holds what the services paid): adds the month's
/// expenses to outgo less the cuts' saving (1 − f) × the cut lines while cuts apply, adds that saving and an
/// arriving appeal to the cash flow, and moves the saving out of the expense sum and the appeal into the income
/// sum; with state->activity, adds the month's cuts and arriving appeal to it; with the replay rows, records them.
void rs_policy_money(
    const rs_block_month *at, const rs_money_month *money, const rs_money_lanes *lanes, const rs_policy_plan *policy,
    const rs_policy_state *state, const double *level, const rs_month_sums *sums);

/// After rs_update_balances in a file with a policy: the month-end's cover against the minimum and the need for
/// it, the cuts' state and the appeals (with state->activity, counted there). `discount` is the month's 1/D(m), one
/// value for every lane (discountStride 0) or each lane's own (discountStride 1).
void rs_policy_month_end(
    const rs_block_month *at, const rs_policy_plan *policy, const rs_policy_state *state, const double *balance,
    const double *discount, ptrdiff_t discountStride);

/// What a replay of the policy reads (SPEC §15): per month m and lane, rows [(m − 1) · stride + lane] as
/// rs_policy_money recorded them; the reserve's growth, floor and discount as rs_update_balances reads them.
typedef struct {
  const double *flow, *outgo, *cut, *donations;
  /// The uniform behind an appeal's answer at month-end m, NaN until drawn: the replay draws and keeps it.
  double *appealDraw;
  /// The same in every lane: growth and floor, and per month (index m − 1) the discount and discounted floor.
  double growth, floor;
  const double *discount, *discountedFloor;
  /// Each lane's own (SPEC §16), or NULL: growth and floor per lane, the discount per month and lane.
  const double *laneGrowth, *laneFloor, *laneDiscount;
  /// The block lane whose rows each replayed lane reads (its path is at->firstPath + path[lane]), or NULL when the
  /// replayed lanes are the block's lanes in order.
  const int32_t *path;
} rs_replay_flows;

/// A replay's per-lane rows: B₀ in, then the state and the results of months 1 … lastMonth out.
typedef struct {
  const double *startBalance;
  double *balance, *discountedSum;
  /// The closed form's needs of the decisions the replay made (SPEC §7, §17): max over months of the discounted
  /// floor less S(m), and of k · outgo(m)/D(m) − S(m) over months with outgo; −∞ while none.
  double *need, *minimumNeed;
  /// The first month-end below the floor and below the minimum, 0 when none.
  int32_t *ruinMonth, *belowMinimumMonth;
  int32_t *cutActive, *lastAppeal, *appealCount, *appealArrives;
  /// NULL, or the responses' activity to record (SPEC §19), as a run records it: for year y, RS_ACTIVITY_ROWS + 1
  /// rows from row (y − 1)·(RS_ACTIVITY_ROWS + 1), `stride` lanes each — the RS_ACTIVITY_* rows, then 1 where the
  /// cuts applied in some month so far. A replay that records runs every lane and every month (no stop).
  double *activity;
} rs_replay_state;

/// Months 1 … lastMonth of a block again from `flows`, for the B₀ of each lane in state->startBalance, with the
/// policy's cuts and appeals recomputed from the replayed balance (at->month is not read). The same B₀ and policy
/// give the balances of the run that recorded the flows, bit for bit. stopWhenFailed: 1 stops a lane's replay after
/// the month in which the last lane of its four (lanes 4j … 4j + 3; the last lanes mod 4 together) is ruined, 2
/// after the month in which the last of them falls below the minimum (a stopped lane's state is then that month's,
/// and its needs cover the months so far: read only the month it failed in), 0 runs every month.
void rs_policy_replay(
    const rs_block_month *at, int32_t lastMonth, int32_t stopWhenFailed, const rs_policy_plan *policy,
    const rs_replay_flows *flows, const rs_replay_state *state);

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
/// With per-lane event products (renewal and newSponsors not NULL, tables of one set) a lane whose products
/// are not both 1 is left to the fallback too.
int32_t rs_roll_over_sponsors(
    const rs_block_month *at, const rs_sponsor_tables *tables, const int32_t *activeEvents, const double *renewal,
    const double *newSponsors, int64_t *sponsors, uint8_t *fallback);

/// The year end (at->month = 12y) of tier `tier` in the lanes its alias tables left (fallback[tier·stride + lane]
/// set) when the tier's rates differ between paths (SPEC §16): Binomial(count, min(1, renewal·renewalFactor)) +
/// Poisson(arrivals·arrivalFactor) by inversion from the uniforms of words 0–1 and 2–3 of address (path, month,
/// 0x04000000 | tier, 1) — the draws and arithmetic of the engine's exact samplers when count ≤ 512 and the
/// mean ≤ 500, so the same bits. Those lanes get their new count and their fallback byte cleared; larger ones stay
/// flagged for the samplers' rejection branches. renewal, arrivals, renewalFactor and arrivalFactor are per lane;
/// work is six rows of scratch (stride words each).
void rs_roll_over_lanes(
    const rs_block_month *at, int32_t tier, const double *renewal, const double *arrivals, const double *renewalFactor,
    const double *arrivalFactor, double *work, int64_t *counts, uint8_t *fallback);

/// Makes OpenBLAS single-threaded and, in its pthreads build, stops its thread pool, whose workers otherwise
/// spin on a core for about 0.1 s after the library loads and after each threaded call. Returns 1 when the pool
/// was stopped, 0 when this OpenBLAS has none. Call it while no BLAS call runs.
int rs_blas_stop_thread_pool(void);

#ifdef __cplusplus
}
#endif

#endif
