/* The C side of test/bench/st-vs-c.ts. A kernel defines `static void scan(int64_t now_ns)`
 * (one PLC scan, with the task clock) and `static int32_t checksum(void)`, then includes this
 * file. Usage: ./kernel WARMUP BATCHES BATCH_SIZE INTERVAL_NS
 * Runs WARMUP scans, then BATCHES batches of BATCH_SIZE scans timed with CLOCK_MONOTONIC and
 * CLOCK_PROCESS_CPUTIME_ID (the CPU time: less disturbed by other load on a shared machine),
 * the clock advancing INTERVAL_NS per scan from 0, exactly as the ST side does; prints
 * `checksum N` and one `batch NS CPU_NS` line per batch. A kernel whose state needs more than C's zero
 * initialisation defines HARNESS_INIT as the name of a function run once before the first scan. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int64_t clock_ns(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s WARMUP BATCHES BATCH_SIZE INTERVAL_NS\n", argv[0]);
    return 64;
  }
  long warmup = atol(argv[1]), batches = atol(argv[2]), size = atol(argv[3]);
  int64_t interval = atoll(argv[4]), now = 0;
#ifdef HARNESS_INIT
  HARNESS_INIT();
#endif
  for (long s = 0; s < warmup; s++, now += interval) scan(now);
  int64_t *ns = malloc(sizeof(int64_t) * 2 * (size_t)(batches > 0 ? batches : 1));
  for (long b = 0; b < batches; b++) {
    int64_t t0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
    for (long s = 0; s < size; s++, now += interval) scan(now);
    ns[2 * b] = clock_ns(CLOCK_MONOTONIC) - t0;
    ns[2 * b + 1] = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - c0;
  }
  printf("checksum %d\n", (int)checksum());
  for (long b = 0; b < batches; b++) printf("batch %lld %lld\n", (long long)ns[2 * b], (long long)ns[2 * b + 1]);
  free(ns);
  return 0;
}
