/**
 * The configuration vocabulary every I/O driver shares (plc.yaml), after validation: every
 * default filled in. Durations are milliseconds; `var` is a process image address (`%IW3`) or a
 * symbolic variable path (`Main.level`). Each driver declares its own device type on top.
 */

export type IoDataType =
  | 'BOOL' | 'INT' | 'UINT' | 'WORD' | 'SINT' | 'USINT' | 'BYTE'
  | 'DINT' | 'UDINT' | 'DWORD' | 'REAL' | 'LINT' | 'ULINT' | 'LWORD' | 'LREAL';

export const IO_DATA_TYPES: readonly IoDataType[] = [
  'BOOL', 'SINT', 'USINT', 'BYTE', 'INT', 'UINT', 'WORD', 'DINT', 'UDINT', 'DWORD', 'REAL', 'LINT', 'ULINT', 'LWORD', 'LREAL',
];

export type WordOrder = 'big' | 'little';

export interface ReconnectConfig {
  minMs: number;
  maxMs: number;
}

export interface StatusBinding {
  /** BOOL: TRUE while the device answers */
  ok?: string;
  /** a counter of failed requests (wraps at the width of its address) */
  errors?: string;
}

/** What every device of `devices:` has, whatever its driver. */
export interface DeviceConfigBase {
  name: string;
  /** the driver kind (`modbus-tcp`, `opcua`, …) */
  driver: string;
  /** poll period; 0 polls as often as the device answers (about every scan) */
  pollMs: number;
  timeoutMs: number;
  reconnect: ReconnectConfig;
  status: StatusBinding;
  /** where in the config the device is, for messages */
  at: string;
}

/** Value written to an output on stop; 'hold' keeps the last value. */
export type SafeValue = number | boolean | 'hold';
