/* test/bench/st/fb-instances.st in C: arrays of TON and CTU structs with the logic of
 * blocks/iec61131/timers.st and counters.st, reading the task clock passed to scan(). */
#include <stdbool.h>
#include <stdint.h>
#include "iec_fbs.h"


static TON timers[500];
static CTU counters[500];
static uint32_t sum_all;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  int32_t sum = 0;
  for (int i = 0; i <= 499; i++) {
    timers[i].IN = !timers[i].Q;
    timers[i].PT = 10000000LL * (i % 7 + 2);
    ton(&timers[i], now_ns);
    counters[i].CU = timers[i].Q;
    counters[i].R = counters[i].Q;
    counters[i].PV = (int16_t)(i % 11 + 3);
    ctu(&counters[i]);
    sum += counters[i].CV;
    if (counters[i].Q) sum += 1000;
  }
  sum_all = sum_all * 31u + (uint32_t)sum;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
