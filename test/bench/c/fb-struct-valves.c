/* test/bench/st/fb-struct-valves.st in C: the structure with its TON (iec_fbs.h), the user FB
 * as a struct and a function taking the VAR_IN_OUT by pointer. */
#include <stdbool.h>
#include <stdint.h>
#include "iec_fbs.h"

typedef struct { bool cmd; bool fb; TON tOpen; bool fault; int32_t travel; } Valve;
typedef struct { bool raw; int16_t n; bool q; int16_t cnt; } Debounce;

static Valve valves[200];
static Debounce deb[200];
static int32_t scanNo, changes, faults;
static uint32_t sum;

static inline void debounce(Debounce *d, int32_t *chg) {
  if (d->raw != d->q) {
    d->cnt = (int16_t)(d->cnt + 1);
    if (d->cnt >= d->n) {
      d->q = d->raw;
      d->cnt = 0;
      *chg = *chg + 1;
    }
  } else {
    d->cnt = 0;
  }
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  scanNo++;
  for (int16_t i = 0; i <= 199; i++) {
    Valve *v = &valves[i];
    v->cmd = (scanNo / 16 + i) % 3 == 0;
    deb[i].raw = v->cmd;
    deb[i].n = (int16_t)(2 + i % 3);
    debounce(&deb[i], &changes);
    v->tOpen.IN = deb[i].q && !v->fb;
    v->tOpen.PT = 50000000LL;
    ton(&v->tOpen, now_ns);
    if (v->tOpen.Q) {
      v->fault = true;
      faults++;
    }
    if (deb[i].q) {
      v->travel++;
      v->fb = v->travel % 4 == 0;
    } else {
      v->fb = false;
      v->fault = false;
    }
  }
  sum = sum * 31u + (uint32_t)changes + (uint32_t)faults * 7u;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
