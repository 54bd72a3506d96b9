/* test/bench/st/ring-fifo.st in C: the queues as an array of structs, DWORD as uint32_t, DINT
 * arithmetic that may overflow in uint32_t (IEC wraps). */
#include <stdint.h>

typedef struct { int32_t buf[16]; int16_t head, count; int32_t dropped; } Queue;

static Queue q[32];
static uint32_t w = 0x2545F491u;
static uint32_t sum_all;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  uint32_t sum = 0;
  for (int16_t k = 0; k <= 31; k++) {
    w ^= w << 13;
    w ^= w >> 17;
    w ^= w << 5;
    int16_t n = (int16_t)((int32_t)(w & 0xFFFFu) % 6);
    while (n > 0) {
      Queue *c = &q[k];
      if (c->count < 16) {
        int16_t slot = (int16_t)((c->head + c->count) % 16);
        c->buf[slot] = (int32_t)((uint32_t)(int32_t)(w >> 16) + (uint32_t)n);
        c->count++;
      } else {
        c->dropped++;
      }
      n--;
    }
    n = (int16_t)((int32_t)((w >> 8) & 0xFFu) % 5);
    while (n > 0 && q[k].count > 0) {
      Queue *c = &q[k];
      int32_t v = c->buf[c->head];
      c->head = (int16_t)((c->head + 1) % 16);
      c->count--;
      sum += (uint32_t)v * (uint32_t)(k + 1);
      n--;
    }
  }
  sum_all = sum_all * 31u + sum + (uint32_t)q[5].dropped + (uint32_t)(int32_t)q[17].count;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
