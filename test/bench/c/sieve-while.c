/* test/bench/st/sieve-while.st in C. */
#include <stdbool.h>
#include <stdint.h>

static bool composite[8000];
static int32_t scanNo;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  int32_t limit = 5000 + (scanNo * 37) % 3000;
  int32_t p = 0;
  while (p <= limit) {
    composite[p] = false;
    p++;
  }
  p = 2;
  while (p * p <= limit) {
    if (!composite[p]) {
      int32_t m = p * p;
      while (m <= limit) {
        composite[m] = true;
        m += p;
      }
    }
    p++;
  }
  int32_t primes = 0, twins = 0, prev = 0;
  p = 2;
  while (p <= limit) {
    if (!composite[p]) {
      primes++;
      if (p - prev == 2) twins++;
      prev = p;
    }
    p++;
  }
  sum = sum * 31u + (uint32_t)(primes * 1000 + twins);
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
