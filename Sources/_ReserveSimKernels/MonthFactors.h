// The factors' pass (SPEC §2): the shocks of a block's months (Philox words, the ziggurat) and each factor's log
// random walk and level. Compiled once per instruction-set level from KernelBody.h.

/// The normals a chunk's fast path refused, waiting for rs_zig_retries: the path and slot (factor) that address
/// each one's retry stream, the word it goes on from, and where its value lands in the month's rows.
struct RS_NAME(rs_zig_queue) {
  int32_t count;
  uint32_t path[4 * 256], slot[4 * 256], word[4 * 256];
  int32_t at[4 * 256], pending[4 * 256];
  double value[4 * 256];
};

RS_INLINE void RS_NAME(rs_zig_enqueue)(
    struct RS_NAME(rs_zig_queue) *queue, uint32_t path, uint32_t slot, uint32_t word, int32_t at) {
  const int32_t k = queue->count++;
  queue->path[k] = path;
  queue->slot[k] = slot;
  queue->word[k] = word;
  queue->at[k] = at;
}

/// The fast path of lanes [first, first + n) of one month (n ≤ 256), by the plain loop the compiler vectorises:
/// the accepted normals into their rows, the refused ones queued.
RS_INLINE void RS_NAME(rs_zig_fast_lanes)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t first, int32_t n, uint32_t month, double *z,
    ptrdiff_t factorStride, struct RS_NAME(rs_zig_queue) *queue) {
  uint32_t words[4][256];
  uint8_t refused[256];
  int32_t list[256];
  // Four vectors of lanes in flight: one Philox round is a chain of dependent multiply, shift and xor.
#pragma clang loop vectorize(assume_safety) interleave_count(4)
  for (int32_t i = 0; i < n; i++) {
    uint32_t w[4];
    RS_NAME(rs_philox)(firstPath + (uint32_t)(first + i), month, 0x01000000u, 0, key0, key1, w);
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
  for (int32_t k = 0; k < flagged; k++) {
    const int32_t i = list[k];
    for (int32_t slot = 0; slot < 4; slot++) {
      if (!(refused[i] >> slot & 1)) continue;
      RS_NAME(rs_zig_enqueue)(
          queue, firstPath + (uint32_t)(first + i), (uint32_t)slot, words[slot][i],
          slot * (int32_t)factorStride + first + i);
    }
  }
}

#ifdef RS_ZIGGURAT_AVX2
/// rs_zig_fast_lanes at AVX2 (ZigguratAVX2.h), eight lanes at a time and the last n mod 8 by the plain loop: the
/// refused normals are marked in bitmaps (slot, 64 lanes) and queued after the loop, one branch per set bit, where a
/// test per eight lanes was mispredicted for a third of them. The same operations, so the same bits.
RS_INLINE void RS_NAME(rs_zig_fast_eights)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t first, int32_t n, uint32_t month, double *z,
    ptrdiff_t factorStride, struct RS_NAME(rs_zig_queue) *queue) {
  const int32_t whole = n & ~7;
  uint32_t words[4][256];
  uint64_t refusedBits[4][256 / 64] = {{0}};
  for (int32_t i = 0; i < whole; i += 8) {
    __m256i w[4];
    rs_avx2_philox8(firstPath + (uint32_t)(first + i), month, 0x01000000u, 0, key0, key1, w);
    for (int slot = 0; slot < 4; slot++) _mm256_storeu_si256((__m256i *)(words[slot] + i), w[slot]);
    // A compiler barrier: the layers are then read back from memory, one byte load each, instead of taken out of
    // the vectors (two operations each): measured 7.05 → 6.6 ns a lane-month.
    __asm__ volatile("" ::: "memory");
    for (int slot = 0; slot < 4; slot++) {
      const uint64_t refused =
          (uint64_t)rs_avx2_zig_fast8(w[slot], words[slot] + i, z + slot * factorStride + first + i);
      refusedBits[slot][i >> 6] |= refused << (i & 63);
    }
  }
  for (int slot = 0; slot < 4; slot++) {
    for (int part = 0; part < 256 / 64; part++) {
      for (uint64_t bits = refusedBits[slot][part]; bits; bits &= bits - 1) {
        const int32_t i = part * 64 + __builtin_ctzll(bits);
        RS_NAME(rs_zig_enqueue)(
            queue, firstPath + (uint32_t)(first + i), (uint32_t)slot, words[slot][i],
            slot * (int32_t)factorStride + first + i);
      }
    }
  }
  if (whole < n) RS_NAME(rs_zig_fast_lanes)(key0, key1, firstPath, first + whole, n - whole, month, z, factorStride, queue);
}
#endif

static void RS_NAME(rs_factor_normals)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t lanes, int32_t firstMonth, int32_t lastMonth,
    double *out, ptrdiff_t monthStride, ptrdiff_t factorStride) {
  // The fast path for every lane and factor (vectorised), then the retries of the few normals it refused, a
  // chunk's at once; each retry is addressed by its path, month and slot, so their order does not matter.
  enum { chunk = 256 };
  struct RS_NAME(rs_zig_queue) queue;
  for (int32_t m = firstMonth; m <= lastMonth; m++) {
    double *z = out + (ptrdiff_t)(m - firstMonth) * monthStride;
    for (int32_t first = 0; first < lanes; first += chunk) {
      const int32_t n = lanes - first < chunk ? lanes - first : chunk;
      queue.count = 0;
#ifdef RS_ZIGGURAT_AVX2
      RS_NAME(rs_zig_fast_eights)(key0, key1, firstPath, first, n, (uint32_t)m, z, factorStride, &queue);
#else
      RS_NAME(rs_zig_fast_lanes)(key0, key1, firstPath, first, n, (uint32_t)m, z, factorStride, &queue);
#endif
      if (queue.count == 0) continue;
      RS_NAME(rs_zig_retries)(
          key0, key1, (uint32_t)m, queue.count, queue.path, queue.slot, queue.word, queue.pending, queue.value);
      for (int32_t k = 0; k < queue.count; k++) z[queue.at[k]] = queue.value[k];
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
