import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManagementClient, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { ManagementServer } from '../../../../runtime/iec61499/management/server.js';
import type { Device } from '../../../../runtime/iec61499/management/device.js';
import { parseMgrId } from '../../../../runtime/iec61499/management/remote-managers.js';
import { freePort } from '../../../support/wait.js';
import { startDevice, type Running, waitFor } from './harness.js';
import { startSystem, typeFolder } from '../../../support/iec61499.js';

let dev: Running;
let c: ManagementClient;

beforeEach(async () => {
  // the device's RMT_RES listeners are made as `vplc device` makes them: the same protocol, the same device
  let device: Device | undefined;
  dev = await startDevice({
    openResourceManager: async (_res, host, port) => {
      const s = new ManagementServer(device!, { port, host });
      await s.listen();
      return s;
    },
  });
  device = dev.device;
  c = await ManagementClient.open(dev.port);
});

afterEach(async () => {
  await c.close();
  await dev.stop();
});

const readValue = async (client: ManagementClient, res: string, port: string): Promise<string> => {
  const a = await client.request(res, 'READ', `<Connection Source="${port}" Destination="" />`);
  const m = /Destination="([^"]*)"/.exec(a);
  if (!m) throw new Error(`READ ${port}: ${a}`);
  return m[1]!;
};

/** Can a client connect to 127.0.0.1:port? */
const accepts = async (port: number): Promise<boolean> => {
  try {
    const probe = await ManagementClient.open(port);
    await probe.close();
    return true;
  } catch {
    return false;
  }
};

describe('RMT_RES: a resource with a management server of its own (MGR_ID)', () => {
  it('runs its network like an EMB_RES and, while it runs, serves the device on its MGR_ID', async () => {
    const mgr = await freePort();
    const answers = [
      await c.request('', 'CREATE', '<FB Name="R" Type="RMT_RES" />'),
      // as the IDE writes a resource's parameter: through the device, `R.MGR_ID`
      await c.request('', 'WRITE', `<Connection Source="&quot;localhost:${mgr}&quot;" Destination="R.MGR_ID" />`),
      await c.request('R', 'CREATE', '<FB Name="C" Type="E_CTU" />'),
      await c.request('R', 'CREATE', '<Connection Source="START.COLD" Destination="C.CU" />'),
    ];
    expect(answers.map(reason)).toEqual([undefined, undefined, undefined, undefined]);
    expect(await accepts(mgr)).toBe(false);
    expect(reason(await c.request('R', 'START', ''))).toBeUndefined();
    await waitFor(() => dev.device.managers.listening('R'), (v) => v, 'the listener of R');

    const remote = await ManagementClient.open(mgr);
    try {
      // FORTE's RMT_RES executes what arrives there against the device: resources by name, the device with none
      expect(await readValue(remote, 'R', 'C.CV')).toBe('1');
      expect(await remote.request('', 'QUERY', '<FB Name="*" Type="*" />')).toContain('<FB name="R" type="RMT_RES" />');
      expect(reason(await remote.request('R', 'CREATE', '<FB Name="D" Type="E_CTU" />'))).toBeUndefined();
      expect(reason(await remote.request('R', 'STOP', ''))).toBeUndefined();
    } finally {
      await remote.close();
    }
    // START.STOP resets its MGR_FF in FORTE: the server closes
    await waitFor(() => accepts(mgr), (v) => !v, 'the listener of R to close');
    expect(await readValue(c, 'R', 'C.CV')).toBe('1');
    // the boot file keeps the MGR_ID: a device started from it has the same listener address
    const boot = dev.device.bootText();
    expect(boot.split('\n')[1]).toBe(`;<Request ID="2" Action="WRITE"><Connection Source="&quot;localhost:${mgr}&quot;" Destination="R.MGR_ID" /></Request>`);
    const again = await startDevice();
    try {
      expect(again.device.loadBootText(boot)).toEqual([]);
      expect(again.device.managers.mgrId('R')).toBe(`"localhost:${mgr}"`);
    } finally {
      await again.stop();
    }
  });

  it('refuses a MGR_ID that is not host:port, and MGR_ID of an EMB_RES as before', async () => {
    await c.request('', 'CREATE', '<FB Name="R" Type="RMT_RES" />');
    await c.request('', 'CREATE', '<FB Name="E" Type="EMB_RES" />');
    expect(reason(await c.request('', 'WRITE', '<Connection Source="&quot;nowhere&quot;" Destination="R.MGR_ID" />'))).toBe('BAD_PARAMS');
    expect(reason(await c.request('', 'WRITE', '<Connection Source="&quot;localhost:61500&quot;" Destination="E.MGR_ID" />'))).toBe('NO_SUCH_OBJECT');
    expect(reason(await c.request('', 'CREATE', '<FB Name="X" Type="OTHER_RES" />'))).toBe('UNSUPPORTED_TYPE');
  });

  it('reads MGR_ID as 4diac writes it', () => {
    expect(parseMgrId('"localhost:61500"')).toEqual({ host: '127.0.0.1', port: 61500 });
    expect(parseMgrId("'192.168.0.10:61499'")).toEqual({ host: '192.168.0.10', port: 61499 });
    expect(parseMgrId('fbdk[].ip[localhost:61501]')).toEqual({ host: '127.0.0.1', port: 61501 });
    expect(parseMgrId('localhost')).toBeUndefined();
    expect(parseMgrId('localhost:70000')).toBeUndefined();
  });

  it('in a .sys (vplc run/serve) it runs its application like an EMB_RES, its MGR_ID accepted', () => {
    const sys = `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Rmt">
<Application Name="A"><SubAppNetwork/></Application>
<Device Name="D" Type="FORTE_PC">
<Resource Name="R" Type="RMT_RES"><Parameter Name="MGR_ID" Value="&quot;localhost:61500&quot;"/><FBNetwork>
<FB Name="C" Type="E_CTU"/>
<EventConnections><Connection Source="START.COLD" Destination="C.CU"/></EventConnections>
</FBNetwork></Resource></Device>
</System>
`;
    const { res, outcome } = startSystem(typeFolder(), 'rmt.sys', sys);
    expect(outcome.faults).toEqual([]);
    expect(res.read('C.CV')).toBe(1);
  });
});

