/* test/bench/st/int-mix.st in C. DINT arithmetic that may overflow is done in uint32_t
 * (IEC wraps; signed overflow is undefined in C). */
#include <stdint.h>

static uint32_t w = 0x9E3779B9u;
static int32_t acc = 1;
static int8_t s8;
static uint16_t u16;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  for (int32_t i = 0; i <= 999; i++) {
    w ^= w << 13;
    w ^= w >> 17;
    w ^= w << 5;
    int32_t r = (int32_t)(w & 0x7FFFFFFFu);
    switch (r % 4) {
      case 0: acc = (int32_t)((uint32_t)acc * 1664525u + (uint32_t)r); break;
      case 1: acc = (int32_t)((uint32_t)acc - (uint32_t)(r / 3)); break;
      case 2: acc = (int32_t)((uint32_t)acc + (w >> 20)); break;
      default: acc = (int32_t)((uint32_t)acc + (uint32_t)(r % 1000) * (uint32_t)i); break;
    }
    s8 = (int8_t)(s8 + (int8_t)(r % 100));
    u16 = (uint16_t)(u16 * 3 + (uint16_t)(r % 65536));
    if (acc > r) acc = (int32_t)((uint32_t)acc - (uint32_t)i);
  }
  sum = sum * 31u + (uint32_t)acc + (uint32_t)(int32_t)s8 + (uint32_t)u16 + (w & 0xFFFFu);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
