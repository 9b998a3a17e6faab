// Portable row kernels (any CPU), and the conversions and facts every implementation shares.
//
// The decoders reproduce ggml's `dequantize_row_*` arithmetic exactly: fp16 fields widened to
// fp32, one fp32 multiply, then (Q4_1) one add, never fused.
#pragma STDC FP_CONTRACT OFF
#include "Formats.h"

#include <string.h>

float ck_half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1F;
  uint32_t mantissa = h & 0x3FF;
  uint32_t bits;
  if (exponent == 0x1F) {
    bits = sign | 0x7F800000 | (mantissa << 13);  // inf / NaN
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {
    // Subnormal half: normalise into an fp32 exponent.
    int shift = 0;
    while (!(mantissa & 0x400)) {
      mantissa <<= 1;
      shift += 1;
    }
    bits = sign | ((uint32_t)(113 - shift) << 23) | ((mantissa & 0x3FF) << 13);
  }
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

static inline uint16_t load16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static inline float loadF32(const uint8_t *p) {
  float f;
  memcpy(&f, p, 4);
  return f;
}

static inline float loadBF16(const uint8_t *p) {
  uint32_t bits = (uint32_t)load16(p) << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

size_t ck_row_bytes(ck_format format, int64_t cols) {
  switch (format) {
    case CK_F32: return (size_t)cols * 4;
    case CK_F16:
    case CK_BF16: return (size_t)cols * 2;
    case CK_Q8_0: return (size_t)(cols / 32) * 34;
    case CK_Q4_0: return (size_t)(cols / 32) * 18;
    case CK_Q4_1: return (size_t)(cols / 32) * 20;
  }
  return 0;
}

// MARK: - Dot products

static float dotF32(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  (void)sums;
  float acc = 0;
  for (int64_t k = 0; k < n; k++) acc += loadF32(w + 4 * k) * x[k];
  return acc;
}

static float dotF16(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  (void)sums;
  float acc = 0;
  for (int64_t k = 0; k < n; k++) acc += ck_half_to_float(load16(w + 2 * k)) * x[k];
  return acc;
}

static float dotBF16(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  (void)sums;
  float acc = 0;
  for (int64_t k = 0; k < n; k++) acc += loadBF16(w + 2 * k) * x[k];
  return acc;
}

static float dotQ8_0(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  (void)sums;
  float acc = 0;
  for (int64_t b = 0; b < n / 32; b++, w += 34, x += 32) {
    float d = ck_half_to_float(load16(w));
    float block = 0;
    for (int j = 0; j < 32; j++) block += (float)(int8_t)w[2 + j] * x[j];
    acc += d * block;
  }
  return acc;
}

// Σ (d·q + m)·x = d·Σ q·x + m·Σ x, and Σ x per block is computed once per input row.
static float dotQ4_1(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  float acc = 0;
  float offsets = 0;
  for (int64_t b = 0; b < n / 32; b++, w += 20, x += 32) {
    float d = ck_half_to_float(load16(w));
    float m = ck_half_to_float(load16(w + 2));
    float block = 0;
    for (int j = 0; j < 16; j++) {
      block += (float)(w[4 + j] & 0x0F) * x[j];
      block += (float)(w[4 + j] >> 4) * x[j + 16];
    }
    acc += d * block;
    offsets += m * sums[2 * b + 1];  // Q4_1's sums are interleaved with zeros (Formats.h)
  }
  return acc + offsets;
}

// Σ d·(q − 8)·x = d·Σ q·x − 8d·Σ x.
static float dotQ4_0(const uint8_t *w, const float *x, const float *sums, int64_t n) {
  float acc = 0;
  float offsets = 0;
  for (int64_t b = 0; b < n / 32; b++, w += 18, x += 32) {
    float d = ck_half_to_float(load16(w));
    float block = 0;
    for (int j = 0; j < 16; j++) {
      block += (float)(w[2 + j] & 0x0F) * x[j];
      block += (float)(w[2 + j] >> 4) * x[j + 16];
    }
    acc += d * block;
    offsets += 8 * d * sums[b];
  }
  return acc - offsets;
}

// MARK: - Decoding

static void decodeF32(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  memcpy(out, w, (size_t)(rows * cols) * 4);
}

static void decodeF16(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  for (int64_t i = 0; i < rows * cols; i++) out[i] = ck_half_to_float(load16(w + 2 * i));
}

static void decodeBF16(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  for (int64_t i = 0; i < rows * cols; i++) out[i] = loadBF16(w + 2 * i);
}

static void decodeQ8_0(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  for (int64_t b = 0; b < rows * cols / 32; b++, w += 34, out += 32) {
    float d = ck_half_to_float(load16(w));
    for (int j = 0; j < 32; j++) out[j] = d * (float)(int8_t)w[2 + j];
  }
}

static void decodeQ4_1(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  for (int64_t b = 0; b < rows * cols / 32; b++, w += 20, out += 32) {
    float d = ck_half_to_float(load16(w));
    float m = ck_half_to_float(load16(w + 2));
    for (int j = 0; j < 16; j++) {
      float lo = d * (float)(w[4 + j] & 0x0F);
      float hi = d * (float)(w[4 + j] >> 4);
      out[j] = lo + m;
      out[j + 16] = hi + m;
    }
  }
}

static void decodeQ4_0(const uint8_t *w, int64_t rows, int64_t cols, float *out) {
  for (int64_t b = 0; b < rows * cols / 32; b++, w += 18, out += 32) {
    float d = ck_half_to_float(load16(w));
    for (int j = 0; j < 16; j++) {
      out[j] = d * (float)((w[2 + j] & 0x0F) - 8);
      out[j + 16] = d * (float)((w[2 + j] >> 4) - 8);
    }
  }
}

ck_row_kernels ck_portable_kernels(ck_format format) {
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