describe('functions deployed to the device as the IDE deploys them', () => {
  it('CREATE of utils__timing__F_NOW_MONOTONIC and ASSEMBLE_WORD_FROM_BYTES, connections to and READ of the unnamed pin `A.`', async () => {
    const answers = [
      await c.request('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />'),
      await c.request('RES', 'CREATE', '<FB Name="M" Type="utils__timing__F_NOW_MONOTONIC" />'),
      await c.request('RES', 'CREATE', '<FB Name="A" Type="ASSEMBLE_WORD_FROM_BYTES" />'),
      await c.request('RES', 'CREATE', '<FB Name="S" Type="SPLIT_WORD_INTO_BYTES" />'),
      await c.request('RES', 'CREATE', '<Connection Source="START.COLD" Destination="M.REQ" />'),
      await c.request('RES', 'CREATE', '<Connection Source="M.CNF" Destination="A.REQ" />'),
      await c.request('RES', 'CREATE', '<Connection Source="A.CNF" Destination="S.REQ" />'),
      await c.request('RES', 'CREATE', '<Connection Source="A." Destination="S.IN" />'),
      await c.request('RES', 'WRITE', '<Connection Source="16#CD" Destination="A.BYTE_00" />'),
      await c.request('RES', 'WRITE', '<Connection Source="16#AB" Destination="A.BYTE_01" />'),
      await c.request('RES', 'START', ''),
    ];
    expect(answers.map(reason)).toEqual(answers.map(() => undefined));
    await waitFor(() => readValue(c, 'RES', 'S.BYTE_01'), (v) => v === '171', 'S.BYTE_01 = 16#AB');
    expect(await readValue(c, 'RES', 'A.')).toBe('43981');
    expect(reason(await c.request('RES', 'CREATE', '<FB Name="X" Type="utils__other__F_NOW" />'))).toBe('UNSUPPORTED_TYPE');
  });
});
