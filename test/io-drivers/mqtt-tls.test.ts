import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, until, type CliProcess } from '../../samples/child-cli.js';
import { Broker, makeCertificates, mosquittoMissing, publish, Subscriber } from './mosquitto.js';

const missing = mosquittoMissing();

const PROGRAM = `PROGRAM Main
VAR n : DINT; speed : INT := 7; END_VAR
n := n + 1;
END_PROGRAM
`;

/** mqtts:// to a Mosquitto that requires a client certificate from its CA and a password. */
describe.skipIf(missing)(`MQTT gateway over TLS${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const running: CliProcess[] = [];
  let broker: Broker | undefined;
  let sub: Subscriber | undefined;
  afterAll(async () => {
    for (const c of running) if (c.child.exitCode === null) (c.child.kill('SIGKILL'), await c.exited);
    await sub?.stop();
    await broker?.stop();
  });

  it('publishes and takes commands with a CA, a client certificate and a password; a wrong password is reported and retried', async () => {
    const tls = makeCertificates();
    broker = await Broker.start({ tls, users: { plc: 'pw', watcher: 'w' } });
    sub = new Subscriber(broker, ['tls/#', 'vplc/tls1/#'], { user: ['watcher', 'w'] });
    const dir = mkdtempSync(join(tmpdir(), 'vplc-mqtt-tls-'));
    writeFileSync(join(dir, 'app.st'), PROGRAM);
    const yaml = (password: string) => `mqtt:
  url: ${broker!.url}
  ca: ${tls.ca}
  cert: ${tls.clientCert}
  key: ${tls.clientKey}
  username: plc
  password: ${password}
  clientId: tls1
  keepAlive: 10
  cleanStart: true
  reconnectMs: 300
  publications:
    - vars: [Main.speed]
      topic: tls/{path}
  commands: { topic: tls/set/+, writable: [Main.speed] }
`;
    writeFileSync(join(dir, 'bad.yaml'), yaml('wrong'));
    const bad = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'bad.yaml'), '--no-metrics', '--summary-every', '0']);
    running.push(bad);
    await bad.waitFor(/vplc serve: running/);
    // refused by the broker: the PLC runs on, the gateway retries
    await until(() => bad.err.some((l) => /Not authorized|Bad username or password/i.test(l)) || bad.child.exitCode !== null, 'the refusal', 20_000);
    expect(bad.child.exitCode).toBeNull();
    bad.child.kill('SIGKILL');
    await bad.exited;

    writeFileSync(join(dir, 'plc.yaml'), yaml('pw'));
    const cli = startCli(['serve', join(dir, 'app.st'), '--config', join(dir, 'plc.yaml'), '--no-metrics', '--summary-every', '0']);
    running.push(cli);
    await cli.waitFor(/vplc serve: running/);
    await until(() => sub!.on('tls/Main.speed').length > 0, 'Main.speed over TLS', 30_000);
    expect(sub.json('tls/Main.speed')[0]).toMatchObject({ value: 7, quality: 'good' });
    publish(broker, 'tls/set/Main.speed', '12', ['plc', 'pw']);
    await until(() => sub!.json('tls/Main.speed').some((m) => m.value === 12), 'the command over TLS');
    expect(sub.json('vplc/tls1/status')[0]).toMatchObject({ path: 'Main.speed', ok: true });
  }, 90_000);
});
