/* The standard FBs the C twins share (TON, R_TRIG, CTU), with the logic of
 * blocks/iec61131/timers.st, bistables.st and counters.st. */
#ifndef IEC_FBS_H
#define IEC_FBS_H
#include <stdbool.h>
#include <stdint.h>

typedef struct { bool IN; int64_t PT; bool Q; int64_t ET; bool running; int64_t start; } TON;
typedef struct { bool CLK, Q, M; } R_TRIG;
typedef struct { bool CU, R; int16_t PV; bool Q; int16_t CV; bool lastCU; } CTU;

static inline void ton(TON *t, int64_t now) {
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

static inline void r_trig(R_TRIG *r) {
  r->Q = r->CLK && !r->M;
  r->M = r->CLK;
}

static inline void ctu(CTU *c) {
  if (c->R) c->CV = 0;
  else if (c->CU && !c->lastCU && c->CV < 32767) c->CV++;
  c->lastCU = c->CU;
  c->Q = c->CV >= c->PV;
}
#endif
