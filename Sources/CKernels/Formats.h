// Per-format row kernels: a dot product of one stored row with an fp32 vector, and the decoding
// of stored rows to fp32. Each exists portably (Rows.c) and for AVX2 (RowsAVX2.c).
#ifndef CKERNELS_FORMATS_H
#define CKERNELS_FORMATS_H

#include "Internal.h"

/// Σₖ W[k]·x[k] over one row of `cols` elements. `blockSums` holds Σ x over each 32-element
/// block, which Q4_0 and Q4_1 need because their offsets factor out of the sum (NULL for the
/// other formats): for Q4_0 `blockSums[b]`, for Q4_1 `blockSums[2b + 1]` with zeros at the even
/// indices, to line up with the (d, m) pairs the vector kernel widens together.
typedef float (*ck_dot_fn)(const uint8_t *row, const float *x, const float *blockSums,
                           int64_t cols);

/// Decodes `rows` consecutive rows starting at `row` into `out` (rows × cols fp32).
typedef void (*ck_decode_fn)(const uint8_t *row, int64_t rows, int64_t cols, float *out);

typedef struct {
  ck_dot_fn dot;
  ck_decode_fn decode;
} ck_row_kernels;

/// Whether `format` uses the 32-element block sums of x.
static inline int ck_needs_block_sums(ck_format format) {
  return format == CK_Q4_0 || format == CK_Q4_1;
}

ck_row_kernels ck_portable_kernels(ck_format format);
#if CK_X86
ck_row_kernels ck_avx2_kernels(ck_format format);
#endif

/// The kernels this CPU should use for `format`.
static inline ck_row_kernels ck_kernels(ck_format format) {
#if CK_X86
  if (ck_have_avx2()) return ck_avx2_kernels(format);
#endif
  return ck_portable_kernels(format);
}

/// One input row quantized for the integer kernels (Int16Activations.c): per 32-element block
/// b, x ≈ d[b]·q; `sum[b]` is the exact Σ x of the block and `qsum[b]` Σ q (as a float);
/// `dsum` holds (d[b], sum[b]) pairs, to line up with Q4_1's (d, m) pairs.
typedef struct {
  int16_t *q;
  float *d, *sum, *qsum, *dsum;
} ck_q16_row;

/// y[r] = Σ W[r]·x over `count` stored rows `rowBytes` apart, with x quantized (`cols` a
/// multiple of 32).
typedef void (*ck_q16_rows_fn)(const uint8_t *rows, size_t rowBytes, int64_t count,
                              const ck_q16_row *x, int64_t cols, float *y);

void ck_quantize_q16(const float *x, int64_t cols, ck_q16_row *out);
void ck_quantize_q16_portable(const float *x, int64_t cols, ck_q16_row *out);
ck_q16_rows_fn ck_portable_q16_rows(ck_format format);
#if CK_X86
ck_q16_rows_fn ck_avx2_q16_rows(ck_format format);

#endif
/// Whether `format` has an integer kernel (the block formats).
int ck_has_q16_kernel(ck_format format);

#endif
