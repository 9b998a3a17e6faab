// A persistent pool of worker threads for splitting one kernel call across the CPUs.
//
// Decode calls a kernel every ~50–200 µs, so waking a sleeping thread per call (tens of µs) would
// cost as much as the work. Workers therefore spin (with `pause`) for a while after each job and
// only then sleep on a condition variable; the caller wakes sleepers only when there are any.
//
// Handshake (all atomics sequentially consistent):
//   caller: publish job → generation += 1 → if sleepers > 0 { lock; broadcast; unlock }
//   worker: sleepers += 1 (under the lock) → re-check generation → wait
// A worker that saw the old generation after announcing itself as a sleeper is seen by the
// caller's sleeper check, and the caller's broadcast cannot slip between the worker's check and
// its wait because both hold the mutex.
//
// On a machine busier than its cores, the OS deschedules a worker for a whole time slice
// (milliseconds) while the caller waits for its last chunk, and two threads become much slower
// than one. So the pool measures both: calls are timed per shape (function, count, chunk), most
// calls run in the preferred mode (at first the pool), and a short probe of `probeCalls` calls
// every `phaseCalls` (the first after `firstProbe`) runs the other; after each probe the mode
// whose calls took less time in total becomes the preferred one. A probe restarts the probed
// mode's figures and leaves its first calls untimed: otherwise a pool that lost one probe (its
// workers asleep, a burst of load) looked slower at every later probe and was never used again.
// Which thread computes an item never changes its value, so this only changes speed.
#define _GNU_SOURCE
#include "Internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#if CK_X86
#include <immintrin.h>
#define CK_PAUSE() _mm_pause()
#else
#define CK_PAUSE() ((void)0)
#endif

enum {
  maxThreads = 8,
  spinLimit = 20000,  // pauses (~0.3–1 ms) before a worker sleeps
  yieldAfter = 2000,  // pauses before a waiting caller starts yielding its core
  firstProbe = 256,   // timed calls before the first probe
  phaseCalls = 4096,  // calls between the starts of two probes
  probeCalls = 256,   // calls per probe of the other mode (~6 % of calls)
  probeWarmup = 32,   // first calls of a probe left untimed (workers waking from sleep)
  shapeSlots = 64,    // distinct call shapes timed
};

typedef struct {
  ck_range_fn fn;
  void *context;
  int64_t count;
  int64_t chunk;
  int threads;  // participants, the caller included
} Job;

static pthread_mutex_t poolLock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t poolWake = PTHREAD_COND_INITIALIZER;
static Job job;
static _Atomic uint64_t generation;
static _Atomic int sleepers;
static _Atomic int64_t nextItem;
static _Atomic int running;  // workers still inside the current job
static atomic_flag inUse = ATOMIC_FLAG_INIT;
static int started;  // workers created so far (guarded by poolLock)
static _Atomic int threadCount;  // 0 until first read
// Owned by whoever holds `inUse`:
typedef struct {
  ck_range_fn fn;
  int64_t count, chunk;
  double nanoseconds[2];  // moving averages: [0] on the caller alone, [1] on the pool
} Shape;
static Shape shapes[shapeSlots];
static int preferPool = 1;
static uint64_t timedCalls;
static uint64_t probeStart = firstProbe;
static _Atomic uint64_t callsOnPool, callsAlone;  // statistics, for reports

static inline uint64_t nanoseconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void runChunks(const Job *j) {
  for (;;) {
    int64_t begin = atomic_fetch_add(&nextItem, j->chunk);
    if (begin >= j->count) return;
    int64_t end = begin + j->chunk < j->count ? begin + j->chunk : j->count;
    j->fn(j->context, begin, end);
  }
}

typedef struct {
  int index;      // 1…
  uint64_t seen;  // the generation when the worker was created: its first job is the next one
} WorkerStart;

static void *workerMain(void *argument) {
  WorkerStart start = *(WorkerStart *)argument;
  free(argument);
  int index = start.index;
  uint64_t seen = start.seen;
  for (;;) {
    uint64_t now;
    int spins = 0;
    while ((now = atomic_load(&generation)) == seen) {
      if (++spins < spinLimit) {
        CK_PAUSE();
        continue;
      }
      pthread_mutex_lock(&poolLock);
      atomic_fetch_add(&sleepers, 1);
      while (atomic_load(&generation) == seen) pthread_cond_wait(&poolWake, &poolLock);
      atomic_fetch_sub(&sleepers, 1);
      pthread_mutex_unlock(&poolLock);
      spins = 0;
    }
    seen = now;
    // Every worker acknowledges every job, taking part or not, so the caller does not publish
    // the next job while one of us may still be reading this one.
    Job j = job;
    if (index < j.threads) runChunks(&j);
    atomic_fetch_sub(&running, 1);
  }
  return NULL;
}

int ck_thread_count(void) {
  int count = atomic_load(&threadCount);
  if (count > 0) return count;
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  count = online > 0 ? (int)online : 1;
  const char *env = getenv("SLICER_THREADS");
  if (env) {
    long requested = strtol(env, NULL, 10);
    if (requested > 0) count = (int)requested;
  }
  if (count > maxThreads) count = maxThreads;
  if (count < 1) count = 1;
  atomic_store(&threadCount, count);
  return count;
}

void ck_set_thread_count(int count) {
  if (count < 1) count = 1;
  if (count > maxThreads) count = maxThreads;
  atomic_store(&threadCount, count);
}

