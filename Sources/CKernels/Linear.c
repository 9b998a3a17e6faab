// `y = x·Wᵀ + b` over stored weights, on the thread pool.
//
// One input row (decode): every weight is read once, so the product streams W from memory at
// the bandwidth limit; each row of W is one dot product (`ck_dot_fn`) that widens the stored
// values in registers. Threads take chunks of rows.
//
// Several input rows (prefill): each group of 4 rows of W is decoded once to fp32 into a small
// per-thread panel (L1/L2-resident), then multiplied with every input row by a register-blocked
// tile of 3 input rows × 4 weight rows (12 AVX2 accumulators), so decoding costs once per
// weight instead of once per weight and token, and the FMA units, not the loads, set the pace.
//
// One input row with 4-bit block weights and quantized activations on (Int16Activations.c):
// the row is rounded to 16-bit integers per block and multiplied with W's rows in integers.
// Several rows keep the fp32 tiles, which are faster there (prefill 195–230 tok/s against 143
// on SmolLM2, one thread); a batched row then differs from the same row alone by the input's
// rounding (≤ half a 16-bit step per element).
#include "Formats.h"

#include <stdlib.h>

#if CK_X86
#include <immintrin.h>
#endif

enum { panelRows = 4, tileInputs = 3 };

int ck_have_avx2(void) {
#if CK_X86
  static _Atomic int cached = -1;
  int have = cached;
  if (have < 0) {
    __builtin_cpu_init();
    have = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
           && __builtin_cpu_supports("f16c");
    cached = have;
  }
  return have;
#else
  return 0;
#endif
}

const char *ck_isa(void) { return ck_have_avx2() ? "avx2" : "portable"; }

static void decodeRows(ck_row_kernels kernels, ck_format format, const void *weights,
                       int64_t cols, int64_t first, int64_t count, float *out) {
  if (count <= 0 || cols <= 0) return;
  const uint8_t *base = (const uint8_t *)weights + (size_t)first * ck_row_bytes(format, cols);
  kernels.decode(base, count, cols, out);
}

void ck_decode_rows(ck_format format, const void *weights, int64_t cols, int64_t first,
                    int64_t count, float *out) {
  decodeRows(ck_kernels(format), format, weights, cols, first, count, out);
}

void ck_decode_rows_portable(ck_format format, const void *weights, int64_t cols, int64_t first,
                             int64_t count, float *out) {
  decodeRows(ck_portable_kernels(format), format, weights, cols, first, count, out);
}

typedef struct {
  int vector;  // AVX2 tiles (the row kernels are chosen to match)
  ck_row_kernels kernels;
  const uint8_t *weights;
  size_t rowBytes;
  int64_t rows, cols;
  const float *x;
  int64_t n;
  const float *blockSums;  // one input row's Σ x per 32-block (layout: Formats.h), or NULL
  ck_q16_rows_fn q16rows;  // the integer kernel, with the one input row quantized into `q16`
  ck_q16_row q16;
  const float *bias;
  float *y;
} Product;

// MARK: - One input row

#ifndef ROWS_AHEAD
#define ROWS_AHEAD 8
#endif

static void dotRows(void *context, int64_t begin, int64_t end) {
  const Product *p = context;
  const char *last = (const char *)p->weights + (size_t)end * p->rowBytes;
  for (int64_t r = begin; r < end; r++) {
#if CK_X86
    // Ask for the row ROWS_AHEAD on: the hardware prefetcher alone leaves the kernels waiting
    // on memory at the start of short rows.
    const char *ahead = (const char *)p->weights + (size_t)(r + ROWS_AHEAD) * p->rowBytes;
    for (size_t line = 0; line < p->rowBytes && ahead + line < last; line += 64)
      _mm_prefetch(ahead + line, _MM_HINT_T0);
#endif
    float v = p->kernels.dot(p->weights + (size_t)r * p->rowBytes, p->x, p->blockSums, p->cols);
    p->y[r] = p->bias ? v + p->bias[r] : v;
  }
}

// MARK: - Several input rows

