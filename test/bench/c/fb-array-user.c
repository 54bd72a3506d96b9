/* test/bench/st/fb-array-user.st in C: an array of station structs, each with a TON, an R_TRIG
 * and a CTU with the logic of blocks/iec61131/timers.st, bistables.st and counters.st. */
#include <stdbool.h>
#include <stdint.h>
#include "iec_fbs.h"

typedef struct {
  bool enable; int64_t delay; int16_t target;
  int16_t count; bool done;
  TON pulse; R_TRIG edge; CTU counter;
} Station;

static Station stations[501];
static int32_t scanNo;
static uint32_t finished, sum;

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
