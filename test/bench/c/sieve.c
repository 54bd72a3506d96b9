/* test/bench/st/sieve.st in C. */
#include <stdbool.h>
#include <stdint.h>

static bool flags[8192];
static int32_t scanNo;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  int32_t limit = 6000 + scanNo % 2000;
  scanNo++;
  for (int32_t i = 0; i <= limit; i++) flags[i] = true;
  int32_t count = 0;
  for (int32_t i = 2; i <= limit; i++) {
    if (flags[i]) {
      count++;
      for (int32_t j = i * i; j <= limit; j += i) flags[j] = false;
    }
  }
  sum = sum * 31u + (uint32_t)count;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