/// y[i][s] = Σₖ x[i][k]·w[s][k] (+ bias[s]) for i < R, s < S; x rows and w rows `cols` apart.
#define TILE_BODY(VEC)                                                                \
  for (int i = 0; i < R; i++) {                                                       \
    for (int s = 0; s < S; s++) {                                                     \
      float v = VEC;                                                                  \
      for (int64_t kk = k; kk < cols; kk++) v += x[i * cols + kk] * w[s * cols + kk]; \
      y[i * ldy + s] = bias ? v + bias[s] : v;                                        \
    }                                                                                 \
  }

static inline __attribute__((always_inline)) void tilePortable(
    int R, int S, const float *x, const float *w, int64_t cols, float *y, int64_t ldy,
    const float *bias) {
  int64_t k = 0;
  TILE_BODY(0.0f)
}

#if CK_X86
CK_AVX2 static inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

CK_AVX2 static inline __attribute__((always_inline)) void tileAVX2(
    int R, int S, const float *x, const float *w, int64_t cols, float *y, int64_t ldy,
    const float *bias) {
  __m256 acc[tileInputs][panelRows];
  for (int i = 0; i < R; i++)
    for (int s = 0; s < S; s++) acc[i][s] = _mm256_setzero_ps();
  int64_t k = 0;
  for (; k + 8 <= cols; k += 8) {
    // 12 accumulators + 3 inputs + 1 weight = the 16 ymm registers, nothing spilled.
    __m256 xv[tileInputs];
    for (int i = 0; i < R; i++) xv[i] = _mm256_loadu_ps(x + i * cols + k);
    for (int s = 0; s < S; s++) {
      __m256 wv = _mm256_loadu_ps(w + s * cols + k);
      for (int i = 0; i < R; i++) acc[i][s] = _mm256_fmadd_ps(xv[i], wv, acc[i][s]);
    }
  }
  TILE_BODY(hsum8(acc[i][s]))
}

#define TILE_CASE(R, S) \
  case (R) * 8 + (S): tileAVX2(R, S, x, w, cols, y, ldy, bias); return;

CK_AVX2 static void tileAVX2Any(int R, int S, const float *x, const float *w, int64_t cols,
                                float *y, int64_t ldy, const float *bias) {
  switch (R * 8 + S) {
    TILE_CASE(3, 4) TILE_CASE(3, 3) TILE_CASE(3, 2) TILE_CASE(3, 1)
    TILE_CASE(2, 4) TILE_CASE(2, 3) TILE_CASE(2, 2) TILE_CASE(2, 1)
    TILE_CASE(1, 4) TILE_CASE(1, 3) TILE_CASE(1, 2) TILE_CASE(1, 1)
  }
}
#endif

static void tileAny(int vector, int R, int S, const float *x, const float *w, int64_t cols,
                    float *y, int64_t ldy, const float *bias) {
#if CK_X86
  if (vector) {
    tileAVX2Any(R, S, x, w, cols, y, ldy, bias);
    return;
  }
#endif
  tilePortable(R, S, x, w, cols, y, ldy, bias);
}

/// Items are panels of `panelRows` rows of W.
static void matrixPanels(void *context, int64_t begin, int64_t end) {
  const Product *p = context;
  float *panel = ck_scratch((size_t)(panelRows * p->cols));
  if (!panel) abort();  // a few KB per thread: out of memory is not recoverable here
  for (int64_t item = begin; item < end; item++) {
    int64_t first = item * panelRows;
    int S = (int)(p->rows - first < panelRows ? p->rows - first : panelRows);
    p->kernels.decode(p->weights + (size_t)first * p->rowBytes, S, p->cols, panel);
    const float *bias = p->bias ? p->bias + first : NULL;
    for (int64_t i = 0; i < p->n; i += tileInputs) {
      int R = (int)(p->n - i < tileInputs ? p->n - i : tileInputs);
      tileAny(p->vector, R, S, p->x + i * p->cols, panel, p->cols, p->y + i * p->rows + first, p->rows, bias);
    }
  }
}

