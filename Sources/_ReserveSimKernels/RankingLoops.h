// The uncertainty ranking's inner loops (SPEC §16, `UncertaintyRanking`): not a month's pass. The gather of the
// outputs in θ order, with the next paths' outputs fetched ahead (a cache miss a path otherwise), and the Fourier
// terms, which Swift compiled for the baseline CPU ran at a fraction of the vector units. Compiled once per
// instruction-set level from KernelBody.h; the same bits at every level, and the same as the Swift loops they
// replaced (the same operations in the same order).

/// Writes the outputs of the paths in the order of `items` (each word's low 32 bits a path): whole0/whole1 at each
/// position, and split0/split1 at the next slot of the path's subsample ⌊path / inner⌋ mod `subsamples` (`next[g]`,
/// advanced). outputs[path · count + o] holds output o (count 1 or 2; whole1 and split1 are read only with 2).
static void RS_NAME(rs_gather_in_order)(
    const uint64_t *restrict items, int64_t n, const double *restrict outputs, int32_t count, int64_t inner,
    int32_t subsamples, int64_t *restrict next, double *restrict whole0, double *restrict whole1,
    double *restrict split0, double *restrict split1) {
  enum { ahead = 16 };
  for (int64_t position = 0; position < n; position++) {
    if (position + ahead < n) {
      __builtin_prefetch(outputs + (int64_t)(uint32_t)items[position + ahead] * count);
    }
    const int64_t path = (int64_t)(uint32_t)items[position];
    const int64_t g = path / inner % subsamples;
    const int64_t slot = next[g]++;
    const double *value = outputs + path * count;
    whole0[position] = value[0];
    split0[slot] = value[0];
    if (count > 1) {
      whole1[position] = value[1];
      split1[slot] = value[1];
    }
  }
}

/// F_k = Σ_j (y[source(j)] − mean)·e^{−2πijk/N} for k = 1 … 10 of `count` (1 or 2) outputs of n values each, with
/// source(j) = 2j for j < ⌈N/2⌉ and 2(N − j) − 1 after (every second value upwards, the others downwards). The
/// rotation e^{−2πi(j+1)k/N} = e^{−2πijk/N}·e^{−2πik/N} is restarted from cos and sin every 4096 terms.
RS_INLINE void RS_NAME(rs_fourier_block)(
    const double *restrict y0, const double *restrict y1, double mean0, double mean1, int64_t n, int two,
    double *restrict out) {
  enum { K = 12 };  // 10 harmonics, padded to whole vectors
  double stepCos[K], stepSin[K], c[K], s[K], re0[K], im0[K], re1[K], im1[K];
  const double base = -2 * 3.14159265358979311600 / (double)n;
  for (int k = 0; k < K; k++) {
    stepCos[k] = cos((double)(k + 1) * base);
    stepSin[k] = sin((double)(k + 1) * base);
    re0[k] = im0[k] = re1[k] = im1[k] = 0;
    c[k] = s[k] = 0;
  }
  const int64_t upward = (n + 1) / 2;
  for (int64_t j = 0; j < n; j++) {
    if ((j & 4095) == 0) {
      for (int k = 0; k < K; k++) {
        const double angle = base * (double)((j * (k + 1)) % n);
        c[k] = cos(angle);
        s[k] = sin(angle);
      }
    }
    const int64_t at = j < upward ? 2 * j : 2 * (n - j) - 1;
    const double v0 = y0[at] - mean0;
    for (int k = 0; k < K; k++) {
      re0[k] += v0 * c[k];
      im0[k] += v0 * s[k];
    }
    if (two) {
      const double v1 = y1[at] - mean1;
      for (int k = 0; k < K; k++) {
        re1[k] += v1 * c[k];
        im1[k] += v1 * s[k];
      }
    }
    for (int k = 0; k < K; k++) {
      const double cn = c[k] * stepCos[k] - s[k] * stepSin[k];
      const double sn = c[k] * stepSin[k] + s[k] * stepCos[k];
      c[k] = cn;
      s[k] = sn;
    }
  }
  for (int k = 0; k < 10; k++) {
    out[k] = re0[k];
    out[10 + k] = im0[k];
    out[20 + k] = re1[k];
    out[30 + k] = im1[k];
  }
}

static void RS_NAME(rs_fourier_terms)(
    const double *y0, const double *y1, double mean0, double mean1, int64_t n, double *out) {
  // Two specialisations, so that each keeps its sums in registers.
  if (y1) {
    RS_NAME(rs_fourier_block)(y0, y1, mean0, mean1, n, 1, out);
  } else {
    RS_NAME(rs_fourier_block)(y0, y0, mean0, mean0, n, 0, out);
  }
}
