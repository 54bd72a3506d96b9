/* test/bench/st/real-pid.st in C: REAL is float and every operation is a float operation
 * (x86-64 SSE, FLT_EVAL_METHOD 0, no FMA contraction at the default -march), as IEC 61131-3
 * and vPLC compute REAL; REAL_TO_DINT rounds to nearest, ties to even (lrintf). */
#include <math.h>
#include <stdint.h>

static float pv[200], integ[200], prevErr[200];
static float sp, err, deriv, out, t;
static const float kp = 0.75f, ki = 0.125f, kd = 0.0625f, dt = 0.01f, alpha = 0.02f;
static int32_t scanNo;
static uint32_t sum;

/* LIMIT(MN, IN, MX) = MIN(MAX(IN, MN), MX) */
static float limit(float mn, float x, float mx) { float y = x < mn ? mn : x; return y > mx ? mx : y; }

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  for (int k = 0; k <= 199; k++) {
    sp = (float)((scanNo / 100) % 5 * 10 + k % 7);
    err = sp - pv[k];
    integ[k] = limit(-50.0f, integ[k] + err * dt, 50.0f);
    deriv = (err - prevErr[k]) / dt;
    prevErr[k] = err;
    out = limit(-100.0f, kp * err + ki * integ[k] + kd * deriv, 100.0f);
    pv[k] = pv[k] + alpha * (out - pv[k]);
  }
  t = pv[0] * 1000.0f;
  sum = sum * 31u + (uint32_t)(int32_t)lrintf(t);
  t = pv[199] * 1000.0f;
  sum = sum * 31u + (uint32_t)(int32_t)lrintf(t);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
