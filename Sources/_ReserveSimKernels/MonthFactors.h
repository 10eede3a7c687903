// The factors' pass (SPEC §2): the shocks of a block's months (Philox words, Box–Muller) and each factor's log
// random walk and level. Compiled once per instruction-set level from KernelBody.h.

static void RS_NAME(rs_factor_normals)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t lanes, int32_t firstMonth, int32_t lastMonth,
    double *out, ptrdiff_t monthStride, ptrdiff_t factorStride) {
  // Three passes per chunk of lanes, each with few live constants (one loop holding Philox, log and sin/cos
  // at once ran out of vector registers): the words' uniforms, the radii, then the angles.
  enum { chunk = 256 };
  double u0[chunk], u1[chunk], u2[chunk], u3[chunk];
  for (int32_t m = firstMonth; m <= lastMonth; m++) {
    double *z0 = out + (ptrdiff_t)(m - firstMonth) * monthStride;
    double *z1 = z0 + factorStride;
    double *z2 = z1 + factorStride;
    double *z3 = z2 + factorStride;
    for (int32_t first = 0; first < lanes; first += chunk) {
      const int32_t n = lanes - first < chunk ? lanes - first : chunk;
#pragma clang loop vectorize(assume_safety)
      for (int32_t i = 0; i < n; i++) {
        uint32_t w[4];
        RS_NAME(rs_philox)(firstPath + (uint32_t)(first + i), (uint32_t)m, 0x01000000u, 0, key0, key1, w);
        u0[i] = rs_unit(w[0]);
        u1[i] = rs_unit(w[1]);
        u2[i] = rs_unit(w[2]);
        u3[i] = rs_unit(w[3]);
      }
      // The radii √(−2 ln u₀) and √(−2 ln u₂), in place of u₀ and u₂.
#pragma clang loop vectorize(assume_safety)
      for (int32_t i = 0; i < n; i++) {
        u0[i] = __builtin_elementwise_sqrt(-2.0 * RS_NAME(rs_log)(u0[i]));
        u2[i] = __builtin_elementwise_sqrt(-2.0 * RS_NAME(rs_log)(u2[i]));
      }
#pragma clang loop vectorize(assume_safety)
      for (int32_t i = 0; i < n; i++) {
        double c, s;
        RS_NAME(rs_cos_sin_2pi)(u1[i], &c, &s);
        z0[first + i] = u0[i] * c;
        z1[first + i] = u0[i] * s;
        RS_NAME(rs_cos_sin_2pi)(u3[i], &c, &s);
        z2[first + i] = u2[i] * c;
        z3[first + i] = u2[i] * s;
      }
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
    for (int32_t lane = 0; lane < lanes; lane++) level[lane] = RS_NAME(rs_exp)(logLevel[lane]);
  }
}

static void RS_NAME(rs_exp_of_sum)(
    const double *restrict a, const double *restrict b, double *restrict out, int32_t lanes) {
  for (int32_t lane = 0; lane < lanes; lane++) out[lane] = RS_NAME(rs_exp)(a[lane] + b[lane]);
}
