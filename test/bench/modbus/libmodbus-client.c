/* Modbus TCP client for the I/O benchmark: reads 100 holding registers in a loop from
 * 127.0.0.1:PORT for MS milliseconds and prints the requests answered per second. */
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <errno.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int port = atoi(argv[1]);
  double ms = atof(argv[2]);
  modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
  if (!ctx || modbus_connect(ctx) < 0) {
    fprintf(stderr, "cannot connect to 127.0.0.1:%d\n", port);
    return 1;
  }
  modbus_set_slave(ctx, 1);
  uint16_t regs[100];
  long n = 0;
  double start = now_ms(), end = start + ms;
  while (now_ms() < end) {
    if (modbus_read_registers(ctx, 0, 100, regs) != 100) {
      fprintf(stderr, "read failed: %s\n", modbus_strerror(errno));
      return 1;
    }
    n++;
  }
  printf("%.0f\n", n * 1000.0 / (now_ms() - start));
  modbus_close(ctx);
  modbus_free(ctx);
  return 0;
}
