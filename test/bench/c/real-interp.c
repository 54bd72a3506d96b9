/* test/bench/st/real-interp.st in C: REAL is float and every operation a float operation
 * (x86-64 SSE, no FMA contraction at the default -march); REAL_TO_DINT rounds to nearest, ties
 * to even (lrintf); sqrtf is correctly rounded, as SQRT of a REAL is in vPLC. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

static float xs[32], ys[32];
static bool ready;
static int32_t scanNo;
static uint32_t sum_all;

static float limit(float mn, float x, float mx) { float y = x < mn ? mn : x; return y > mx ? mx : y; }

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  if (!ready) {
    for (int32_t k = 0; k <= 31; k++) {
      xs[k] = (float)(k * k) * 0.25f;
      ys[k] = sqrtf(xs[k]) * 3.0f - (float)k * 0.125f;
    }
    ready = true;
  }
  scanNo++;
  float acc = 0.0f;
  for (int32_t k = 0; k <= 255; k++) {
    float q = (float)((k * 37 + scanNo) % 1000) * 0.25f;
    int32_t lo = 0, hi = 31;
    while (hi - lo > 1) {
      int32_t mid = (lo + hi) / 2;
      if (xs[mid] <= q) lo = mid;
      else hi = mid;
    }
    float frac = (q - xs[lo]) / (xs[hi] - xs[lo]);
    float y = ys[lo] + frac * (ys[hi] - ys[lo]);
    acc = acc + limit(-10.0f, y, 40.0f);
  }
  float t = acc * 16.0f;
  sum_all = sum_all * 31u + (uint32_t)(int32_t)lrintf(t);
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
