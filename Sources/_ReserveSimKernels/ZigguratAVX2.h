// The factor shocks at the AVX2 level by intrinsics: Philox4x32-10 on eight 32-bit lanes at once (sixteen as two
// interleaved sets) and the ziggurat's fast path with both of a layer's table entries in one 16-byte load. The same operations as the plain
// loop in MonthFactors.h, so the same bits (VectorKernelTests, goldens), which clang vectorises on 64-bit lanes
// and with each table entry loaded alone and inserted into its vector: measured on a Zen 3, the fast path of a
// lane-month's 4 normals in 5.3 ns against 6.6 for that loop. Included by KernelBody.h for the AVX2 level only
// (RS_ZIGGURAT_AVX2); the AVX-512 level keeps the plain loop (no AVX-512 CPU was at hand to measure one against it).

#include <immintrin.h>

/// The 32 × 32 → 64-bit products of eight lanes by one multiplier: their high and low words.
RS_INLINE void rs_avx2_mul_hi_lo(__m256i a, __m256i multiplier, __m256i *high, __m256i *low) {
  const __m256i even = _mm256_mul_epu32(a, multiplier);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), multiplier);
  *low = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xaa);
  *high = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xaa);
}

/// rs_philox for eight counters (c0 + 0 … c0 + 7, c1, c2, c3): word k of lane j in out[k], lane j.
RS_INLINE void rs_avx2_philox8(
    uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1, __m256i out[4]) {
  const __m256i m0 = _mm256_set1_epi32((int32_t)0xD2511F53u), m1 = _mm256_set1_epi32((int32_t)0xCD9E8D57u);
  __m256i x0 = _mm256_add_epi32(_mm256_set1_epi32((int32_t)c0), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256i x1 = _mm256_set1_epi32((int32_t)c1), x2 = _mm256_set1_epi32((int32_t)c2);
  __m256i x3 = _mm256_set1_epi32((int32_t)c3);
  uint32_t key0 = k0, key1 = k1;
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      key0 += 0x9E3779B9u;
      key1 += 0xBB67AE85u;
    }
    __m256i high0, low0, high1, low1;
    rs_avx2_mul_hi_lo(x0, m0, &high0, &low0);
    rs_avx2_mul_hi_lo(x2, m1, &high1, &low1);
    x0 = _mm256_xor_si256(_mm256_xor_si256(high1, x1), _mm256_set1_epi32((int32_t)key0));
    x1 = low1;
    x2 = _mm256_xor_si256(_mm256_xor_si256(high0, x3), _mm256_set1_epi32((int32_t)key1));
    x3 = low0;
  }
  out[0] = x0;
  out[1] = x1;
  out[2] = x2;
  out[3] = x3;
}

/// rs_avx2_philox8 for sixteen counters (c0 + 0 … c0 + 15) as two interleaved sets of eight: two independent chains
/// of dependent multiplies in flight, where one set alone leaves the core waiting on each round's product. Word k of
/// lane j in out[k] (j < 8) and out[4 + k] (j ≥ 8).
RS_INLINE void rs_avx2_philox16(
    uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1, __m256i out[8]) {
  const __m256i m0 = _mm256_set1_epi32((int32_t)0xD2511F53u), m1 = _mm256_set1_epi32((int32_t)0xCD9E8D57u);
  const __m256i first = _mm256_add_epi32(_mm256_set1_epi32((int32_t)c0), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256i a0 = first, b0 = _mm256_add_epi32(first, _mm256_set1_epi32(8));
  __m256i a1 = _mm256_set1_epi32((int32_t)c1), a2 = _mm256_set1_epi32((int32_t)c2);
  __m256i a3 = _mm256_set1_epi32((int32_t)c3);
  __m256i b1 = a1, b2 = a2, b3 = a3;
  uint32_t key0 = k0, key1 = k1;
  for (int round = 0; round < 10; round++) {
    if (round > 0) {
      key0 += 0x9E3779B9u;
      key1 += 0xBB67AE85u;
    }
    const __m256i key0s = _mm256_set1_epi32((int32_t)key0), key1s = _mm256_set1_epi32((int32_t)key1);
    __m256i ah0, al0, ah1, al1, bh0, bl0, bh1, bl1;
    rs_avx2_mul_hi_lo(a0, m0, &ah0, &al0);
    rs_avx2_mul_hi_lo(b0, m0, &bh0, &bl0);
    rs_avx2_mul_hi_lo(a2, m1, &ah1, &al1);
    rs_avx2_mul_hi_lo(b2, m1, &bh1, &bl1);
    a0 = _mm256_xor_si256(_mm256_xor_si256(ah1, a1), key0s);
    b0 = _mm256_xor_si256(_mm256_xor_si256(bh1, b1), key0s);
    a1 = al1;
    b1 = bl1;
    a2 = _mm256_xor_si256(_mm256_xor_si256(ah0, a3), key1s);
    b2 = _mm256_xor_si256(_mm256_xor_si256(bh0, b3), key1s);
    a3 = al0;
    b3 = bl0;
  }
  out[0] = a0;
  out[1] = a1;
  out[2] = a2;
  out[3] = a3;
  out[4] = b0;
  out[5] = b1;
  out[6] = b2;
  out[7] = b3;
}

/// (w_i·2⁻³¹, w_(i+1)) of four lanes' layers — the low bytes of the four 32-bit words at `word` — as two vectors.
RS_INLINE __m256d rs_avx2_zig_pairs4(const uint32_t *word, __m256d *next) {
  const __m128d p0 = _mm_load_pd(rs_zig_scaled_pair[word[0] & 255u]);
  const __m128d p1 = _mm_load_pd(rs_zig_scaled_pair[word[1] & 255u]);
  const __m128d p2 = _mm_load_pd(rs_zig_scaled_pair[word[2] & 255u]);
  const __m128d p3 = _mm_load_pd(rs_zig_scaled_pair[word[3] & 255u]);
  const __m256d even = _mm256_insertf128_pd(_mm256_castpd128_pd256(p0), p2, 1);
  const __m256d odd = _mm256_insertf128_pd(_mm256_castpd128_pd256(p1), p3, 1);
  *next = _mm256_unpackhi_pd(even, odd);
  return _mm256_unpacklo_pd(even, odd);
}

/// rs_zig_fast on eight words (stored at `word`, also in `w`): the values x into out[0 … 7], and the lanes refused,
/// bit j for lane j.
RS_INLINE int rs_avx2_zig_fast8(__m256i w, const uint32_t *word, double *out) {
  const __m256i v = _mm256_add_epi32(_mm256_andnot_si256(_mm256_set1_epi32(255), w), _mm256_set1_epi32(128));
  const __m256d magnitude = _mm256_castsi256_pd(_mm256_set1_epi64x(INT64_MAX));
  __m256d nextLow, nextHigh;
  const __m256d widthLow = rs_avx2_zig_pairs4(word, &nextLow), widthHigh = rs_avx2_zig_pairs4(word + 4, &nextHigh);
  const __m256d low = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(v)), widthLow);
  const __m256d high = _mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(v, 1)), widthHigh);
  _mm256_storeu_pd(out, low);
  _mm256_storeu_pd(out + 4, high);
  const int acceptedLow = _mm256_movemask_pd(_mm256_cmp_pd(_mm256_and_pd(low, magnitude), nextLow, _CMP_LT_OQ));
  const int acceptedHigh = _mm256_movemask_pd(_mm256_cmp_pd(_mm256_and_pd(high, magnitude), nextHigh, _CMP_LT_OQ));
  return ~(acceptedLow | acceptedHigh << 4) & 255;
}