/// Items are chunks of W's rows, multiplied with the quantized input row.
static void integerRows(void *context, int64_t begin, int64_t end) {
  const Product *p = context;
  p->q16rows(p->weights + (size_t)begin * p->rowBytes, p->rowBytes, end - begin, &p->q16, p->cols,
             p->y + begin);
  if (p->bias)
    for (int64_t r = begin; r < end; r++) p->y[r] += p->bias[r];
}

/// Chunks of ~32 KB of weights: small enough to balance two threads, large enough that handing
/// them out costs nothing (and, for several input rows, to stay in L2 while they are reused).
static int64_t rowChunk(size_t rowBytes) {
  int64_t chunk = (int64_t)(32768 / (rowBytes ? rowBytes : 1));
  return chunk < 8 ? 8 : chunk;
}

/// The integer path for one input row: the row quantized (Int16Activations.c) into the
/// calling thread's scratch buffer (no allocation per call), then `integerRows`.
static void integerLinear(Product *p, ck_format format) {
  int64_t blocks = p->cols / 32;
  // cols int16s (cols/2 floats' room; cols is a multiple of 32, so what follows stays aligned),
  // then five floats per block.
  float *scratch = ck_scratch((size_t)(p->cols / 2 + 5 * blocks));
  if (!scratch) abort();  // a few KB: out of memory is not recoverable here
  float *f = scratch + p->cols / 2;
  p->q16 = (ck_q16_row){
      .q = (int16_t *)scratch, .d = f, .sum = f + blocks, .qsum = f + 2 * blocks, .dsum = f + 3 * blocks};
  (p->vector ? ck_quantize_q16 : ck_quantize_q16_portable)(p->x, p->cols, &p->q16);
#if CK_X86
  p->q16rows = p->vector ? ck_avx2_q16_rows(format) : ck_portable_q16_rows(format);
#else
  p->q16rows = ck_portable_q16_rows(format);
#endif
  ck_parallel_for(integerRows, p, p->rows, rowChunk(p->rowBytes));
}

static void linear(int vector, int quantized, ck_format format, const void *weights, int64_t rows,
                   int64_t cols, const float *x, int64_t n, const float *bias, float *y) {
  if (rows <= 0 || n <= 0) return;
  Product p = {
      .vector = vector,
      .kernels = vector ? ck_kernels(format) : ck_portable_kernels(format), .weights = weights, .rowBytes = ck_row_bytes(format, cols),
      .rows = rows, .cols = cols, .x = x, .n = n, .blockSums = NULL, .bias = bias, .y = y};
  if (n == 1 && ck_has_q16_kernel(format) && quantized) {
    integerLinear(&p, format);
    return;
  }
  if (n == 1) {
    float *sums = NULL;
    if (ck_needs_block_sums(format)) {
      // Laid out as the row kernels expect (Formats.h): Q4_1's interleaved with zeros.
      int spread = format == CK_Q4_1 ? 2 : 1;
      int64_t blocks = cols / 32;
      sums = calloc((size_t)(spread * blocks + 8), sizeof(float));
      if (!sums) abort();
      for (int64_t b = 0; b < blocks; b++) {
        float s = 0;
        for (int j = 0; j < 32; j++) s += x[b * 32 + j];
        sums[spread * b + spread - 1] = s;
      }
      p.blockSums = sums;
    }
    ck_parallel_for(dotRows, &p, rows, rowChunk(p.rowBytes));
    free(sums);
    return;
  }
  ck_parallel_for(matrixPanels, &p, (rows + panelRows - 1) / panelRows, 4);
}

void ck_linear(ck_format format, const void *weights, int64_t rows, int64_t cols, const float *x,
               int64_t n, const float *bias, float *y) {
  linear(ck_have_avx2(), ck_quantized_activations(), format, weights, rows, cols, x, n, bias, y);
}

void ck_linear_with(int portable, int quantizedActivations, ck_format format,
                    const void *weights, int64_t rows, int64_t cols, const float *x, int64_t n,
                    const float *bias, float *y) {
  linear(!portable && ck_have_avx2(), quantizedActivations, format, weights, rows, cols, x, n,
         bias, y);
}
