/* test/bench/st/real-pid.st in C: float storage, double inside each expression (as vPLC's
 * REAL: FLT_EVAL_METHOD 1), so that both sides compute bit-identical values. */
#include <math.h>
#include <stdint.h>

static float pv[200], integ[200], prevErr[200];
static float sp, err, deriv, out, t;
static const float kp = 0.75f, ki = 0.125f, kd = 0.0625f, dt = 0.01f, alpha = 0.02f;
static int32_t scanNo;
static uint32_t sum;

static double limit(double mn, double x, double mx) { return x < mn ? mn : x > mx ? mx : x; }

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  for (int k = 0; k <= 199; k++) {
    sp = (float)(double)((scanNo / 100) % 5 * 10 + k % 7);
    err = (float)((double)sp - pv[k]);
    integ[k] = (float)limit(-50.0, (double)integ[k] + (double)err * dt, 50.0);
    deriv = (float)(((double)err - prevErr[k]) / dt);
    prevErr[k] = err;
    out = (float)limit(-100.0, (double)kp * err + (double)ki * integ[k] + (double)kd * deriv, 100.0);
    pv[k] = (float)((double)pv[k] + (double)alpha * ((double)out - pv[k]));
  }
  t = (float)((double)pv[0] * 1000.0);
  sum = sum * 31u + (uint32_t)(int32_t)lround(t);
  t = (float)((double)pv[199] * 1000.0);
  sum = sum * 31u + (uint32_t)(int32_t)lround(t);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
