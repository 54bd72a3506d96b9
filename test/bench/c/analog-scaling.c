/* test/bench/st/analog-scaling.st in C: REAL is float and every operation a float operation;
 * DINT_TO_INT keeps the low 16 bits; REAL_TO_DINT rounds to nearest, ties to even (lrintf). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

static int16_t raw[256];
static float eng[256], filt[256];
static bool hiAlarm[256];
static uint16_t trips[256];
static int32_t scanNo;
static const float scale = 0.0030517578f, offset = -12.5f;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  for (int16_t k = 0; k <= 255; k++) raw[k] = (int16_t)(uint16_t)(uint32_t)(scanNo * 977 + k * 2131);
  float total = 0.0f;
  for (int16_t k = 0; k <= 255; k++) {
    eng[k] = (float)raw[k] * scale + offset;
    filt[k] = filt[k] + (eng[k] - filt[k]) * 0.125f;
    hiAlarm[k] = filt[k] > 40.0f;
    if (hiAlarm[k]) trips[k]++;
    total = total + filt[k];
  }
  sum = sum * 31u + (uint32_t)(int32_t)lrintf(total);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
