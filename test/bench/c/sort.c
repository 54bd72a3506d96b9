/* test/bench/st/sort.st in C: LCG refill and insertion sort of 256 int32_t. */
#include <stdint.h>

static int32_t data[256];
static uint32_t seed = 12345;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  for (int i = 0; i <= 255; i++) {
    seed = seed * 1103515245u + 12345u;
    data[i] = (int32_t)(seed / 256) - 8388608;
  }
  for (int i = 1; i <= 255; i++) {
    int32_t key = data[i];
    int j = i;
    while (j > 0) {
      if (data[j - 1] <= key) break;
      data[j] = data[j - 1];
      j--;
    }
    data[j] = key;
  }
  for (int i = 0; i <= 255; i++) sum = sum * 31u + (uint32_t)data[i];
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
