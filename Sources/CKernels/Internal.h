// Declarations shared by the kernel files; not part of the public interface.
#ifndef CKERNELS_INTERNAL_H
#define CKERNELS_INTERNAL_H

#include "CKernels.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "CKernels reads little-endian checkpoint data in place and needs a little-endian CPU"
#endif

// Functions compiled for AVX2 + FMA + F16C regardless of the target's baseline, called only
// after `ck_have_avx2()` said yes.
#if defined(__x86_64__) || defined(__i386__)
#define CK_X86 1
#define CK_AVX2 __attribute__((target("avx2,fma,f16c")))
#else
#define CK_X86 0
#endif

/// Whether this CPU runs the AVX2 + FMA + F16C kernels (cached after the first call).
int ck_have_avx2(void);

/// `ck_parallel_for` that always splits the work across the pool (no timing, no fallback to the
/// caller alone except when the pool is busy): for the bandwidth probe.
void ck_parallel_for_always(ck_range_fn fn, void *context, int64_t count, int64_t chunk);

/// fp16 → fp32 for one value (portable).
float ck_half_to_float(uint16_t bits);

#if CK_X86
#include <immintrin.h>
#include <string.h>

/// The 32-bit words at `p`, `p + stride`, `p + 2·stride`, `p + 3·stride`, as one vector (the
/// scales of four blocks, or of one block in four rows).
CK_AVX2 static inline __m128i ck_gather4x32(const uint8_t *p, size_t stride) {
  uint32_t w0, w1, w2, w3;
  memcpy(&w0, p, 4);
  memcpy(&w1, p + stride, 4);
  memcpy(&w2, p + 2 * stride, 4);
  memcpy(&w3, p + 3 * stride, 4);
  return _mm_set_epi64x((int64_t)((uint64_t)w3 << 32 | w2), (int64_t)((uint64_t)w1 << 32 | w0));
}

/// The fp16 values at `p`, `p + stride`, `p + 2·stride`, `p + 3·stride`, widened to 4 floats
/// (the scales of four Q8_0 or Q4_0 blocks).
CK_AVX2 static inline __m128 ck_halves4(const uint8_t *p, size_t stride) {
  uint16_t h[4];
  for (int i = 0; i < 4; i++) memcpy(&h[i], p + (size_t)i * stride, 2);
  return _mm_cvtph_ps(_mm_loadl_epi64((const __m128i *)h));
}
#endif

#endif
