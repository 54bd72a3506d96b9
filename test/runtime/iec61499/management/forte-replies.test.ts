import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManagementClient, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { deployCounter, startDevice, type Running, waitFor } from './harness.js';

let dev: Running;
let c: ManagementClient;
let killedCalls = 0;

beforeEach(async () => {
  killedCalls = 0;
  dev = await startDevice({}, { onDeviceKilled: () => void killedCalls++ });
  c = await ManagementClient.open(dev.port);
});

afterEach(async () => {
  await c.close();
  await dev.stop();
});

/** Ports of a READ Watches answer: `RES.FB.PORT` → its Data attributes. */
async function watches(): Promise<Record<string, Record<string, string>>> {
  const answer = await c.request('', 'READ', '<Watches/>');
  const out: Record<string, Record<string, string>> = {};
  for (const r of answer.matchAll(/<Resource name="([^"]*)">(.*?)<\/Resource>/gs)) {
    for (const f of r[2]!.matchAll(/<FB name="([^"]*)">(.*?)<\/FB>/gs)) {
      for (const p of f[2]!.matchAll(/<Port name="([^"]*)"><Data ([^>]*?)\/>\s*<\/Port>/g)) {
        out[`${r[1]}.${f[1]}.${p[1]}`] = Object.fromEntries([...p[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
      }
    }
  }
  return out;
}

const read = async (res: string, port: string) => /Destination="([^"]*)"/.exec(await c.request(res, 'READ', `<Connection Source="${port}" Destination="" />`))?.[1];

describe('management replies as FORTE gives them', () => {
  it('counts the events of watched event ports and reports count and time in READ Watches', async () => {
    await c.request('', 'CREATE', '<FB Name="R" Type="EMB_RES" />');
    await c.request('R', 'CREATE', '<FB Name="K" Type="E_CTU" />');
    await c.request('R', 'CREATE', '<FB Name="S" Type="E_SPLIT" />');
    await c.request('R', 'CREATE', '<Connection Source="S.EO1" Destination="K.CU" />');
    await c.request('R', 'WRITE', '<Connection Source="100" Destination="K.PV" />');
    expect(reason(await c.request('R', 'CREATE', '<Watch Source="K.CUO" Destination="" />'))).toBeUndefined();
    expect(reason(await c.request('R', 'CREATE', '<Watch Source="K.CU" Destination="" />'))).toBeUndefined();
    expect(reason(await c.request('R', 'START'))).toBeUndefined();
    for (let k = 0; k < 3; k++) await c.request('R', 'WRITE', '<Connection Source="$e" Destination="K.CU" />');
    for (let k = 0; k < 2; k++) await c.request('R', 'WRITE', '<Connection Source="$e" Destination="S.EI" />');
    const w = await watches();
    expect(w['R.K.CU']!.value).toBe('5');
    expect(w['R.K.CUO']!.value).toBe('5');
    expect(Number(w['R.K.CUO']!.time)).toBeGreaterThan(0);
    expect(await read('R', 'K.CV')).toBe('5');
    // $er restarts a count; a network change while running keeps the counts
    expect(reason(await c.request('R', 'WRITE', '<Connection Source="$er" Destination="K.CU" />'))).toBeUndefined();
    expect(reason(await c.request('R', 'CREATE', '<FB Name="X" Type="E_CTU" />'))).toBeUndefined();
    await c.request('R', 'WRITE', '<Connection Source="$e" Destination="S.EI" />');
    const after = await watches();
    expect(after['R.K.CU']!.value).toBe('1');
    expect(after['R.K.CUO']!.value).toBe('6');
    expect(reason(await c.request('R', 'DELETE', '<Watch Source="K.CU" Destination="" />'))).toBeUndefined();
    expect(Object.keys(await watches())).toEqual(['R.K.CUO']);
  });

  it('forces a value until force="false", shown as forced in watches', async () => {
    await deployCounter(c);
    await c.request('RES', 'CREATE', '<Watch Source="C.CV" Destination="" />');
    await waitFor(() => read('RES', 'C.CV'), (v) => Number(v) >= 2, 'the counter to run');
    expect(reason(await c.request('RES', 'WRITE', '<Connection Source="1000" Destination="C.CV" force="true" />'))).toBeUndefined();
    expect(reason(await c.request('RES', 'WRITE', '<Connection Source="banana" Destination="C.CV" force="true" />'))).toBe('BAD_PARAMS');
    // E_CYCLE keeps counting every 2 ms: the forced value stays what is read and watched
    for (let k = 0; k < 5; k++) {
      await new Promise((r) => setTimeout(r, 5));
      expect(await read('RES', 'C.CV')).toBe('1000');
    }
    expect((await watches())['RES.C.CV']).toEqual({ value: '1000', forced: 'true' });
    expect(reason(await c.request('RES', 'WRITE', '<Connection Source="0" Destination="C.CV" force="false" />'))).toBeUndefined();
    await waitFor(() => read('RES', 'C.CV'), (v) => Number(v) > 1001, 'the counter to go on from the forced value');
    expect((await watches())['RES.C.CV']!.forced).toBe('false');
  });

  it('KILL after STOP or RESET is INVALID_STATE; an empty device answers QUERY with a bare response', async () => {
    expect(await c.request('', 'QUERY', '<FB Name="*" Type="*" />')).toBe('<Response ID="1" />');
    await deployCounter(c);
    expect(reason(await c.request('RES', 'STOP'))).toBeUndefined();
    expect(reason(await c.request('RES', 'KILL'))).toBe('INVALID_STATE');
    expect(reason(await c.request('RES', 'RESET'))).toBeUndefined();
    expect(reason(await c.request('RES', 'KILL'))).toBe('INVALID_STATE');
    expect(reason(await c.request('RES', 'START'))).toBeUndefined();
    expect(reason(await c.request('RES', 'KILL'))).toBeUndefined();
  });

  it('KILL of the device answers, kills every resource and ends the device', async () => {
    await deployCounter(c);
    const res = dev.device.resources.get('RES')!;
    expect(await c.request('', 'KILL')).toMatch(/^<Response ID="\d+" \/>$/);
    await c.whenClosed();
    expect(res.state).toBe('KILLED');
    expect(killedCalls).toBe(1);
  });
});
