// Causal multi-head attention over a key/value history (see `ck_attention`).
//
// One work item is one (new position, query head): its scores against every visible key, a
// softmax, and the probability-weighted sum of the values. Items are independent, so they are
// split across the pool; each is computed in a fixed order by one thread.
//
// The arithmetic follows the reference: scores = scale · (q · k), softmax by subtracting the
// maximum, exp (libm's expf), dividing by the sum via one reciprocal, then Σ p·v.
#include "Internal.h"

#include <math.h>
#include <stdlib.h>

#if CK_X86
#include <immintrin.h>
#endif

typedef struct {
  const float *queries, *keys, *values;
  int64_t past, heads, kvHeads, headDim;
  float scale;
  float *out;
  int vector;
} AttentionJob;

/// One item's scores in `scores[0 ..< visible]` and output row `o` (headDim floats).
static inline float dotPortable(const float *a, const float *b, int64_t n) {
  float dot = 0;
  for (int64_t c = 0; c < n; c++) dot += a[c] * b[c];
  return dot;
}

#if CK_X86
CK_AVX2 static inline float dotAVX2(const float *a, const float *b, int64_t n) {
  __m256 acc = _mm256_setzero_ps();
  int64_t c = 0;
  for (; c + 8 <= n; c += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(a + c), _mm256_loadu_ps(b + c), acc);
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  float dot = _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
  for (; c < n; c++) dot += a[c] * b[c];
  return dot;
}
#endif

#define ATTENTION_ITEM(NAME, ATTRIBUTES, DOT)                                               \
  ATTRIBUTES static void NAME(const AttentionJob *a, int64_t item, float *scores) {        \
    int64_t i = item / a->heads, h = item % a->heads;                                       \
    int64_t group = a->heads / a->kvHeads, kvh = h / group, d = a->headDim;                 \
    int64_t qWidth = a->heads * d, kvWidth = a->kvHeads * d;                                \
    int64_t visible = a->past + i + 1;                                                      \
    const float *q = a->queries + i * qWidth + h * d;                                       \
    const float *k = a->keys + kvh * d;                                                     \
    const float *v = a->values + kvh * d;                                                   \
    float maximum = -INFINITY;                                                              \
    for (int64_t j = 0; j < visible; j++) {                                                 \
      const float *kj = k + j * kvWidth;                                                    \
      float s = a->scale * DOT(q, kj, d);                                                   \
      scores[j] = s;                                                                        \
      if (s > maximum) maximum = s;                                                         \
    }                                                                                       \
    float sum = 0;                                                                          \
    for (int64_t j = 0; j < visible; j++) {                                                 \
      float e = expf(scores[j] - maximum);                                                  \
      scores[j] = e;                                                                        \
      sum += e;                                                                             \
    }                                                                                       \
    float inverse = 1 / sum;                                                                \
    float *o = a->out + i * qWidth + h * d;                                                 \
    for (int64_t c = 0; c < d; c++) o[c] = 0;                                               \
    for (int64_t j = 0; j < visible; j++) {                                                 \
      float p = scores[j] * inverse;                                                        \
      const float *vj = v + j * kvWidth;                                                    \
      for (int64_t c = 0; c < d; c++) o[c] += p * vj[c];                                    \
    }                                                                                       \
  }

ATTENTION_ITEM(itemPortable, , dotPortable)
#if CK_X86
// The same loops with an AVX2 dot product, compiled for AVX2 + FMA so the compiler also
// vectorises the weighted sum over `headDim`.
ATTENTION_ITEM(itemAVX2, CK_AVX2, dotAVX2)
#endif

static void attentionItems(void *context, int64_t begin, int64_t end) {
  const AttentionJob *a = context;
  float *scores = ck_scratch((size_t)(a->past + end / a->heads + 1));
  if (!scores) abort();  // one float per position: out of memory is not recoverable here
  for (int64_t item = begin; item < end; item++) {
#if CK_X86
    if (a->vector) {
      itemAVX2(a, item, scores);
      continue;
    }
#endif
    itemPortable(a, item, scores);
  }
}

static void attention(int vector, const float *queries, int64_t n, const float *keys,
                      const float *values, int64_t past, int64_t heads, int64_t kvHeads,
                      int64_t headDim, float scale, float *out) {
  if (n <= 0 || heads <= 0) return;
  AttentionJob a = {
      .queries = queries, .keys = keys, .values = values, .past = past, .heads = heads,
      .kvHeads = kvHeads, .headDim = headDim, .scale = scale, .out = out, .vector = vector};
  // Items cost ~visible × headDim each; aim for chunks of ~16K multiply-adds.
  int64_t perItem = (past + n) * headDim;
  int64_t chunk = perItem > 0 ? 16384 / perItem : 1;
  if (chunk < 1) chunk = 1;
  ck_parallel_for(attentionItems, &a, n * heads, chunk);
}

void ck_attention(const float *queries, int64_t n, const float *keys, const float *values,
                  int64_t past, int64_t heads, int64_t kvHeads, int64_t headDim, float scale,
                  float *out) {
  attention(ck_have_avx2(), queries, n, keys, values, past, heads, kvHeads, headDim, scale, out);
}

void ck_attention_portable(const float *queries, int64_t n, const float *keys,
                           const float *values, int64_t past, int64_t heads, int64_t kvHeads,
                           int64_t headDim, float scale, float *out) {
  attention(0, queries, n, keys, values, past, heads, kvHeads, headDim, scale, out);
}
