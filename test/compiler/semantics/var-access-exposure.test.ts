/**
 * VAR_ACCESS seen from outside a running PLC: an access name reads and writes its variable
 * through the engine's variable access (what the OPC UA server and the console use), a
 * READ_ONLY one refuses writes with a message that says so; the OPC UA server lists the access
 * paths of a resource in an Access folder (READ_ONLY ones not writable by a client); and
 * `vplc run --json` prints their values under "access".
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AttributeIds, DataType, OPCUAClient, UserTokenType } from 'node-opcua';
import { compileSources } from '../../../compiler/project.js';
import { SourceFile } from '../../../compiler/source.js';
import type { Application } from '../../../compiler/application.js';
import { Engine } from '../../../runtime/engine/engine.js';
import { ImageExchange } from '../../../compiler/contract/image-exchange.js';
import { OpcuaServerDriver } from '../../../io-drivers/opcua-server.js';
import { freePort, until } from '../../support/wait.js';
import { vplc } from '../../conformance/conformance.js';
import { variableLeaves } from '../../../runtime/console/views.js';
import { applyRequest } from '../../../runtime/console/requests.js';

const SRC = `
PROGRAM Line
VAR
  count : DINT;
  speed : INT := 3;
  level : INT;
END_VAR
count := count + 1;
level := speed * 2;
END_PROGRAM
CONFIGURATION Plant
  RESOURCE Cpu ON PLC
    VAR_GLOBAL gMode : INT := 4; END_VAR
    TASK Fast(INTERVAL := T#2ms, PRIORITY := 1);
    PROGRAM L1 WITH Fast : Line;
  END_RESOURCE
  VAR_ACCESS
    Speed : Cpu.L1.speed : INT READ_WRITE;
    Level : Cpu.L1.level : INT READ_ONLY;
    Mode : Cpu.gMode : INT;
  END_VAR
END_CONFIGURATION
`;

function compile(): Application {
  const r = compileSources([new SourceFile('plant.st', SRC)]);
  if (!r.application) throw new Error(r.diagnostics.map((d) => `${d.range.line}:${d.range.col} ${d.code} ${d.message}`).join('\n'));
  return r.application;
}

const dir = mkdtempSync(join(tmpdir(), 'vplc-access-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('VAR_ACCESS from outside', () => {
  let engine: Engine | undefined;
  let server: OpcuaServerDriver | undefined;
  afterEach(async () => {
    await server?.stop();
    await engine?.stop();
    server = undefined;
    engine = undefined;
  });

  it('writes a READ_WRITE access path to its variable and refuses a READ_ONLY one', async () => {
    engine = await Engine.start(compile(), { clock: 'real' });
    const access = engine.variableAccess('Cpu', { samplingMs: 5 })!;
    access.writeVar('Speed', 21);
    await until(() => access.readVars()['L1.level'] === 42, 'L1.level = 2 × the written speed');
    expect(access.readVars()['L1.speed']).toBe(21);
    expect(() => access.writeVar('Level', 1)).toThrow('Level is a READ_ONLY access path (VAR_ACCESS, Cpu.L1.level): it can be read, not written');
    expect(() => access.writeVar('mode', 1)).toThrow(/READ_ONLY access path/);
    expect(() => engine!.force('Cpu', 'Level', 1)).toThrow(/READ_ONLY access path/);
    access.close();
  }, 60_000);

  it("the console lists the access paths by name and writes only the READ_WRITE ones", async () => {
    const app = compile();
    expect(variableLeaves(app).filter((l) => l.access).map(({ typeInfo: _t, ...l }) => l)).toEqual([
      { resource: 'Cpu', path: 'Speed', type: 'INT', writable: true, access: 'L1.speed' },
      { resource: 'Cpu', path: 'Level', type: 'INT', writable: false, access: 'L1.level' },
      { resource: 'Cpu', path: 'Mode', type: 'INT', writable: false, access: 'gMode' },
    ]);
    engine = await Engine.start(app, { clock: 'real' });
    const access = engine.variableAccess('Cpu', { samplingMs: 5 })!;
    expect(applyRequest(app, engine, 'write', { path: 'Speed', value: 8 }).answer).toMatchObject({ ok: true, resource: 'Cpu', path: 'Speed', value: 8 });
    await until(() => access.readVars()['L1.level'] === 16, 'L1.level = 2 × the speed the console wrote');
    expect(() => applyRequest(app, engine!, 'write', { path: 'Level', value: 1 })).toThrow('Level is a READ_ONLY access path (VAR_ACCESS, Cpu.L1.level): it can be read, not written');
    access.close();
  }, 60_000);

  it('the OPC UA server has an Access folder: values read, READ_WRITE written, READ_ONLY refused', async () => {
    const app = compile();
    engine = await Engine.start(app, { clock: 'real' });
    const access = engine.variableAccess('Cpu', { samplingMs: 5 })!;
    const port = await freePort();
    server = new OpcuaServerDriver(
      { port, host: '127.0.0.1', allowSecurityNone: true, allowAnonymous: true, users: [], trustedCertificates: [], samplingMs: 10, writable: true, pkiDir: join(dir, 'pki') },
      { exchange: new ImageExchange(), clock: { nowNs: () => 0 }, log: () => {}, app, vars: access },
    );
    await server.start();
    const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(`opc.tcp://127.0.0.1:${port}`);
    const s = await client.createSession({ type: UserTokenType.Anonymous });
    try {
      const browse = await s.browse('ns=1;s=Cpu.VAR_ACCESS');
      expect(browse.references!.map((r) => r.browseName.name).sort()).toEqual(['Level', 'Mode', 'Speed']);
      await until(async () => (await s.read({ nodeId: 'ns=1;s=Cpu.VAR_ACCESS.Level', attributeId: AttributeIds.Value })).value.value === 6, 'Level read as 6');
      const mode = await s.read({ nodeId: 'ns=1;s=Cpu.VAR_ACCESS.Mode', attributeId: AttributeIds.Value });
      expect(mode.value.value).toBe(4);
      const ok = await s.write({ nodeId: 'ns=1;s=Cpu.VAR_ACCESS.Speed', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Int16, value: 5 } } });
      expect(ok.isGood()).toBe(true);
      await until(() => access.readVars()['L1.level'] === 10, 'L1.level = 2 × the speed written by the client');
      const denied = await s.write({ nodeId: 'ns=1;s=Cpu.VAR_ACCESS.Level', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Int16, value: 1 } } });
      expect(denied.isGood()).toBe(false);
    } finally {
      await s.close();
      await client.disconnect();
      access.close();
    }
  }, 90_000);

  it('vplc run --json prints the access paths under "access"', async () => {
    const file = join(dir, 'plant.st');
    writeFileSync(file, SRC);
    const r = await vplc(['run', file, '--virtual-time', '--cycles', '3', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { access: Record<string, unknown> };
    expect(out.access).toEqual({ Speed: 3, Level: 6, Mode: 4 });
  }, 180_000);
});
