/* test/bench/st/struct-array.st in C: an array of structs. */
#include <stdbool.h>
#include <stdint.h>

typedef struct { int32_t x, y; int16_t vx, vy; uint32_t bounces; } Particle;

static Particle pts[512];
static bool ready;
static uint32_t sum_all;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  if (!ready) {
    for (int16_t k = 0; k <= 511; k++) {
      pts[k].x = k * 19;
      pts[k].y = k * 7;
      pts[k].vx = (int16_t)(k % 17 - 8);
      pts[k].vy = (int16_t)(k % 13 - 6);
    }
    ready = true;
  }
  uint32_t sum = 0;
  for (int16_t k = 0; k <= 511; k++) {
    Particle *p = &pts[k];
    p->x = (int32_t)((uint32_t)p->x + (uint32_t)(int32_t)p->vx);
    p->y = (int32_t)((uint32_t)p->y + (uint32_t)(int32_t)p->vy);
    if (p->x < 0 || p->x > 10000) {
      p->vx = (int16_t)-p->vx;
      p->bounces++;
    }
    if (p->y < 0 || p->y > 5000) {
      p->vy = (int16_t)-p->vy;
      p->bounces++;
    }
    sum = sum + (uint32_t)p->x - (uint32_t)p->y + p->bounces;
  }
  sum_all = sum_all * 31u + sum;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
