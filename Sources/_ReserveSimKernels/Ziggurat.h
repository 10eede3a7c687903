// Standard normals by the ziggurat (Marsaglia and Tsang 2000, 256 layers; tables in ZigguratTables.h): one
// 32-bit Philox word a normal on the fast path, which the month's loops vectorise, and retries from the normal's
// own stream for the 1.5% of words it refuses, also vectorised. Compiled once per instruction-set level from KernelBody.h; the Swift
// reference is `Ziggurat` (RandomStreams.swift), operation for operation.

/// The fast path on one word: layer i = the low 8 bits, u = ((the word with those bits cleared, as a signed 32-bit
/// integer) + 128)·2⁻³¹, an odd multiple of 2⁻²⁴ in (−1, 1); x = u·w_i. Accepted (returns 1) when |x| < w_(i+1):
/// the point lies under the next layer's edge, so under the density. Otherwise the word goes to rs_zig_retries.
RS_INLINE int RS_NAME(rs_zig_fast)(uint32_t word, double *x) {
  const uint32_t layer = word & 255u;
  const double u = (double)((int32_t)(word & 0xffffff00u) + 128) * 0x1p-31;
  const double value = u * rs_zig_width[layer];
  *x = value;
  return __builtin_fabs(value) < rs_zig_width[layer + 1];
}

/// The retries of `count` refused normals at once. In round r every pending normal takes draw r of its retry
/// stream (path[k], month[k], 0x08000000 | slot[k], r), words (a, b, c, d), with u = (word + ½)·2⁻³²:
/// - layer 0 (|x| ≥ r, the tail): t = −ln(u_b)/r and y = −ln(u_c); the normal is ±(r + t) with the sign of x when
///   2y > t², else the next round tries the tail again;
/// - layer i ≥ 1 (the wedge): x is kept when f(w_i) + u_b·(f(w_(i+1)) − f(w_i)) < exp(−x²/2); else word a is a new
///   proposal through the fast path, and, refused again, goes on to the next round. A normal stays pending with the word it will go on from; layer 0 marks a tail. Each round is one
/// vectorised loop over the pending normals; rounds end when none is left. The normals land in x[k].
static void RS_NAME(rs_zig_retries)(
    uint32_t key0, uint32_t key1, int32_t count, const uint32_t *path, const uint32_t *month, const uint32_t *slot,
    uint32_t *word, int32_t *pending, double *x) {
  int32_t left = count;
  for (int32_t k = 0; k < count; k++) pending[k] = k;
  for (uint32_t round = 0; left > 0; round++) {
    int32_t tails = 0;
    // The wedges, vectorised; a tail (1 in 60 retries) only takes its words here, and its try follows.
#pragma clang loop vectorize(assume_safety)
    for (int32_t j = 0; j < left; j++) {
      const int32_t k = pending[j];
      uint32_t w[4];
      RS_NAME(rs_philox)(path[k], month[k], 0x08000000u | slot[k], round, key0, key1, w);
      const uint32_t proposal = word[k], layer = proposal & 255u;
      const double u = (double)((int32_t)(proposal & 0xffffff00u) + 128) * 0x1p-31;
      const double value = u * rs_zig_width[layer];
      const double below = rs_zig_height[layer], above = rs_zig_height[layer + 1];
      const int wedge = below + rs_unit(w[1]) * (above - below) < RS_NAME(rs_exp)(-0.5 * value * value);
      double next;
      const int fast = RS_NAME(rs_zig_fast)(w[0], &next);
      const int isTail = layer == 0;
      x[k] = wedge ? value : next;
      word[k] = isTail | wedge ? proposal : w[0];
      pending[j] = isTail ? -2 - k : (wedge | fast) ? -1 : k;
      tails += isTail;
    }
    if (tails) {
      for (int32_t j = 0; j < left; j++) {
        if (pending[j] > -2) continue;
        const int32_t k = -2 - pending[j];
        uint32_t w[4];
        RS_NAME(rs_philox)(path[k], month[k], 0x08000000u | slot[k], round, key0, key1, w);
        const double t = -RS_NAME(rs_log)(rs_unit(w[1])) / rs_zig_r;
        const double y = -RS_NAME(rs_log)(rs_unit(w[2]));
        const int negative = (int32_t)(word[k] & 0xffffff00u) + 128 < 0;
        x[k] = negative ? -(rs_zig_r + t) : rs_zig_r + t;
        pending[j] = y + y > t * t ? -1 : k;
      }
    }
    int32_t kept = 0;
    for (int32_t j = 0; j < left; j++) {
      if (pending[j] >= 0) pending[kept++] = pending[j];
    }
    left = kept;
  }
}
