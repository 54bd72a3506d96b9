import { Backoff } from '../../io-drivers/backoff.js';
import type { IoDriver } from '../../io-drivers/driver.js';

/**
 * `vplc serve`'s last line of defence: an exception thrown inside an I/O library's callback
 * (node-opcua, a socket handler) reaches no caller, and Node would end the process with it,
 * taking the scan down with one faulty request. The scan runs in worker threads and never
 * waits for the main thread, so the process may go on; this guard reports the error once,
 * marks the server it came from as down (/healthz `degraded`, `vplc_io_service_up` 0), and
 * restarts that server with back-off. The scan, its outputs and the other servers are not
 * touched: a server's stop writes nothing to the process image.
 *
 * Which server an error comes from is read from the frames of its stack, top first: the
 * library callbacks carry no other trace of who set them up (the async context is gone by
 * the time `uncaughtException` or `unhandledRejection` is emitted).
 */

/** Stack frame paths that belong to each restartable server, by driver name. */
const SERVICE_FRAMES: Record<string, readonly string[]> = {
  'opcua-server': [
    '/io-drivers/opcua-server',
    '/node-opcua-server/',
    '/node-opcua-address-space/',
    '/node-opcua-address-space-base/',
    '/node-opcua-secure-channel/dist/source/server/',
    '/node-opcua-server-discovery/',
  ],
  'modbus-server': ['/io-drivers/modbus-server'],
};

/** The name errors nobody can be told apart from go under: the main thread itself. */
export const MAIN_THREAD = 'main';

/** How long a server may take to stop before it is started again anyway. */
const STOP_TIMEOUT_MS = 5000;
/** A fault this long after the last restart starts the back-off afresh. */
const STABLE_MS = 60_000;

/** One server (or the main thread) as the guard has seen it. */
export interface ServiceHealth {
  name: string;
  ok: boolean;
  faults: number;
  restarts: number;
  lastFault: string;
}

interface Service extends ServiceHealth {
  readonly driver: IoDriver | undefined;
  readonly backoff: Backoff;
  /** messages already printed: the same error again is only counted */
  readonly reported: Set<string>;
  timer: NodeJS.Timeout | undefined;
  restarting: Promise<void> | undefined;
  restartedAt: number;
}

export interface ServeGuardOptions {
  /** the running I/O drivers (read at each fault: they are created after the guard) */
  drivers: () => readonly IoDriver[];
  err: (line: string) => void;
  say: (line: string) => void;
  /** print the stack of each error reported */
  verbose: boolean;
  /** restart back-off, ms (default 1 s doubling up to 30 s) */
  backoffMs?: { min: number; max: number };
}

/** The driver name whose frames come first in `stack`, or undefined. */
export function attributeStack(stack: string, names: readonly string[]): string | undefined {
  for (const line of stack.split('\n')) {
    if (!/^\s+at /.test(line)) continue;
    const path = line.replace(/\\/g, '/');
    for (const name of names) {
      if (SERVICE_FRAMES[name]?.some((f) => path.includes(f))) return name;
    }
  }
  return undefined;
}

export class ServeGuard {
  private readonly services = new Map<string, Service>();
  private closed = false;
  private readonly onException = (e: unknown) => this.fault(e);
  private readonly onRejection = (e: unknown) => this.fault(e);

  constructor(private readonly options: ServeGuardOptions) {}

  install(): void {
    process.on('uncaughtException', this.onException);
    process.on('unhandledRejection', this.onRejection);
  }

