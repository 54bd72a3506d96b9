/* test/bench/st/case-fsm.st in C: the enumeration as an enum, CASE as switch. */
#include <stdint.h>

enum MachineState { Idle, Filling, Heating, Draining, Fault };

static enum MachineState state[300];
static int16_t level[300], temp[300], ticks[300];
static uint32_t seed = 7;
static int32_t done, faults;
static uint32_t sum_all;

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  uint32_t sum = 0;
  for (int16_t m = 0; m <= 299; m++) {
    seed = seed * 1664525u + 1013904223u;
    switch (state[m]) {
      case Idle:
        if ((seed / 256) % 4 == 0) {
          state[m] = Filling;
          ticks[m] = 0;
        }
        break;
      case Filling:
        level[m] = (int16_t)(level[m] + 3 + m % 4);
        if (level[m] >= 100) state[m] = Heating;
        break;
      case Heating:
        temp[m] = (int16_t)(temp[m] + 2);
        ticks[m] = (int16_t)(ticks[m] + 1);
        if (temp[m] >= 80) state[m] = Draining;
        else if (ticks[m] > 60) {
          state[m] = Fault;
          faults++;
        }
        break;
      case Draining:
        level[m] = (int16_t)(level[m] - 5);
        temp[m] = (int16_t)(temp[m] - 1);
        if (level[m] <= 0) {
          level[m] = 0;
          state[m] = Idle;
          done++;
        }
        break;
      case Fault:
        temp[m] = (int16_t)(temp[m] - 4);
        if (temp[m] <= 20) {
          state[m] = Idle;
          level[m] = 0;
        }
        break;
    }
    sum = sum + (uint32_t)(int32_t)level[m] + (uint32_t)(int32_t)(int16_t)(temp[m] * 3);
  }
  sum_all = sum_all * 31u + sum + (uint32_t)done + (uint32_t)faults * 7u;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
