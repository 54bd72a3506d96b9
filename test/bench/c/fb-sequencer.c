/* test/bench/st/fb-sequencer.st in C: the FB as a struct with its TON (the logic of
 * blocks/iec61131/timers.st) and a switch on the enumeration; REAL is float and every
 * operation a float operation; REAL_TO_DINT rounds to nearest, ties to even (lrintf). */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include "iec_fbs.h"

typedef enum { Idle, Filling, Heating, Draining, Done } Phase;
typedef struct {
  bool start; float rate; int64_t dwell;
  Phase phase; float level; int32_t batches;
  TON wait; float temp;
} Sequencer;

static Sequencer seq[48];
static int32_t scanNo;
static uint32_t sum_all;

static void sequencer(Sequencer *s, int64_t now) {
  switch (s->phase) {
    case Idle:
      if (s->start) s->phase = Filling;
      break;
    case Filling:
      s->level = s->level + s->rate;
      if (s->level >= 100.0f) {
        s->level = 100.0f;
        s->phase = Heating;
      }
      break;
    case Heating:
      s->temp = s->temp + (90.0f - s->temp) * 0.25f;
      s->wait.IN = true;
      s->wait.PT = s->dwell;
      ton(&s->wait, now);
      if (s->wait.Q) {
        s->wait.IN = false;
        ton(&s->wait, now);
        s->phase = Draining;
      }
      break;
    case Draining:
      s->level = s->level - s->rate * 2.0f;
      s->temp = s->temp - 0.5f;
      if (s->level <= 0.0f) {
        s->level = 0.0f;
        s->phase = Done;
      }
      break;
    case Done:
      s->batches++;
      s->temp = 20.0f;
      s->phase = Idle;
      break;
  }
}

static void init(void) {
  for (int k = 0; k < 48; k++) seq[k].temp = 20.0f;
}
#define HARNESS_INIT init

__attribute__((noinline)) static void scan(int64_t now_ns) {
  scanNo++;
  uint32_t sum = 0;
  for (int16_t k = 0; k <= 47; k++) {
    Sequencer *s = &seq[k];
    s->start = (scanNo + k) % 3 == 0;
    s->rate = (float)(k % 5 + 1) * 1.5f;
    s->dwell = 10000000LL * (k % 4 + 2);
    sequencer(s, now_ns);
    sum += (uint32_t)s->batches * 16u + (uint32_t)(int32_t)lrintf(s->level);
    if (s->phase == Heating) sum += 7u;
  }
  sum_all = sum_all * 31u + sum;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
