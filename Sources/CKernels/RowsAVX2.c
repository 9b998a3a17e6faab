// AVX2 + FMA + F16C row kernels: 8 fp32 lanes, weights widened in registers as they stream in.
//
// Dot products keep several independent accumulators so the FMA latency (4 cycles) does not
// bound a memory-bound loop; decoders match the portable ones bit for bit (multiply, then add).
#pragma STDC FP_CONTRACT OFF
#include "Formats.h"

#if CK_X86
#include <immintrin.h>
#include <string.h>

CK_AVX2 static inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

CK_AVX2 static inline float half(const uint8_t *p) {
  uint16_t bits;
  memcpy(&bits, p, 2);
  return _cvtsh_ss(bits);
}

/// 8 halves → 8 floats.
CK_AVX2 static inline __m256 loadF16x8(const uint8_t *p) {
  return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}

/// 8 bfloat16s → 8 floats: each is the high half of its fp32.
CK_AVX2 static inline __m256 loadBF16x8(const uint8_t *p) {
  __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
  return _mm256_castsi256_ps(_mm256_slli_epi32(wide, 16));
}

/// 8 int8s → 8 floats.
CK_AVX2 static inline __m256 loadI8x8(const uint8_t *p) {
  return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)p)));
}

/// The 32 nibbles of a Q4 block as 4 × 8 floats in element order (the low nibbles of the 16
/// bytes are elements 0…15, the high nibbles 16…31).
///
/// The 16 bytes are broadcast to both 128-bit lanes (a plain load), and one in-lane byte shuffle
/// per 8 elements spreads them into zero-extended 32-bit lanes; masking keeps the low nibble and
/// a shift by 4 gives the high one. This avoids the lane-crossing widening instructions, which
/// cost two micro-ops each on AMD cores.
CK_AVX2 static inline void nibbles(const uint8_t *qs, __m256 q[4]) {
  const __m256i bytes = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)qs));
  const __m256i spreadLow = _mm256_setr_epi8(
      0, -1, -1, -1, 1, -1, -1, -1, 2, -1, -1, -1, 3, -1, -1, -1,
      4, -1, -1, -1, 5, -1, -1, -1, 6, -1, -1, -1, 7, -1, -1, -1);
  const __m256i spreadHigh = _mm256_setr_epi8(
      8, -1, -1, -1, 9, -1, -1, -1, 10, -1, -1, -1, 11, -1, -1, -1,
      12, -1, -1, -1, 13, -1, -1, -1, 14, -1, -1, -1, 15, -1, -1, -1);
  const __m256i mask = _mm256_set1_epi32(0x0F);
  __m256i b0 = _mm256_shuffle_epi8(bytes, spreadLow);   // bytes 0…7, one per 32-bit lane
  __m256i b1 = _mm256_shuffle_epi8(bytes, spreadHigh);  // bytes 8…15
  q[0] = _mm256_cvtepi32_ps(_mm256_and_si256(b0, mask));
  q[1] = _mm256_cvtepi32_ps(_mm256_and_si256(b1, mask));
  q[2] = _mm256_cvtepi32_ps(_mm256_srli_epi32(b0, 4));
  q[3] = _mm256_cvtepi32_ps(_mm256_srli_epi32(b1, 4));
}

// MARK: - Dot products

// One macro body for the three element formats: 32 elements per step on 4 accumulators, then 8
// at a time, then one by one.
#define ELEMENT_DOT(NAME, SIZE, LOAD8, LOAD1)                                             \
  CK_AVX2 static float NAME(const uint8_t *w, const float *x, const float *sums,         \
                            int64_t n) {                                                  \
    (void)sums;                                                                           \
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;                           \
    int64_t k = 0;                                                                        \
    for (; k + 32 <= n; k += 32) {                                                        \
      a0 = _mm256_fmadd_ps(LOAD8(w + SIZE * k), _mm256_loadu_ps(x + k), a0);              \
      a1 = _mm256_fmadd_ps(LOAD8(w + SIZE * (k + 8)), _mm256_loadu_ps(x + k + 8), a1);    \
      a2 = _mm256_fmadd_ps(LOAD8(w + SIZE * (k + 16)), _mm256_loadu_ps(x + k + 16), a2);  \
      a3 = _mm256_fmadd_ps(LOAD8(w + SIZE * (k + 24)), _mm256_loadu_ps(x + k + 24), a3);  \
    }                                                                                     \
    for (; k + 8 <= n; k += 8) a0 = _mm256_fmadd_ps(LOAD8(w + SIZE * k), _mm256_loadu_ps(x + k), a0); \
    float acc = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));        \
    for (; k < n; k++) acc += LOAD1(w + SIZE * k) * x[k];                                 \
    return acc;                                                                           \
  }

