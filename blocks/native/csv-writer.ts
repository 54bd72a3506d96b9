import { closeSync, openSync, writeSync } from 'node:fs';
import type { RuntimeFbType } from '../../compiler/iec61499/model.js';
import { valueText } from '../../compiler/contract/value-text.js';
import { NativeFb, type NativeBlock, type NativeContext } from './native-fb.js';

/** The resource, where it can tell the concrete type of a generic port (SD_n: ANY). */
type TypedContext = NativeContext & { fbType?(name: string): RuntimeFbType | undefined };

/**
 * CSV_WRITER_n (FORTE's GEN_CSV_WRITER): INIT with QI opens FILE_NAME for writing (emptied),
 * without QI closes it; REQ with QI writes SD_1..SD_n as IEC literal text, each followed by
 * "; ", and a line end. QO and STATUS ('OK', 'File already opened', 'File not opened' or the
 * system's reason) answer both.
 */
export class CSV_WRITER extends NativeFb {
  QI = false;
  FILE_NAME = '';
  QO = false;
  STATUS = '';
  [sd: `SD_${number}`]: unknown;
  private fd: number | undefined;

  constructor(ctx: NativeContext, private readonly count: number) {
    super(ctx);
    for (let k = 1; k <= count; k++) this[`SD_${k}`] = 0;
  }

  $event(ei: number): void {
    if (ei === 0) {
      if (this.QI) this.open();
      else this.close();
      this.$emit(0);
      return;
    }
    this.QO = this.QI;
    if (this.QI) this.writeLine();
    this.$emit(1);
  }

  private open(): void {
    this.QO = false;
    if (this.fd !== undefined) {
      this.STATUS = 'File already opened';
      return;
    }
    try {
      this.fd = openSync(this.FILE_NAME, 'w');
      this.QO = true;
      this.STATUS = 'OK';
    } catch (e) {
      this.STATUS = (e as NodeJS.ErrnoException).code ?? String(e);
    }
  }

  private close(): void {
    this.QO = false;
    if (this.fd === undefined) return;
    try {
      closeSync(this.fd);
      this.STATUS = 'OK';
    } catch (e) {
      this.STATUS = (e as NodeJS.ErrnoException).code ?? String(e);
    }
    this.fd = undefined;
  }

  private writeLine(): void {
    if (this.fd === undefined) {
      this.QO = false;
      this.STATUS = 'File not opened';
      return;
    }
    const inputs = (this.$ctx as TypedContext).fbType?.(this.$name)?.interface.inputVars;
    let line = '';
    for (let k = 1; k <= this.count; k++) {
      const name = `SD_${k}`;
      line += `${valueText(inputs?.find((v) => v.name === name)?.type, this[name as `SD_${number}`])}; `;
    }
    try {
      writeSync(this.fd, `${line}\n`);
    } catch (e) {
      this.QO = false;
      this.STATUS = (e as NodeJS.ErrnoException).code ?? String(e);
    }
  }
}

/** CSV_WRITER_1 … CSV_WRITER_10, as 4diac's libraries declare them. */
export const CSV_WRITER_BLOCKS: NativeBlock[] = Array.from({ length: 10 }, (_, i) => {
  const n = i + 1;
  return {
    name: `CSV_WRITER_${n}`,
    events: { inputs: ['INIT', 'REQ'], outputs: ['INITO', 'CNF'] },
    create: (c: NativeContext) => new CSV_WRITER(c, n),
  };
});
