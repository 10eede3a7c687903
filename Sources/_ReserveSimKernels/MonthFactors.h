// The factors' pass (SPEC §2): the shocks of a block's months (Philox words, the ziggurat) and each factor's log
// random walk and level. Compiled once per instruction-set level from KernelBody.h.

/// The most refused normals queued before their retries run: a chunk's worst case (4 · 256) on top of what is
/// waiting, which runs once over 512 wait. About 1.5% of the words are refused, so a block's 12 months (256 lanes)
/// queue some 180 and run their retries in one call, where a call per month and chunk held a dozen (measured: the
/// normals of a lane-month 2% faster).
enum { RS_NAME(rs_zig_queue_capacity) = 1536 };

/// The normals the fast path refused, waiting for rs_zig_retries: the path, month and slot (factor) that address
/// each one's retry stream, the word it goes on from, and where its value lands in the block's rows.
struct RS_NAME(rs_zig_queue) {
  int32_t count;
  uint32_t path[RS_NAME(rs_zig_queue_capacity)], month[RS_NAME(rs_zig_queue_capacity)];
  uint32_t slot[RS_NAME(rs_zig_queue_capacity)], word[RS_NAME(rs_zig_queue_capacity)];
  ptrdiff_t at[RS_NAME(rs_zig_queue_capacity)];
  int32_t pending[RS_NAME(rs_zig_queue_capacity)];
  double value[RS_NAME(rs_zig_queue_capacity)];
};

RS_INLINE void RS_NAME(rs_zig_enqueue)(
    struct RS_NAME(rs_zig_queue) *queue, uint32_t path, uint32_t month, uint32_t slot, uint32_t word, ptrdiff_t at) {
  const int32_t k = queue->count++;
  queue->path[k] = path;
  queue->month[k] = month;
  queue->slot[k] = slot;
  queue->word[k] = word;
  queue->at[k] = at;
}

/// The fast path of lanes [first, first + n) of one month (n ≤ 256), by the plain loop the compiler vectorises:
/// the accepted normals into their rows, the refused ones queued.
RS_INLINE void RS_NAME(rs_zig_fast_lanes)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t first, int32_t n, uint32_t month, double *z,
    ptrdiff_t zOffset, ptrdiff_t factorStride, struct RS_NAME(rs_zig_queue) *queue) {
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
    double *row = z + zOffset + first + i;
    row[0] = x0;
    row[factorStride] = x1;
    row[2 * factorStride] = x2;
    row[3 * factorStride] = x3;
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
          queue, firstPath + (uint32_t)(first + i), month, (uint32_t)slot, words[slot][i],
          zOffset + slot * factorStride + first + i);
    }
  }
}

