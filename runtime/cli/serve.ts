import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { loadConfigFile } from '../config/load.js';
import type { PlcConfig } from '../config/schema.js';
import { Engine, type EngineVariableAccess } from '../engine/engine.js';
import { renderEventCounters } from '../engine/event-counters.js';
import { resourceModels61499 } from '../engine/iec61499-resources.js';
import { formatFault } from '../faults.js';
import type { IoManager } from '../io/io-manager.js';
import { startMetricsServer, type MetricsEndpoint } from '../metrics/http-server.js';
import { DEFAULT_SESSION_MINUTES, type ConsoleConfig } from '../console/console-config.js';
import type { ConsoleEndpoint } from '../console/server.js';
import { renderForced } from '../metrics/forced.js';
import { renderPrometheus } from '../metrics/prometheus.js';
import { summaryLine } from '../metrics/summary.js';
import { compileWithCache, engineCodeCache } from './compile.js';
import { dropPrestartedWorker } from '../engine/worker-prestart.js';
import { startMark } from '../start-trace.js';
import { listenPorts, portProblems } from './listen-ports.js';
import { parseCommandLine, usageError, type OptionSpec } from './args.js';
import { REALTIME_OPTIONS, realtimeLine, realtimeUsage, realtimeRequest } from './realtime-options.js';
import type { RealtimeRequest } from '../rt/realtime.js';
import { schedulingInfo, schedulingLine } from '../metrics/scheduling.js';
import { ServeGuard } from './serve-guard.js';
import { RETURN_MEMORY_EVERY_MS, returnFreeMemory } from './memory-mode.js';
import { onlineSettings, restoreState, startOnline, type OnlineOptions, type OnlineServices } from './serve-online.js';

export const SERVE_USAGE = `usage: vplc serve FILE… [--config plc.yaml] [--metrics-port N] [options]

Runs the application until SIGINT or SIGTERM, then stops cleanly (last outputs written, then
safe values).

  --config FILE         I/O configuration (plc.yaml or JSON)
  --metrics-port N      Prometheus /metrics and /metrics.json on 127.0.0.1:N (default 9464, 0: any free port)
  --metrics-host HOST   address the metrics endpoint listens on (default 127.0.0.1)
  --no-metrics          no HTTP endpoint
  --summary-every T     one-line metrics summary on the console every T (default 10s, 0: never)
  --spin-us N           spin the last N µs before each release instead of sleeping (default 100)
  --watchdog T          watchdog of tasks that set none (default 10 × the task interval,
                        minimum 50 ms on the real clock, 1 s on the virtual clock)
  --virtual-time        run on the virtual clock, as fast as the CPU allows
  --console             the web console (overview, determinism, variables with write and
                        force, IEC 61499 networks, process image); users from 'console:'
                        in plc.yaml (or opcuaServer's users, read-only)
  --console-port N      port of the console (default 8080, 0: any free port)
  --console-host HOST   address the console listens on (default 127.0.0.1)
  --state-dir DIR       keep RETAIN and PERSISTENT values in DIR: restored at start, saved
                        every --save-every, at every online change and at stop (state: in plc.yaml)
  --save-every T        period of those saves (default 5s)
  --deploy-port N       online change endpoint on 127.0.0.1:N (vplc deploy FILE… --to http://127.0.0.1:N)
  --deploy-token-file F the token it requires (or $VPLC_DEPLOY_TOKEN, or deploy.users in plc.yaml)
  --watch               change the running program online when a source file changes
  --no-cache            compile without the compile cache (also VPLC_CACHE=0)
  --device NAME         IEC 61499: serve only this device of the .sys (every device otherwise)
  --verbose             print the stack of an error an I/O server throws (also VPLC_DEBUG=1)
${realtimeUsage(24)}`;

export const DEFAULT_CONSOLE_PORT = 8080;

export const DEFAULT_METRICS_PORT = 9464;

