/* test/bench/st/fb-case-tanks.st in C: the FB as a struct, its CASE a switch on the enum. */
#include <stdbool.h>
#include <stdint.h>

typedef enum { Idle, Fill, Heat, Drain, Fault } Phase;
typedef struct {
  bool start; int16_t level, temp;
  bool valveIn, heater, valveOut;
  Phase phase; int32_t steps;
} Tank;

static Tank tanks[300];
static int16_t level[300], temp[300];
static int32_t scanNo;
static uint32_t sum;

static inline void tank(Tank *t) {
  switch (t->phase) {
    case Idle:
      if (t->start) t->phase = Fill;
      break;
    case Fill:
      t->valveIn = true;
      if (t->level >= 80) {
        t->valveIn = false;
        t->phase = Heat;
      }
      break;
    case Heat:
      t->heater = true;
      if (t->temp >= 70) {
        t->heater = false;
        t->phase = Drain;
      } else if (t->temp < 0) {
        t->phase = Fault;
      }
      break;
    case Drain:
      t->valveOut = true;
      if (t->level <= 5) {
        t->valveOut = false;
        t->phase = Idle;
      }
      break;
    case Fault:
      t->valveIn = false;
      t->heater = false;
      t->valveOut = false;
      break;
  }
  t->steps++;
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  int32_t on = 0;
  for (int16_t i = 1; i <= 300; i++) {
    Tank *t = &tanks[i - 1];
    t->start = (scanNo + i) % 5 == 0;
    t->level = level[i - 1];
    t->temp = temp[i - 1];
    tank(t);
    if (t->valveIn) level[i - 1] = (int16_t)(level[i - 1] + 1 + i % 3);
    if (t->valveOut) level[i - 1] = (int16_t)(level[i - 1] - 2);
    if (t->heater) temp[i - 1] = (int16_t)(temp[i - 1] + 1);
    else if (temp[i - 1] > 20) temp[i - 1] = (int16_t)(temp[i - 1] - 1);
    if (t->valveIn || t->heater) on++;
  }
  sum = sum * 31u + (uint32_t)on;
}

static int32_t checksum(void) { return (int32_t)sum; }

#include "harness.h"
