/* test/bench/st/int-dword-mix.st in C: the same wrap-around of each type. */
#include <stdint.h>

static int32_t a = 1;
static int16_t b = 3;
static uint16_t w = 0x1234;
static uint32_t d = 0xDEADBEEF;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  int32_t acc = 0;
  for (int32_t k = 1; k <= 2000; k++) {
    a = (int32_t)((uint32_t)a * 1664525u + 1013904223u);
    b = (int16_t)(b + (int16_t)(a % 1000) - (int16_t)(k / 3));
    d = (d << 5) ^ (d >> 3) ^ (uint32_t)a;
    w = (uint16_t)((w >> 1) | (uint16_t)((uint16_t)d << 7));
    acc = (int32_t)((uint32_t)acc + (uint32_t)((a / 65536) % 97 + b + (w & 0xFF)));
  }
  sum = sum * 31u + (uint32_t)acc;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
