import type { Application } from '../../compiler/application.js';
import { Engine } from '../engine/engine.js';
import { formatFault, type FaultReport } from '../faults.js';
import { SystemRunner } from '../iec61499/system-runner.js';
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import { summaryLine } from '../metrics/summary.js';
import { compileForCommand } from './compile.js';
import { parseDurationNs } from '../duration.js';
import { parsePlaceholderArgument } from '../../compiler/iec61499/placeholders.js';
import { testConditionVerdicts, verdictLine } from '../testing/system-verdicts.js';

export const RUN_USAGE = `usage: vplc run FILE… [--cycles N | --duration 100ms] [--interval 10ms] [--virtual-time] [--json]

Compiles and runs the application, then prints its variables and scan metrics.

  --cycles N        run N releases of the fastest task
  --duration T      run every release before T (100ms, 10s, 2m)
  --interval T      interval of the default task that runs a lone PROGRAM (default 10ms)
  --virtual-time    virtual clock: starts at 0, advances one interval per release, runs as fast as the CPU allows
  --json            print one JSON object {"vars": {...}, "metrics": {...}} on stdout
  --spin-us N       real clock: spin the last N µs before each release (default 100)
  --watchdog T      watchdog of tasks that set none (default 10 × interval)
  --param N=V       IEC 61499: fill the placeholder %N% in .sys/.fboot parameters with V
IEC 61499 TEST_CONDITION verdicts: "tests" in --json, "N passed, M failed" otherwise.
Without --cycles or --duration it runs until Ctrl-C.
Exit status: 0 ok, 1 compile errors, 2 a runtime fault, 64 wrong usage.
`;

interface RunArguments {
  files: string[];
  cycles?: number;
  durationNs?: number;
  intervalNs?: number;
  virtual: boolean;
  json: boolean;
  spinUs?: number;
  watchdogNs?: number;
  placeholders: Record<string, string>;
}

function parseRunArguments(args: string[]): RunArguments | string {
  const out: RunArguments = { files: [], virtual: false, json: false, placeholders: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => args[++i];
    const duration = (name: string) => {
      const v = next();
      const n = v === undefined ? undefined : parseDurationNs(v);
      if (n === undefined) throw `${name} needs a duration such as 100ms or 10s`;
      return n;
    };
    const count = (name: string) => {
      const n = Number(next());
      if (!Number.isInteger(n) || n < 0) throw `${name} needs a non-negative integer`;
      return n;
    };
    try {
      switch (a) {
        case '--cycles': out.cycles = count(a); break;
        case '--duration': out.durationNs = duration(a); break;
        case '--interval': {
          out.intervalNs = duration(a);
          if (out.intervalNs <= 0) return '--interval must be longer than 0';
          break;
        }
        case '--virtual-time': out.virtual = true; break;
        case '--json': out.json = true; break;
        case '--spin-us': out.spinUs = count(a); break;
        case '--watchdog': out.watchdogNs = duration(a); break;
        case '--param': { const m = parsePlaceholderArgument(next() ?? '', out.placeholders); if (m) return m; break; }
        default:
          if (a.startsWith('-')) return `unknown option ${a}`;
          out.files.push(a);
      }
    } catch (message) {
      return String(message);
    }
  }
  if (out.files.length === 0) return 'no source files';
  if (out.cycles !== undefined && out.durationNs !== undefined) return 'give --cycles or --duration, not both';
  if (out.virtual && out.cycles === undefined && out.durationNs === undefined) return '--virtual-time needs --cycles or --duration';
  return out;
}

/** `vplc run`: exit 0, 1 on compile errors, 2 on a runtime fault, 64 on wrong usage. */
export async function runCommand(args: string[]): Promise<number> {
  const parsed = parseRunArguments(args);
  if (typeof parsed === 'string') {
    process.stderr.write(`vplc run: ${parsed}\n${RUN_USAGE}`);
    return 64;
  }
  const options = { ...(parsed.intervalNs !== undefined ? { defaultIntervalNs: parsed.intervalNs } : {}), placeholders: parsed.placeholders };
  const app = compileForCommand(parsed.files, options);
  if (!app) return 1;
  const result = app.iec61499 && parsed.virtual ? run61499(app, parsed) : await runScan(app, parsed);
  if (typeof result === 'string') {
    process.stderr.write(`vplc run: ${result}\n`);
    return 64;
  }
  const { vars, metrics, faults } = await result;
  const tests = testConditionVerdicts(app, vars);
  const hasTests = Object.keys(tests).length > 0;
  if (parsed.json) {
    process.stdout.write(`${JSON.stringify({ vars, metrics, ...(hasTests ? { tests } : {}), ...(faults.length ? { faults } : {}) })}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(vars, null, 2)}\n`);
    if ("tasks" in metrics) process.stdout.write(`${summaryLine(metrics as MetricsSnapshot)}\n`);
    if (hasTests) process.stdout.write(`${verdictLine(tests)}\n`);
  }
  for (const f of faults) process.stderr.write(`${formatFault(f)}\n`);
  return faults.length ? 2 : 0;
}

interface RunResult {
  vars: Record<string, unknown>;
  metrics: MetricsSnapshot | Record<string, unknown>;
  faults: FaultReport[];
}

async function runScan(app: Application, a: RunArguments): Promise<RunResult | string> {
  if (app.resources.length === 0 && !app.iec61499?.resources.length) return 'nothing to run: the sources declare no PROGRAM and no CONFIGURATION';
  const engine = await Engine.start(app, {
    clock: a.virtual ? 'virtual' : 'real',
    ...(a.cycles !== undefined ? { cycles: a.cycles } : {}),
    ...(a.durationNs !== undefined ? { durationNs: a.durationNs } : {}),
    ...(a.spinUs !== undefined ? { spinUs: a.spinUs } : {}),
    ...(a.watchdogNs !== undefined ? { watchdogNs: a.watchdogNs } : {}),
  });
  if (a.cycles === undefined && a.durationNs === undefined) {
    const stop = () => void engine.stop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const timer = setInterval(() => process.stderr.write(`${summaryLine(engine.metrics())}\n`), 1000);
    const r = await engine.done;
    clearInterval(timer);
    return r;
  }
  return engine.done;
}

/** IEC 61499 on the virtual clock: the SystemRunner in this thread (the real clock goes through the Engine). */
function run61499(app: Application, a: RunArguments): RunResult | string {
  const runner = new SystemRunner(app);
  const until = a.durationNs ?? (a.cycles ?? 1) * (a.intervalNs ?? 10_000_000);
  const outcome = runner.runUntil(until);
  return { vars: runner.snapshotVars(), metrics: { events: outcome.events, timeNs: outcome.timeNs, reports: outcome.reports }, faults: outcome.faults };
}
