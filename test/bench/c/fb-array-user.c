/* test/bench/st/fb-array-user.st in C: an array of station structs, each with a TON, an R_TRIG
 * and a CTU with the logic of blocks/iec61131/timers.st, bistables.st and counters.st. */
#include <stdbool.h>
#include <stdint.h>

typedef struct { bool IN; int64_t PT; bool Q; int64_t ET; bool running; int64_t start; } TON;
typedef struct { bool CLK, Q, M; } R_TRIG;
typedef struct { bool CU, R; int16_t PV; bool Q; int16_t CV; bool lastCU; } CTU;
typedef struct {
  bool enable; int64_t delay; int16_t target;
  int16_t count; bool done;
  TON pulse; R_TRIG edge; CTU counter;
} Station;

static Station stations[501];
static int32_t scanNo;
static uint32_t finished, sum;

static void ton(TON *t, int64_t now) {
  if (t->IN) {
    if (!t->running) {
      t->running = true;
      t->start = now;
    }
    t->ET = now - t->start;
    if (t->ET >= t->PT) {
      t->ET = t->PT;
      t->Q = true;
    } else {
      t->Q = false;
    }
  } else {
    t->running = false;
    t->Q = false;
    t->ET = 0;
  }
}

static void r_trig(R_TRIG *r) {
  r->Q = r->CLK && !r->M;
  r->M = r->CLK;
}

static void ctu(CTU *c) {
  if (c->R) c->CV = 0;
  else if (c->CU && !c->lastCU && c->CV < 32767) c->CV++;
  c->lastCU = c->CU;
  c->Q = c->CV >= c->PV;
}

static void station(Station *s, int64_t now) {
  s->pulse.IN = s->enable && !s->pulse.Q;
  s->pulse.PT = s->delay;
  ton(&s->pulse, now);
  s->edge.CLK = s->pulse.Q;
  r_trig(&s->edge);
  s->counter.CU = s->edge.Q;
  s->counter.R = s->counter.Q;
  s->counter.PV = s->target;
  ctu(&s->counter);
  s->count = s->counter.CV;
  s->done = s->counter.Q;
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  scanNo++;
  int32_t total = 0;
  for (int16_t n = 1; n <= 500; n++) {
    Station *s = &stations[n];
    s->enable = (scanNo + n) % 13 != 0;
    s->delay = 20000000LL * (n % 5 + 1);
    s->target = (int16_t)(n % 9 + 2);
    station(s, now_ns);
    total += s->count;
    if (s->done) finished++;
  }
  sum = sum * 31u + (uint32_t)total + finished;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
