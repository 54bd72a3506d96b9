import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AttributeIds, OPCUAClient, StatusCodes, type ClientSession } from 'node-opcua';
import { freePort, ROOT, startCli, until, type CliProcess } from '../../samples/child-cli.js';

/** The sorting-conveyor sample (IEC 61499) under vplc serve: its FBs' variables in the OPC UA server. */
describe('OPC UA server with an IEC 61499 application', () => {
  let cli: CliProcess | undefined;
  afterAll(async () => {
    if (cli && cli.child.exitCode === null) (cli.child.kill('SIGINT'), await cli.exited);
  });

  it('exposes Objects/vPLC/<device>/<resource>/<FB>/<variable>, live and read only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vplc-opcua-61499-'));
    const port = await freePort();
    const sample = join(ROOT, 'samples', 'sorting-conveyor');
    writeFileSync(join(dir, 'plc.yaml'), `${readFileSync(join(sample, 'plc.yaml'), 'utf8')}
opcuaServer:
  host: 127.0.0.1
  port: ${port}
  allowSecurityNone: true
  allowAnonymous: true
  samplingMs: 20
  pkiDir: ${JSON.stringify(join(dir, 'pki'))}
`);
    cli = startCli(['serve', join(sample, 'sorting.sys'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    await cli.waitFor(/vplc serve: running/);
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await until(async () => {
      try {
        await client.connect(`opc.tcp://127.0.0.1:${port}`);
        return true;
      } catch {
        return false;
      }
    }, 'the OPC UA server', 60_000, 200);
    let session: ClientSession | undefined;
    try {
      session = await client.createSession();
      const s = session;
      const read = async (id: string) => (await s.read({ nodeId: `ns=1;s=${id}`, attributeId: AttributeIds.Value })).value.value as unknown;
      // the folders: device, resource, FB (a composite's inner FB under the composite)
      const names = async (id: string) => (await s.browse(`ns=1;s=${id}`)).references!.map((r) => r.browseName.name);
      expect(await names('vPLC')).toContain('PLC');
      expect(await names('PLC')).toEqual(['Line']);
      expect(await names('PLC.Line')).toEqual(expect.arrayContaining(['CLOCK', 'EYE', 'BELT', 'CELL']));
      expect(await names('PLC.Line.CELL')).toEqual(expect.arrayContaining(['S', 'N']));
      // TIME as Double milliseconds, as for ST programs; the counter counts parts as the belt runs
      await until(async () => (await read('PLC.Line.CLOCK.DT')) === 10, 'CLOCK.DT = 10 ms');
      expect(await read('PLC.Line.CELL.N.PV')).toBe(65535);
      await until(async () => ((await read('PLC.Line.CELL.N.CV')) as number) > 0, 'CELL.N.CV to count', 30_000);
      // of the type it is (UINT: UInt16), yet refused: IEC 61499 variables are read only
      const w = await s.write({ nodeId: 'ns=1;s=PLC.Line.CELL.N.PV', attributeId: AttributeIds.Value, value: { value: { dataType: 'UInt16', value: 3 } } });
      expect(w).toBe(StatusCodes.BadNotWritable);
    } finally {
      await session?.close();
      await client.disconnect();
    }
  }, 120_000);
});
