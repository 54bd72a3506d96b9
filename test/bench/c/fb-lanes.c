/* test/bench/st/fb-lanes.st in C: an array of lane structs holding TON, R_TRIG, CTU and
 * F_TRIG structs with the logic of blocks/iec61131/*.st; DINT arithmetic that may overflow is
 * done in uint32_t (IEC wraps). */
#include <stdbool.h>
#include <stdint.h>
#include "iec_fbs.h"

typedef struct { bool CLK, Q, M; } F_TRIG;

static inline void f_trig(F_TRIG *f) {
  f->Q = !f->CLK && !f->M;
  f->M = !f->CLK;
}

typedef struct {
  TON debounce; R_TRIG edge; CTU parts; TON jam; F_TRIG cleared;
  bool eye; int16_t batches; int16_t jams;
} Lane;

static Lane lanes[400];
static int32_t seed = 7, scanNo;
static uint32_t sum_all;

static void init(void) {
  for (int k = 0; k < 400; k++) lanes[k].cleared.M = true; /* F_TRIG's M starts TRUE */
}
#define HARNESS_INIT init

__attribute__((noinline)) static void scan(int64_t now_ns) {
  scanNo++;
  int32_t busy = 0;
  for (int16_t k = 0; k <= 399; k++) {
    Lane *l = &lanes[k];
    seed = (int32_t)((uint32_t)seed * 1103515245u + 12345u);
    l->eye = ((scanNo + k * 3) % (20 + k % 30) < 14) != ((seed / 65536) % 16 == 0);
    l->debounce.IN = l->eye;
    l->debounce.PT = 30000000LL + 10000000LL * (k % 4);
    ton(&l->debounce, now_ns);
    l->edge.CLK = l->debounce.Q;
    r_trig(&l->edge);
    l->parts.CU = l->edge.Q;
    l->parts.R = l->parts.Q;
    l->parts.PV = (int16_t)(3 + k % 5);
    ctu(&l->parts);
    if (l->parts.Q) l->batches = (int16_t)(l->batches + 1);
    l->jam.IN = l->eye && l->debounce.Q;
    l->jam.PT = 90000000LL;
    ton(&l->jam, now_ns);
    l->cleared.CLK = l->jam.Q;
    f_trig(&l->cleared);
    if (l->cleared.Q) l->jams = (int16_t)(l->jams + 1);
    if (l->jam.Q) busy++;
    busy += l->parts.CV;
  }
  sum_all = sum_all * 31u + (uint32_t)busy + (uint32_t)(lanes[scanNo % 400].batches * 7) + (uint32_t)lanes[123].jams;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
