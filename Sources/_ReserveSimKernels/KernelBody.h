// The kernels' bodies, compiled once per instruction-set level by Kernels.c: it defines RS_SUFFIX and wraps
// this file in a target attribute. Plain loops over lanes that the compiler vectorises; no FMA contraction.
// Mirrors of the Swift reference (see the header); keep the two in step.

#define RS_CAT2(a, b) a##b
#define RS_CAT(a, b) RS_CAT2(a, b)
#define RS_NAME(name) RS_CAT(name, RS_SUFFIX)

#define RS_INLINE static inline __attribute__((always_inline))

/// VectorMath.exp (fdlibm's method): x clamped to [−708, 709], x = k·ln 2 + r, r = hi − lo,
/// e^r = 1 − ((lo − r·c/(2 − c)) − hi) with c = r − r²·P(r²), times 2ᵏ.
RS_INLINE double RS_NAME(rs_exp)(double value) {
  double x = value < -708.0 ? -708.0 : value;
  x = x > 709.0 ? 709.0 : x;
  const double shifted = x * rs_log2e + rs_shifter;
  const double k = shifted - rs_shifter;
  const double hi = x - k * rs_ln2Hi, lo = k * rs_ln2Lo;
  const double r = hi - lo;
  const double t = r * r;
  const double c =
      r
      - t
            * (1.66666666666666019037e-01
               + t
                     * (-2.77777777770155933842e-03
                        + t
                              * (6.61375632143793436117e-05
                                 + t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
  const double p = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
  const int64_t exponent = (int64_t)(rs_bits(shifted) - rs_bits(rs_shifter)) + 1023;
  return p * rs_double((uint64_t)exponent << 52);
}

/// VectorMath.log (fdlibm's method): x = 2ᵏ·(1 + f), s = f/(2 + f), ln(1 + f) = f − f²/2 + s·(f²/2 + R(s²)).
RS_INLINE double RS_NAME(rs_log)(double x) {
  const uint64_t bits = rs_bits(x);
  const uint32_t high = (uint32_t)(bits >> 32) + (0x3ff00000u - 0x3fe6a09eu);
  const double k = (double)((int32_t)(high >> 20) - 0x3ff);
  const uint32_t normalised = (high & 0x000fffffu) + 0x3fe6a09eu;
  const double f = rs_double(((uint64_t)normalised << 32) | (bits & 0xffffffffu)) - 1.0;
  const double halfSquare = 0.5 * f * f;
  const double s = f / (2.0 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
  const double t2 =
      z * (6.666666666666735130e-01
           + w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
  const double r = t2 + t1;
  return k * rs_ln2Hi - ((halfSquare - (s * (halfSquare + r) + k * rs_ln2Lo)) - f);
}

/// VectorMath.cosSin2Pi: u = q/4 + v, 2πu = q·π/2 + x with |x| ≤ π/4, Taylor series to x¹⁶ and x¹⁷, then
/// a quarter-turn rotation by q (q = 4 is a whole turn).
RS_INLINE void RS_NAME(rs_cos_sin_2pi)(double u, double *cosine, double *sine) {
  const double quarterTurns = (u * 4.0 + rs_shifter) - rs_shifter;
  const double x = (u - quarterTurns * 0.25) * (2.0 * 3.141592653589793116);
  const double x2 = x * x;
  double s = 1.0 / 355687428096000.0;
  s = s * x2 - 1.0 / 1307674368000.0;
  s = s * x2 + 1.0 / 6227020800.0;
  s = s * x2 - 1.0 / 39916800.0;
  s = s * x2 + 1.0 / 362880.0;
  s = s * x2 - 1.0 / 5040.0;
  s = s * x2 + 1.0 / 120.0;
  s = s * x2 - 1.0 / 6.0;
  s = (s * x2 + 1.0) * x;
  double c = 1.0 / 20922789888000.0;
  c = c * x2 - 1.0 / 87178291200.0;
  c = c * x2 + 1.0 / 479001600.0;
  c = c * x2 - 1.0 / 3628800.0;
  c = c * x2 + 1.0 / 40320.0;
  c = c * x2 - 1.0 / 720.0;
  c = c * x2 + 1.0 / 24.0;
  c = c * x2 - 0.5;
  c = c * x2 + 1.0;
  const double q = quarterTurns == 4.0 ? 0.0 : quarterTurns;
  const int swap = q == 1.0 || q == 3.0;
  const double c0 = swap ? s : c, s0 = swap ? c : s;
  *cosine = (q == 1.0 || q == 2.0) ? -c0 : c0;
  *sine = q >= 2.0 ? -s0 : s0;
}

/// Philox4x32-10 (Salmon et al., SC'11), as Philox4x32.block. The words ride in 64-bit lanes whose upper halves
/// may hold leftovers: each product reads only the low 32 bits of its word (x & 0xffffffff), which the compiler
/// turns into one 32 × 32 → 64-bit multiply (vpmuludq) with no conversions between lane widths.
RS_INLINE void RS_NAME(rs_philox)(
    uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1, uint32_t out[4]) {
  uint64_t x0 = c0, x1 = c1, x2 = c2, x3 = c3;
  uint64_t key0 = k0, key1 = k1;
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      key0 = (uint32_t)(key0 + 0x9E3779B9u);
      key1 = (uint32_t)(key1 + 0xBB67AE85u);
    }
    const uint64_t p0 = (x0 & 0xffffffffu) * 0xD2511F53u;
    const uint64_t p1 = (x2 & 0xffffffffu) * 0xCD9E8D57u;
    x0 = (p1 >> 32) ^ x1 ^ key0;
    x1 = p1;
    x2 = (p0 >> 32) ^ x3 ^ key1;
    x3 = p0;
  }
  out[0] = (uint32_t)x0;
  out[1] = (uint32_t)x1;
  out[2] = (uint32_t)x2;
  out[3] = (uint32_t)x3;
}

static void RS_NAME(rs_parameter_draws)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t count, uint32_t key, double *restrict uniform,
    uint32_t *restrict order) {
#pragma clang loop vectorize(assume_safety)
  for (int32_t i = 0; i < count; i++) {
    uint32_t w[4];
    RS_NAME(rs_philox)(firstPath + (uint32_t)i, 0, 0x07000000u, key, key0, key1, w);
    if (uniform) uniform[i] = rs_unit53(w[0], w[1]);
    if (order) order[i] = w[0];
  }
}

// One month of a block, one file per pass after their shared helpers (README.md names which holds what). Each
// pass is a loop over lanes that the compiler vectorises (selects, no branches), followed, only when some lane needs
// it, by a scalar loop for the rare steps that draw random numbers. This is the engine's one implementation of the
// month (SPEC §3–§7); `PathBlockKernel` runs it.
#include "MonthShared.h"
#include "Ziggurat.h"
#ifdef RS_ZIGGURAT_AVX2
#include "ZigguratAVX2.h"
#endif
#include "MonthFactors.h"
#include "MonthEvents.h"
#include "MonthMoney.h"
#include "MonthServices.h"
#include "MonthBalances.h"
#include "MonthPolicy.h"
#include "MonthReplay.h"
#include "MonthSponsors.h"
#include "RankingLoops.h"

static const struct rs_kernel_table RS_NAME(rs_table) = {
    RS_NAME(rs_factor_normals), RS_NAME(rs_advance_factor), RS_NAME(rs_exp_of_sum),
    RS_NAME(rs_apply_events),   RS_NAME(rs_money_lines),    RS_NAME(rs_pay_services),
    RS_NAME(rs_update_balances), RS_NAME(rs_roll_over_sponsors), RS_NAME(rs_start_donations),
    RS_NAME(rs_policy_money),   RS_NAME(rs_policy_month_end), RS_NAME(rs_advance_factor_lanes),
    RS_NAME(rs_roll_over_lanes), RS_NAME(rs_parameter_draws), RS_NAME(rs_update_balances_lanes),
    RS_NAME(rs_policy_replay),  RS_NAME(rs_fourier_terms), RS_NAME(rs_gather_in_order)};

#undef RS_NEVER
#undef RS_FLAGS
#undef RS_LIST
#undef RS_NAME
#undef RS_CAT
#undef RS_CAT2
#undef RS_INLINE
