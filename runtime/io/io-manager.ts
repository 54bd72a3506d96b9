import type { Application } from '../../compiler/application.js';
import type { PlcConfig } from '../config/schema.js';
import type { ImageExchange } from '../../compiler/contract/image-exchange.js';
import type { DeviceStatus } from '../../io-drivers/device-status.js';
import type { DriverContext, IoClock, IoDriver, VariableAccess } from '../../io-drivers/driver.js';
import { SERVER_DRIVERS, deviceDriver } from '../../io-drivers/registry.js';
import { SimulationDriver } from '../../io-drivers/simulation/simulation-driver.js';

export interface IoManagerOptions {
  exchange: ImageExchange;
  /** the task clock (real or virtual); default: the monotonic clock */
  clock?: IoClock;
  /** the application, for the OPC UA server's address space */
  app?: Application;
  /** symbolic variable access (Engine.snapshotVars / a write queue) */
  vars?: VariableAccess;
  /** task metrics exposed by the OPC UA server: name → value, read when sampled */
  metrics?: () => Record<string, number>;
  log?: (message: string) => void;
}

/**
 * Runs every I/O driver a configuration names, in the main thread. Drivers poll and serve
 * asynchronously; the scan meets them only through the image exchange.
 */
export class IoManager {
  readonly drivers: IoDriver[] = [];

  private constructor(
    readonly config: PlcConfig,
    private readonly ctx: DriverContext,
    private readonly options: IoManagerOptions,
  ) {}

  static fromConfig(config: PlcConfig, options: IoManagerOptions): IoManager {
    const start = process.hrtime.bigint();
    const clock = options.clock ?? { nowNs: () => Number(process.hrtime.bigint() - start) };
    const ctx: DriverContext = {
      exchange: options.exchange,
      clock,
      log: options.log ?? ((m) => process.stderr.write(`vplc io: ${m}\n`)),
      ...(options.vars ? { vars: options.vars } : {}),
    };
    return new IoManager(config, ctx, options);
  }

  /**
   * Create every configured device and server through its factory (each loads its
   * implementation only when configured), then start them all (devices that do not answer
   * yet are retried in the background).
   */
  async start(): Promise<void> {
    for (const d of this.config.devices) {
      const factory = deviceDriver(d.driver);
      if (!factory) throw new Error(`${d.at}: no I/O driver '${d.driver}'`);
      this.drivers.push(await factory.create(d, this.ctx));
    }
    const servers = this.config as unknown as Record<string, unknown>;
    const devices = this.config.devices.map((config, i) => ({ config, status: this.drivers[i]!.status }));
    for (const s of SERVER_DRIVERS) {
      const cfg = servers[s.key];
      if (cfg === undefined) continue;
      this.drivers.push(await s.create(cfg as never, {
        ...this.ctx,
        devices,
        ...(this.options.app ? { app: this.options.app } : {}),
        ...(this.config.resource ? { resource: this.config.resource } : {}),
        ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
        configDir: dirOf(this.config.file),
        configFile: this.config.file,
      }));
    }
    await Promise.all(this.drivers.map((d) => d.start()));
  }

  /** Stop every driver: devices get the last outputs, then their safe values. False when any driver failed to (safe values not written). */
  async stop(): Promise<boolean> {
    const stopped = await Promise.all(
      this.drivers.map((d) =>
        d.stop().then(
          () => true,
          (e: Error) => {
            this.ctx.log(`${d.name}: ${e.message}`);
            return false;
          },
        ),
      ),
    );
    return stopped.every(Boolean);
  }

  /** Per-device status, for metrics and `vplc serve` output. */
  status(): DeviceStatus[] {
    return this.drivers.map((d) => d.status);
  }

  /** The simulated plants, for engines that step them in the scan worker instead. */
  simulations(): SimulationDriver[] {
    return this.drivers.filter((d): d is SimulationDriver => d instanceof SimulationDriver);
  }
}

function dirOf(file: string): string {
  const i = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return i < 0 ? '.' : file.slice(0, i) || '/';
}
