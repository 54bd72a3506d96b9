/* test/bench/st/fb-methods.st in C: the FB as a struct, its METHODs as functions taking it,
 * the overriding METHOD of the extending FB and the INTERFACE call through a function pointer
 * table; DINT arithmetic that may overflow in uint32_t (IEC wraps). */
#include <stdbool.h>
#include <stdint.h>

typedef struct Window Window;
typedef struct {
  bool (*push)(Window *, int32_t);
  int32_t (*mean)(Window *);
} Filter;
struct Window {
  const Filter *vt;
  int32_t peak;
  int32_t buf[8];
  int16_t head, filled;
  int32_t total;
};

static bool window_push(Window *w, int32_t x) {
  w->total = (int32_t)((uint32_t)w->total - (uint32_t)w->buf[w->head] + (uint32_t)x);
  w->buf[w->head] = x;
  w->head = (int16_t)((w->head + 1) % 8);
  if (w->filled < 8) w->filled++;
  if (x > w->peak) w->peak = x;
  return w->filled == 8;
}
static int32_t window_mean(Window *w) { return w->filled == 0 ? 0 : w->total / w->filled; }
static int32_t damped_mean(Window *w) { return window_mean(w) / 2 + w->peak / 8; }

static const Filter WINDOW = { window_push, window_mean };
static const Filter DAMPED = { window_push, damped_mean };

static Window plain[64], damped[64];
static int32_t seed = 987654;
static uint32_t sum_all;

static void init(void) {
  for (int k = 0; k < 64; k++) {
    plain[k].vt = &WINDOW;
    damped[k].vt = &DAMPED;
  }
}
#define HARNESS_INIT init

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  uint32_t sum = 0;
  for (int16_t k = 0; k <= 63; k++) {
    seed = (int32_t)((uint32_t)seed * 1103515245u + 12345u);
    int32_t x = (seed / 256) % 10000;
    bool full = window_push(&plain[k], x);
    if (full) sum += (uint32_t)window_mean(&plain[k]);
    Window *f = k % 2 == 0 ? &damped[k] : &plain[63 - k];
    full = f->vt->push(f, x / 2);
    sum += (uint32_t)f->vt->mean(f) + (uint32_t)(damped[k].peak % 7);
  }
  sum_all = sum_all * 31u + sum;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
