// Integer dot products for ggml's 4-bit block formats (Q4_0, Q4_1).
//
// Widening every 4-bit weight to fp32 costs more instructions than reading it: on Q4_1 the fp32
// kernels run at ~6 GB/s, under the memory's ~12. So one input row is first rounded to 16-bit
// integers per 32-element block (d = max|x|/32767, q = round(x/d)), then each weight block is
// multiplied with it in integers (`pmaddwd`: 16-bit products summed in pairs to 32-bit, exact),
// and only the block's integer sum is converted and scaled in fp32:
//
//   Q4_0: Σ d_w (q_w − 8) · d_x q_x   = d_w d_x (Σ q_w q_x − 8 Σ q_x)
//   Q4_1: Σ (d_w q_w + m_w) · x       ≈ d_w d_x Σ q_w q_x + m_w Σ x   (Σ x exact, in fp32)
//
// llama.cpp rounds activations to 8 bits instead (`maddubs`, a little faster); on SmolLM2 that
// costs +1.3 % WikiText perplexity (31.03 against 30.64), where 16 bits cost nothing measurable.
// Accumulation across blocks is fp32. The only approximation is x's rounding, |x − x̂| ≤ d_x/2
// per element, so |error| ≤ Σ |w|·|x − x̂| ≤ Σ |w|·d_x/2, with d_x = max|x|/32767 per block.
// Both implementations (portable, AVX2) round the same way (to nearest, ties to even) and give
// the same integers; they differ only in the order of the fp32 additions.
#pragma STDC FP_CONTRACT OFF
#include "Formats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if CK_X86
#include <immintrin.h>
#endif

static _Atomic int useQuantizedActivations = -1;

int ck_quantized_activations(void) {
  int on = useQuantizedActivations;
  if (on < 0) {
    const char *env = getenv("SLICER_FP32_ACTIVATIONS");
    on = !(env && env[0] && strcmp(env, "0") != 0);
    useQuantizedActivations = on;
  }
  return on;
}

void ck_set_quantized_activations(int on) { useQuantizedActivations = on ? 1 : 0; }

// Q8_0 weights keep fp32 activations: a 16-bit integer kernel for them (two sign-extensions and
// two `pmaddwd` per block, four rows at a time) took 16 % of SmolLM2's decode profile against the
// fp32 kernel's 11 %.
int ck_has_q16_kernel(ck_format format) { return format == CK_Q4_0 || format == CK_Q4_1; }

void ck_interleave_q16(ck_q16_row *x, int64_t cols) {
  for (int64_t b = 0; b < cols / 32; b++) {
    const int16_t *q = x->q + 32 * b;
    int16_t *o = x->qp + 32 * b;
    for (int k = 0; k < 8; k++) {
      o[k] = q[2 * k];
      o[8 + k] = q[16 + 2 * k];
      o[16 + k] = q[2 * k + 1];
      o[24 + k] = q[17 + 2 * k];
    }
  }
}

// MARK: - Quantizing one input row

static inline float q16Scale(float amax) { return amax / 32767.0f; }

void ck_quantize_q16_portable(const float *x, int64_t cols, ck_q16_row *out) {
  for (int64_t b = 0; b < cols / 32; b++) {
    const float *v = x + 32 * b;
    float amax = 0, sum = 0;
    for (int j = 0; j < 32; j++) {
      amax = fmaxf(amax, fabsf(v[j]));
      sum += v[j];
    }
    float d = q16Scale(amax);
    float inverse = d != 0 ? 1.0f / d : 0.0f;
    int qsum = 0;
    for (int j = 0; j < 32; j++) {
      int q = (int)nearbyintf(v[j] * inverse);
      out->q[32 * b + j] = (int16_t)q;
      qsum += q;
    }
    out->d[b] = d;
    out->sum[b] = sum;
    out->qsum[b] = (float)qsum;
    out->dsum[2 * b] = d;
    out->dsum[2 * b + 1] = sum;
  }
}

#if CK_X86
CK_AVX2 static inline float hsum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

CK_AVX2 static inline int hsumI32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

CK_AVX2 static void quantizeAVX2(const float *x, int64_t cols, ck_q16_row *out) {
  const __m256 signBit = _mm256_set1_ps(-0.0f);
  for (int64_t b = 0; b < cols / 32; b++) {
    const float *v = x + 32 * b;
    __m256 v0 = _mm256_loadu_ps(v), v1 = _mm256_loadu_ps(v + 8);
    __m256 v2 = _mm256_loadu_ps(v + 16), v3 = _mm256_loadu_ps(v + 24);
    __m256 m = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(signBit, v0), _mm256_andnot_ps(signBit, v1)),
                             _mm256_max_ps(_mm256_andnot_ps(signBit, v2), _mm256_andnot_ps(signBit, v3)));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    float d = q16Scale(_mm_cvtss_f32(m4));
    float inverse = d != 0 ? 1.0f / d : 0.0f;
    // Σ x serially, in the portable code's order, so both give the same sum.
    float sum = 0;
    for (int j = 0; j < 32; j++) sum += v[j];
    __m256 iv = _mm256_set1_ps(inverse);
