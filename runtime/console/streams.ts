import type { ServerResponse } from 'node:http';
import type { Application, TypeInfo } from '../../compiler/application.js';
import type { DeviceStatus } from '../../io-drivers/device-status.js';
import type { Engine, EngineVariableAccess } from '../engine/engine.js';
import { formatValue } from '../values.js';
import { jsonSafe, openEventStream } from './http-io.js';
import type { Session, Sessions } from './sessions.js';
import { TaskTrends } from './task-trend.js';
import { ImageTable, overview, type TypedLeaf } from './views.js';

export const PAGES = ['overview', 'determinism', 'variables', 'iec61499', 'image'] as const;
export type PageName = (typeof PAGES)[number];

/** Event counts go on this long after the last IEC 61499 page closed: a reload keeps them. */
const PIN_COUNTS_LINGER_MS = 10_000;

interface Client {
  res: ServerResponse;
  session: Session;
}

export interface StreamHubOptions {
  app: Application;
  engine: Engine;
  devices: () => readonly DeviceStatus[];
  leaves: readonly TypedLeaf[];
  sessions: Sessions;
  periodMs: number;
}

/**
 * The live updates: one server-sent event stream per open page. Each page's update is built
 * once per period whatever the number of browsers, serialised once and written to each; pages
 * nobody watches cost nothing, and variables are sampled from the scan only while a page
 * showing them is open. A stream whose session has expired gets an `expired` event and ends.
 */
export class StreamHub {
  private readonly clients = new Map<PageName, Set<Client>>(PAGES.map((p) => [p, new Set<Client>()]));
  private readonly trends: TaskTrends;
  private readonly image: ImageTable;
  private readonly accesses = new Map<string, EngineVariableAccess>();
  private readonly types = new Map<string, TypeInfo>();
  private timer?: NodeJS.Timeout;
  /** since when the IEC 61499 resources count events per pin (ms since the epoch), while a page shows them */
  private pinCountsSince: number | undefined;
  private pinCountsOff?: NodeJS.Timeout;
  private ticks = 0;
  private busy = false;

  constructor(private readonly o: StreamHubOptions) {
    this.trends = new TaskTrends(o.engine.metricsSources());
    this.image = new ImageTable(o.app, o.engine);
    for (const l of o.leaves) this.types.set(`${l.resource}\u0000${l.path}`, l.typeInfo);
  }

  get size(): number {
    let n = 0;
    for (const set of this.clients.values()) n += set.size;
    return n;
  }

  start(): void {
    // the trend is sampled even while no page is open, so that it has a past when one opens
    this.timer = setInterval(() => void this.tick(), this.o.periodMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const set of this.clients.values()) for (const c of set) c.res.end();
    for (const a of this.accesses.values()) a.close();
    this.accesses.clear();
    clearTimeout(this.pinCountsOff);
    this.countPins(false);
  }

  add(page: PageName, res: ServerResponse, session: Session): void {
    openEventStream(res);
    const client: Client = { res, session };
    this.clients.get(page)!.add(client);
    res.on('close', () => {
      this.clients.get(page)!.delete(client);
      this.sampleVariables();
      this.watchPins();
    });
    this.sampleVariables();
    this.watchPins();
    // the first update at once, so that a page is not empty for a period
    void this.build(page).then((data) => data !== undefined && this.send(client, 'update', JSON.stringify(data, jsonSafe)));
  }

  private async tick(): Promise<void> {
    if (this.busy) return; // a slow snapshot (a resource stopping): skip rather than pile up
    this.busy = true;
    try {
      this.trends.sample();
      this.ticks++;
      for (const page of PAGES) {
        const set = this.clients.get(page)!;
        if (set.size === 0) continue;
        // the overview and the FB networks change slowly: every other period
        if ((page === 'overview' || page === 'iec61499') && this.ticks % 2 !== 0) continue;
        const data = await this.build(page);
        const text = JSON.stringify(data, jsonSafe);
        for (const c of set) {
          if (!this.o.sessions.alive(c.session)) {
            this.send(c, 'expired', JSON.stringify({ error: 'your session has expired: log in again' }));
            c.res.end();
            set.delete(c);
          } else this.send(c, 'update', text);
        }
      }
    } finally {
      this.busy = false;
    }
  }

