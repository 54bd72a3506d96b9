/* test/bench/st/real-biquad.st in C: REAL is float and every operation a float operation;
 * REAL_TO_DINT rounds to nearest, ties to even (lrintf). */
#include <math.h>
#include <stdint.h>

static float z1[256], z2[256];
static const float b0 = 0.0675f, b1 = 0.135f, b2 = 0.0675f, a1 = -1.143f, a2 = 0.4128f;
static int32_t scanNo;
static uint32_t sum_all;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  float acc = 0.0f;
  for (int16_t ch = 0; ch <= 63; ch++) {
    float xin = ((scanNo + ch) / 16) % 2 == 0 ? 1.0f : -1.0f;
    for (int16_t s = 0; s <= 3; s++) {
      int16_t n = (int16_t)(ch * 4 + s);
      float y = b0 * xin + z1[n];
      float t = b1 * xin - a1 * y;
      z1[n] = t + z2[n];
      z2[n] = b2 * xin - a2 * y;
      xin = y;
    }
    acc = acc + xin * xin;
  }
  sum_all = sum_all * 31u + (uint32_t)(int32_t)lrintf(acc * 1000.0f) + (uint32_t)(int32_t)lrintf(z1[77] * 100000.0f);
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