#define rounding (_MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
    __m256i i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v0, iv), rounding));
    __m256i i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v1, iv), rounding));
    __m256i i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v2, iv), rounding));
    __m256i i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v3, iv), rounding));
    int qsum = hsumI32(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
    // Pack 32-bit → 16-bit; the pack interleaves 128-bit lanes, which the permutation undoes.
    __m256i p01 = _mm256_permute4x64_epi64(_mm256_packs_epi32(i0, i1), 0xD8);
    __m256i p23 = _mm256_permute4x64_epi64(_mm256_packs_epi32(i2, i3), 0xD8);
    _mm256_storeu_si256((__m256i *)(out->q + 32 * b), p01);
    _mm256_storeu_si256((__m256i *)(out->q + 32 * b + 16), p23);
    out->d[b] = d;
    out->sum[b] = sum;
    out->qsum[b] = (float)qsum;
    out->dsum[2 * b] = d;
    out->dsum[2 * b + 1] = sum;
  }
}
#undef rounding
#endif

void ck_quantize_q16(const float *x, int64_t cols, ck_q16_row *out) {
#if CK_X86
  if (ck_have_avx2()) {
    quantizeAVX2(x, cols, out);
    return;
  }
#endif
  ck_quantize_q16_portable(x, cols, out);
}

// MARK: - Portable dot products

static inline float half(const uint8_t *p) { return ck_half_to_float((uint16_t)(p[0] | (p[1] << 8))); }

static float dotQ4_0(const uint8_t *w, const ck_q16_row *x, int64_t cols) {
  float acc = 0;
  for (int64_t b = 0; b < cols / 32; b++, w += 18) {
    int isum = 0;
    for (int j = 0; j < 16; j++) {
      isum += (w[2 + j] & 0x0F) * x->q[32 * b + j];
      isum += (w[2 + j] >> 4) * x->q[32 * b + j + 16];
    }
    acc += (half(w) * x->d[b]) * ((float)isum - 8 * x->qsum[b]);
  }
  return acc;
}

static float dotQ4_1(const uint8_t *w, const ck_q16_row *x, int64_t cols) {
  float acc = 0, offsets = 0;
  for (int64_t b = 0; b < cols / 32; b++, w += 20) {
    int isum = 0;
    for (int j = 0; j < 16; j++) {
      isum += (w[4 + j] & 0x0F) * x->q[32 * b + j];
      isum += (w[4 + j] >> 4) * x->q[32 * b + j + 16];
    }
    acc += (half(w) * x->d[b]) * (float)isum;
    offsets += half(w + 2) * x->sum[b];
  }
  return acc + offsets;
}

#define PORTABLE_ROWS(NAME, DOT)                                                        \
  static void NAME(const uint8_t *w, size_t rowBytes, int64_t count, const ck_q16_row *x, \
                   int64_t cols, float *y) {                                              \
    for (int64_t r = 0; r < count; r++) y[r] = DOT(w + r * rowBytes, x, cols);           \
  }
PORTABLE_ROWS(rowsQ4_0, dotQ4_0)
PORTABLE_ROWS(rowsQ4_1, dotQ4_1)

ck_q16_rows_fn ck_portable_q16_rows(ck_format format) {
  switch (format) {
    case CK_Q4_0: return rowsQ4_0;
    case CK_Q4_1: return rowsQ4_1;
    default: return NULL;
  }
}

// MARK: - AVX2 dot products

#if CK_X86
CK_AVX2 static inline float halfAVX2(const uint8_t *p) {
  uint16_t bits;
  memcpy(&bits, p, 2);
  return _cvtsh_ss(bits);
}

/// The 32 nibbles of a Q4 block as two vectors of 16 unsigned 16-bit words in element order:
/// the low nibbles of the 16 bytes are elements 0…15, the high nibbles 16…31.
typedef struct {
  __m256i low, high;
} Nibbles;

CK_AVX2 static inline Nibbles nibbleWords(const uint8_t *qs) {
  __m256i bytes = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)qs));
  return (Nibbles){_mm256_and_si256(bytes, _mm256_set1_epi16(0x0F)), _mm256_srli_epi16(bytes, 4)};
}

