import { createRequire } from 'node:module';

// modbus-serial is CommonJS without usable ESM types for ServerTCP: declare the part we drive.
interface ModbusServer {
  on(e: string, f: (...a: unknown[]) => void): void;
  close(cb: () => void): void;
}
const { ServerTCP } = createRequire(import.meta.url)('modbus-serial') as {
  ServerTCP: new (vector: object, options: object) => ModbusServer;
};

/** The four Modbus tables of a remote device, as plain arrays the test reads and changes. */
export interface DeviceMemory {
  coils: boolean[];
  discrete: boolean[];
  input: number[];
  holding: number[];
}

/** A remote I/O device on 127.0.0.1:`port`: a modbus-serial ServerTCP over `mem`; resolves once it listens. */
export function modbusDevice(port: number, mem: DeviceMemory, unitID = 1): Promise<ModbusServer> {
  const server = new ServerTCP(
    {
      getCoil: (a: number) => mem.coils[a] ?? false,
      getDiscreteInput: (a: number) => mem.discrete[a] ?? false,
      getInputRegister: (a: number) => mem.input[a] ?? 0,
      getHoldingRegister: (a: number) => mem.holding[a] ?? 0,
      setCoil: (a: number, v: boolean) => { mem.coils[a] = v; },
      setRegister: (a: number, v: number) => { mem.holding[a] = v; },
    },
    { host: '127.0.0.1', port, unitID },
  );
  return new Promise<ModbusServer>((resolve, reject) => {
    server.on('initialized', () => resolve(server));
    server.on('serverError', (e) => reject(e));
  });
}
