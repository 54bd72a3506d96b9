import type { ReconnectConfig, StatusBinding } from './config.js';
import { DeviceStatus } from './device-status.js';
import { InputCommit, OutputSnapshot, resolvePlcSide, type PlcSide } from './binding.js';
import type { DriverContext, IoDriver } from './driver.js';
import { Backoff } from './backoff.js';

/**
 * How long a stop may spend on the safe values of one device, all output groups together: a
 * device that no longer answers must not hold the shutdown for a timeout per group.
 */
export const STOP_DEADLINE_MS = 3000;

/** At stop: write every output group, whatever fails, and record each failure. */
export interface FinalWrite {
  /** Date.now() by which every group must have been tried */
  deadline: number;
  /** one message per group that could not be written */
  failures: string[];
}

/** Thrown by stop() when safe values could not all be written: the shutdown is not a clean one. */
export class SafeOutputsNotWritten extends Error {}

/** What every remote device's configuration holds, whatever its protocol. */
export interface RemoteDeviceConfig {
  name: string;
  reconnect: ReconnectConfig;
  status: StatusBinding;
}

/**
 * The lifecycle of a device reached over a network (Modbus, OPC UA): connect, exchange until
 * the connection fails, reconnect with exponential backoff and then send every output again;
 * on stop, write the last outputs the program produced, then the safe values (every output group
 * tried within STOP_DEADLINE_MS, after one more connection if the device was lost; stop()
 * rejects when any could not be written). The device's
 * health is published to the addresses bound in `status`. A protocol supplies the hooks.
 */
export abstract class RemoteDevice<C extends RemoteDeviceConfig> implements IoDriver {
  readonly name: string;
  readonly status: DeviceStatus;
  protected readonly commit: InputCommit;
  protected readonly snapshot: OutputSnapshot;
  protected readonly backoff: Backoff;
  /** the connection failed and must be opened again before the next exchange */
  protected lost = false;
  private readonly statusSides: { ok?: PlcSide; errors?: PlcSide } = {};
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private stopping: Promise<void> | undefined;

  constructor(
    protected readonly cfg: C,
    protected readonly ctx: DriverContext,
  ) {
    this.name = cfg.name;
    this.status = new DeviceStatus(cfg.name);
    this.commit = new InputCommit(ctx.exchange, ctx.vars);
    this.snapshot = new OutputSnapshot(ctx.exchange, ctx.vars);
    this.backoff = new Backoff(cfg.reconnect.minMs, cfg.reconnect.maxMs);
    if (cfg.status.ok) this.statusSides.ok = resolvePlcSide(cfg.status.ok, 'BOOL');
    if (cfg.status.errors) {
      const t = /^%[IQM]D/i.test(cfg.status.errors) ? 'UDINT' : 'UINT';
      this.statusSides.errors = resolvePlcSide(cfg.status.errors, t);
    }
  }

  // ------------------------------------------------------------------ protocol hooks

  /** A connection exists (it may have been lost since). */
  protected abstract isOpen(): boolean;
  /** Open the connection; throws when the device cannot be reached. */
  protected abstract connect(): Promise<void>;
  /** Close whatever is left of the connection; never throws. */
  protected abstract disconnect(): Promise<void>;
  /** Read the inputs into `commit` and commit them; false when they arrive by themselves (a subscription). */
  protected abstract poll(): Promise<boolean>;
  /**
   * Write the outputs changed since last sent (all after `forgetSent`), or every safe value.
   * Without `final` the first failure throws; with it every group is tried before `final.deadline`
   * and each failure is recorded there instead.
   */
  protected abstract writeOutputs(safe: boolean, final?: FinalWrite): Promise<void>;
  /** The device has outputs (and so safe values to write at stop). */
  protected hasOutputs(): boolean {
    return true;
  }
  /** After a (re)connection: nothing is known to have been sent. */
  protected abstract forgetSent(): void;
  /** Wait until the next exchange is due; `started` is when this one began (Date.now()). */
  protected abstract untilNextExchange(started: number): Promise<unknown>;
  /** Once an exchange failed and the failure is recorded: what to do before reconnecting. */
  protected async afterLoss(): Promise<void> {}
  /** Appended to "cannot connect" in messages (e.g. " to opc.tcp://…"). */
  protected connectTarget(): string {
    return '';
  }