export interface ServeArguments {
  files: string[];
  config?: string;
  metricsPort?: number;
  metricsHost: string;
  summaryNs: number;
  spinUs?: number;
  watchdogNs?: number;
  virtual: boolean;
  /** the web console: where it listens */
  console?: { port: number; host: string };
  online: OnlineOptions;
  /** false: compile without the compile cache */
  cache?: boolean;
  realtime?: RealtimeRequest;
  /** IEC 61499: the one device of the .sys to serve */
  device?: string;
  /** stacks of I/O server faults on stderr */
  verbose?: boolean;
}

const SERVE_OPTIONS = {
  config: { kind: 'text' },
  'metrics-port': { kind: 'port' },
  'metrics-host': { kind: 'text' },
  'no-metrics': { kind: 'flag' },
  'summary-every': { kind: 'duration' },
  'spin-us': { kind: 'count' },
  watchdog: { kind: 'duration', positive: true },
  'virtual-time': { kind: 'flag' },
  console: { kind: 'flag' },
  'console-port': { kind: 'port' },
  'console-host': { kind: 'text' },
  'state-dir': { kind: 'text' },
  'save-every': { kind: 'duration', positive: true },
  'deploy-port': { kind: 'port' },
  'deploy-token-file': { kind: 'text' },
  watch: { kind: 'flag' },
  'no-cache': { kind: 'flag' },
  ...REALTIME_OPTIONS,
  device: { kind: 'text' },
  verbose: { kind: 'flag' },
} as const satisfies Record<string, OptionSpec>;

/** The arguments of `vplc serve`, or the exit status (0 after --help, 64 after a usage error). */
export function parseServeArguments(args: string[]): ServeArguments | number {
  const cl = parseCommandLine('serve', SERVE_USAGE, args, SERVE_OPTIONS);
  if (typeof cl === 'number') return cl;
  const o = cl.options;
  if (cl.operands.length === 0) return usageError('serve', SERVE_USAGE, 'no source files');
  if (!o.console && (o['console-port'] !== undefined || o['console-host'] !== undefined)) return usageError('serve', SERVE_USAGE, '--console-port and --console-host go with --console');
  const rt = realtimeRequest(o, o['virtual-time'] === true);
  if (typeof rt === 'string') return usageError('serve', SERVE_USAGE, rt);
  return {
    ...(rt ? { realtime: rt } : {}),
    files: cl.operands,
    ...(o.config !== undefined ? { config: o.config } : {}),
    metricsPort: o['no-metrics'] ? undefined : (o['metrics-port'] ?? DEFAULT_METRICS_PORT),
    metricsHost: o['metrics-host'] ?? '127.0.0.1',
    summaryNs: o['summary-every'] ?? 10e9,
    ...(o['spin-us'] !== undefined ? { spinUs: o['spin-us'] } : {}),
    ...(o.watchdog !== undefined ? { watchdogNs: o.watchdog } : {}),
    virtual: o['virtual-time'] === true,
    ...(o.console ? { console: { port: o['console-port'] ?? DEFAULT_CONSOLE_PORT, host: o['console-host'] ?? '127.0.0.1' } } : {}),
    online: {
      ...(o['state-dir'] !== undefined ? { stateDir: o['state-dir'] } : {}),
      ...(o['save-every'] !== undefined ? { saveMs: Math.max(1, Math.round(o['save-every'] / 1e6)) } : {}),
      ...(o['deploy-port'] !== undefined ? { deployPort: o['deploy-port'] } : {}),
      ...(o['deploy-token-file'] !== undefined ? { deployTokenFile: o['deploy-token-file'] } : {}),
      watch: o.watch === true,
      files: cl.operands,
    },
    ...(o['no-cache'] ? { cache: false } : {}),
    ...(o.device !== undefined ? { device: o.device } : {}),
    ...(o.verbose ? { verbose: true } : {}),
  };
}

/** The sampling period of the variables: the shortest any server asks for (OPC UA, MQTT). */
function samplingMs(config: PlcConfig): number | undefined {
  const asked = [config.opcuaServer?.samplingMs, config.mqtt?.samplingMs].filter((x): x is number => x !== undefined);
  return asked.length ? Math.min(...asked) : undefined;
}

/** Exit status after a runtime fault, as for `vplc run`. */
export const EXIT_FAULT = 2;