  /** No more restarts; waits for one under way so that no server is left listening after the stop. Handlers stay until `uninstall`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const s of this.services.values()) clearTimeout(s.timer);
    await Promise.all([...this.services.values()].map((s) => s.restarting));
  }

  uninstall(): void {
    process.off('uncaughtException', this.onException);
    process.off('unhandledRejection', this.onRejection);
  }

  /** An error no caller caught: report it, mark its server down and restart it. */
  fault(e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    const drivers = this.options.drivers();
    const name = attributeStack(error.stack ?? '', drivers.map((d) => d.name).filter((n) => n in SERVICE_FRAMES)) ?? MAIN_THREAD;
    const service = this.service(name, drivers.find((d) => d.name === name));
    const message = error.message || error.name;
    service.faults++;
    service.ok = false;
    service.lastFault = message;
    if (service.driver) {
      service.driver.status.ok = false;
      service.driver.status.errors++;
      service.driver.status.lastError = message;
    }
    if (!service.reported.has(message) && service.reported.size < 20) {
      service.reported.add(message);
      const what = name === MAIN_THREAD ? 'an error no I/O server could be blamed for' : `the ${name} failed`;
      const next = service.driver && !this.closed ? '; restarting it' : '';
      this.options.err(`vplc serve: ${what}: ${message}; the scan and its outputs go on${next}${this.options.verbose ? '' : ' (VPLC_DEBUG=1 or --verbose: the stack)'}`);
      // a value thrown that is not an Error has no stack of its own
      if (this.options.verbose && e instanceof Error && error.stack) this.options.err(error.stack);
    }
    if (service.driver) this.scheduleRestart(service);
  }

  /** The services that have failed at least once (for /healthz). */
  health(): ServiceHealth[] {
    return [...this.services.values()].map(({ name, ok, faults, restarts, lastFault }) => ({ name, ok, faults, restarts, lastFault }));
  }

  /** Prometheus lines: up, faults and restarts of every I/O server and of the main thread. */
  prometheus(): string {
    const names = [...new Set([...this.options.drivers().map((d) => d.name).filter((n) => n in SERVICE_FRAMES), ...this.services.keys()])];
    if (names.length === 0) return '';
    const lines: string[] = [];
    const metric = (metricName: string, type: string, help: string, value: (n: string) => number) => {
      lines.push(`# HELP ${metricName} ${help}`, `# TYPE ${metricName} ${type}`);
      for (const n of names) lines.push(`${metricName}{service="${n}"} ${value(n)}`);
    };
    metric('vplc_io_service_up', 'gauge', '1 while the service serves, 0 after a fault until it is restarted.', (n) => (this.services.get(n)?.ok ?? true ? 1 : 0));
    metric('vplc_io_service_faults_total', 'counter', 'Errors thrown inside the service that no caller caught.', (n) => this.services.get(n)?.faults ?? 0);
    metric('vplc_io_service_restarts_total', 'counter', 'Restarts of the service after a fault.', (n) => this.services.get(n)?.restarts ?? 0);
    return lines.join('\n') + '\n';
  }

  private service(name: string, driver: IoDriver | undefined): Service {
    let s = this.services.get(name);
    if (!s) {
      const b = this.options.backoffMs ?? { min: 1000, max: 30_000 };
      s = { name, ok: true, faults: 0, restarts: 0, lastFault: '', driver, backoff: new Backoff(b.min, b.max), reported: new Set(), timer: undefined, restarting: undefined, restartedAt: 0 };
      this.services.set(name, s);
    }
    return s;
  }

  private scheduleRestart(s: Service): void {
    if (this.closed || s.timer || s.restarting) return;
    if (s.restartedAt > 0 && Date.now() - s.restartedAt > STABLE_MS) s.backoff.reset();
    s.timer = setTimeout(() => {
      s.timer = undefined;
      s.restarting = this.restart(s).finally(() => (s.restarting = undefined));
    }, s.backoff.next());
  }

  private async restart(s: Service): Promise<void> {
    const driver = s.driver!;
    // a server a fault left in a bad state may never finish stopping: start again after a while regardless
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([driver.stop().catch(() => undefined), new Promise<void>((r) => (timer = setTimeout(r, STOP_TIMEOUT_MS)))]);
    clearTimeout(timer);
    if (this.closed) return;
    try {
      await driver.start();
      s.restarts++;
      s.ok = true;
      s.restartedAt = Date.now();
      this.options.say(`vplc serve: ${s.name} restarted after a fault (${s.restarts} restart${s.restarts === 1 ? '' : 's'} so far)`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      s.lastFault = message;
      driver.status.lastError = message;
      if (!s.reported.has(message) && s.reported.size < 20) {
        s.reported.add(message);
        this.options.err(`vplc serve: the ${s.name} could not be restarted: ${message}; trying again`);
      }
      this.scheduleRestart(s);
    }
  }
}
