/* test/bench/st/sort-cond.st in C: xorshift refill and insertion sort of 240 int32_t, the inner
 * loop ended by its own condition. */
#include <stdint.h>

static int32_t a[241];
static uint32_t seed = 99991;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  for (int i = 1; i <= 240; i++) {
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    a[i] = (int32_t)(seed % 100000u) - 50000;
  }
  for (int i = 2; i <= 240; i++) {
    int32_t key = a[i];
    int j = i - 1;
    while (j >= 1 && a[j] > key) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = key;
  }
  for (int i = 1; i <= 240; i += 2) sum = sum * 31u + (uint32_t)a[i];
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
