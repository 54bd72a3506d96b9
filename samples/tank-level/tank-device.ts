/**
 * The tank as a separate Modbus TCP device (a remote I/O station with its process), for the
 * plc-modbus.yaml variant of the sample. The tank model of io-drivers/simulation steps on the
 * wall clock, `speed` times faster than real time.
 *
 *   coils 0, 1            inflow valve (on/off), outflow valve          written by the PLC
 *   holding 0–1           inflow valve position, REAL 0…1, big endian   written by the PLC
 *   input registers 0–1   level in m, REAL, big endian                  read by the PLC
 *   discrete inputs 0, 1  high, low level switches                      read by the PLC
 *
 * Run: npx tsx samples/tank-level/tank-device.ts [--port 1502] [--speed 1]
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { ServerTCP as ServerTCPType } from 'modbus-serial';
import { TankModel } from '../../io-drivers/simulation/tank.js';

// modbus-serial is CommonJS
const { ServerTCP } = createRequire(import.meta.url)('modbus-serial') as { ServerTCP: typeof ServerTCPType };

export interface TankDevice {
  readonly port: number;
  readonly model: TankModel;
  /** a signal's value now */
  signal(name: string): number;
  close(): Promise<void>;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

export async function startTankDevice(options: { port: number; host?: string; speed?: number; params?: Record<string, number> }): Promise<TankDevice> {
  const model = new TankModel({ area: 1, height: 2, inflow: 0.05, outflowCoeff: 0.02, initialLevel: 0.5, ...options.params });
  const at = (n: string) => model.index(n);
  const v = model.values;
  const holding = new Uint16Array(2);
  const speed = options.speed ?? 1;
  const word = (x: number, hi: boolean) => {
    F32[0] = x;
    return hi ? U32[0]! >>> 16 : U32[0]! & 0xffff;
  };
  const server = new ServerTCP(
    {
      getCoil: (addr: number) => (addr === 0 ? v[at('inflowValve')]! > 0 : addr === 1 ? v[at('outflowValve')]! > 0 : false),
      getDiscreteInput: (addr: number) => (addr === 0 ? v[at('high')]! > 0 : addr === 1 ? v[at('low')]! > 0 : false),
      getInputRegister: (addr: number) => (addr < 2 ? word(v[at('level')]!, addr === 0) : 0),
      getHoldingRegister: (addr: number) => (addr < 2 ? holding[addr]! : 0),
      setCoil: (addr: number, value: boolean) => {
        if (addr === 0) v[at('inflowValve')] = value ? 1 : 0;
        if (addr === 1) v[at('outflowValve')] = value ? 1 : 0;
      },
      setRegister: (addr: number, value: number) => {
        if (addr > 1) return;
        holding[addr] = value;
        U32[0] = ((holding[0]! << 16) | holding[1]!) >>> 0;
        v[at('inflowPosition')] = F32[0]!;
      },
    },
    { host: options.host ?? '127.0.0.1', port: options.port, unitID: 1 },
  );
  await new Promise<void>((resolve, reject) => {
    server.once('initialized', () => resolve());
    server.once('serverError', reject);
    server.once('error', reject);
  });
  let last = process.hrtime.bigint();
  const timer = setInterval(() => {
    const now = process.hrtime.bigint();
    model.step((Number(now - last) / 1e9) * speed);
    last = now;
  }, 10);
  return {
    port: options.port,
    model,
    signal: (n) => v[at(n)]!,
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = (name: string, def: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : def;
  };
  const device = await startTankDevice({ port: arg('--port', 1502), speed: arg('--speed', 1) });
  process.stdout.write(`tank device: Modbus TCP on 127.0.0.1:${device.port}\n`);
  const report = setInterval(() => process.stdout.write(`level ${device.signal('level').toFixed(3)} m, valve ${device.signal('inflowPosition').toFixed(2)}\n`), 2000);
  const stop = () => {
    clearInterval(report);
    void device.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
