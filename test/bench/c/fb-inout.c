/* test/bench/st/fb-inout.st in C: the FB as a struct and a function taking its VAR_IN_OUT
 * by pointer; DINT arithmetic that may overflow is done in uint32_t (IEC wraps). */
#include <stdbool.h>
#include <stdint.h>

typedef struct { int32_t x; int16_t gain; int32_t y; bool over; int32_t last; } FB_Accum;
typedef struct { FB_Accum ctl; int32_t total; int16_t hits; } Cell;
typedef struct { FB_Accum a, b; int32_t shared; } Pair;

static Cell cells[256];
static Pair pair;
static int32_t seed = 12345;
static uint32_t sum_all;

static void fb_accum(FB_Accum *f, int32_t *acc) {
  f->y = (int32_t)((uint32_t)f->x * (uint32_t)(int32_t)f->gain - (uint32_t)f->last);
  f->last = f->x;
  *acc = (int32_t)((uint32_t)*acc + (uint32_t)f->y);
  f->over = *acc > 100000 || *acc < -100000;
  if (f->over) *acc = *acc / 2;
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  uint32_t sum = 0;
  for (int16_t i = 0; i <= 255; i++) {
    seed = (int32_t)((uint32_t)seed * 1103515245u + 12345u);
    Cell *c = &cells[i];
    c->ctl.x = (seed / 65536) % 1000;
    c->ctl.gain = (int16_t)(i % 5 + 1);
    fb_accum(&c->ctl, &c->total);
    int32_t v = c->ctl.y;
    bool o = c->ctl.over;
    if (o) c->hits = (int16_t)(c->hits + 1);
    sum = sum + (uint32_t)v + (uint32_t)c->ctl.y;
    pair.a.x = v;
    pair.a.gain = 2;
    fb_accum(&pair.a, &pair.shared);
    pair.b.x = pair.a.y;
    pair.b.gain = -1;
    fb_accum(&pair.b, &pair.shared);
  }
  sum_all = sum_all * 31u + sum + (uint32_t)pair.shared + (uint32_t)cells[7].total + (uint32_t)(int32_t)cells[200].hits;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
