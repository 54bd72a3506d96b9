/* test/bench/st/fb-std-arrays.st in C: three arrays of TON, R_TRIG and CTU (iec_fbs.h). */
#include <stdbool.h>
#include <stdint.h>
#include "iec_fbs.h"

static TON timers[501];
static R_TRIG trigs[501];
static CTU counters[501];
static int32_t scanNo;
static uint32_t hits, sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  scanNo++;
  for (int16_t k = 1; k <= 500; k++) {
    timers[k].IN = !timers[k].Q && ((scanNo + k) % 7 != 0);
    timers[k].PT = 10000000LL * (k % 4 + 1);
    ton(&timers[k], now_ns);
    trigs[k].CLK = timers[k].Q;
    r_trig(&trigs[k]);
    counters[k].CU = trigs[k].Q;
    counters[k].R = counters[k].Q;
    counters[k].PV = (int16_t)(3 + k % 5);
    ctu(&counters[k]);
    if (counters[k].Q) hits++;
    hits += (uint32_t)(int32_t)counters[k].CV;
  }
  sum = sum * 31u + hits;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
