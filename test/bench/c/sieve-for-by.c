/* test/bench/st/sieve-for-by.st in C. */
#include <stdbool.h>
#include <stdint.h>

static bool composite[10001];
static int32_t scanNo;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  int n = 9000 + scanNo % 1000;
  for (int i = 1; i <= n; i++) composite[i] = false;
  for (int i = 2; i * i <= n; i++)
    if (!composite[i])
      for (int j = i * i; j <= n; j += i) composite[j] = true;
  int primes = 0;
  for (int i = 2; i <= n; i++)
    if (!composite[i]) primes++;
  sum = sum * 31u + (uint32_t)primes;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
