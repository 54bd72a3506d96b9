/* test/bench/st/shell-sort.st in C. DINT arithmetic that may overflow is done in uint32_t. */
#include <stdint.h>

static int32_t data[300];
static int32_t seed = 7;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  for (int32_t i = 0; i <= 299; i++) {
    seed = (int32_t)((uint32_t)seed * 1103515245u + 12345u);
    data[i] = (seed / 65536) % 32768 - 16384;
  }
  for (int32_t gap = 121; gap > 0; gap /= 3) {
    for (int32_t i = gap; i <= 299; i++) {
      int32_t v = data[i], j = i;
      while (j >= gap) {
        if (data[j - gap] <= v) break;
        data[j] = data[j - gap];
        j -= gap;
      }
      data[j] = v;
    }
  }
  sum = sum * 31u + (uint32_t)data[0] + (uint32_t)data[75] * 3u + (uint32_t)data[150] * 5u + (uint32_t)data[299] * 7u;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