/// Σ w·x over a block's 32 nibbles and 32 int16s, as 8 fp32 lanes (exact: each 32-bit lane sums
/// 4 products of at most 15 · 32768).
CK_AVX2 static inline __m256 productQ4(Nibbles w, const int16_t *x) {
  __m256i low = _mm256_madd_epi16(w.low, _mm256_loadu_si256((const __m256i *)x));
  __m256i high = _mm256_madd_epi16(w.high, _mm256_loadu_si256((const __m256i *)(x + 16)));
  return _mm256_cvtepi32_ps(_mm256_add_epi32(low, high));
}

/// Lane `lane` of `v` in all eight lanes.
#define LANE(v, lane) _mm256_permutevar8x32_ps((v), _mm256_set1_epi32(lane))

// Four blocks per step: their scales are widened and multiplied by x's with a few vector
// instructions, instead of a serial chain of scalar conversions per block; two accumulators keep
// consecutive FMAs independent.


CK_AVX2 static float dotQ4_0AVX2(const uint8_t *w, const ck_q16_row *x, int64_t cols) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0;
  __m128 offsets = _mm_setzero_ps();
  int64_t blocks = cols / 32, b = 0;
  for (; b + 4 <= blocks; b += 4, w += 72) {
    __m128 s4 = _mm_mul_ps(ck_halves4(w, 18), _mm_loadu_ps(x->d + b));
    offsets = _mm_fmadd_ps(s4, _mm_loadu_ps(x->qsum + b), offsets);
    __m256 scales = _mm256_castps128_ps256(s4);
    const int16_t *q = x->q + 32 * b;
    a0 = _mm256_fmadd_ps(LANE(scales, 0), productQ4(nibbleWords(w + 2), q), a0);
    a1 = _mm256_fmadd_ps(LANE(scales, 1), productQ4(nibbleWords(w + 20), q + 32), a1);
    a0 = _mm256_fmadd_ps(LANE(scales, 2), productQ4(nibbleWords(w + 38), q + 64), a0);
    a1 = _mm256_fmadd_ps(LANE(scales, 3), productQ4(nibbleWords(w + 56), q + 96), a1);
  }
  __m128 o = _mm_add_ps(offsets, _mm_movehl_ps(offsets, offsets));
  float offset = _mm_cvtss_f32(_mm_add_ss(o, _mm_movehdup_ps(o)));
  for (; b < blocks; b++, w += 18) {
    float s0 = halfAVX2(w) * x->d[b];
    a0 = _mm256_fmadd_ps(_mm256_set1_ps(s0), productQ4(nibbleWords(w + 2), x->q + 32 * b), a0);
    offset += s0 * x->qsum[b];
  }
  return hsum8(_mm256_add_ps(a0, a1)) - 8 * offset;
}

// The four-row Q4_1 kernel below gathers the scales of one block in four rows into one vector
// (four 32-bit loads), widens them together and multiplies them with x's; each row's block
// product then takes its scale from a lane. Four rows share x's loads and the scale work (on one
// core, 576-column rows: ~9 GB/s streaming from memory and ~11 GB/s from L2, against ~6 and ~8
// for the earlier two-row kernel); the rows stream from four places at once, which the
// prefetches below keep fed.

/// Prefetching for the four-row kernels: the group of rows `ROWS_AHEAD` on is asked for a few
/// lines per block step, spread over the group's block loop, rather than all at once at its
/// start: with the whole group asked for at once (~60 lines on 1,536-column rows) one core
/// streamed 4.2 GB/s, spread out 6.2–7.9 (the miss buffers overflow and requests are lost).
#ifndef ROWS_AHEAD
#define ROWS_AHEAD 8
#endif
typedef struct {
  const uint8_t *next, *end;
  size_t linesPerBlock;
} Prefetch;

static inline Prefetch prefetchPlan(const uint8_t *w, size_t rowBytes, int64_t r, int64_t count,
                                    int64_t blocks) {
  size_t lines = (4 * rowBytes + 63) / 64;
  return (Prefetch){.next = w + (size_t)(r + ROWS_AHEAD) * rowBytes, .end = w + (size_t)count * rowBytes,
                    .linesPerBlock = (lines + (size_t)blocks - 1) / (size_t)blocks};
}

CK_AVX2 static inline void prefetchStep(const Prefetch *p, int64_t b) {
  for (size_t k = 0; k < p->linesPerBlock; k++) {
    const uint8_t *line = p->next + ((size_t)b * p->linesPerBlock + k) * 64;
    if (line < p->end) _mm_prefetch((const char *)line, _MM_HINT_T0);
  }
}

