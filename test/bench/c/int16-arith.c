/* test/bench/st/int16-arith.st in C: int16_t wraps on every store, as INT does. */
#include <stdint.h>

static int16_t i, a = 1, b = 3, c = 7;
static uint32_t sum; /* DINT checksum, wrapping: unsigned to keep C free of overflow */

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  for (i = 1; i <= 1000; i++) {
    a = (int16_t)(a * 31 + i);
    b = (int16_t)(b - (int16_t)(a * 3) + 17);
    c = (int16_t)(c + (int16_t)(a + b) / 7 - b % 13);
  }
  sum = sum * 31u + (uint32_t)(int32_t)a + (uint32_t)(int32_t)b + (uint32_t)(int32_t)c;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