  private send(c: Client, event: string, data: string): void {
    if (!c.res.writableEnded) c.res.write(`event: ${event}\ndata: ${data}\n\n`);
  }

  /** Sample the 61131 variables (at scan boundaries) only while a page showing them is open. */
  private sampleVariables(): void {
    const wanted = this.clients.get('variables')!.size > 0;
    if (wanted && this.accesses.size === 0) {
      for (const r of this.o.app.resources) {
        const a = this.o.engine.variableAccess(r.name, { samplingMs: this.o.periodMs });
        if (a) this.accesses.set(r.name, a);
      }
    } else if (!wanted) {
      for (const a of this.accesses.values()) a.close();
      this.accesses.clear();
    }
  }

  /** Count events per pin only while an IEC 61499 page is open (and a little after the last one closed). */
  private watchPins(): void {
    clearTimeout(this.pinCountsOff);
    if (this.clients.get('iec61499')!.size > 0) this.countPins(true);
    else if (this.pinCountsSince !== undefined) {
      this.pinCountsOff = setTimeout(() => this.countPins(false), PIN_COUNTS_LINGER_MS);
      this.pinCountsOff.unref();
    }
  }

  private countPins(on: boolean): void {
    if (on === (this.pinCountsSince !== undefined)) return;
    this.pinCountsSince = on ? Date.now() : undefined;
    for (const r of this.o.engine.resources) if (!this.o.app.resources.some((m) => m.name === r)) this.o.engine.watchEventPins(r, on);
  }

  private async build(page: PageName): Promise<unknown> {
    const { app, engine } = this.o;
    switch (page) {
      case 'overview':
        return overview(app, engine, this.o.devices());
      case 'determinism': {
        const m = engine.metrics();
        return { tasks: m.tasks, trends: this.trends.trends(), histograms: this.trends.histograms() };
      }
      case 'variables': {
        const values: Record<string, Record<string, unknown>> = {};
        for (const [resource, access] of this.accesses) {
          const raw = access.readVars();
          const out: Record<string, unknown> = {};
          for (const [path, v] of Object.entries(raw)) {
            const t = this.types.get(`${resource}\u0000${path}`);
            out[path] = t ? display(app, t, v) : v;
          }
          // an access path (VAR_ACCESS) shows the value of the variable it names
          for (const a of app.resources.find((m) => m.name === resource)?.access ?? []) out[a.name] = out[a.path];
          values[resource] = out;
        }
        return { values, forced: engine.forced() };
      }
      case 'image':
        return { resources: Object.fromEntries(engine.resources.map((r) => [r, this.image.rows(r)])), forced: engine.forced() };
      case 'iec61499': {
        const out: Record<string, { state: string; vars: Record<string, unknown>; events?: unknown; pins?: Record<string, [number, number]> }> = {};
        const events = engine.metrics().events ?? {};
        for (const r of engine.resources) {
          if (app.resources.some((m) => m.name === r)) continue;
          const vars = await engine.resourceVars(r);
          const pins: Record<string, unknown> = {};
          // keyed Device.Resource.FB.Var (.sys) or Resource.FB.Var (.fboot): the pins by FB.Var
          for (const [k, v] of Object.entries(vars)) pins[k.startsWith(`${r}.`) ? k.slice(r.length + 1) : k] = v;
          // per event pin: [events that passed, resource time of the last one in ns (-1: none)]
          const counts = engine.eventPinCounts(r);
          const eventPins: Record<string, [number, number]> = {};
          for (const [pin, c] of Object.entries(counts ?? {})) eventPins[pin] = [c.count, c.lastNs];
          out[r] = { state: engine.state(r), vars: pins, ...(events[r] ? { events: events[r] } : {}), ...(counts ? { pins: eventPins } : {}) };
        }
        return { resources: out, ...(this.pinCountsSince !== undefined ? { countingSince: this.pinCountsSince } : {}) };
      }
    }
  }
}

/** A raw sample as the console shows it: TIME as T#…, enums by name, arrays element by element. */
function display(app: Application, t: TypeInfo, v: unknown): unknown {
  if (t.kind === 'array' && Array.isArray(v)) return v.map((x) => display(app, t.element, x));
  if (t.kind === 'elementary' && t.name === 'BOOL') return v === true || v === 1;
  return formatValue(app, t, v);
}
