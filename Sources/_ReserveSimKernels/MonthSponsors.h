// The sponsors' year end (SPEC §4): every tier's roll-over by its alias tables, then, where a tier's rates differ
// between paths (SPEC §16), the exact inversion samplers' walks. Compiled once per instruction-set level from
// KernelBody.h, after MonthShared.h.

/// One tier's year end as rs_alias_lanes reads and writes it.
typedef struct {
  /// The tier's rates per set of active events, and the two rates a select chooses between (at most two sets).
  const int32_t *ratesOfSet;
  int32_t rates0, rates1;
  /// The lanes' sets of active events and 64-bit uniforms.
  const int32_t *active;
  const uint64_t *uniform;
  /// The tier's rows of the sponsor counts and of the fallback bytes.
  int64_t *counts;
  uint8_t *untabulated;
} RS_NAME(rs_tier_pass);

/// One tier's year end for every lane (see rs_roll_over_sponsors); returns the lanes left untabulated. `select`
/// (a constant at each call) is set when there are at most two sets of active events: the tier's rates are then
/// a select between rates0 and rates1 rather than a gather. `keepMarked` (a constant): lanes whose untabulated
/// byte is already set on entry (their rates changed per lane) are left untabulated.
RS_INLINE int32_t RS_NAME(rs_alias_lanes)(
    int32_t lanes, const rs_sponsor_tables *tables, const RS_NAME(rs_tier_pass) *tier, int select, int keepMarked) {
  const int32_t rowsPerRates = tables->rowsPerRates, last = tables->rowsPerRates - 1;
  const rs_sponsor_row *restrict rows = tables->rows;
  const rs_sponsor_cell *restrict cells = tables->cells;
  const int32_t *restrict ratesOfSet = tier->ratesOfSet, *restrict active = tier->active;
  const int32_t rates0 = tier->rates0, rates1 = tier->rates1;
  const uint64_t *restrict uniform = tier->uniform;
  int64_t *restrict counts = tier->counts;
  uint8_t *restrict untabulated = tier->untabulated;
  int32_t left = 0;
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    const int64_t count = counts[lane];
    const int32_t rates = select ? (active[lane] ? rates1 : rates0) : ratesOfSet[active[lane]];
    const int32_t r = rates * rowsPerRates + (int32_t)(count < last ? count : last);
    const int32_t size = rows[r].size, start = rows[r].start;
    const int32_t marked = keepMarked ? untabulated[lane] : 0;
    const int32_t tabulated = (count <= last) & (size > 0) & !marked;
    // SponsorTransitionTables.draw: with K = size and U the uniform, x = ⌊U·K/2⁶⁴⌋ and the fraction
    // F = U·K mod 2⁶⁴, from the 32-bit halves: U·K = A·2³² + B with A = K·U_hi, B = K·U_lo (each < 2⁶³).
    const uint64_t u = uniform[lane];
    const uint64_t a = (uint64_t)(uint32_t)size * (u >> 32), b = (uint64_t)(uint32_t)size * (u & 0xffffffffu);
    const uint64_t x = (a + (b >> 32)) >> 32, fraction = (a << 32) + b;
    const int64_t cell = tabulated ? (int64_t)start + (int64_t)x : 0;
    // Both of the cell's fields loaded whatever the comparison (a load under a condition is a branch per lane).
    const uint64_t cut = cells[cell].cut;
    const int64_t alias = (int64_t)cells[cell].alias;
    const int64_t drawn = fraction < cut ? (int64_t)x : alias;
    counts[lane] = tabulated ? drawn : count;
    untabulated[lane] = (uint8_t)!tabulated;
    left += !tabulated;
  }
  return left;
}

static int32_t RS_NAME(rs_roll_over_sponsors)(
    const rs_block_month *at, const rs_sponsor_tables *tables, const int32_t *activeEvents, const double *renewal,
    const double *newSponsors, int64_t *sponsors, uint8_t *fallback) {
  const int32_t lanes = at->lanes, sets = tables->sets;
  const int perLane = renewal != 0;
  uint64_t *uniforms = at->scratch;
  int32_t left = 0;
  for (int32_t pair = 0; pair < tables->tiers; pair += 2) {
    const uint32_t stream = 0x04000000u | (uint32_t)pair;
    // Four vectors of lanes in flight, as in rs_factor_normals.
#pragma clang loop vectorize(assume_safety) interleave_count(4)
    for (int32_t lane = 0; lane < lanes; lane++) {
      uint32_t w[4];
      RS_NAME(rs_words)(at, lane, at->month, stream, w);
      uniforms[lane] = ((uint64_t)w[0] << 32) | w[1];
      uniforms[at->stride + lane] = ((uint64_t)w[2] << 32) | w[3];
    }
    for (int32_t t = pair; t < pair + 2 && t < tables->tiers; t++) {
      RS_NAME(rs_tier_pass) tier = {
          .ratesOfSet = tables->ratesOfTierAndSet + t * sets,
          .active = activeEvents,
          .uniform = uniforms + (t - pair) * at->stride,
          .counts = sponsors + t * at->stride,
          .untabulated = fallback + t * at->stride};
      uint8_t *untabulated = tier.untabulated;
      if (!tables->cells) {
        for (int32_t lane = 0; lane < lanes; lane++) untabulated[lane] = 1;
        left += lanes;
        continue;
      }
      if (perLane) {
        // The event products are per lane and the tables hold the no-event rates only: a lane whose products
        // change its rates goes to the fallback.
        for (int32_t lane = 0; lane < lanes; lane++)
          untabulated[lane] = (uint8_t)((renewal[lane] != 1) | (newSponsors[lane] != 1));
        tier.rates0 = tier.ratesOfSet[0];
        tier.rates1 = tier.ratesOfSet[0];
        left += RS_NAME(rs_alias_lanes)(lanes, tables, &tier, 1, 1);
      } else if (sets <= 2) {
        tier.rates0 = tier.ratesOfSet[0];
        tier.rates1 = tier.ratesOfSet[sets > 1];
        left += RS_NAME(rs_alias_lanes)(lanes, tables, &tier, 1, 0);
      } else {
        left += RS_NAME(rs_alias_lanes)(lanes, tables, &tier, 0, 0);
      }
    }
  }
  return left;
}

