import type { Document, LineCounter } from 'yaml';
import { isMap, isPair, isScalar } from 'yaml';
import type { Diagnostic } from '../compiler/diagnostics/diagnostic.js';
import { diagnostic, type Code } from '../compiler/diagnostics/registry.js';
import type { SourceRange } from '../compiler/source.js';
import { parseAddress } from '../compiler/contract/address.js';
import type { IoDataType, SafeValue } from './config.js';
import { sizeOfType } from './data-type.js';

/** Keys and list indices from the top of the document to a value (`devices[1].inputs[0].type`). */
export type ConfigPath = (string | number)[];

export function pathText(path: ConfigPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${p}` : p;
  return s || '(top level)';
}

export function at(file: string, line: number, col: number): SourceRange {
  return { file, line, col, endLine: line, endCol: col };
}

/**
 * Reads values out of a parsed plc.yaml for the validators of the file and of every driver:
 * each problem becomes a diagnostic carrying the path of the bad key, what was expected, and
 * the file:line:col of the value; a reader returns a default so validation goes on.
 */
export class ConfigReader {
  readonly diagnostics: Diagnostic[] = [];
  /** PLC addresses written by inputs so far, with their owner: two writers are an error */
  private readonly inputOwners = new Map<string, string>();

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly file: string,
  ) {}

  // ------------------------------------------------------------ positions and reporting

  private range(path: ConfigPath, key = false): SourceRange {
    let node: unknown = this.doc.contents;
    let keyNode: unknown;
    for (const p of path) {
      if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
      const items = (node as { items: unknown[] }).items;
      if (typeof p === 'number') {
        if (!items[p]) break;
        node = items[p];
        keyNode = undefined;
      } else {
        const pair = items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === p);
        if (!pair || !isPair(pair)) break;
        keyNode = pair.key;
        node = pair.value;
      }
    }
    const target = (key && keyNode) || node;
    const r = (target as { range?: [number, number, number] } | null)?.range;
    if (!r) return at(this.file, 1, 1);
    const s = this.lines.linePos(r[0]);
    const e = this.lines.linePos(r[1]);
    return { file: this.file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  }

  error(code: Code, path: ConfigPath, message: string, key = false): void {
    this.diagnostics.push(diagnostic(code, `${pathText(path)}: ${message}`, this.range(path, key)));
  }

  expected(path: ConfigPath, what: string, got: unknown): void {
    const shown = got === null ? 'null' : Array.isArray(got) ? 'a list' : typeof got === 'object' ? 'a mapping' : JSON.stringify(got);
    this.error('E6004', path, `expected ${what}, got ${shown}`);
  }

  // ------------------------------------------------------------ primitive readers

  object(value: unknown, path: ConfigPath, allowed: readonly string[]): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.expected(path, 'a mapping (key: value)', value);
      return undefined;
    }
    const o = value as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!allowed.includes(k)) this.error('E6003', [...path, k], `unknown key '${k}' (allowed here: ${allowed.join(', ')})`, true);
    }
    return o;
  }

  /** `users:` as a list of {username, password}, each required (OPC UA, online change). */
  users(o: Record<string, unknown>, path: ConfigPath): { username: string; password: string }[] {
    return this.list(o, 'users', path).flatMap((u, i) => {
      const p = [...path, 'users', i];
      const uo = this.object(u, p, ['username', 'password']);
      if (!uo) return [];
      const username = this.str(uo, 'username', p, { required: true });
      const password = this.str(uo, 'password', p, { required: true });
      return username && password ? [{ username, password }] : [];
    });
  }

  list(o: Record<string, unknown>, key: string, path: ConfigPath): unknown[] {
    const v = o[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.expected([...path, key], 'a list', v);
      return [];
    }
    return v;
  }

  str<T extends string>(o: Record<string, unknown>, key: string, path: ConfigPath, opts: { required?: boolean; oneOf?: readonly T[]; def?: T } = {}): T | undefined {
    const v = o[key];
    if (v === undefined || v === null) {
      if (opts.required) this.error('E6005', path, `missing key '${key}'${opts.oneOf ? ` (one of ${opts.oneOf.join(', ')})` : ''}`);
      return opts.def;
    }
    if (typeof v !== 'string' || v === '') {
      this.expected([...path, key], opts.oneOf ? `one of ${opts.oneOf.join(', ')}` : 'a non-empty string', v);
      return opts.def;
    }
    if (opts.oneOf) {
      const hit = opts.oneOf.find((x) => x.toLowerCase() === v.toLowerCase());
      if (!hit) {
        this.expected([...path, key], `one of ${opts.oneOf.join(', ')}`, v);
        return opts.def;
      }
      return hit;
    }
    return v as T;
  }

  int(o: Record<string, unknown>, key: string, path: ConfigPath, min: number, max: number, def?: number, required = false): number {
    const v = o[key];
    if (v === undefined || v === null) {
      if (required || def === undefined) this.error('E6005', path, `missing key '${key}' (an integer from ${min} to ${max})`);
      return def ?? min;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.expected([...path, key], `an integer from ${min} to ${max}`, v);
      return def ?? min;
    }
    return v;
  }

  num(o: Record<string, unknown>, key: string, path: ConfigPath, def: number): number {
    const v = o[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.expected([...path, key], 'a number', v);
      return def;
    }
    return v;
  }

  bool(o: Record<string, unknown>, key: string, path: ConfigPath, def: boolean): boolean {
    const v = o[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') {
      this.expected([...path, key], 'true or false', v);
      return def;
    }
    return v;
  }

  safe(o: Record<string, unknown>, path: ConfigPath): SafeValue {
    const v = o.safe;
    if (v === undefined || v === null) return 0;
    if (v === 'hold' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v as SafeValue;
    this.expected([...path, 'safe'], "a number, true/false or 'hold'", v);
    return 0;
  }

  // ------------------------------------------------------------ the PLC side of a mapping

  /**
   * Check the PLC side of a mapping written by I/O (an input): a %I or %M address whose size
   * suits the type, or a symbolic variable path. `count` consecutive elements are claimed.
   */
  target(text: string, path: ConfigPath, type: IoDataType | undefined, owner: string, count = 1): boolean {
    if (!text.startsWith('%')) return this.symbol(text, path);
    const a = parseAddress(text);
    if (typeof a === 'string') {
      this.error('E6006', path, a);
      return false;
    }
    if (a.area === 'Q') {
      this.error('E6006', path, `'${text}' is an output; device inputs and status go to %I (or %M) addresses`);
      return false;
    }
    if (type && sizeOfType(type) !== a.size) {
      this.error('E6006', path, `'${text}' does not hold a value of type ${type}: use a %${a.area}${sizeOfType(type)} address`);
      return false;
    }
    if (!type && a.size === 'X') {
      this.error('E6006', path, `'${text}' is a bit; an error counter needs a %${a.area}W or %${a.area}D address`);
      return false;
    }
    if (!this.fits(a.size, a.index, a.bit, count, a.area, path, text)) return false;
    for (let k = 0; k < count; k++) {
      const key = a.size === 'X' ? `${a.area}X${a.index * 8 + a.bit + k}` : `${a.area}${a.size}${a.index + k}`;
      const prev = this.inputOwners.get(key);
      if (prev) {
        this.error('E6008', path, `'${text}'${count > 1 ? ` (element ${k})` : ''} is already written by ${prev}`);
        return false;
      }
      this.inputOwners.set(key, `${owner} (${pathText(path)})`);
    }
    return true;
  }

  /** The PLC side of an output mapping: a %Q or %M address, or a symbolic variable. */
  source(text: string, path: ConfigPath, type: IoDataType, count = 1): boolean {
    if (!text.startsWith('%')) return this.symbol(text, path);
    const a = parseAddress(text);
    if (typeof a === 'string') {
      this.error('E6006', path, a);
      return false;
    }
    if (a.area === 'I') {
      this.error('E6006', path, `'${text}' is an input; device outputs come from %Q or %M addresses`);
      return false;
    }
    if (sizeOfType(type) !== a.size) {
      this.error('E6006', path, `'${text}' does not hold a value of type ${type}: use a %${a.area}${sizeOfType(type)} address`);
      return false;
    }
    return this.fits(a.size, a.index, a.bit, count, a.area, path, text);
  }

  private fits(size: string, index: number, bit: number, count: number, area: string, path: ConfigPath, text: string): boolean {
    const check = parseAddress(
      size === 'X' ? `%${area}X${(index * 8 + bit + count - 1) >> 3}.${(index * 8 + bit + count - 1) & 7}` : `%${area}${size}${index + count - 1}`,
    );
    if (typeof check === 'string') {
      this.error('E6006', path, `'${text}' with count ${count} runs past the end of the process image`);
      return false;
    }
    return true;
  }

  private symbol(text: string, path: ConfigPath): boolean {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*$/.test(text)) {
      this.error('E6006', path, `'${text}' is neither a % address nor a variable path like Main.level`);
      return false;
    }
    return true;
  }
}
