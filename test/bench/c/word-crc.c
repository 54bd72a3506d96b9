/* test/bench/st/word-crc.st in C: BYTE, WORD and DWORD as uint8_t, uint16_t and uint32_t. */
#include <stdint.h>

static uint8_t buf[256];
static int32_t scanNo;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  for (int16_t i = 0; i <= 255; i++) buf[i] = (uint8_t)(scanNo * 7 + (int16_t)(i * 13));
  uint16_t crc = 0xFFFF;
  for (int16_t i = 0; i <= 255; i++) {
    crc ^= buf[i];
    for (int16_t k = 1; k <= 8; k++) crc = (crc & 1) ? (uint16_t)((crc >> 1) ^ 0xA001) : (uint16_t)(crc >> 1);
  }
  uint32_t w = 0;
  int16_t parity = 0;
  for (int16_t i = 0; i <= 252; i += 4) {
    w = ((w << 5) | (w >> 27)) ^ ((uint32_t)buf[i] << 24) ^ ((uint32_t)buf[i + 1] << 16) ^ ((uint32_t)buf[i + 2] << 8) ^ buf[i + 3];
    if (w >> 31) parity++;
  }
  sum = sum * 31u + crc + (w & 0xFFFF) + (uint32_t)(int32_t)parity;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
