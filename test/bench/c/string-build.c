/* test/bench/st/string-build.st in C: fixed buffers, a small itoa, memcpy and strchr, as a
 * C programmer would build the line. INT arithmetic wraps to 16 bits as in IEC. */
#include <stdint.h>
#include <string.h>

static int16_t n = 5;
static int32_t scanNo;
static uint32_t sum_all;

/* decimal text of v at p; returns its length */
static int itoa16(int16_t v, char *p) {
  char tmp[8];
  int len = 0, neg = v < 0;
  int32_t u = neg ? -(int32_t)v : v;
  do {
    tmp[len++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  int k = 0;
  if (neg) p[k++] = '-';
  while (len) p[k++] = tmp[--len];
  return k;
}

__attribute__((noinline)) static void scan(int64_t now_ns) {
  (void)now_ns;
  scanNo++;
  uint32_t sum = 0;
  char line[81], part[9];
  for (int16_t k = 0; k <= 19; k++) {
    int len = 0;
    n = (int16_t)((int16_t)((int16_t)(n * 37) + k) % 1000);
    len += itoa16(n, line + len);
    line[len++] = ',';
    len += itoa16((int16_t)(n % 97), line + len);
    line[len++] = ';';
    len += itoa16((int16_t)(k * 11), line + len);
    line[len] = 0;
    int plen = len < 3 ? len : 3;
    memcpy(part, line, (size_t)plen);
    part[plen] = 0;
    const char *semi = strchr(line, ';');
    int32_t find = semi ? (int32_t)(semi - line) + 1 : 0;
    sum = sum + (uint32_t)(len * 100) + (uint32_t)(find * 10) + (uint32_t)strlen(part);
    if (len >= 2 && line[1] == ',') sum = sum + 1;
  }
  sum_all = sum_all * 31u + sum + (uint32_t)(int32_t)n;
}

static int32_t checksum(void) { return (int32_t)sum_all; }

#include "harness.h"