/**
 * `vplc serve`: run until SIGINT/SIGTERM. Exit 0 after a clean stop, 1 for compile or
 * configuration errors (a port taken included, before the first scan), 2 when a runtime fault
 * occurred while serving, 64 wrong usage.
 */
export async function serveCommand(args: string[]): Promise<number> {
  const parsed = parseServeArguments(args);
  if (typeof parsed === 'number') return parsed;
  const err = (line: string) => process.stderr.write(line + '\n');

  let config: PlcConfig | undefined;
  if (parsed.config) {
    const r = loadConfigFile(parsed.config);
    r.diagnostics.forEach((d) => err(formatDiagnostic(d)));
    if (!r.config || hasErrors(r.diagnostics)) return 1;
    config = r.config;
  }
  // the scan worker started ahead (main.ts) loads its modules meanwhile
  const compiled = await compileWithCache(parsed.files, {}, parsed.cache !== false);
  startMark('compiled');
  compiled.diagnostics.forEach((d) => err(formatDiagnostic(d)));
  if (!compiled.application || hasErrors(compiled.diagnostics)) return 1;
  // the IEC 61499 runner's modules only for --device: a start is measured
  const app = parsed.device === undefined ? compiled.application : (await import('../iec61499/system-runner.js')).selectDevice(compiled.application, parsed.device);
  if (typeof app === 'string') return usageError('serve', SERVE_USAGE, app);
  if (app.resources.length === 0 && !app.iec61499?.resources.length) {
    err('vplc serve: the application has no resource to run');
    return 1;
  }

  if (config) {
    // the drivers serve one resource's process image: settle which before anything runs
    const names = [...app.resources.map((r) => r.name), ...resourceModels61499(app).map((r) => r.name)];
    const picked = ioResource(config, names);
    if (typeof picked !== 'string') {
      err(`${parsed.config}: error: ${picked.error}`);
      return 1;
    }
  }

  const consoleConfig = parsed.console ? consoleUsers(config) : undefined;
  if (parsed.console && !consoleConfig) {
    err(`vplc serve: --console needs users to log in: add 'console: { users: [{ username, password, role: operator }] }' to ${parsed.config ?? 'a plc.yaml given with --config'}`);
    return 1;
  }

  const online = onlineSettings(parsed.online, config);
  if ('error' in online) {
    err(`vplc serve: ${online.error}`);
    return 1;
  }
  // every port serve listens on, before anything runs: a taken one is a configuration error
  const listen = listenPorts(config, { host: parsed.metricsHost, ...(parsed.metricsPort !== undefined ? { port: parsed.metricsPort } : {}) }, parsed.console);
  if (online.deploy && online.deploy.port !== 0) {
    const flag = parsed.online.deployPort !== undefined;
    listen.push({ origin: flag ? '--deploy-port' : 'deploy.port', ...(flag ? {} : { keyPath: ['deploy', 'port'] }), host: '127.0.0.1', port: online.deploy.port });
  }
  const ports = await portProblems(listen, parsed.config);
  ports.diagnostics.forEach((d) => err(formatDiagnostic(d)));
  ports.lines.forEach(err);
  if (ports.diagnostics.length || ports.lines.length) return 1;

  const say = (line: string) => process.stdout.write(line + '\n');
  let restored: ReturnType<typeof restoreState>;
  try {
    restored = restoreState(online, app, say, err);
  } catch (e) {
    err(`vplc serve: --state-dir: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  const faults: string[] = [];
  const engine = await Engine.start(app, {
    ...(restored.initialValues ? { initialValues: restored.initialValues } : {}),
    clock: parsed.virtual ? 'virtual' : 'real',
    ...(parsed.spinUs !== undefined ? { spinUs: parsed.spinUs } : {}),
    ...(parsed.watchdogNs !== undefined ? { watchdogNs: parsed.watchdogNs } : {}),
    ...(parsed.realtime ? { realtime: parsed.realtime, onRealtime: (resource, r) => err(realtimeLine('serve', resource, r)) } : {}),
    // V8's code cache of the entry's code: only the application it was made from uses it (not one changed online)
    ...(compiled.codeCache ? { codeCache: engineCodeCache(compiled.codeCache) } : {}),
    onFault: (f) => {
      faults.push(`${f.resource ?? ''}${f.task ? `.${f.task}` : ''}: ${f.kind} in ${f.pou}`);
      err(formatFault(f));
      // the faulted task stays stopped (its worker waits, the other tasks go on): say so once
      if (faults.length === 1) err('vplc serve: a task has stopped after a fault and holds its outputs safe; still serving /healthz, Modbus and OPC UA until stopped');
    },
  });

  // started ahead for a resource of another kind, or not taken (--rt): not kept for months
  void dropPrestartedWorker();

  const sched = schedulingInfo();
  process.stdout.write(`vplc serve: ${schedulingLine(sched, parsed.realtime !== undefined)}\n`);
  let io: IoManager | undefined;
  let vars: EngineVariableAccess | undefined;
  let endpoint: MetricsEndpoint | undefined;
  let web: ConsoleEndpoint | undefined;
  let summary: NodeJS.Timeout | undefined;
  let trim: NodeJS.Timeout | undefined;
  let services: OnlineServices | undefined;
  let startFailed = false;
  let onSignal = () => {};
  let alive: NodeJS.Timeout | undefined;
  // from here on an error thrown in an I/O library's callback stops that server, not the PLC
  const guard = new ServeGuard({ drivers: () => io?.drivers ?? [], err, say, verbose: parsed.verbose === true || !!process.env.VPLC_DEBUG });
  guard.install();
  try {
    services = await startOnline(online, engine, restored.persistence, say, err);
    if (config) {
      const resource = ioResource(config, engine.resources) as string;
      // I/O drivers (Modbus, OPC UA) are loaded only when a configuration asks for them
      const { IoManager } = await import('../io/io-manager.js');
      // OPC UA and symbolic bindings see variables sampled at scan boundaries and write at the next one
      vars = engine.variableAccess(resource, {
        samplingMs: samplingMs(config),
        onError: (message) => err(`vplc serve: write refused: ${message}`),
      });
      io = IoManager.fromConfig(config, {
        exchange: engine.exchange(resource),
        app,
        ...(vars ? { vars } : {}),
        metrics: () => flatMetrics(engine),
      });
      await io.start();
    }
    if (parsed.metricsPort !== undefined) {
      endpoint = await startMetricsServer({
        port: parsed.metricsPort,
        host: parsed.metricsHost,
        prometheus: () => renderPrometheus(engine.metricsSources()) + renderEventCounters(engine.eventCounters()) + renderForced(engine.forced(), engine.resources) + guard.prometheus(),
        json: () => engine.metrics(),
        health: () => {
          const resources = Object.fromEntries(engine.resources.map((r) => [r, engine.state(r)]));
          const devices = (io?.status() ?? []).map((d) => ({ name: d.device, ok: d.ok, errors: d.errors, lastError: d.lastError }));
          // servers that failed (and the main thread): faults, restarts, whether they are back
          const ioServices = guard.health();
          // a faulted task holds its outputs safe: the PLC is alive but not doing its job
          const ok = faults.length === 0 && Object.values(resources).every((s) => s === 'running');
          // an unreachable device: the PLC runs on stale inputs; monitoring tells it from healthy and faulted
          const status = !ok ? 'faulted' : devices.some((d) => !d.ok) || ioServices.some((s) => !s.ok) ? 'degraded' : 'ok';
          return { ok, status, resources, faults, devices, ioServices, scheduling: sched };
        },
      });
      process.stdout.write(`vplc serve: metrics on ${endpoint.url}/metrics\n`);
    }
    if (parsed.console && consoleConfig) {
      // loaded only when asked for, like the I/O drivers
      const { startConsole } = await import('../console/server.js');
      web = await startConsole({ ...parsed.console, app, engine, devices: () => io?.status() ?? [], config: consoleConfig });
      process.stdout.write(`vplc serve: console on ${web.url}/\n`);
    }
    // the handlers before the line that says how to stop: a SIGTERM sent as soon as it appears
    // (a service manager, a test) would otherwise end the process with 143, without safe values
    const signalled = new Promise<void>((resolve) => {
      onSignal = () => resolve();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    });
    process.stdout.write(`vplc serve: running ${app.name} (${engine.resources.join(', ')}); stop with Ctrl+C\n`);
    // what start-up freed (compiling, the OPC UA nodeset) back to the system, and from time to time what serving frees
    returnFreeMemory({ collect: true });
    trim = setInterval(() => returnFreeMemory(), RETURN_MEMORY_EVERY_MS);
    trim.unref();
    if (parsed.summaryNs > 0) {
      summary = setInterval(() => process.stdout.write(summaryLine(engine.metrics()) + '\n'), parsed.summaryNs / 1e6);
    }
    // until a signal: after a fault the faulted task holds its outputs safe while /healthz
    // (503), Modbus and OPC UA go on serving, so that operators can see what happened
    // a signal handler keeps no process alive: without metrics, I/O or a summary timer it
    // would end by itself (exit 0, no stop) once every resource has stopped after a fault
    alive = setInterval(() => {}, 1 << 30);
    await new Promise<void>((resolve) => {
      void signalled.then(resolve);
      void engine.done.then((r) => {
        if (r.faults.length === 0) resolve();
        else err('vplc serve: every resource has stopped after a fault');
      });
    });
  } catch (e) {
    err(`vplc serve: ${e instanceof Error ? e.message : String(e)}`);
    // the I/O could not start (a variable the configuration names is not in the program): a configuration error
    startFailed = true;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (summary) clearInterval(summary);
    clearInterval(trim);
    clearInterval(alive);
  }
  await guard.close();
  await services?.close();
  // the engine writes the last outputs then the safe values; the drivers then send them out
  const result = await engine.stop();
  // false when a device's safe values could not all be written: not a clean stop
  const ioStopped = (await io?.stop()) ?? true;
  await services?.finalSave();
  vars?.close();
  await endpoint?.close();
  await web?.close();
  process.stdout.write(summaryLine(result.metrics) + '\n');
  guard.uninstall();
  // a fault is status 2; I/O that did not start, or safe values that could not be written at the stop, 1
  return result.faults.length > 0 ? EXIT_FAULT : ioStopped && !startFailed ? 0 : 1;
}

/**
 * The resource whose process image the configured drivers serve: the config's `resource:`
 * (61131 name, or Device.Resource / Resource for IEC 61499), else the only one there is.
 */
export function ioResource(config: PlcConfig, resources: string[]): string | { error: string } {
  const list = resources.join(', ');
  if (config.resource !== undefined) {
    const hit = resources.find((r) => r === config.resource) ?? resources.find((r) => r.toLowerCase() === config.resource!.toLowerCase());
    return hit ?? { error: `the configuration names resource '${config.resource}', which the application does not have (resources: ${list})` };
  }
  if (resources.length === 1) return resources[0]!;
  return { error: `the application has several resources (${list}): say which one the I/O belongs to with 'resource:' in the configuration` };
}

function flatMetrics(engine: Engine): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [task, m] of Object.entries(engine.metrics().tasks)) {
    out[`${task}.cycles`] = m.cycles;
    out[`${task}.overruns`] = m.overruns;
    out[`${task}.watchdogFaults`] = m.watchdogFaults;
    out[`${task}.execUs.p99`] = m.execUs.p99;
    out[`${task}.latenessUs.p99`] = m.latenessUs.p99;
  }
  return out;
}

/** The console's users: `console:` of plc.yaml, else the OPC UA server's users, read-only; undefined when there are none. */
function consoleUsers(config: PlcConfig | undefined): ConsoleConfig | undefined {
  if (config?.console?.users.length) return config.console;
  const users = config?.opcuaServer?.users ?? [];
  if (users.length === 0) return undefined;
  return { users: users.map((u) => ({ username: u.username, password: u.password, role: 'read-only' })), sessionMinutes: config?.console?.sessionMinutes ?? DEFAULT_SESSION_MINUTES };
}
