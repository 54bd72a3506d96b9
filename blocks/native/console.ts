import { NativeFb, type NativeBlock, type NativeContext } from './native-fb.js';

/** Where OUT_ANY_CONSOLE writes: stderr, so that `vplc run --json` keeps stdout for its JSON. */
export type ConsoleSink = (line: string) => void;

let sink: ConsoleSink = (line) => void process.stderr.write(`${line}\n`);

/** Redirect OUT_ANY_CONSOLE's lines (tests); returns the previous sink. */
export function setConsoleSink(s: ConsoleSink): ConsoleSink {
  const old = sink;
  sink = s;
  return old;
}

function text(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
  if (ArrayBuffer.isView(v)) return `[${Array.from(v as unknown as ArrayLike<unknown>, text).join(', ')}]`;
  return String(v);
}

/** OUT_ANY_CONSOLE (FORTE utils): with QI, REQ writes `LABEL = value` to the console; CNF answers QO. */
export class OUT_ANY_CONSOLE extends NativeFb {
  QI = false;
  LABEL = '';
  IN: unknown = 0;
  QO = false;
  constructor(ctx: NativeContext) {
    super(ctx);
  }
  $event(_ei: number): void {
    if (this.QI) sink(`${this.LABEL} = ${text(this.IN)}`);
    this.QO = this.QI;
    this.$emit(0);
  }
}

export const CONSOLE_BLOCKS: NativeBlock[] = [
  {
    name: 'OUT_ANY_CONSOLE',
    events: { inputs: ['REQ'], outputs: ['CNF'] },
    create: (c) => new OUT_ANY_CONSOLE(c),
  },
];
