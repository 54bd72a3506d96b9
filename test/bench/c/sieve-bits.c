/* test/bench/st/sieve-bits.st in C. */
#include <stdbool.h>
#include <stdint.h>

static uint16_t bits[1024];
static const uint8_t ones[16] = {0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4};
static int32_t scanNo;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  int32_t limit = 20000 + (scanNo * 7919) % 10000;
  int32_t n = (limit - 1) / 2;
  int16_t last = (int16_t)(n / 16);
  for (int16_t w = 0; w <= last; w++) bits[w] = 0;
  for (int32_t i = 1, p = 3; p * p <= limit; i++, p += 2) {
    if ((bits[i / 16] & (uint16_t)(1u << (i % 16))) == 0) {
      for (int32_t j = (p * p - 1) / 2; j <= n; j += p) bits[j / 16] |= (uint16_t)(1u << (j % 16));
    }
  }
  bits[last] |= (uint16_t)(0xFFFEu << (n % 16));
  int32_t count = 0;
  uint32_t h = 0;
  for (int16_t w = 0; w <= last; w++) {
    uint16_t v = (uint16_t)~bits[w];
    count += ones[v & 0xF] + ones[(v >> 4) & 0xF] + ones[(v >> 8) & 0xF] + ones[v >> 12];
    h = ((h << 3) | (h >> 29)) ^ bits[w];
  }
  sum = sum * 31u + (uint32_t)(count * 7) + (h & 0xFFFF);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
