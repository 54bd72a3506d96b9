/* test/bench/st/lreal-funcs.st in C: LREAL is double, the FUNCTIONs static functions;
 * LREAL_TO_DINT rounds to nearest, ties to even (lrint). */
#include <math.h>
#include <stdint.h>

static double px[256], py[256];
static int32_t scanNo;
static uint32_t sum;

static double sq(double x) { return x * x; }
static double dist(double x1, double y1, double x2, double y2) { return sqrt(sq(x2 - x1) + sq(y2 - y1)); }
static double clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  if (scanNo == 1)
    for (int16_t i = 0; i <= 255; i++) {
      px[i] = (double)i * 0.37;
      py[i] = (double)(i % 17) * 1.3;
    }
  double total = 0.0;
  for (int16_t i = 1; i <= 255; i++) {
    double a = dist(px[i - 1], py[i - 1], px[i], py[i]);
    double t1 = a * 0.5 + fabs(px[i] - py[i]) * 0.25;
    double t2 = clamp(t1 - 3.0, -2.0, 2.0);
    double b = t2 * t2 * 0.125 - t1 / (1.0 + a);
    double c = clamp(b, -10.0, 10.0);
    px[i] = px[i] + c * 0.001;
    total = total + a + c;
  }
  sum = sum * 31u + (uint32_t)(int32_t)lrint(total * 100.0);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
