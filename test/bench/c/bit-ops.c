/* test/bench/st/bit-ops.st in C: WORD is uint16_t, DWORD uint32_t, BYTE uint8_t. */
#include <stdint.h>

static uint8_t buf[64];
static uint16_t crc;
static uint32_t h = 0x2545F491u;
static uint32_t sum_all;

static uint32_t rol32(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }
static uint32_t ror32(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }
static uint16_t ror16(uint16_t x, unsigned n) { return (uint16_t)((x >> n) | (x << (16 - n))); }

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  crc = 0xFFFF;
  for (int16_t i = 0; i <= 63; i++) {
    crc ^= buf[i];
    for (int16_t b = 0; b <= 7; b++) {
      if ((crc & 1) != 0) crc = (uint16_t)((crc >> 1) ^ 0xA001);
      else crc = (uint16_t)(crc >> 1);
    }
  }
  int32_t ones = 0;
  for (int16_t i = 0; i <= 63; i++) {
    h = rol32(h, 5) ^ (uint32_t)crc ^ ((uint32_t)(int32_t)i << 11);
    h = h ^ (h >> 7);
    buf[i] = (uint8_t)((uint8_t)h | ((uint8_t)ror32(h, 13) & 0x0F));
    if (h & 8u) ones++;
    crc = (uint16_t)(ror16(crc, 3) ^ (uint16_t)(h >> 16));
  }
  sum_all = sum_all * 31u + (uint32_t)crc + (uint32_t)ones + (h & 0xFFFFFu);
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
