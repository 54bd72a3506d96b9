/* test/bench/st/real-pid-filter.st in C: the FB as a function on a struct, float arithmetic. */
#include <math.h>
#include <stdint.h>

typedef struct { float integ, lastErr, dfilt, y; } PIDF;

static PIDF loops[128];
static float x[128];
static int32_t scanNo;
static uint32_t sum;

static inline void pidf(PIDF *s, float sp, float pv, float kp, float ti, float td, float dt, float hi, float lo) {
  float e = sp - pv;
  float p = kp * e;
  s->integ = s->integ + kp * dt / ti * e;
  float alpha = td / (td + 10.0f * dt);
  s->dfilt = alpha * s->dfilt + (1.0f - alpha) * (e - s->lastErr) / dt;
  float d = kp * td * s->dfilt;
  s->lastErr = e;
  float u = p + s->integ + d;
  if (u > hi) {
    s->integ = s->integ - (u - hi);
    u = hi;
  } else if (u < lo) {
    s->integ = s->integ - (u - lo);
    u = lo;
  }
  s->y = u;
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  float acc = 0.0f;
  for (int k = 0; k <= 127; k++) {
    pidf(&loops[k], 50.0f + (float)(k % 10), x[k], 1.2f, 4.0f, 0.3f, 0.01f, 100.0f, 0.0f);
    x[k] = x[k] + 0.01f * (loops[k].y - x[k]) / (1.0f + (float)(k % 3));
    acc = acc + x[k];
  }
  /* REAL_TO_DINT: to nearest, ties to even */
  sum = sum * 31u + (uint32_t)(int32_t)nearbyintf(acc * 10.0f);
  if (scanNo % 500 == 0)
    for (int k = 0; k <= 127; k++) x[k] = 0.0f;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