/// Distributions.binomialByInversion's walk, operation for operation (n ≤ 512), from its first mass
/// exp(n·ln(1 − p)) — exp(n·ln p) when p > ½ — computed ahead (vectorised).
RS_INLINE int64_t RS_NAME(rs_binomial_walk)(int64_t n, double p, double u, double firstMass) {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const int flipped = p > 0.5;
  const double success = flipped ? 1 - p : p;
  const double target = flipped ? 1 - u : u;
  const double ratio = success / (1 - success);
  double mass = firstMass;
  double cumulative = mass;
  int64_t x = 0;
  while (target > cumulative && x < n) {
    mass *= ratio * (double)(n - x) / (double)(x + 1);
    x += 1;
    cumulative += mass;
  }
  return flipped ? n - x : x;
}

/// Distributions.poissonByInversion's walk, operation for operation (λ ≤ 500), from e^(−λ) computed ahead.
RS_INLINE int64_t RS_NAME(rs_poisson_walk)(double lambda, double u, double massAtZero) {
  if (!(lambda > 0)) return 0;
  double mass = massAtZero;
  double cumulative = mass;
  int64_t x = 0;
  while (u > cumulative) {
    x += 1;
    mass *= lambda / (double)x;
    cumulative += mass;
    if (mass < 1e-300 && (double)x > lambda) break;
  }
  return x;
}

static void RS_NAME(rs_roll_over_lanes)(
    const rs_block_month *at, int32_t tier, const double *renewal, const double *arrivals,
    const double *renewalFactor, const double *arrivalFactor, double *work, int64_t *counts, uint8_t *fallback) {
  int64_t *row = counts + tier * at->stride;
  uint8_t *flags = fallback + tier * at->stride;
  const int32_t lanes = at->lanes;
  const ptrdiff_t stride = at->stride;
  double *restrict probability = work, *restrict lambdas = work + stride, *restrict renewalU = work + 2 * stride;
  double *restrict arrivalU = work + 3 * stride, *restrict firstMass = work + 4 * stride;
  double *restrict massAtZero = work + 5 * stride;
  const int64_t *restrict counted = row;
  // Vectorised: the draws' uniforms, the rates, and the walks' first masses (the samplers' logs and exps).
#pragma clang loop vectorize(assume_safety)
  for (int32_t lane = 0; lane < lanes; lane++) {
    uint32_t w[4];
    RS_NAME(rs_philox)(
        at->firstPath + (uint32_t)lane, (uint32_t)at->month, 0x04000000u | (uint32_t)tier, 1, at->key0, at->key1, w);
    renewalU[lane] = rs_unit53(w[0], w[1]);
    arrivalU[lane] = rs_unit53(w[2], w[3]);
    const double product = renewal[lane] * renewalFactor[lane];
    const double p = product < 1 ? product : 1;
    probability[lane] = p;
    const double lambda = arrivals[lane] * arrivalFactor[lane];
    lambdas[lane] = lambda;
    // Where p is 0 or 1 the walk returns before using its first mass; keep the logs finite there.
    const double inside = p > 0 && p < 1 ? p : 0.5;
    const double logProbability = RS_NAME(rs_log)(inside), logFailure = RS_NAME(rs_log)(1 - inside);
    firstMass[lane] = RS_NAME(rs_exp)((double)counted[lane] * (inside > 0.5 ? logProbability : logFailure));
    massAtZero[lane] = RS_NAME(rs_exp)(-(lambda > 0 ? lambda : 0));
  }
  for (int32_t lane = 0; lane < lanes; lane++) {
    const int64_t n = row[lane];
    if (!flags[lane] || n > 512 || lambdas[lane] > 500) continue;
    row[lane] = RS_NAME(rs_binomial_walk)(n, probability[lane], renewalU[lane], firstMass[lane])
                + RS_NAME(rs_poisson_walk)(lambdas[lane], arrivalU[lane], massAtZero[lane]);
    flags[lane] = 0;
  }
}
