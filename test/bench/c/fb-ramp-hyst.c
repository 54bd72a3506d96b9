/* test/bench/st/fb-ramp-hyst.st in C: the FB as a function on a struct, float arithmetic. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct { float out; bool on; } RampHyst;

static RampHyst ramps[96];
static int32_t scanNo;
static uint32_t sum;

static inline void ramp_hyst(RampHyst *s, float target, float rate, float dt, float onAt, float offAt) {
  float step = rate * dt;
  float diff = target - s->out;
  if (diff > step) s->out = s->out + step;
  else if (diff < -step) s->out = s->out - step;
  else s->out = target;
  if (s->out >= onAt) s->on = true;
  else if (s->out <= offAt) s->on = false;
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  int32_t ons = 0;
  float level = 0.0f;
  for (int16_t i = 0; i <= 95; i++) {
    ramp_hyst(&ramps[i], (float)((scanNo / 50 + i) % 7) * 12.5f, 20.0f, 0.1f, 60.0f, 40.0f);
    if (ramps[i].on) ons++;
    level = level + ramps[i].out;
  }
  /* REAL_TO_DINT: to nearest, ties to even */
  sum = sum * 31u + (uint32_t)ons + (uint32_t)(int32_t)nearbyintf(level);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
