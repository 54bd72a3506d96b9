import { describe, expect, it } from 'vitest';
import { bootRequests, typeFolder } from '../../../support/iec61499.js';
import { ADDER, commDevices, exchangeEveryType, metrics, read } from '../../../support/comm-devices.js';
import { freePort, until } from '../../../support/wait.js';
import { GROUPS } from '../../../support/comm-types.js';

const { device, server } = commDevices();

describe('every data type across the wire', () => {
  it('each value published arrives equal in the subscriber\'s device', async () => {
    const ports = await Promise.all(GROUPS.map(() => freePort()));
    const ids = GROUPS.map((_, k) => `127.0.0.1:${ports[k]}`);
    const got = await exchangeEveryType(device, ids, ids);
    // spot checks against the literals (not only equality of two sides)
    expect(got['RES.DST0.V4']).toBe(-9000000000n);
    expect(got['RES.DST2.V3']).toBe('vPLC über');
    expect(got['RES.DST2.V4']).toBe('Grüß €');
  });
});

describe('CLIENT / SERVER over TCP', () => {
  function client(dir: string, port: number) {
    const { fb, conn, write, start } = bootRequests('RES');
    return device(dir, 'cli', [
      fb('CLI', 'CLIENT_1_1'), fb('CTU', 'E_CTU'),
      conn('START.COLD', 'CLI.INIT'), conn('CTU.CUO', 'CLI.REQ'), conn('CTU.CV', 'CLI.SD_1'),
      write('1', 'CLI.QI'), write(`'127.0.0.1:${port}'`, 'CLI.ID'), write('65535', 'CTU.PV'), start(),
    ]);
  }

  it('request and response round trips; the server lost gives TERMINATED, and a new INIT reconnects', async () => {
    const dir = typeFolder({ 'ADDER.fbt': ADDER });
    const port = await freePort();
    let srv = server(dir, port);
    await until(() => read(srv, 'SRV.QO') === true, 'server listening');
    const cli = client(dir, port);
    await until(() => read(cli, 'CLI.QO') === true, 'client connected');
    const res = cli.resources[0]!.resource;
    for (let k = 1; k <= 4; k++) {
      res.fireEvent('CTU.CU');
      await until(() => metrics(cli, 'CLI').messagesIn === k, `response ${k}`);
      expect(read(cli, 'CLI.RD_1')).toBe((k * (k + 1)) / 2);
    }
    expect(metrics(cli, 'CLI').lastLatencyUs).toBeGreaterThan(0);
    expect(metrics(srv, 'SRV')).toMatchObject({ messagesIn: 4, messagesOut: 4, errors: 0 });

    srv.resources[0]!.resource.stop();
    await until(() => read(cli, 'CLI.STATUS') === 'TERMINATED', 'the client sees the server go');
    expect(read(cli, 'CLI.QO')).toBe(false);
    res.fireEvent('CTU.CU');
    expect(read(cli, 'CLI.STATUS')).toBe('NO_SOCKET');

    srv = server(dir, port, 'srv2');
    await until(() => read(srv, 'SRV.QO') === true, 'server back');
    res.fireEvent('CLI.INIT');
    await until(() => read(cli, 'CLI.QO') === true, 'reconnected');
    res.fireEvent('CTU.CU');
    await until(() => metrics(cli, 'CLI').messagesIn === 5, 'a response from the new server');
    // the new server's sum starts again: CV is 6 now
    expect(read(cli, 'CLI.RD_1')).toBe(6);
  });

  it('an unreachable server: INITO with QO = FALSE', async () => {
    const dir = typeFolder({ 'ADDER.fbt': ADDER });
    const port = await freePort();
    const cli = client(dir, port);
    await until(() => read(cli, 'CLI.STATUS') !== '', 'INITO');
    expect(read(cli, 'CLI.QO')).toBe(false);
    expect(read(cli, 'CLI.STATUS')).toBe('INVALID_ID');
    expect(metrics(cli, 'CLI').errors).toBe(1);
  });
});
