/**
 * `vplc run --set %IX0.2=TRUE --set Main.x=5`: values set before the first scan, for quick
 * experiments without writing a test. Process image addresses go into the resource's image
 * exchange (inputs as if a device had sent them, %Q/%M as external writes the first scan
 * applies); variables go into the fresh instances the way RETAIN values do at a warm start.
 */
import type { Application, TypeInfo, VarInfo } from '../../compiler/application.js';
import type { RetainedValues } from '../engine/retain.js';
import { parseAddress } from '../../compiler/contract/address.js';
import { ImageExchange } from '../../compiler/contract/image-exchange.js';
import { writeImage } from '../testing/image-access.js';
import { toPlcValue } from '../testing/variables.js';

export interface Presets {
  /** image exchange of the lone resource, inputs already written (absent: no address was set) */
  exchange?: ImageExchange;
  /** variable values by resource name */
  values: Record<string, RetainedValues>;
}

/** Parses and applies every `NAME=VALUE`; returns an error message naming the bad one. */
export function buildPresets(app: Application, items: string[]): Presets | string {
  const out: Presets = { values: {} };
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) return `--set needs NAME=VALUE (%IX0.2=TRUE, Main.speed=5), got '${item}'`;
    const name = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    const problem = name.startsWith('%') ? presetAddress(app, out, name, text) : presetVariable(app, out, name, text);
    if (problem) return `--set ${item}: ${problem}`;
  }
  return out;
}

function presetAddress(app: Application, out: Presets, name: string, text: string): string | undefined {
  const a = parseAddress(name);
  if (typeof a === 'string') return a;
  if (app.resources.length !== 1) return 'process image addresses can be set when the application has one 61131 resource';
  let value: boolean | number | bigint;
  if (a.size === 'X') {
    const b = boolText(text);
    if (b === undefined) return `a bit takes TRUE or FALSE, got '${text}'`;
    value = b;
  } else {
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) return `a number is needed, got '${text}'`;
    value = a.size === 'L' && Number.isInteger(n) ? BigInt(text) : n;
  }
  out.exchange ??= new ImageExchange();
  if (a.area === 'I') {
    out.exchange.writeInputs((view) => writeImage(view, name, value));
  } else {
    // %Q and %M: queued, applied at the start of the first scan
    const area = a.area === 'Q' ? (a.size === 'X' ? 'QX' : a.size === 'W' ? 'QW' : undefined) : a.size === 'B' ? undefined : (`M${a.size}` as const);
    const index = a.size === 'X' ? a.index * 8 + a.bit : a.index;
    if (!area) return 'this address cannot be set from outside (%I, %QX, %QW, %MX, %MW, %MD or %ML can)';
    const ok = area === 'QX' || area === 'QW' ? out.exchange.writeOutput(area, index, value) : out.exchange.writeMemory(area, index, value);
    if (!ok) return 'too many values set';
  }
  return undefined;
}

function presetVariable(app: Application, out: Presets, path: string, text: string): string | undefined {
  const parts = path.split('.');
  if (parts.some((p) => !/^[A-Za-z_]\w*$/.test(p))) return 'a variable path such as Main.speed or Main.timer.PT (no array indices)';
  const up = (s: string) => s.toUpperCase();
  for (const model of app.resources) {
    const program = model.programs.find((p) => up(p.name) === up(parts[0]!));
    const target = program ? { vars: pouVars(app, program.typeName), rest: parts.slice(1) } : { vars: model.globals, rest: parts };
    if (!program && !model.globals.some((g) => up(g.name) === up(parts[0]!))) continue;
    if (target.rest.length === 0) return `${path} is a program; set one of its variables (${path}.x)`;
    const values = (out.values[model.name] ??= { programs: {}, globals: {} });
    const root = program ? (values.programs[program.name] ??= {}) : values.globals;
    return assignPath(app, root, target.vars, target.rest, text, path);
  }
  return `no program or global variable '${parts[0]}'`;
}

function assignPath(app: Application, root: Record<string, unknown>, vars: readonly VarInfo[] | undefined, rest: string[], text: string, path: string): string | undefined {
  let holder = root;
  let scope = vars;
  for (let i = 0; i < rest.length; i++) {
    const v = scope?.find((x) => x.name.toUpperCase() === rest[i]!.toUpperCase());
    if (!v) return `no variable '${rest[i]}'${scope?.length ? ` (known: ${scope.map((x) => x.name).join(', ')})` : ''}`;
    if (i === rest.length - 1) {
      if (v.constant) return 'a constant cannot be set';
      try {
        holder[v.prop] = toPlcValue(v.type, fromText(v.type, text, path), path);
      } catch (e) {
        return e instanceof Error ? e.message.replace(`${path}: `, '') : String(e);
      }
      return undefined;
    }
    scope = fieldsOf(app, v.type);
    holder = (holder[v.prop] ??= {}) as Record<string, unknown>;
  }
  return undefined;
}

function pouVars(app: Application, typeName: string): VarInfo[] | undefined {
  return (app.pouTypes[typeName] ?? app.pouTypes[typeName.toUpperCase()])?.vars;
}

function fieldsOf(app: Application, t: TypeInfo): readonly VarInfo[] | undefined {
  if (t.kind === 'struct') return t.fields;
  if (t.kind === 'fb') return pouVars(app, t.name);
  return undefined;
}

/** Command-line text to the JavaScript value toPlcValue converts: TRUE/FALSE and numbers typed. */
function fromText(t: TypeInfo, text: string, path: string): unknown {
  if (t.kind !== 'elementary') return text;
  if (t.name === 'BOOL') {
    const b = boolText(text);
    if (b === undefined) throw new RangeError(`${path}: a BOOL takes TRUE or FALSE, got '${text}'`);
    return b;
  }
  if (t.name === 'TIME' || t.name === 'LTIME') return text;
  if (/^-?\d+$/.test(text) && /LINT|LWORD/.test(t.name)) return text;
  const n = Number(text);
  if (text === '' || Number.isNaN(n)) throw new RangeError(`${path}: a number is needed for ${t.name}, got '${text}'`);
  return n;
}

function boolText(text: string): boolean | undefined {
  return /^(true|1)$/i.test(text) ? true : /^(false|0)$/i.test(text) ? false : undefined;
}
