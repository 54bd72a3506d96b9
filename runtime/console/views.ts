import type { Application, TypeInfo, VarInfo } from '../../compiler/application.js';
import { parseAddress, readRaw } from '../../compiler/contract/address.js';
import { IMAGE_SIZES, createImageView } from '../../compiler/contract/process-image.js';
import type { Engine } from '../engine/engine.js';
import type { FaultReport } from '../faults.js';
import type { DeviceStatus } from '../../io-drivers/device-status.js';
import { typeName } from '../state/iec-types.js';

/**
 * What the console's pages show, built in the main thread from what the engine already
 * publishes (shared metrics, the image exchange, samples taken at scan boundaries): nothing
 * here runs in a scan.
 */

export interface TaskView {
  name: string;
  intervalMs?: number;
  faulted: boolean;
  cycles: number;
  overruns: number;
  faults: number;
  watchdogFaults: number;
  execUs: { mean: number; p50: number; p99: number; p999: number; max: number };
  latenessUs: { mean: number; p50: number; p99: number; p999: number; max: number };
}

export interface ResourceView {
  name: string;
  kind: 'IEC 61131-3' | 'IEC 61499';
  state: string;
  forced: number;
  tasks: TaskView[];
  events?: { delivered: number; missedTicks: number };
}

export function overview(app: Application, engine: Engine, devices: readonly DeviceStatus[]): { app: string; resources: ResourceView[]; faults: FaultReport[]; devices: unknown[] } {
  const forced = engine.forced();
  const events = engine.metrics().events ?? {};
  const resources = engine.metricsSources().map((m): ResourceView => {
    const model = app.resources.find((r) => r.name === m.resource);
    return {
      name: m.resource,
      kind: model ? 'IEC 61131-3' : 'IEC 61499',
      state: engine.state(m.resource),
      forced: Object.keys(forced[m.resource] ?? {}).length,
      tasks: m.taskNames.map((name, i) => {
        const s = m.snapshotTask(i);
        const interval = model?.tasks[i]?.intervalNs;
        return {
          name,
          ...(interval ? { intervalMs: interval / 1e6 } : {}),
          faulted: m.isFaulted(i),
          cycles: s.cycles,
          overruns: s.overruns,
          faults: m.faults(i),
          watchdogFaults: s.watchdogFaults,
          execUs: s.execUs,
          latenessUs: s.latenessUs,
        };
      }),
      ...(events[m.resource] ? { events: events[m.resource] } : {}),
    };
  });
  return { app: app.name, resources, faults: engine.faults.slice(), devices: devices.map((d) => d.toJSON()) };
}

/** A variable as the variables page lists it. */
export interface VariableLeaf {
  resource: string;
  path: string;
  type: string;
  /** whether it may be written and forced (elementary, string or enum; no constant) */
  writable: boolean;
  /** its process image address, when it is located */
  address?: string;
  /** for an access path of the configuration (VAR_ACCESS, listed by its name): the variable it names */
  access?: string;
}

/** A leaf with its declared type, for formatting its raw values (kept on the server). */
export interface TypedLeaf extends VariableLeaf {
  typeInfo: TypeInfo;
}

/** Every variable of the 61131 resources, as the raw samples name them (`Main.level`, `Main.t.Q`, globals by name). */
export function variableLeaves(app: Application): TypedLeaf[] {
  const out: TypedLeaf[] = [];
  for (const model of app.resources) {
    const located = new Map(model.located.map((l) => [l.path.toUpperCase(), l.address]));
    const add = (vars: readonly VarInfo[], prefix: string) => collect(app, vars, prefix, (path, v) => {
      const address = located.get(path.toUpperCase());
      out.push({ resource: model.name, path, type: typeName(v.type), writable: isWritable(v), ...(address ? { address } : {}), typeInfo: v.type });
    });
    add(model.globals, '');
    for (const p of model.programs) add((app.pouTypes[p.typeName.toUpperCase()] ?? app.pouTypes[p.typeName])?.vars ?? [], p.name);
    // access paths by their names: written through them only when READ_WRITE
    for (const a of model.access ?? []) {
      const v: VarInfo = { name: a.name, prop: a.name, section: 'VAR', type: a.type, ...(a.readOnly ? { constant: true } : {}) };
      out.push({ resource: model.name, path: a.name, type: typeName(a.type), writable: isWritable(v), access: a.path, typeInfo: a.type });
    }
  }
  return out;
}

