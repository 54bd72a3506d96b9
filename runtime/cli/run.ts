import type { Application } from '../../compiler/application.js';
import type { Engine } from '../engine/engine.js';
import { prestartResourceWorker, resourceKindOf } from '../engine/worker-prestart.js';
import { keepRecentVars } from '../engine/recent-vars.js';
import { formatFault, type FaultReport } from '../faults.js';
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import { summaryLine } from '../metrics/summary.js';
import { timeLiteral } from '../values.js';
import { compileForCommand, engineCodeCache } from './compile.js';
import type { CodeCache } from '../../compiler/cache.js';
import type { Presets } from './presets.js';
import { parseCommandLine, usageError, type OptionSpec } from './args.js';
import { parsePlaceholderArgument } from '../../compiler/iec61499/placeholders.js';
import { testConditionVerdicts, verdictLine } from '../testing/system-verdicts.js';
import { REALTIME_OPTIONS, realtimeLine, realtimeUsage, realtimeRequest } from './realtime-options.js';
import type { RealtimeRequest } from '../rt/realtime.js';
import { startMark } from '../start-trace.js';

// what only some runs need is loaded when they need it: the start of `vplc run` is measured
const iec61499Runner = () => import('../iec61499/system-runner.js');

export const RUN_USAGE = `usage: vplc run FILE… [--cycles N | --duration 100ms] [--interval 10ms] [--virtual-time] [--json]

Compiles and runs the application, then prints its variables and scan metrics.

  --cycles N        run N releases of the fastest task
  --duration T      run every release before T (100ms, 10s, 2m)
  --interval T      interval of the default task that runs a lone PROGRAM (default 10ms)
  --virtual-time    virtual clock: starts at 0, advances one interval per release, runs as fast as the CPU allows
  --json            print one JSON object {"vars": {...}, "metrics": {...}} on stdout
  --spin-us N       real clock: spin the last N µs before each release (default 100)
  --watchdog T      watchdog of tasks that set none (default 10 × the task interval,
                    minimum 50 ms on the real clock, 1 s on the virtual clock; 0: none); an
                    IEC 61499 resource has an event-chain watchdog only when this is given
  --set NAME=VALUE  before the first scan: an input or memory address (%IX0.2=TRUE, %IW3=250)
                    or a variable (Main.speed=5, Main.t.PT=T#2s, gRun=TRUE); repeatable
  --param N=V       IEC 61499: fill the placeholder %N% in .sys/.fboot parameters with V
  --types DIR       IEC 61499: also look for types in DIR (repeatable; after the application's folder)
  --no-cache        compile without the compile cache (also VPLC_CACHE=0)
  --device NAME     IEC 61499: run only this device of the .sys (every device otherwise,
                    each resource in its own worker, with real sockets between them)
  --force NAME=VALUE  keep a variable or an address (%IX0.2=TRUE, %QW1=7) at VALUE for the
                    whole run, against the program and the I/O; listed as "forced" by --json
IEC 61499 TEST_CONDITION verdicts: "tests" in --json, "N passed, M failed" otherwise.
${realtimeUsage(20)}Without --cycles or --duration it runs until Ctrl-C; SIGINT/SIGTERM end any run early.
Exit status: 0 ok, 1 compile errors, 2 a runtime fault, 64 wrong usage.
`;

interface RunArguments {
  files: string[];
  cycles?: number;
  durationNs?: number;
  intervalNs?: number;
  virtual: boolean;
  json: boolean;
  /** through the compile cache */
  cache: boolean;
  spinUs?: number;
  watchdogNs?: number;
  set: string[];
  placeholders: Record<string, string>;
  typesDirs: string[];
  force: string[];
  realtime?: RealtimeRequest;
  device?: string;
}

const RUN_OPTIONS = {
  cycles: { kind: 'count' },
  duration: { kind: 'duration' },
  interval: { kind: 'duration', positive: true },
  'virtual-time': { kind: 'flag' },
  json: { kind: 'flag' },
  'spin-us': { kind: 'count' },
  watchdog: { kind: 'duration' },
  set: { kind: 'text', multiple: true },
  param: { kind: 'text', multiple: true },
  types: { kind: 'text', multiple: true },
  force: { kind: 'text', multiple: true },
  'no-cache': { kind: 'flag' },
  ...REALTIME_OPTIONS,
  device: { kind: 'text' },
} as const satisfies Record<string, OptionSpec>;