/// Σ q_w·q_x over one Q4 block's 32 nibbles, as 8 int32 lanes, with x in the `qp` order. The 16
/// bytes are loaded into both 128-bit halves; the high half is shifted right by 4 (per 32-bit
/// lane; nibbles do not cross bytes once masked), so after masking with 0x0F the low half's
/// bytes are elements 0…15 and the high half's 16…31. As 16-bit lanes these are pairs
/// (element 2k, element 2k+1): the low byte (even elements) and the high byte (odd ones) each
/// meet their x in one `pmaddwd`. No lane-crossing shuffle is needed.
CK_AVX2 static inline __m256i productQ4Interleaved(const uint8_t *qs, __m256i xEven, __m256i xOdd) {
  const __m256i shifts = _mm256_setr_epi32(0, 0, 0, 0, 4, 4, 4, 4);
  __m256i v = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs));
  __m256i nibbles = _mm256_and_si256(_mm256_srlv_epi32(v, shifts), _mm256_set1_epi8(0x0F));
  __m256i even = _mm256_and_si256(nibbles, _mm256_set1_epi16(0x00FF));
  __m256i odd = _mm256_srli_epi16(nibbles, 8);
  return _mm256_add_epi32(_mm256_madd_epi16(even, xEven), _mm256_madd_epi16(odd, xOdd));
}

// Q4_1: per block, (d, m) of four rows times x's (d, Σx) pair give (d_w·d_x, m_w·Σx) in one
// multiply; the odd lanes accumulate the offsets.
CK_AVX2 static void rowsQ4_1AVX2(const uint8_t *w, size_t rowBytes, int64_t count,
                                 const ck_q16_row *x, int64_t cols, float *y) {
  int64_t blocks = cols / 32, r = 0;
  for (; r + 4 <= count; r += 4) {
    Prefetch ahead = prefetchPlan(w, rowBytes, r, count, blocks);
    const uint8_t *row = w + r * rowBytes;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, offsets = a0;
    for (int64_t b = 0; b < blocks; b++, row += 20) {
      prefetchStep(&ahead, b);
      __m256i xEven = _mm256_loadu_si256((const __m256i *)(x->qp + 32 * b));
      __m256i xOdd = _mm256_loadu_si256((const __m256i *)(x->qp + 32 * b + 16));
      __m256 xs = _mm256_castpd_ps(_mm256_broadcast_sd((const double *)(x->dsum + 2 * b)));
      // d₀ m₀ … d₃ m₃ of the four rows times x's (d, Σx).
      __m256 p = _mm256_mul_ps(_mm256_cvtph_ps(ck_gather4x32(row, rowBytes)), xs);
      offsets = _mm256_add_ps(offsets, p);
      a0 = _mm256_fmadd_ps(LANE(p, 0), _mm256_cvtepi32_ps(productQ4Interleaved(row + 4, xEven, xOdd)), a0);
      a1 = _mm256_fmadd_ps(LANE(p, 2), _mm256_cvtepi32_ps(productQ4Interleaved(row + rowBytes + 4, xEven, xOdd)), a1);
      a2 = _mm256_fmadd_ps(LANE(p, 4), _mm256_cvtepi32_ps(productQ4Interleaved(row + 2 * rowBytes + 4, xEven, xOdd)), a2);
      a3 = _mm256_fmadd_ps(LANE(p, 6), _mm256_cvtepi32_ps(productQ4Interleaved(row + 3 * rowBytes + 4, xEven, xOdd)), a3);
    }
    float o[8];
    _mm256_storeu_ps(o, offsets);
    y[r] = hsum8(a0) + o[1];
    y[r + 1] = hsum8(a1) + o[3];
    y[r + 2] = hsum8(a2) + o[5];
    y[r + 3] = hsum8(a3) + o[7];
  }
  for (; r < count; r++) {
    const uint8_t *row = w + r * rowBytes;
    __m256 a = _mm256_setzero_ps();
    float offset = 0;
    for (int64_t b = 0; b < blocks; b++, row += 20) {
      __m256i xEven = _mm256_loadu_si256((const __m256i *)(x->qp + 32 * b));
      __m256i xOdd = _mm256_loadu_si256((const __m256i *)(x->qp + 32 * b + 16));
      a = _mm256_fmadd_ps(_mm256_set1_ps(halfAVX2(row) * x->d[b]),
                          _mm256_cvtepi32_ps(productQ4Interleaved(row + 4, xEven, xOdd)), a);
      offset += halfAVX2(row + 2) * x->sum[b];
    }
    y[r] = hsum8(a) + offset;
  }
}

CK_AVX2 static void rowsQ4_0AVX2(const uint8_t *w, size_t rowBytes, int64_t count,
                                 const ck_q16_row *x, int64_t cols, float *y) {
  for (int64_t r = 0; r < count; r++) y[r] = dotQ4_0AVX2(w + r * rowBytes, x, cols);
}

ck_q16_rows_fn ck_avx2_q16_rows(ck_format format) {
  switch (format) {
    case CK_Q4_0: return rowsQ4_0AVX2;
    case CK_Q4_1: return rowsQ4_1AVX2;
    default: return NULL;
  }
}
#endif
