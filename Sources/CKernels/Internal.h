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

#endif
