// _ReserveSimKernels: the engine's wide-vector inner loops, in C so that each can be compiled for several
// instruction sets and chosen at run time. An implementation detail of ReserveSim, not API.
//
// Every kernel computes exactly what the Swift reference in Sources/ReserveSim/Engine computes
// (Philox4x32, RandomStreams, VectorMath): the same IEEE operations in the same order, no FMA contraction,
// no libm, so every instruction-set level gives the same bits (a test checks each level the machine has).
#ifndef RESERVESIM_KERNELS_H
#define RESERVESIM_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Instruction-set levels: 0 = the target's baseline (SSE2 on x86-64), 1 = AVX2, 2 = AVX-512 (F, DQ, VL, BW).
enum { RS_LEVEL_BASELINE = 0, RS_LEVEL_AVX2 = 1, RS_LEVEL_AVX512 = 2 };

/// The highest level this CPU supports (0 on non-x86 machines).
int rs_kernels_supported_level(void);
/// The level in use (the highest supported, unless changed).
int rs_kernels_level(void);
/// Uses `level` (clamped to what the CPU supports) from now on and returns the level chosen. For tests and
/// benchmarks; not safe while kernels run on other threads.
int rs_kernels_set_level(int level);

/// The factor shocks z(m) of paths firstPath … firstPath+lanes−1 for months firstMonth … lastMonth:
/// Philox4x32-10 of counter (path, m, 0x01000000, 0) under key (key0, key1) gives words w0…w3, and
/// Box–Muller gives z0 = r₀·cos 2πu₁, z1 = r₀·sin 2πu₁, z2 = r₂·cos 2πu₃, z3 = r₂·sin 2πu₃ with
/// rᵢ = √(−2 ln uᵢ) and uᵢ = (wᵢ + ½)·2⁻³². Factor k of month m and lane j goes to
/// out[k·factorStride + (m − firstMonth)·monthStride + j].
void rs_factor_normals(
    uint32_t key0, uint32_t key1, uint32_t firstPath, int32_t lanes, int32_t firstMonth, int32_t lastMonth,
    double *out, ptrdiff_t monthStride, ptrdiff_t factorStride);

/// One month of a factor's log random walk, x ← x + (drift + sd·ε) lane by lane, and, when `level` is not
/// NULL, level = exp(x) (the engine's exp). `epsilon` may be NULL when sd is 0.
void rs_advance_factor(
    double *logLevel, const double *epsilon, double drift, double sd, double *level, int32_t lanes);

/// out = exp(a + b) lane by lane (the engine's exp).
void rs_exp_of_sum(const double *a, const double *b, double *out, int32_t lanes);

#ifdef __cplusplus
}
#endif

#endif