CK_AVX2 static inline float loadF32x1(const uint8_t *p) {
  float f;
  memcpy(&f, p, 4);
  return f;
}
CK_AVX2 static inline __m256 loadF32x8(const uint8_t *p) { return _mm256_loadu_ps((const float *)p); }
CK_AVX2 static inline float loadBF16x1(const uint8_t *p) {
  uint32_t bits = (uint32_t)(p[0] | (p[1] << 8)) << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

ELEMENT_DOT(dotF32, 4, loadF32x8, loadF32x1)
ELEMENT_DOT(dotF16, 2, loadF16x8, half)
ELEMENT_DOT(dotBF16, 2, loadBF16x8, loadBF16x1)

// The block formats: per block, the products of the unscaled integers with x are summed, then
// scaled by d once. Blocks go two at a time into separate accumulators, so consecutive blocks do
// not wait on each other's FMA latency (an accumulator array indexed by `b & 1` would live in
// memory instead).

/// Σ q·x over one Q8_0 block's 32 int8s.
CK_AVX2 static inline __m256 productQ8(const uint8_t *q, const float *x) {
  __m256 p0 = _mm256_mul_ps(loadI8x8(q), _mm256_loadu_ps(x));
  __m256 p1 = _mm256_mul_ps(loadI8x8(q + 8), _mm256_loadu_ps(x + 8));
  p0 = _mm256_fmadd_ps(loadI8x8(q + 16), _mm256_loadu_ps(x + 16), p0);
  p1 = _mm256_fmadd_ps(loadI8x8(q + 24), _mm256_loadu_ps(x + 24), p1);
  return _mm256_add_ps(p0, p1);
}

/// Σ q·x over one Q4 block's 32 nibbles (unsigned, 0…15).
CK_AVX2 static inline __m256 productQ4(const uint8_t *qs, const float *x) {
  __m256 q[4];
  nibbles(qs, q);
  __m256 p0 = _mm256_mul_ps(q[0], _mm256_loadu_ps(x));
  __m256 p1 = _mm256_mul_ps(q[1], _mm256_loadu_ps(x + 8));
  p0 = _mm256_fmadd_ps(q[2], _mm256_loadu_ps(x + 16), p0);
  p1 = _mm256_fmadd_ps(q[3], _mm256_loadu_ps(x + 24), p1);
  return _mm256_add_ps(p0, p1);
}

/// Lane `lane` of `v` in all eight lanes.
#define LANE(v, lane) _mm256_permutevar8x32_ps((v), _mm256_set1_epi32(lane))

// Q8_0: Σ d·q·x; four blocks' d widened by one conversion.
CK_AVX2 static float dotQ8_0(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  (void)sums;
  __m256 a0 = _mm256_setzero_ps(), a1 = a0;
  int64_t blocks = n / 32, b = 0;
  for (; b + 4 <= blocks; b += 4, w += 136, x += 128) {
    __m256 d = _mm256_castps128_ps256(ck_halves4(w, 34));
    a0 = _mm256_fmadd_ps(LANE(d, 0), productQ8(w + 2, x), a0);
    a1 = _mm256_fmadd_ps(LANE(d, 1), productQ8(w + 36, x + 32), a1);
    a0 = _mm256_fmadd_ps(LANE(d, 2), productQ8(w + 70, x + 64), a0);
    a1 = _mm256_fmadd_ps(LANE(d, 3), productQ8(w + 104, x + 96), a1);
  }
  for (; b < blocks; b++, w += 34, x += 32) {
    a0 = _mm256_fmadd_ps(_mm256_set1_ps(half(w)), productQ8(w + 2, x), a0);
  }
  return hsum(_mm256_add_ps(a0, a1));
}

// Q4_1: d·Σ q·x + m·Σ x per block. Four blocks at a time have their (d, m) pairs widened by
// one conversion, and their m terms summed by one FMA against the block sums of x, which the
// caller lays out as (0, Σ₀, 0, Σ₁, …) to line up with (d₀, m₀, d₁, m₁, …).
CK_AVX2 static float dotQ4_1(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0, offsets = a0;
  int64_t blocks = n / 32, b = 0;
  for (; b + 4 <= blocks; b += 4, w += 80, x += 128) {
    __m256 dm = _mm256_cvtph_ps(ck_gather4x32(w, 20));  // d₀ m₀ d₁ m₁ d₂ m₂ d₃ m₃
    offsets = _mm256_fmadd_ps(dm, _mm256_loadu_ps(sums + 2 * b), offsets);
    a0 = _mm256_fmadd_ps(LANE(dm, 0), productQ4(w + 4, x), a0);
    a1 = _mm256_fmadd_ps(LANE(dm, 2), productQ4(w + 24, x + 32), a1);
    a0 = _mm256_fmadd_ps(LANE(dm, 4), productQ4(w + 44, x + 64), a0);
    a1 = _mm256_fmadd_ps(LANE(dm, 6), productQ4(w + 64, x + 96), a1);
  }
  float tail = 0;
  for (; b < blocks; b++, w += 20, x += 32) {
    a0 = _mm256_fmadd_ps(_mm256_set1_ps(half(w)), productQ4(w + 4, x), a0);
    tail += half(w + 2) * sums[2 * b + 1];
  }
  return hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), offsets)) + tail;
}