/// Starts workers 1 ..< threads that do not exist yet; returns how many threads can take part.
static int ensureWorkers(int threads) {
  pthread_mutex_lock(&poolLock);
  while (started < threads - 1) {
    WorkerStart *start = malloc(sizeof(WorkerStart));
    if (!start) break;
    // Called by the pool's owner before it bumps the generation, so this is the last one seen.
    *start = (WorkerStart){.index = started + 1, .seen = atomic_load(&generation)};
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int failed = pthread_create(&thread, &attributes, workerMain, start);
    pthread_attr_destroy(&attributes);
    if (failed) {
      free(start);
      break;
    }
    started += 1;
  }
  int available = started + 1;
  pthread_mutex_unlock(&poolLock);
  return available < threads ? available : threads;
}

/// Publishes a job, takes part in it, and waits for every worker to acknowledge it.
static void runOnPool(ck_range_fn fn, void *context, int64_t count, int64_t chunk, int threads) {
  job = (Job){.fn = fn, .context = context, .count = count, .chunk = chunk, .threads = threads};
  atomic_store(&nextItem, 0);
  atomic_store(&running, started);  // every worker acknowledges (see workerMain)
  atomic_fetch_add(&generation, 1);
  if (atomic_load(&sleepers) > 0) {
    pthread_mutex_lock(&poolLock);
    pthread_cond_broadcast(&poolWake);
    pthread_mutex_unlock(&poolLock);
  }
  runChunks(&job);
  // The workers finish their last chunk about when we do, unless one was descheduled.
  int spins = 0;
  while (atomic_load(&running) > 0) {
    if (++spins < yieldAfter) {
      CK_PAUSE();
    } else {
      sched_yield();
    }
  }
}

/// Adds one call's duration to its shape's moving average for the mode it ran in.
static void record(ck_range_fn fn, int64_t count, int64_t chunk, int usePool, double duration) {
  uint64_t hash = ((uint64_t)(uintptr_t)fn ^ (uint64_t)count * 0x9E3779B97F4A7C15u
                   ^ (uint64_t)chunk * 0xC2B2AE3D27D4EB4Fu);
  for (int probe = 0; probe < shapeSlots; probe++) {
    Shape *shape = &shapes[(hash + (uint64_t)probe) % shapeSlots];
    if (shape->fn == NULL) *shape = (Shape){.fn = fn, .count = count, .chunk = chunk};
    if (shape->fn != fn || shape->count != count || shape->chunk != chunk) continue;
    double *average = &shape->nanoseconds[usePool];
    *average = *average == 0 ? duration : *average + (duration - *average) / 8;
    return;
  }
}

/// Prefers the pool unless the shapes timed both ways took longer on it than alone.
static void choosePreferredMode(void) {
  double alone = 0, pooled = 0;
  for (int i = 0; i < shapeSlots; i++) {
    if (shapes[i].nanoseconds[0] > 0 && shapes[i].nanoseconds[1] > 0) {
      alone += shapes[i].nanoseconds[0];
      pooled += shapes[i].nanoseconds[1];
    }
  }
  if (alone > 0) preferPool = pooled <= alone;
}

/// `ck_parallel_for`, choosing between pool and caller by timing when `adaptive`, always on the
/// pool otherwise.
static void parallelFor(ck_range_fn fn, void *context, int64_t count, int64_t chunk, int adaptive) {
  if (count <= 0) return;
  if (chunk < 1) chunk = 1;
  int threads = ck_thread_count();
  if (threads == 1 || count <= chunk || atomic_flag_test_and_set(&inUse)) {
    fn(context, 0, count);
    return;
  }
  threads = ensureWorkers(threads);
  int64_t chunks = (count + chunk - 1) / chunk;
  if (threads > chunks) threads = (int)chunks;
  if (threads == 1) {
    atomic_flag_clear(&inUse);
    fn(context, 0, count);
    return;
  }
  if (!adaptive) {
    runOnPool(fn, context, count, chunk, threads);
    atomic_flag_clear(&inUse);
    return;
  }
  uint64_t call = timedCalls++;
  int probing = call >= probeStart;
  int usePool = probing ? !preferPool : preferPool;
  if (probing && call == probeStart) {
    // The probed mode's averages restart from this probe's calls: stale figures from long ago
    // (or from a burst of load) must not decide.
    for (int i = 0; i < shapeSlots; i++) shapes[i].nanoseconds[usePool] = 0;
  }
  uint64_t start = nanoseconds();
  if (usePool) {
    runOnPool(fn, context, count, chunk, threads);
  } else {
    fn(context, 0, count);
  }
  // A probe of the pool starts with workers asleep after thousands of calls alone; their wake-up
  // is not what the pool costs, so the first calls of a probe are not timed.
  if (!probing || call >= probeStart + probeWarmup)
    record(fn, count, chunk, usePool, (double)(nanoseconds() - start));
  atomic_fetch_add(usePool ? &callsOnPool : &callsAlone, 1);
  if (probing && call == probeStart + probeCalls - 1) {
    choosePreferredMode();
    probeStart += phaseCalls;
  }
  atomic_flag_clear(&inUse);
}

void ck_parallel_for(ck_range_fn fn, void *context, int64_t count, int64_t chunk) {
  parallelFor(fn, context, count, chunk, 1);
}

void ck_parallel_for_always(ck_range_fn fn, void *context, int64_t count, int64_t chunk) {
  parallelFor(fn, context, count, chunk, 0);
}

void ck_pool_statistics(uint64_t *onPool, uint64_t *alone) {
  if (onPool) *onPool = atomic_load(&callsOnPool);
  if (alone) *alone = atomic_load(&callsAlone);
}

float *ck_scratch(size_t count) {
  static _Thread_local float *buffer;
  static _Thread_local size_t capacity;
  if (count <= capacity) return buffer;
  size_t rounded = (count + 1023) & ~(size_t)1023;
  float *grown = aligned_alloc(32, rounded * sizeof(float));
  if (!grown) return NULL;
  free(buffer);
  buffer = grown;
  capacity = rounded;
  return buffer;
}
