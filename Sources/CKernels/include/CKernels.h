// Weight-streaming kernels for the decoder's linear layers: dot products and matrix products
// that read weights in the precision a checkpoint stores them (fp32, fp16, bf16, or ggml's
// Q8_0 / Q4_0 / Q4_1 blocks), convert them on the fly and accumulate in fp32, split across a
// small persistent thread pool.
//
// Every function picks an AVX2+FMA+F16C implementation when the CPU has those (checked once at
// run time) and portable C otherwise, so the binary runs on any x86-64 (or other) machine.
// Callers validate shapes; these functions trust their arguments.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// How a weight matrix's rows are stored. Rows are `cols` elements long and packed back to back
/// with no padding; nothing needs to be aligned.
typedef enum {
  CK_F32 = 0,   // 4-byte IEEE floats
  CK_F16 = 1,   // 2-byte IEEE half floats
  CK_BF16 = 2,  // 2-byte bfloat16 (the high half of an fp32)
  CK_Q8_0 = 3,  // 34-byte blocks of 32: fp16 d, 32 × int8 q; x = d·q
  CK_Q4_0 = 4,  // 18-byte blocks of 32: fp16 d, 16 bytes of nibbles; x = d·(q − 8)
  CK_Q4_1 = 5,  // 20-byte blocks of 32: fp16 d, fp16 m, 16 bytes of nibbles; x = d·q + m
} ck_format;

/// Bytes of one row of `cols` elements (`cols` a multiple of 32 for the block formats).
size_t ck_row_bytes(ck_format format, int64_t cols);

/// `y (n × rows) = x (n × cols) · Wᵀ + bias`, W `(rows × cols)` stored in `format`, x and y
/// row-major fp32, `bias` (rows) or NULL. Runs on the thread pool. For the block formats `cols`
/// must be a multiple of 32.
void ck_linear(ck_format format, const void *weights, int64_t rows, int64_t cols, const float *x,
               int64_t n, const float *bias, float *y);

/// `ck_linear` with its choices made by the caller, for tests: the portable C code whatever
/// the CPU when `portable` is non-zero; quantized activations (see `ck_quantized_activations`) when
/// `quantizedActivations` is non-zero, whatever the process-wide setting.
void ck_linear_with(int portable, int quantizedActivations, ck_format format,
                    const void *weights, int64_t rows, int64_t cols, const float *x, int64_t n,
                    const float *bias, float *y);

/// Causal multi-head attention of `n` new positions (absolute positions `past ..< past + n`)
/// over a key/value history, with grouped-query heads. Row-major layouts, one row per position:
/// `queries` and `out` `(n, heads·headDim)`, head h in columns `h·headDim ..< (h+1)·headDim`;
/// `keys`, `values` `(past + n, kvHeads·headDim)`, the history including the new positions.
/// Query head h reads key/value head `h / (heads / kvHeads)`; scores are scaled by `scale`;
/// row i sees keys `0 ... past + i`. Runs on the thread pool, one (row, head) per item.
void ck_attention(const float *queries, int64_t n, const float *keys, const float *values,
                  int64_t past, int64_t heads, int64_t kvHeads, int64_t headDim, float scale,
                  float *out);

/// `ck_attention` by the portable C code whatever the CPU.
void ck_attention_portable(const float *queries, int64_t n, const float *keys,
                           const float *values, int64_t past, int64_t heads, int64_t kvHeads,
                           int64_t headDim, float scale, float *out);

/// Whether products with 4-bit block weights (Q4_0, Q4_1) round the input rows to 16-bit
/// integers per 32-element block and multiply in integers (on by default;
/// `$SLICER_FP32_ACTIVATIONS=1` turns it off; then the weights are widened to fp32 instead).
int ck_quantized_activations(void);
void ck_set_quantized_activations(int on);

/// Decodes rows `first ..< first + count` of W to fp32 into `out` (count × cols), exactly as
/// ggml and transformers widen them (one fp32 multiply, then one add for Q4_1).
void ck_decode_rows(ck_format format, const void *weights, int64_t cols, int64_t first,
                    int64_t count, float *out);

/// `ck_decode_rows` by the portable C code whatever the CPU.
void ck_decode_rows_portable(ck_format format, const void *weights, int64_t cols, int64_t first,
                             int64_t count, float *out);

/// Work on items `begin ..< end` of a `ck_parallel_for`.
typedef void (*ck_range_fn)(void *context, int64_t begin, int64_t end);

/// Runs `fn` over `0 ..< count` in chunks of `chunk` items, handed out to the pool's threads as
/// they become free (so a thread slowed by another process does less). Returns when all are
/// done. Runs everything on the calling thread when the pool is busy (another caller, or a call
/// from inside a task), when there is one chunk, or with one thread — and when timing shows
/// that calls of this shape finish sooner that way (on a machine whose other processes keep the
/// workers descheduled). Chunk boundaries depend only on `count` and `chunk`, so results do not
/// depend on which thread ran what.
void ck_parallel_for(ck_range_fn fn, void *context, int64_t count, int64_t chunk);

/// A per-thread fp32 scratch buffer of at least `count` floats, 32-byte aligned, reused by later
/// calls on the same thread (so valid until the next call there). NULL when memory runs out.
float *ck_scratch(size_t count);

/// Threads the pool uses, the caller included (1 = everything on the calling thread). Defaults to
/// the number of online CPUs (at most 8), or $SLICER_THREADS when set.
int ck_thread_count(void);
/// Changes the thread count for later calls (clamped to 1…8). Not while a kernel runs.
void ck_set_thread_count(int count);

/// How many timed `ck_parallel_for` calls ran on the pool and how many on the caller alone.
void ck_pool_statistics(uint64_t *onPool, uint64_t *alone);

/// "avx2" when the vector kernels are in use, "portable" otherwise.
const char *ck_isa(void);


/// Reads `bytes` bytes at `data` (16-byte aligned, `bytes` a multiple of 128) as fast as the CPU
/// can, on `threads` threads (1 or the pool's count), returning a checksum so the reads cannot
/// be optimised away. For measuring the machine's read bandwidth.
double ck_stream_read(const void *data, size_t bytes, int threads);

#ifdef __cplusplus
}
#endif

#endif