#ifdef RS_ZIGGURAT_AVX2
/// rs_zig_fast_lanes at AVX2 (ZigguratAVX2.h), eight lanes at a time and the last n mod 8 by the plain loop. First
/// every lane's words, sixteen lanes at a time (rs_avx2_philox16: two chains of multiplies in flight), then the fast
/// path slot by slot, each eight lanes' refusals stored as one byte (a plain store, where or-ing them into a 64-bit
/// word chained every step to the one before), and the refused normals queued after the loop, one branch per set
/// bit (a test per eight lanes was mispredicted for a third of them). The same operations, so the same bits.
RS_INLINE void RS_NAME(rs_zig_fast_eights)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t first, int32_t n, uint32_t month, double *z,
    ptrdiff_t zOffset, ptrdiff_t factorStride, struct RS_NAME(rs_zig_queue) *queue) {
  const int32_t whole = n & ~7;
  uint32_t words[4][256];
  uint8_t refused[4][256 / 8];
  int32_t i = 0;
  for (; i + 16 <= whole; i += 16) {
    __m256i w[8];
    rs_avx2_philox16(firstPath + (uint32_t)(first + i), month, 0x01000000u, 0, key0, key1, w);
    for (int slot = 0; slot < 4; slot++) {
      _mm256_storeu_si256((__m256i *)(words[slot] + i), w[slot]);
      _mm256_storeu_si256((__m256i *)(words[slot] + i + 8), w[4 + slot]);
    }
  }
  if (i < whole) {
    __m256i w[4];
    rs_avx2_philox8(firstPath + (uint32_t)(first + i), month, 0x01000000u, 0, key0, key1, w);
    for (int slot = 0; slot < 4; slot++) _mm256_storeu_si256((__m256i *)(words[slot] + i), w[slot]);
  }
  for (int slot = 0; slot < 4; slot++) {
    double *row = z + zOffset + slot * factorStride + first;
    for (i = 0; i < whole; i += 8) {
      const __m256i w = _mm256_loadu_si256((const __m256i *)(words[slot] + i));
      refused[slot][i >> 3] = (uint8_t)rs_avx2_zig_fast8(w, words[slot] + i, row + i);
    }
    for (; i < 256; i += 8) refused[slot][i >> 3] = 0;
  }
  for (int slot = 0; slot < 4; slot++) {
    for (int part = 0; part < 256 / 64; part++) {
      uint64_t bits;
      memcpy(&bits, refused[slot] + part * 8, sizeof bits);
      for (; bits; bits &= bits - 1) {
        i = part * 64 + __builtin_ctzll(bits);
        RS_NAME(rs_zig_enqueue)(
            queue, firstPath + (uint32_t)(first + i), month, (uint32_t)slot, words[slot][i],
            zOffset + slot * factorStride + first + i);
      }
    }
  }
  if (whole < n) {
    RS_NAME(rs_zig_fast_lanes)(
        key0, key1, firstPath, first + whole, n - whole, month, z, zOffset, factorStride, queue);
  }
}
#endif

/// Runs the queued retries and writes their normals into the block's rows; empties the queue.
RS_INLINE void RS_NAME(rs_zig_flush)(uint32_t key0, uint32_t key1, double *z, struct RS_NAME(rs_zig_queue) *queue) {
  if (queue->count == 0) return;
  RS_NAME(rs_zig_retries)(
      key0, key1, queue->count, queue->path, queue->month, queue->slot, queue->word, queue->pending, queue->value);
  for (int32_t k = 0; k < queue->count; k++) z[queue->at[k]] = queue->value[k];
  queue->count = 0;
}

static void RS_NAME(rs_factor_normals)(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t lanes, int32_t firstMonth, int32_t lastMonth,
    double *out, ptrdiff_t monthStride, ptrdiff_t factorStride) {
  // The fast path for every lane and factor (vectorised), then the retries of the few normals it refused, many
  // chunks' and months' at once (a call per month held a dozen); each retry is addressed by its path, month and slot,
  // so their order does not matter.
  enum { chunk = 256 };
  struct RS_NAME(rs_zig_queue) queue;
  queue.count = 0;
  for (int32_t m = firstMonth; m <= lastMonth; m++) {
    const ptrdiff_t zOffset = (ptrdiff_t)(m - firstMonth) * monthStride;
    for (int32_t first = 0; first < lanes; first += chunk) {
      const int32_t n = lanes - first < chunk ? lanes - first : chunk;
      if (queue.count > RS_NAME(rs_zig_queue_capacity) - 4 * chunk) RS_NAME(rs_zig_flush)(key0, key1, out, &queue);
#ifdef RS_ZIGGURAT_AVX2
      RS_NAME(rs_zig_fast_eights)(key0, key1, firstPath, first, n, (uint32_t)m, out, zOffset, factorStride, &queue);
#else
      RS_NAME(rs_zig_fast_lanes)(key0, key1, firstPath, first, n, (uint32_t)m, out, zOffset, factorStride, &queue);
#endif
    }
  }
  RS_NAME(rs_zig_flush)(key0, key1, out, &queue);
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
