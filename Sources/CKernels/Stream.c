// A read-bandwidth probe: sums a buffer as 64-bit integers, 128 bytes per step, so the loop is
// bound by how fast memory delivers bytes, not by arithmetic.
#include "Internal.h"

#include <stdlib.h>
#include <string.h>

#if CK_X86
#include <immintrin.h>
#endif

enum { streamChunk = 1 << 20 };

typedef struct {
  const uint8_t *data;
  size_t bytes;
  uint64_t *partials;  // one per chunk
} Stream;

#if CK_X86
CK_AVX2 static uint64_t sumAVX2(const uint8_t *p, size_t bytes) {
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (size_t i = 0; i + 128 <= bytes; i += 128) {
    a0 = _mm256_add_epi64(a0, _mm256_load_si256((const __m256i *)(p + i)));
    a1 = _mm256_add_epi64(a1, _mm256_load_si256((const __m256i *)(p + i + 32)));
    a2 = _mm256_add_epi64(a2, _mm256_load_si256((const __m256i *)(p + i + 64)));
    a3 = _mm256_add_epi64(a3, _mm256_load_si256((const __m256i *)(p + i + 96)));
  }
  __m256i s = _mm256_add_epi64(_mm256_add_epi64(a0, a1), _mm256_add_epi64(a2, a3));
  uint64_t lanes[4];
  _mm256_storeu_si256((__m256i *)lanes, s);
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}
#endif

static uint64_t sumPortable(const uint8_t *p, size_t bytes) {
  uint64_t a[4] = {0, 0, 0, 0};
  for (size_t i = 0; i + 32 <= bytes; i += 32) {
    for (int j = 0; j < 4; j++) {
      uint64_t v;
      memcpy(&v, p + i + 8 * j, 8);
      a[j] += v;
    }
  }
  return a[0] + a[1] + a[2] + a[3];
}

static void streamChunks(void *context, int64_t begin, int64_t end) {
  const Stream *s = context;
  for (int64_t c = begin; c < end; c++) {
    size_t offset = (size_t)c * streamChunk;
    size_t bytes = s->bytes - offset < streamChunk ? s->bytes - offset : streamChunk;
#if CK_X86
    if (ck_have_avx2() && ((uintptr_t)(s->data + offset) & 31) == 0) {
      s->partials[c] = sumAVX2(s->data + offset, bytes);
      continue;
    }
#endif
    s->partials[c] = sumPortable(s->data + offset, bytes);
  }
}

double ck_stream_read(const void *data, size_t bytes, int threads) {
  int64_t chunks = (int64_t)((bytes + streamChunk - 1) / streamChunk);
  uint64_t *partials = calloc((size_t)chunks + 1, sizeof(uint64_t));
  if (!partials) return 0;
  Stream s = {.data = data, .bytes = bytes, .partials = partials};
  if (threads <= 1) {
    streamChunks(&s, 0, chunks);
  } else {
    ck_parallel_for_always(streamChunks, &s, chunks, 1);
  }
  double total = 0;
  for (int64_t c = 0; c < chunks; c++) total += (double)partials[c];
  free(partials);
  return total;
}
