/* test/bench/st/nested-calls.st in C: the same functions (gcc inlines them as it sees fit). */
#include <stdint.h>

static int32_t a = 1, b = 2;
static uint32_t sum_all;

static int32_t Clamp(int32_t x, int32_t lo, int32_t hi) { return x < lo ? lo : x > hi ? hi : x; }
static int32_t Scale(int32_t x, int32_t num, int32_t den) { return Clamp((int32_t)((uint32_t)x * (uint32_t)num) / den, -30000, 30000); }
static int32_t Lerp(int32_t a_, int32_t b_, int16_t t) {
  return (int32_t)((uint32_t)a_ + (uint32_t)((int32_t)((uint32_t)(int32_t)((uint32_t)b_ - (uint32_t)a_) * (uint32_t)(int32_t)t) / 256));
}
static int32_t Mix(int32_t p, int32_t q, int32_t r) {
  int32_t m = Lerp(Scale(p, 3, 2), Scale(q, 5, 7), (int16_t)(r % 256));
  return Clamp((int32_t)((uint32_t)m + (uint32_t)Scale(r, 1, 3)), -20000, 20000);
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  uint32_t sum = 0;
  for (int32_t i = 0; i <= 999; i++) {
    a = Mix((int32_t)((uint32_t)a + (uint32_t)i), (int32_t)((uint32_t)b - (uint32_t)i), (int32_t)((uint32_t)i * 7u));
    b = Clamp((int32_t)((uint32_t)Lerp(b, a, 77) + (uint32_t)Scale(i, 9, 4)), -25000, 25000);
    sum = sum + (uint32_t)a - (uint32_t)b;
  }
  sum_all = sum_all * 31u + sum;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
