/* test/bench/st/sort-flag.st in C: insertion sort of 200 int16_t ended by a flag. */
#include <stdbool.h>
#include <stdint.h>

static int16_t a[201];
static int32_t r = 7;
static uint32_t sum;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  for (int i = 1; i <= 200; i++) {
    r = (r * 75 + 74) % 65537;
    a[i] = (int16_t)(r - 32768);
  }
  for (int i = 2; i <= 200; i++) {
    int16_t key = a[i];
    int j = i - 1;
    bool done = false;
    while (!done) {
      if (j < 1) {
        done = true;
      } else if (a[j] > key) {
        a[j + 1] = a[j];
        j--;
      } else {
        done = true;
      }
    }
    a[j + 1] = key;
  }
  for (int i = 1; i <= 200; i += 3) sum = sum * 31u + (uint32_t)(int32_t)a[i];
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