  // ------------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    this.stopping = undefined;
    this.running = true;
    this.publishStatus();
    this.loop = this.run();
  }

  /** Stopping twice waits for the first stop (the safe values are written once). */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    const failures: string[] = [];
    if (!this.hasOutputs()) {
      // nothing to make safe
    } else if (!this.isOpen() || this.lost) {
      // lost (or never reached): one more connection, within the deadline, for the safe values
      const deadline = Date.now() + STOP_DEADLINE_MS;
      if (await this.reconnectForStop(deadline, failures)) await this.writeSafe(deadline, failures);
    } else {
      // the last outputs the program produced, then the safe values
      this.snapshot.refresh();
      try {
        await this.writeOutputs(false);
      } catch (e) {
        // a device that does not answer: spend the time left on the safe values
        this.ctx.log(`${this.name}: could not write the last outputs: ${(e as Error).message}`);
      }
      await this.writeSafe(Date.now() + STOP_DEADLINE_MS, failures);
    }
    for (const f of failures) this.ctx.log(`${this.name}: safe value not written: ${f}`);
    await this.disconnect();
    if (failures.length > 0) {
      throw new SafeOutputsNotWritten(`safe outputs not written (${failures.length} failure${failures.length > 1 ? 's' : ''})`);
    }
  }

  private async writeSafe(deadline: number, failures: string[]): Promise<void> {
    try {
      await this.writeOutputs(true, { deadline, failures });
    } catch (e) {
      failures.push((e as Error).message);
    }
  }

  private async reconnectForStop(deadline: number, failures: string[]): Promise<boolean> {
    await this.disconnect();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('stop deadline passed')), Math.max(0, deadline - Date.now()));
        }),
      ]);
      this.lost = false;
      this.forgetSent();
      return true;
    } catch (e) {
      failures.push(`cannot connect${this.connectTarget()}: ${(e as Error).message}`);
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      if (!this.isOpen() || this.lost) {
        try {
          await this.connect();
          this.backoff.reset();
          this.lost = false;
          this.forgetSent(); // re-send every output
          this.commit.forget();
        } catch (e) {
          this.fail(`cannot connect${this.connectTarget()}: ${(e as Error).message}`);
          await this.pause(this.backoff.next());
          continue;
        }
      }
      const started = Date.now();
      try {
        const polled = await this.poll();
        this.snapshot.refresh();
        await this.writeOutputs(false);
        if (polled) {
          // a complete round trip both ways: the device is healthy
          this.status.ok = true;
          this.status.inputsBad = false;
          this.publishStatus();
        }
      } catch (e) {
        this.fail((e as Error).message);
        this.lost = true;
        await this.afterLoss();
        continue;
      }
      await this.untilNextExchange(started);
    }
  }

  /** Record a failure; log it only when the device was fine until now, not on every retry. */
  protected fail(message: string): void {
    const first = this.status.ok || this.status.errors === 0;
    this.status.failure(message);
    if (first) this.ctx.log(`${this.name}: ${message}`);
    this.publishStatus();
  }

  /** Sleep, but wake at once on stop (or on `wakeUp`). */
  protected pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }

  /** End the current pause now (the connection was lost: reconnect without waiting). */
  protected wakeUp(): void {
    this.wake?.();
  }

  /** Stage the status values (ok, errors) in `commit`, to go with the next input commit. */
  protected setStatusValues(ok: boolean): void {
    if (this.statusSides.ok) this.commit.setValue(this.statusSides.ok, ok);
    if (this.statusSides.errors) this.commit.setValue(this.statusSides.errors, this.status.errors);
  }

  protected publishStatus(): void {
    this.setStatusValues(this.status.ok);
    this.commit.commit();
  }
}
