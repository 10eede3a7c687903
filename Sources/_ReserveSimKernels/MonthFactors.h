// The factors' pass (SPEC §2): the shocks of a block's months (Philox words, the ziggurat) and each factor's log
// random walk and level. Compiled once per instruction-set level from KernelBody.h.

static void RS_NAME(rs_factor_normals)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t lanes, int32_t firstMonth, int32_t lastMonth,
    double *out, ptrdiff_t monthStride, ptrdiff_t factorStride) {
  // The fast path for every lane and factor (vectorised), then the retries of the few normals it refused
  // (bit k of a lane's flag byte: factor k), all of a month's at once.
  enum { chunk = 256 };
  uint32_t words[4][chunk];
  uint8_t refused[chunk];
  int32_t list[chunk];
  uint32_t retryPath[4 * chunk], retrySlot[4 * chunk], retryWord[4 * chunk];
  int32_t retryAt[4 * chunk], pending[4 * chunk];
  double retried[4 * chunk];
  for (int32_t m = firstMonth; m <= lastMonth; m++) {
    double *z = out + (ptrdiff_t)(m - firstMonth) * monthStride;
    for (int32_t first = 0; first < lanes; first += chunk) {
      const int32_t n = lanes - first < chunk ? lanes - first : chunk;
      // Four vectors of lanes in flight: one Philox round is a chain of dependent multiply, shift and xor.
#pragma clang loop vectorize(assume_safety) interleave_count(4)
      for (int32_t i = 0; i < n; i++) {
        uint32_t w[4];
        RS_NAME(rs_philox)(firstPath + (uint32_t)(first + i), (uint32_t)m, 0x01000000u, 0, key0, key1, w);
        double x0, x1, x2, x3;
        const int ok0 = RS_NAME(rs_zig_fast)(w[0], &x0), ok1 = RS_NAME(rs_zig_fast)(w[1], &x1);
        const int ok2 = RS_NAME(rs_zig_fast)(w[2], &x2), ok3 = RS_NAME(rs_zig_fast)(w[3], &x3);
        z[first + i] = x0;
        z[factorStride + first + i] = x1;
        z[2 * factorStride + first + i] = x2;
        z[3 * factorStride + first + i] = x3;
        words[0][i] = w[0];
        words[1][i] = w[1];
        words[2][i] = w[2];
        words[3][i] = w[3];
        refused[i] = (uint8_t)((ok0 ^ 1) | (ok1 ^ 1) << 1 | (ok2 ^ 1) << 2 | (ok3 ^ 1) << 3);
      }
      const int32_t flagged = RS_NAME(rs_flagged_lanes)(refused, n, list);
      int32_t count = 0;
      for (int32_t k = 0; k < flagged; k++) {
        const int32_t i = list[k];
        for (int32_t slot = 0; slot < 4; slot++) {
          if (!(refused[i] >> slot & 1)) continue;
          retryPath[count] = firstPath + (uint32_t)(first + i);
          retrySlot[count] = (uint32_t)slot;
          retryWord[count] = words[slot][i];
          retryAt[count] = slot * (int32_t)factorStride + first + i;
          count++;
        }
      }
      if (count == 0) continue;
      RS_NAME(rs_zig_retries)(key0, key1, (uint32_t)m, count, retryPath, retrySlot, retryWord, pending, retried);
      for (int32_t k = 0; k < count; k++) z[retryAt[k]] = retried[k];
    }
  }
}

static void RS_NAME(rs_advance_factor)(
    double *restrict logLevel, const double *restrict epsilon, double drift, double sd, double *restrict level,
    int32_t lanes) {
  if (sd > 0) {
    for (int32_t lane = 0; lane < lanes; lane++) logLevel[lane] += drift + sd * epsilon[lane];
  } else {
    for (int32_t lane = 0; lane < lanes; lane++) logLevel[lane] += drift;
  }
  if (level) {
    // Four vectors in flight: exp is a long chain of dependent operations (measured: a fifth off this loop).
#pragma clang loop interleave_count(4)
    for (int32_t lane = 0; lane < lanes; lane++) level[lane] = RS_NAME(rs_exp)(logLevel[lane]);
  }
}

static void RS_NAME(rs_advance_factor_lanes)(
    double *restrict logLevel, const double *restrict epsilon, const double *restrict drift,
    const double *restrict sd, double *restrict level, int32_t lanes) {
  // The same operations as rs_advance_factor per lane: x + (drift + sd·ε), or x + drift where there is no shock.
  if (epsilon) {
    for (int32_t lane = 0; lane < lanes; lane++) {
      logLevel[lane] += sd[lane] > 0 ? drift[lane] + sd[lane] * epsilon[lane] : drift[lane];
    }
  } else {
    for (int32_t lane = 0; lane < lanes; lane++) logLevel[lane] += drift[lane];
  }
  if (level) {
    // Four vectors in flight: exp is a long chain of dependent operations (measured: a fifth off this loop).
#pragma clang loop interleave_count(4)
    for (int32_t lane = 0; lane < lanes; lane++) level[lane] = RS_NAME(rs_exp)(logLevel[lane]);
  }
}

static void RS_NAME(rs_exp_of_sum)(
    const double *restrict a, const double *restrict b, double *restrict out, int32_t lanes) {
#pragma clang loop interleave_count(4)
  for (int32_t lane = 0; lane < lanes; lane++) out[lane] = RS_NAME(rs_exp)(a[lane] + b[lane]);
}
