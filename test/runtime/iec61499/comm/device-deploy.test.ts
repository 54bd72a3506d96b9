import { describe, expect, it } from 'vitest';
import dgram from 'node:dgram';
import { ManagementClient, answerReason as reason } from '../../../../runtime/iec61499/management/client.js';
import { startDevice } from '../management/harness.js';
import { freePort, until } from '../../../support/wait.js';

/**
 * The 4diac IDE deploys communication FBs to `vplc device` as to FORTE: a PUBLISH_1 fed by a
 * counter and a SUBSCRIBE_1, created, connected, parameterised and started over the
 * management protocol; a plain UDP socket of the test plays the other device.
 */
describe('communication FBs deployed to vplc device', () => {
  it('publishes the counter in the compliance profile\'s encoding and takes what is sent to it', async () => {
    const dev = await startDevice();
    const c = await ManagementClient.open(dev.port);
    const peer = dgram.createSocket('udp4');
    const got: Buffer[] = [];
    peer.on('message', (m) => got.push(m));
    await new Promise<void>((ok) => peer.bind(0, '127.0.0.1', ok));
    const subPort = await freePort();
    try {
      const q = (dst: string, action: string, inner: string) => c.request(dst, action, inner);
      const answers = [
        await q('', 'CREATE', '<FB Name="RES" Type="EMB_RES" />'),
        await q('RES', 'CREATE', '<FB Name="CY" Type="E_CYCLE" />'),
        await q('RES', 'CREATE', '<FB Name="C" Type="E_CTU" />'),
        await q('RES', 'CREATE', '<FB Name="PUB" Type="PUBLISH_1" />'),
        await q('RES', 'CREATE', '<FB Name="SUB" Type="SUBSCRIBE_1" />'),
        await q('RES', 'CREATE', '<Connection Source="START.COLD" Destination="PUB.INIT" />'),
        await q('RES', 'CREATE', '<Connection Source="PUB.INITO" Destination="SUB.INIT" />'),
        await q('RES', 'CREATE', '<Connection Source="SUB.INITO" Destination="CY.START" />'),
        await q('RES', 'CREATE', '<Connection Source="CY.EO" Destination="C.CU" />'),
        await q('RES', 'CREATE', '<Connection Source="C.CUO" Destination="PUB.REQ" />'),
        await q('RES', 'CREATE', '<Connection Source="C.CV" Destination="PUB.SD_1" />'),
        await q('RES', 'WRITE', '<Connection Source="T#5ms" Destination="CY.DT" />'),
        await q('RES', 'WRITE', '<Connection Source="UINT#65535" Destination="C.PV" />'),
        await q('RES', 'WRITE', '<Connection Source="TRUE" Destination="PUB.QI" />'),
        await q('RES', 'WRITE', `<Connection Source="fbdk[].ip[127.0.0.1:${peer.address().port}]" Destination="PUB.ID" />`),
        await q('RES', 'WRITE', '<Connection Source="TRUE" Destination="SUB.QI" />'),
        await q('RES', 'WRITE', `<Connection Source="127.0.0.1:${subPort}" Destination="SUB.ID" />`),
        await q('RES', 'START', ''),
      ];
      expect(answers.map(reason)).toEqual(answers.map(() => undefined));
      // each tick counts one up; a late wake-up delivers several ticks in one chain, and then
      // their REQs (queued first in, first out behind the CUs) sample the same CV (5, 7, 7): the
      // published values never go down, and the counter is seen to count
      const counted = () => got.length >= 3 && got.at(-1)!.readUInt16BE(1) > got[0]!.readUInt16BE(1);
      await until(counted, 'three messages from the device, the counter counting');
      // UINT: tag 0x47 and two bytes big-endian
      const values = got.map((m) => {
        expect(m.length).toBe(3);
        expect(m[0]).toBe(0x47);
        return m.readUInt16BE(1);
      });
      for (let i = 1; i < values.length; i++) expect(values[i]!).toBeGreaterThanOrEqual(values[i - 1]!);
      // an INT 5 for SUBSCRIBE_1 (its RD_1 connected to nothing: the type on the wire)
      await new Promise<void>((ok) => peer.send(Buffer.from('430005', 'hex'), subPort, '127.0.0.1', () => ok()));
      const read = async (port: string) => /Destination="([^"]*)"/.exec(await c.request('RES', 'READ', `<Connection Source="${port}" Destination="" />`))?.[1];
      let rd: string | undefined;
      // RD_1 is generic: read as a typed literal, as FORTE reads its ANY ports
      await until(async () => (rd = await read('SUB.RD_1')) === 'INT#5', 'SUB.RD_1 read back as INT#5');
      expect(rd).toBe('INT#5');
      expect(await read('SUB.QO')).toBe('TRUE');
      // READ gives a string's text as it is (FORTE), not quoted
      expect(await read('SUB.STATUS')).toBe('OK');
    } finally {
      peer.close();
      await c.close();
      await dev.stop();
    }
  });
});