function parseRunArguments(args: string[]): RunArguments | number {
  const cl = parseCommandLine('run', RUN_USAGE, args, RUN_OPTIONS);
  if (typeof cl === 'number') return cl;
  const o = cl.options;
  const out: RunArguments = {
    files: cl.operands,
    virtual: o['virtual-time'] === true,
    json: o.json === true,
    cache: o['no-cache'] !== true,
    set: o.set ?? [],
    placeholders: {},
    typesDirs: o.types ?? [],
    force: o.force ?? [],
    ...(o.cycles !== undefined ? { cycles: o.cycles } : {}),
    ...(o.duration !== undefined ? { durationNs: o.duration } : {}),
    ...(o.interval !== undefined ? { intervalNs: o.interval } : {}),
    ...(o['spin-us'] !== undefined ? { spinUs: o['spin-us'] } : {}),
    ...(o.watchdog !== undefined ? { watchdogNs: o.watchdog } : {}),
    ...(o.device !== undefined ? { device: o.device } : {}),
  };
  for (const p of o.param ?? []) {
    const m = parsePlaceholderArgument(p, out.placeholders);
    if (m) return usageError('run', RUN_USAGE, m);
  }
  const rt = realtimeRequest(o, out.virtual);
  if (typeof rt === 'object') out.realtime = rt;
  const problem =
    typeof rt === 'string' ? rt
    : out.files.length === 0 ? 'no source files'
    : out.cycles !== undefined && out.durationNs !== undefined ? 'give --cycles or --duration, not both'
    : out.virtual && out.cycles === undefined && out.durationNs === undefined ? '--virtual-time needs --cycles or --duration'
    : undefined;
  return problem ? usageError('run', RUN_USAGE, problem) : out;
}

/** `vplc run`: exit 0, 1 on compile errors, 2 on a runtime fault, 64 on wrong usage. */
export async function runCommand(args: string[]): Promise<number> {
  const parsed = parseRunArguments(args);
  if (typeof parsed === 'number') return parsed;
  // the scan worker starts (and loads its modules) while this thread compiles or reads the cache
  prestartResourceWorker(resourceKindOf(parsed.files));
  const options = { ...(parsed.intervalNs !== undefined ? { defaultIntervalNs: parsed.intervalNs } : {}), placeholders: parsed.placeholders, typesDirs: parsed.typesDirs };
  // the engine's modules load while the sources are read (a cache hit) or compiled
  const engineModule = import('../engine/engine.js');
  engineModule.catch(() => undefined); // awaited below when the compile succeeds
  const compiled = await compileForCommand(parsed.files, options, parsed.cache);
  startMark('compiled');
  if (!compiled) return 1;
  const app = parsed.device === undefined ? compiled.app : (await iec61499Runner()).selectDevice(compiled.app, parsed.device);
  if (typeof app === 'string') return usageError('run', RUN_USAGE, app);
  let presets: Presets | undefined;
  if (parsed.set.length) {
    const p = app.iec61499 ? '--set applies to IEC 61131-3 programs' : (await import('./presets.js')).buildPresets(app, parsed.set);
    if (typeof p === 'string') return usageError('run', RUN_USAGE, p);
    presets = p;
  }
  let forces: Record<string, Record<string, unknown>> | undefined;
  if (parsed.force.length) {
    const f = app.iec61499 ? '--force applies to IEC 61131-3 programs' : (await import('./force-options.js')).buildForces(app, parsed.force);
    if (typeof f === 'string') return usageError('run', RUN_USAGE, f);
    forces = f;
  }
  const result = await runScan((await engineModule).Engine, app, parsed, presets, forces, compiled.codeCache);
  if (typeof result === 'string') {
    // the sources compiled but hold nothing runnable: an error of the application, not of usage
    process.stderr.write(`vplc run: ${result}\n`);
    return 1;
  }
  const { vars: raw, metrics, faults, forced } = await result;
  // IEC 61499 variables arrive raw (TIME in ns): show them as ST's are shown, as IEC literals
  const vars = app.iec61499 ? displayVars61499(raw, new (await iec61499Runner()).SystemRunner(app).snapshotTypes()) : raw;
  const tests = testConditionVerdicts(app, vars);
  const hasTests = Object.keys(tests).length > 0;
  const access = accessValues(app, vars);
  if (parsed.json) {
    process.stdout.write(`${JSON.stringify({ vars, ...(access ? { access } : {}), metrics, ...(hasTests ? { tests } : {}), ...(faults.length ? { faults } : {}), ...(Object.keys(forced).length ? { forced } : {}) }, bigintAsText)}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(vars, null, 2)}\n`);
    if ("tasks" in metrics) process.stdout.write(`${summaryLine(metrics as MetricsSnapshot)}\n`);
    if (hasTests) process.stdout.write(`${verdictLine(tests)}\n`);
  }
  for (const f of faults) process.stderr.write(`${formatFault(f)}\n`);
  return faults.length ? 2 : 0;
}

