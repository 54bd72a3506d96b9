/* test/bench/st/real-pi-aw.st in C: REAL is float and every operation is a float operation
 * (x86-64 SSE, FLT_EVAL_METHOD 0, no FMA contraction at the default -march); REAL_TO_DINT
 * rounds to nearest, ties to even (lrintf). */
#include <math.h>
#include <stdint.h>

static float y[256], v[256], xi[256];
static const float kp = 1.2f, ki = 0.8f, kaw = 0.5f, umax = 40.0f, umin = -40.0f, dt = 0.02f, damping = 0.7f;
static int32_t scanNo;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  for (int k = 0; k <= 255; k++) {
    float sp = (float)(k % 16) * 2.5f + (float)((scanNo / 50) % 4) * 5.0f;
    float e = sp - y[k];
    float u = kp * e + ki * xi[k];
    float us = u > umax ? umax : u < umin ? umin : u;
    xi[k] = xi[k] + dt * (e + kaw * (us - u));
    v[k] = v[k] + dt * (us - damping * v[k] - y[k]);
    y[k] = y[k] + dt * v[k];
  }
  sum = sum * 31u + (uint32_t)(int32_t)lrintf(y[3] * 1000.0f);
  sum = sum * 31u + (uint32_t)(int32_t)lrintf(fabsf(xi[200]) * 100.0f);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
