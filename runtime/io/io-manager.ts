import type { Application } from '../../compiler/application.js';
import type { PlcConfig } from '../config/schema.js';
import type { ImageExchange } from './image-exchange.js';
import type { DeviceStatus } from './device-status.js';
import type { DriverContext, IoClock, IoDriver, VariableAccess } from '../../io-drivers/driver.js';
import { ModbusClientDriver } from '../../io-drivers/modbus-client.js';
import { ModbusServerDriver } from '../../io-drivers/modbus-server.js';
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
  readonly modbusServer: ModbusServerDriver | undefined;
  private opcua: IoDriver | undefined;

  private constructor(
    readonly config: PlcConfig,
    private readonly ctx: DriverContext,
    private readonly options: IoManagerOptions,
  ) {
    for (const d of config.devices) {
      if (d.driver === 'modbus-tcp' || d.driver === 'modbus-rtu') this.drivers.push(new ModbusClientDriver(d, ctx));
      else if (d.driver === 'simulation') this.drivers.push(new SimulationDriver(d, ctx));
    }
    if (config.modbusServer) {
      this.modbusServer = new ModbusServerDriver(config.modbusServer, ctx);
      this.drivers.push(this.modbusServer);
    }
  }

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

  /** Start every driver (devices that do not answer yet are retried in the background). */
  async start(): Promise<void> {
    // OPC UA is loaded only when configured: node-opcua is large
    const needsOpcua = this.config.opcuaServer || this.config.devices.some((d) => d.driver === 'opcua');
    if (needsOpcua) {
      const { OpcuaClientDriver } = await import('../../io-drivers/opcua-client.js');
      for (const d of this.config.devices) if (d.driver === 'opcua') this.drivers.push(new OpcuaClientDriver(d, this.ctx));
      if (this.config.opcuaServer) {
        const { OpcuaServerDriver } = await import('../../io-drivers/opcua-server.js');
        this.opcua = new OpcuaServerDriver(this.config.opcuaServer, {
          ...this.ctx,
          ...(this.options.app ? { app: this.options.app } : {}),
          ...(this.config.resource ? { resource: this.config.resource } : {}),
          ...(this.options.metrics ? { metrics: this.options.metrics } : {}),
          configDir: dirOf(this.config.file),
        });
        this.drivers.push(this.opcua);
      }
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