/** The values of the configuration's access paths (VAR_ACCESS) by access name, read from `vars`; undefined without any. */
function accessValues(app: Application, vars: Record<string, unknown>): Record<string, unknown> | undefined {
  const paths = app.resources.flatMap((r) => r.access ?? []);
  if (paths.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const a of paths) {
    let v: unknown = vars;
    for (const part of a.path.split('.')) {
      const o = v as Record<string, unknown> | undefined;
      const k = o && typeof o === 'object' ? Object.keys(o).find((x) => x.toUpperCase() === part.toUpperCase()) : undefined;
      v = k === undefined ? undefined : o![k];
    }
    out[a.name] = v;
  }
  return out;
}

interface RunResult {
  vars: Record<string, unknown>;
  metrics: MetricsSnapshot | Record<string, unknown>;
  faults: FaultReport[];
  /** what stayed forced, by resource */
  forced: Record<string, Record<string, unknown>>;
}

async function runScan(engines: typeof Engine, app: Application, a: RunArguments, presets?: Presets, forces?: Record<string, Record<string, unknown>>, codeCache?: CodeCache): Promise<RunResult | string> {
  if (app.resources.length === 0 && !app.iec61499?.resources.length) return 'nothing to run: the sources declare no PROGRAM and no CONFIGURATION';
  const engine = await engines.start(app, {
    clock: a.virtual ? 'virtual' : 'real',
    ...(a.cycles !== undefined ? { cycles: a.cycles } : {}),
    ...(a.durationNs !== undefined ? { durationNs: a.durationNs } : {}),
    ...(a.spinUs !== undefined ? { spinUs: a.spinUs } : {}),
    ...(a.watchdogNs !== undefined ? { watchdogNs: a.watchdogNs } : {}),
    ...(presets?.exchange ? { exchange: presets.exchange } : {}),
    ...(presets ? { initialValues: presets.values } : {}),
    ...(forces ? { forces } : {}),
    ...(codeCache ? { codeCache: engineCodeCache(codeCache) } : {}),
    ...(a.realtime ? { realtime: a.realtime, onRealtime: (resource, r) => process.stderr.write(`${realtimeLine('run', resource, r)}\n`) } : {}),
  });
  // a scan stuck until its watchdog takes its worker's state with it: keep a recent copy to
  // print instead of nothing (taken by the scan thread between scans, ever more rarely)
  const stopCopies = keepRecentVars(() => void engine.snapshotVars());
  try {
    return { ...(await runUntilDone(engine, a)), forced: engine.forced() };
  } finally {
    stopCopies();
  }
}

async function runUntilDone(engine: Engine, a: RunArguments): Promise<Omit<RunResult, 'forced'>> {
  // a signal ends the run as its end would: variables and metrics are still printed
  const stop = () => void engine.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const timer = a.cycles === undefined && a.durationNs === undefined ? setInterval(() => process.stderr.write(`${summaryLine(engine.metrics())}\n`), 1000) : undefined;
  try {
    return await engine.done;
  } finally {
    clearInterval(timer);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** TIME and LTIME values of IEC 61499 variables as IEC literals (`T#10ms`); the rest as it is. */
function displayVars61499(vars: Record<string, unknown>, types: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    const t = (types[k] ?? types[k.slice(k.indexOf('.') + 1)])?.toUpperCase();
    out[k] = typeof v === 'number' && (t === 'TIME' || t === 'LTIME') ? timeLiteral(v, t === 'TIME' ? 'T#' : 'LTIME#') : v;
  }
  return out;
}

/** 64-bit forced values (LINT, %ML) as text, as `vars` shows integers beyond 2^53. */
function bigintAsText(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}
