/* test/bench/st/int-shift-mix.st in C. DINT arithmetic that may overflow is done in uint32_t,
 * INT arithmetic is wrapped to 16 bits (IEC wraps; signed overflow is undefined in C). */
#include <stdint.h>

static int32_t seed = 12345, a;
static int16_t q = 1;
static uint16_t bits = 0xACE1;
static uint32_t hi, sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  for (int32_t i = 1; i <= 1500; i++) {
    seed = (int32_t)((uint32_t)seed * 1103515245u + 12345u);
    int32_t x = (int32_t)((uint32_t)seed >> 9) % 10007;
    int16_t h = (int16_t)((int16_t)(x % 30011) - 15000);
    a = (int32_t)((uint32_t)a + (uint32_t)((int32_t)h * 3) - (uint32_t)(x / 7));
    q = (int16_t)(uint16_t)((uint16_t)q * 5u + (uint16_t)(h / 4));
    bits = (uint16_t)((uint16_t)(bits << 1) ^ (uint16_t)((uint16_t)h >> 3) ^ (uint16_t)((bits << 7) | (bits >> 9)));
    if (x % 3 == 0) {
      hi ^= (uint32_t)x << (i % 16);
    } else if (x % 5 == 1) {
      a = (int32_t)((uint32_t)a - (uint32_t)((int32_t)(hi >> 11) % 1000));
    } else {
      q = (int16_t)(uint16_t)((uint16_t)q - (uint16_t)(7 * (h % 13)));
    }
  }
  sum = sum * 31u + (uint32_t)a + (uint32_t)(int32_t)q + (uint32_t)bits + (hi & 0xFFFFFu);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
