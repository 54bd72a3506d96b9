/* test/bench/st/timers-counters.st in C: TP, TOF, CTUD, R_TRIG, F_TRIG and RS as structs with
 * the logic of blocks/iec61131/*.st, reading the task clock passed to scan(). */
#include <stdbool.h>
#include <stdint.h>

typedef struct { bool IN; int64_t PT; bool Q; int64_t ET; bool lastIn; int64_t start; } TP;
typedef struct { bool IN; int64_t PT; bool Q; int64_t ET; bool timing; int64_t start; } TOF;
typedef struct { bool CU, CD, R, LD; int16_t PV; bool QU, QD; int16_t CV; bool lastCU, lastCD; } CTUD;
typedef struct { bool CLK, Q, M; } TRIG;
typedef struct { bool S, R1, Q1; } RS;
typedef struct { TP pulse; TOF hold; CTUD count; TRIG up; TRIG down; RS latch; } Station;

static Station st[200];
static int32_t scanNo;
static uint32_t sum_all;

static void tp(TP *t, int64_t now) {
  if (!t->Q && t->IN && !t->lastIn && t->ET == 0) {
    t->Q = true;
    t->start = now;
  }
  if (t->Q) {
    t->ET = now - t->start;
    if (t->ET >= t->PT) {
      t->ET = t->PT;
      t->Q = false;
    }
  } else if (!t->IN) {
    t->ET = 0;
  }
  t->lastIn = t->IN;
}

static void tof(TOF *t, int64_t now) {
  if (t->IN) {
    t->Q = true;
    t->ET = 0;
    t->timing = false;
  } else if (t->Q) {
    if (!t->timing) {
      t->timing = true;
      t->start = now;
    }
    t->ET = now - t->start;
    if (t->ET >= t->PT) {
      t->ET = t->PT;
      t->Q = false;
      t->timing = false;
    }
  }
}

static void ctud(CTUD *c) {
  if (c->R) c->CV = 0;
  else if (c->LD) c->CV = c->PV;
  else {
    bool up = c->CU && !c->lastCU, down = c->CD && !c->lastCD;
    if (up && !down && c->CV < 32767) c->CV++;
    else if (down && !up && c->CV > -32768) c->CV--;
  }
  c->lastCU = c->CU;
  c->lastCD = c->CD;
  c->QU = c->CV >= c->PV;
  c->QD = c->CV <= 0;
}

static void r_trig(TRIG *t) {
  t->Q = t->CLK && !t->M;
  t->M = t->CLK;
}

static void f_trig(TRIG *t) {
  t->Q = !t->CLK && !t->M;
  t->M = !t->CLK;
}

static void rs(RS *r) { r->Q1 = !r->R1 && (r->S || r->Q1); }

__attribute__((noinline)) static void scan(int64_t now_ns) {
  scanNo++;
  uint32_t sum = 0;
  for (int16_t k = 0; k <= 199; k++) {
    Station *s = &st[k];
    s->pulse.IN = (scanNo + k) % 9 == 0;
    s->pulse.PT = 30000000LL + 10000000LL * (k % 5);
    tp(&s->pulse, now_ns);
    s->hold.IN = s->pulse.Q;
    s->hold.PT = 20000000LL * (k % 3 + 1);
    tof(&s->hold, now_ns);
    s->up.CLK = s->hold.Q;
    r_trig(&s->up);
    s->down.CLK = s->hold.Q;
    f_trig(&s->down);
    s->count.CU = s->up.Q;
    s->count.CD = s->down.Q && (k % 2 == 0);
    s->count.R = s->count.QU;
    s->count.LD = false;
    s->count.PV = (int16_t)(5 + k % 4);
    ctud(&s->count);
    s->latch.S = s->count.QU;
    s->latch.R1 = s->pulse.Q && s->hold.Q;
    rs(&s->latch);
    sum = sum + (uint32_t)(int32_t)s->count.CV + (uint32_t)(int32_t)(s->pulse.ET / 1000000);
    if (s->latch.Q1) sum += 100;
  }
  sum_all = sum_all * 31u + sum;
}

static void init(void) {
  for (int k = 0; k < 200; k++) st[k].down.M = true; /* F_TRIG's M starts TRUE */
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#define HARNESS_INIT init
#include "harness.h"