// Q4_0: d·Σ q·x − 8d·Σ x per block; four blocks' d widened by one conversion.
CK_AVX2 static float dotQ4_0(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  __m256 a0 = _mm256_setzero_ps(), a1 = a0;
  __m128 offsets = _mm_setzero_ps();
  int64_t blocks = n / 32, b = 0;
  for (; b + 4 <= blocks; b += 4, w += 72, x += 128) {
    __m128 d4 = ck_halves4(w, 18);  // d₀ d₁ d₂ d₃
    offsets = _mm_fmadd_ps(d4, _mm_loadu_ps(sums + b), offsets);
    __m256 d = _mm256_castps128_ps256(d4);
    a0 = _mm256_fmadd_ps(LANE(d, 0), productQ4(w + 2, x), a0);
    a1 = _mm256_fmadd_ps(LANE(d, 1), productQ4(w + 20, x + 32), a1);
    a0 = _mm256_fmadd_ps(LANE(d, 2), productQ4(w + 38, x + 64), a0);
    a1 = _mm256_fmadd_ps(LANE(d, 3), productQ4(w + 56, x + 96), a1);
  }
  __m128 o = _mm_add_ps(offsets, _mm_movehl_ps(offsets, offsets));
  float offset = _mm_cvtss_f32(_mm_add_ss(o, _mm_movehdup_ps(o)));
  for (; b < blocks; b++, w += 18, x += 32) {
    float d = half(w);
    a0 = _mm256_fmadd_ps(_mm256_set1_ps(d), productQ4(w + 2, x), a0);
    offset += d * sums[b];
  }
  return hsum(_mm256_add_ps(a0, a1)) - 8 * offset;
}

// MARK: - Decoding

CK_AVX2 static void decodeF32(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  memcpy(out, w, (size_t)(rows * cols) * 4);
}

CK_AVX2 static void decodeF16(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  int64_t n = rows * cols, i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, loadF16x8(w + 2 * i));
  for (; i < n; i++) out[i] = half(w + 2 * i);
}

CK_AVX2 static void decodeBF16(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  int64_t n = rows * cols, i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, loadBF16x8(w + 2 * i));
  for (; i < n; i++) out[i] = loadBF16x1(w + 2 * i);
}

CK_AVX2 static void decodeQ8_0(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  for (int64_t b = 0; b < rows * cols / 32; b++, w += 34, out += 32) {
    __m256 d = _mm256_set1_ps(half(w));
    for (int j = 0; j < 4; j++) _mm256_storeu_ps(out + 8 * j, _mm256_mul_ps(d, loadI8x8(w + 2 + 8 * j)));
  }
}

CK_AVX2 static void decodeQ4_1(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  for (int64_t b = 0; b < rows * cols / 32; b++, w += 20, out += 32) {
    __m256 d = _mm256_set1_ps(half(w));
    __m256 m = _mm256_set1_ps(half(w + 2));
    __m256 q[4];
    nibbles(w + 4, q);
    for (int j = 0; j < 4; j++) _mm256_storeu_ps(out + 8 * j, _mm256_add_ps(_mm256_mul_ps(d, q[j]), m));
  }
}

CK_AVX2 static void decodeQ4_0(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  __m256 eight = _mm256_set1_ps(8);
  for (int64_t b = 0; b < rows * cols / 32; b++, w += 18, out += 32) {
    __m256 d = _mm256_set1_ps(half(w));
    __m256 q[4];
    nibbles(w + 2, q);
    // q − 8 is exact in fp32, so this equals ggml's d·(float)(q − 8).
    for (int j = 0; j < 4; j++) _mm256_storeu_ps(out + 8 * j, _mm256_mul_ps(d, _mm256_sub_ps(q[j], eight)));
  }
}

ck_row_kernels ck_avx2_kernels(ck_format format) {
  switch (format) {
    case CK_F32: return (ck_row_kernels){dotF32, decodeF32};
    case CK_F16: return (ck_row_kernels){dotF16, decodeF16};
    case CK_BF16: return (ck_row_kernels){dotBF16, decodeBF16};
    case CK_Q8_0: return (ck_row_kernels){dotQ8_0, decodeQ8_0};
    case CK_Q4_0: return (ck_row_kernels){dotQ4_0, decodeQ4_0};
    case CK_Q4_1: return (ck_row_kernels){dotQ4_1, decodeQ4_1};
  }
  return (ck_row_kernels){dotF32, decodeF32};
}

#endif
