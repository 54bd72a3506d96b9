/* Baseline Modbus TCP server for the I/O benchmark: libmodbus answering one client at a time
 * from a mapping of 8192 registers, on 127.0.0.1:PORT. Prints "listening" once it accepts. */
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 1502;
  modbus_t *ctx = modbus_new_tcp("127.0.0.1", port);
  modbus_mapping_t *map = modbus_mapping_new(8192, 8192, 8192, 8192);
  if (!ctx || !map) return 1;
  for (int i = 0; i < 8192; i++) map->tab_registers[i] = (uint16_t)i;
  int listener = modbus_tcp_listen(ctx, 1);
  if (listener < 0) return 1;
  printf("listening\n");
  fflush(stdout);
  uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
  for (;;) {
    if (modbus_tcp_accept(ctx, &listener) < 0) return 1;
    for (;;) {
      int rc = modbus_receive(ctx, query);
      if (rc > 0) modbus_reply(ctx, query, rc, map);
      else if (rc == -1) break;
    }
    close(modbus_get_socket(ctx));
  }
}
