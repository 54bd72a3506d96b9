/* test/bench/st/struct-batches.st in C: INT as int16_t, DINT as int32_t (sums wrap as uint32_t). */
#include <stdint.h>

typedef struct { int16_t state, timer; int32_t qty, made; } Batch;

static Batch b[129];
static int32_t scanNo;
static uint32_t total, done, sum;

static inline int32_t dose(int32_t want, int32_t have, int32_t maxStep) {
  int32_t d = want - have < maxStep ? want - have : maxStep;
  if (d < 0) d = 0;
  return d;
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  for (int16_t i = 1; i <= 128; i++) {
    switch (b[i].state) {
      case 0:
        b[i].qty = 100 + (scanNo + i) % 37 * 10;
        b[i].made = 0;
        b[i].state = 1;
        break;
      case 1:
        b[i].made = b[i].made + dose(b[i].qty, b[i].made, 25 + i % 4);
        if (b[i].made >= b[i].qty) { b[i].state = 2; b[i].timer = (int16_t)(5 + i % 3); }
        break;
      case 2:
        b[i].timer = (int16_t)(b[i].timer - 1);
        if (b[i].timer <= 0) b[i].state = 3;
        break;
      case 3:
        total += (uint32_t)b[i].made;
        done++;
        b[i].state = 0;
        break;
      default:
        b[i].state = 0;
    }
  }
  sum = sum * 31u + total + done;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
