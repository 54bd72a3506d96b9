/* test/bench/st/matrix-2d.st in C: two-dimensional arrays of int8_t. */
#include <stdint.h>

static int8_t cur[48][48], nxt[48][48];
static uint32_t seed = 99;
static int32_t gen;
static uint32_t sum_all;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  if (gen % 200 == 0) {
    for (int16_t r = 0; r <= 47; r++)
      for (int16_t c = 0; c <= 47; c++) {
        seed = seed * 1664525u + 1013904223u;
        cur[r][c] = (seed / 65536) % 3 == 0 ? 1 : 0;
      }
  }
  gen++;
  int32_t alive = 0;
  for (int16_t r = 0; r <= 47; r++) {
    int16_t up = (int16_t)((r + 47) % 48), dn = (int16_t)((r + 1) % 48);
    for (int16_t c = 0; c <= 47; c++) {
      int16_t lf = (int16_t)((c + 47) % 48), rt = (int16_t)((c + 1) % 48);
      int16_t n = (int16_t)(cur[up][lf] + cur[up][c] + cur[up][rt] + cur[r][lf] + cur[r][rt] + cur[dn][lf] + cur[dn][c] + cur[dn][rt]);
      if (n == 3 || (n == 2 && cur[r][c] == 1)) {
        nxt[r][c] = 1;
        alive++;
      } else {
        nxt[r][c] = 0;
      }
    }
  }
  for (int16_t r = 0; r <= 47; r++)
    for (int16_t c = 0; c <= 47; c++) cur[r][c] = nxt[r][c];
  sum_all = sum_all * 31u + (uint32_t)alive;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
