/* test/bench/st/lreal-rk4.st in C: LREAL is double, operations in the same order;
 * LREAL_TO_DINT rounds to nearest, ties to even (lrint). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

static double xs[100], vs[100];
static bool ready;
static const double h = 0.001;
static uint32_t sum_all;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  if (!ready) {
    for (int16_t k = 0; k <= 99; k++) {
      xs[k] = 1.0 + (double)k * 0.01;
      vs[k] = 0.0;
    }
    ready = true;
  }
  double e = 0.0;
  for (int16_t k = 0; k <= 99; k++) {
    double x = xs[k], v = vs[k];
    double w2 = 1.0 + (double)k * 0.05;
    double c = 0.01 + (double)(k % 10) * 0.002;
    double k1x = v;
    double k1v = -w2 * x - c * v;
    double k2x = v + 0.5 * h * k1v;
    double k2v = -w2 * (x + 0.5 * h * k1x) - c * (v + 0.5 * h * k1v);
    double k3x = v + 0.5 * h * k2v;
    double k3v = -w2 * (x + 0.5 * h * k2x) - c * (v + 0.5 * h * k2v);
    double k4x = v + h * k3v;
    double k4v = -w2 * (x + h * k3x) - c * (v + h * k3v);
    x = x + h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
    v = v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v);
    if (fabs(x) < 0.000001 && fabs(v) < 0.000001) x = 1.0;
    xs[k] = x;
    vs[k] = v;
    e = e + 0.5 * (v * v + w2 * x * x);
  }
  sum_all = sum_all * 31u + (uint32_t)(int32_t)lrint(e * 1000.0) + (uint32_t)(int32_t)lrint(xs[37] * 1000000.0);
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
