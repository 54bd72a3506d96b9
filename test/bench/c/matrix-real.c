/* test/bench/st/matrix-real.st in C: REAL is float, every operation a float operation (no FMA
 * contraction at the default -march); REAL_TO_DINT rounds to nearest, ties to even (lrintf). */
#include <math.h>
#include <stdint.h>

static float a[24][24], b[24][24], c[24][24];
static int32_t scanNo;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  for (int16_t i = 1; i <= 24; i++)
    for (int16_t j = 1; j <= 24; j++) {
      a[i - 1][j - 1] = (float)(((int16_t)(i * j) + scanNo) % 11) * 0.5f;
      b[i - 1][j - 1] = (float)((i + 2 * j) % 7) - 3.0f;
    }
  for (int16_t i = 1; i <= 24; i++)
    for (int16_t j = 1; j <= 24; j++) {
      float s = 0.0f;
      for (int16_t k = 1; k <= 24; k++) s = s + a[i - 1][k - 1] * b[k - 1][j - 1];
      c[i - 1][j - 1] = s;
    }
  float s = 0.0f;
  for (int16_t i = 1; i <= 24; i++) s = s + c[i - 1][i - 1] + c[i - 1][24 - i];
  sum = sum * 31u + (uint32_t)(int32_t)lrintf(s);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