function collect(app: Application, vars: readonly VarInfo[], prefix: string, leaf: (path: string, v: VarInfo) => void): void {
  for (const v of vars) {
    if (v.section === 'VAR_TEMP' || v.section === 'VAR_IN_OUT' || v.section === 'VAR_EXTERNAL') continue;
    const key = prefix ? `${prefix}.${v.name}` : v.name;
    const t = v.type;
    if (t.kind === 'struct') collect(app, t.fields, key, leaf);
    else if (t.kind === 'fb') collect(app, (app.pouTypes[t.name.toUpperCase()] ?? app.pouTypes[t.name])?.vars ?? [], key, leaf);
    else if (t.kind === 'array') {
      if (t.element.kind === 'elementary' || t.element.kind === 'string' || t.element.kind === 'enum') leaf(key, v);
    } else if (t.kind !== 'ref') leaf(key, v);
  }
}

function isWritable(v: VarInfo): boolean {
  const k = v.type.kind;
  return !v.constant && (k === 'elementary' || k === 'string' || k === 'enum');
}


/** A row of the process image table. */
export interface ImageRow {
  address: string;
  value: boolean | number | string;
  variables: string[];
  forced: boolean;
  /** of a forced element: the value the I/O (inputs) or the last scan (outputs) has under the force */
  ioValue?: boolean | number | string;
}

/**
 * The process image of each resource: every located variable's address, every forced one and
 * every element that is not zero, from the last inputs sent to the scan and the last outputs a
 * scan published.
 */
export class ImageTable {
  private readonly view = createImageView();

  constructor(
    private readonly app: Application,
    private readonly engine: Engine,
  ) {}

  rows(resource: string): ImageRow[] {
    const ex = this.engine.exchange(resource);
    ex.readInputs(this.view);
    ex.readOutputs(this.view);
    const model = this.app.resources.find((r) => r.name === resource);
    const names = new Map<string, string[]>();
    for (const l of model?.located ?? []) {
      const a = parseAddress(l.address);
      if (typeof a === 'string') continue;
      names.set(a.text, [...(names.get(a.text) ?? []), l.path]);
    }
    const forced = this.engine.forced()[resource] ?? {};
    const wanted = new Set<string>([...names.keys(), ...Object.keys(forced).filter((k) => k.startsWith('%'))]);
    const v = this.view;
    for (const [area, bits] of [['I', v.inputBits], ['Q', v.outputBits], ['M', v.memoryBits]] as const) {
      for (let i = 0; i < IMAGE_SIZES.bits; i++) {
        if (bits[i] === 0) continue;
        for (let b = 0; b < 8; b++) if (bits[i]! & (1 << b)) wanted.add(`%${area}X${i}.${b}`);
      }
    }
    for (const [area, words] of [['I', v.inputWords], ['Q', v.outputWords], ['M', v.memoryWords]] as const) {
      for (let i = 0; i < IMAGE_SIZES.words; i++) if (words[i] !== 0) wanted.add(`%${area}W${i}`);
    }
    for (let i = 0; i < IMAGE_SIZES.dwords; i++) if (v.memoryDwords[i] !== 0) wanted.add(`%MD${i}`);
    for (let i = 0; i < IMAGE_SIZES.lwords; i++) if (v.memoryLwords[i] !== 0n) wanted.add(`%ML${i}`);
    const rows: ImageRow[] = [];
    for (const text of wanted) {
      const a = parseAddress(text);
      if (typeof a === 'string') continue;
      const raw = readRaw(v, a);
      const shown = (x: unknown) => (typeof x === 'bigint' ? x.toString() : (x as boolean | number));
      // a forced element: the program sees the forced value, whatever the I/O sends or the program writes
      if (a.text in forced) rows.push({ address: a.text, value: shown(forced[a.text]), variables: names.get(a.text) ?? [], forced: true, ioValue: shown(raw) });
      else rows.push({ address: a.text, value: shown(raw), variables: names.get(a.text) ?? [], forced: false });
    }
    return rows.sort((x, y) => order(x.address) - order(y.address) || x.address.localeCompare(y.address, 'en', { numeric: true }));
  }
}

function order(address: string): number {
  return 'IQM'.indexOf(address[1]!);
}
