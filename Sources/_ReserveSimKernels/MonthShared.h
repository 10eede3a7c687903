// The month's passes' shared helpers: the never-month, a Geometric wait, the list of flagged lanes and a lane's
// words of address. Compiled once per instruction-set level from KernelBody.h (it uses its rs_philox, rs_log and
// RS_NAME); the macros are undefined at the end of KernelBody.h.

#define RS_NEVER ((int32_t)1 << 30)

/// Distributions.geometricWait: G = ⌈ln u / ln(1 − q)⌉ in [1, never], never when ln(1 − q) = 0.
RS_INLINE int32_t RS_NAME(rs_geometric_wait)(double u, double logNoSuccess) {
  if (logNoSuccess == 0) return RS_NEVER;
  const double wait = __builtin_ceil(RS_NAME(rs_log)(u) / logNoSuccess);
  return wait < 1 ? 1 : wait >= (double)RS_NEVER ? RS_NEVER : (int32_t)wait;
}

/// The lanes whose flag byte is not 0 (any of its bits), in lane order, into `list`; returns how many. Reads the
/// flags eight at a time: each byte folded onto its lowest bit, a word's lowest set bit is its first flagged lane.
RS_INLINE int32_t RS_NAME(rs_flagged_lanes)(const uint8_t *flags, int32_t lanes, int32_t *list) {
  int32_t count = 0, base = 0;
  for (; base + 8 <= lanes; base += 8) {
    uint64_t word;
    memcpy(&word, flags + base, 8);
    word |= word >> 4;
    word |= word >> 2;
    word |= word >> 1;
    for (word &= 0x0101010101010101u; word; word &= word - 1) list[count++] = base + __builtin_ctzll(word) / 8;
  }
  for (; base < lanes; base++) {
    if (flags[base]) list[count++] = base;
  }
  return count;
}

/// The scratch's flag bytes (one per lane) and the list of flagged lanes that follows them.
#define RS_FLAGS(at) ((uint8_t *)(at)->scratch)
#define RS_LIST(at) ((int32_t *)((at)->scratch + (at)->stride / 8 + 1))

/// Four words of address (path, month, stream, 0).
RS_INLINE void RS_NAME(rs_words)(
    const rs_block_month *at, int32_t lane, int32_t month, uint32_t stream, uint32_t w[4]) {
  RS_NAME(rs_philox)(at->firstPath + (uint32_t)lane, (uint32_t)month, stream, 0, at->key0, at->key1, w);
}
