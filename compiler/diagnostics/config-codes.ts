import type { DiagnosticCode } from './code.js';

/** Configuration (plc.yaml / JSON) and I/O: E6xxx. */
export const CONFIG_CODES = [
  { code: 'E6001', severity: 'error', title: 'configuration file unreadable', explanation: 'The configuration file given with --config does not exist or cannot be read.' },
  { code: 'E6002', severity: 'error', title: 'configuration syntax error', explanation: 'The configuration file is not valid YAML (or JSON). The message gives the parser\'s reason; fix the indentation, quoting or brackets at the position shown.' },
  { code: 'E6003', severity: 'error', title: 'unknown configuration key', explanation: 'The key is not part of the configuration schema at this place. It is often a misspelling; the message lists the keys allowed there.' },
  { code: 'E6004', severity: 'error', title: 'invalid configuration value', explanation: 'The value has the wrong type or is outside its allowed range or set. The message says what was expected, e.g. "an integer from 1 to 65535" or one of a list of words.' },
  { code: 'E6005', severity: 'error', title: 'missing configuration key', explanation: 'A key that this kind of entry needs is absent, e.g. `host` for a modbus-tcp device or `var` for a mapping.' },
  { code: 'E6006', severity: 'error', title: 'invalid process image address', explanation: 'A mapping names a % address that vPLC does not have or that cannot be used there: inputs from devices go to %I (or %M), outputs to devices come from %Q or %M; the size letter (X, B, W, D, L) must match the data type (BOOL → X, 16-bit → W, 32-bit → D, 64-bit → L) and the address must lie inside the process image (1024 bytes of bits, 1024 words, 1024 double and long words).' },
  { code: 'E6007', severity: 'error', title: 'duplicate device name', explanation: 'Two devices have the same name. Names identify devices in status, metrics and messages, so they must be unique.' },
  { code: 'E6008', severity: 'error', title: 'overlapping input mappings', explanation: 'Two mappings write the same process image input; the program would see one or the other depending on timing. Give each device input its own address.' },
  { code: 'E6009', severity: 'error', title: 'certificate or key file unreadable', explanation: 'A certificate, private key or trust folder named by the OPC UA configuration does not exist or cannot be read.' },
  { code: 'E6010', severity: 'error', title: 'unknown variable', explanation: 'A mapping names a symbolic variable (e.g. Main.level) that the application does not have, or that cannot be bound to I/O because of its type.' },
  { code: 'E6011', severity: 'error', title: 'port already in use', explanation: 'vplc serve could not listen on the port a server of the configuration needs (modbusServer.port, opcuaServer.port): another program, or another vPLC, listens there, or the port needs privileges. Nothing has run; stop the other program or choose another port.' },
] as const satisfies readonly DiagnosticCode[];
