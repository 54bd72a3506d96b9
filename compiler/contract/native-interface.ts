/**
 * The interfaces of the native (TypeScript) IEC 61499 blocks, as data: names and types
 * identical to 4diac's declarations; events numbered in declaration order. The compiler types
 * networks from this table; blocks/native binds the behaviour to the same names. It lives in
 * the leaf so that the compiler never imports blocks/native.
 */

export interface NativePort {
  name: string;
  type: string;
  initialValue?: string;
}

export interface NativeEvent {
  name: string;
  with: string[];
}

export interface NativeInterface {
  eventInputs: NativeEvent[];
  eventOutputs: NativeEvent[];
  inputVars: NativePort[];
  outputVars: NativePort[];
  internalVars?: NativePort[];
}

export const ev = (name: string, ...withVars: string[]): NativeEvent => ({ name, with: withVars });
export const port = (name: string, type: string, initialValue?: string): NativePort =>
  initialValue === undefined ? { name, type } : { name, type, initialValue };

/** 4diac's process interface: INIT/INITO (QI, PARAMS; QO, STATUS), REQ/CNF, inputs also IND. */
function inputInterface(type: string): NativeInterface {
  return {
    eventInputs: [ev('INIT', 'QI', 'PARAMS'), ev('REQ', 'QI')],
    eventOutputs: [ev('INITO', 'QO', 'STATUS'), ev('CNF', 'QO', 'STATUS', 'IN'), ev('IND', 'QO', 'STATUS', 'IN')],
    inputVars: [port('QI', 'BOOL'), port('PARAMS', 'STRING')],
    outputVars: [port('QO', 'BOOL'), port('STATUS', 'STRING'), port('IN', type)],
  };
}

function outputInterface(type: string): NativeInterface {
  return {
    eventInputs: [ev('INIT', 'QI', 'PARAMS'), ev('REQ', 'QI', 'OUT')],
    eventOutputs: [ev('INITO', 'QO', 'STATUS'), ev('CNF', 'QO', 'STATUS')],
    inputVars: [port('QI', 'BOOL'), port('PARAMS', 'STRING'), port('OUT', type)],
    outputVars: [port('QO', 'BOOL'), port('STATUS', 'STRING')],
  };
}

/** Pin type of each process-interface block size (IX, IB, IW, ID, IL and the Q ones). */
const PIN_TYPES = { X: 'BOOL', B: 'BYTE', W: 'WORD', D: 'DWORD', L: 'LWORD' } as const;

const TABLE: [string, NativeInterface][] = [
  ['E_CYCLE', { eventInputs: [ev('START', 'DT'), ev('STOP')], eventOutputs: [ev('EO')], inputVars: [port('DT', 'TIME')], outputVars: [] }],
  ['E_DELAY', { eventInputs: [ev('START', 'DT'), ev('STOP')], eventOutputs: [ev('EO')], inputVars: [port('DT', 'TIME')], outputVars: [] }],
  ['E_RDELAY', { eventInputs: [ev('START', 'DT'), ev('STOP')], eventOutputs: [ev('EO')], inputVars: [port('DT', 'TIME')], outputVars: [] }],
  ['E_TP', { eventInputs: [ev('REQ', 'PT')], eventOutputs: [ev('CNF', 'Q', 'ET')], inputVars: [port('PT', 'TIME')], outputVars: [port('Q', 'BOOL'), port('ET', 'TIME')] }],
  ['E_PULSE', { eventInputs: [ev('REQ', 'PT')], eventOutputs: [ev('CNF', 'Q', 'ET')], inputVars: [port('PT', 'TIME')], outputVars: [port('Q', 'BOOL'), port('ET', 'TIME')] }],
  ['E_TON', { eventInputs: [ev('REQ', 'IN', 'PT')], eventOutputs: [ev('CNF', 'Q', 'ET')], inputVars: [port('IN', 'BOOL'), port('PT', 'TIME')], outputVars: [port('Q', 'BOOL'), port('ET', 'TIME')] }],
  ['E_TOF', { eventInputs: [ev('REQ', 'IN', 'PT')], eventOutputs: [ev('CNF', 'Q', 'ET')], inputVars: [port('IN', 'BOOL'), port('PT', 'TIME')], outputVars: [port('Q', 'BOOL'), port('ET', 'TIME')] }],
  ['E_TRAIN', { eventInputs: [ev('START', 'DT', 'N'), ev('STOP')], eventOutputs: [ev('EO', 'CV')], inputVars: [port('DT', 'TIME'), port('N', 'UINT')], outputVars: [port('CV', 'UINT')] }],
  ['E_STOPWATCH', { eventInputs: [ev('START'), ev('STOP')], eventOutputs: [ev('EO', 'TD')], inputVars: [], outputVars: [port('TD', 'TIME')] }],
  ['E_RESTART', { eventInputs: [], eventOutputs: [ev('COLD'), ev('WARM'), ev('STOP')], inputVars: [], outputVars: [] }],
  ['TEST_CONDITION', { eventInputs: [ev('REQ', 'check')], eventOutputs: [ev('CNF')], inputVars: [port('check', 'BOOL')], outputVars: [] }],
  ['STEST_END', { eventInputs: [ev('REQ')], eventOutputs: [], inputVars: [], outputVars: [] }],
  ...Object.entries(PIN_TYPES).flatMap(([size, type]): [string, NativeInterface][] => [
    [`I${size}`, inputInterface(type)],
    [`Q${size}`, outputInterface(type)],
  ]),
];

/** Every native block's interface by 4diac type name. */
export const NATIVE_INTERFACES: ReadonlyMap<string, NativeInterface> = new Map(TABLE);

/** The interface of a native block that blocks/native implements (a missing entry is a programming error). */
export function nativeInterface(name: string): NativeInterface {
  const i = NATIVE_INTERFACES.get(name);
  if (!i) throw new Error(`no native interface declared for ${name}`);
  return i;
}
