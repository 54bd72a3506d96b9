import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect, type AddressInfo, type Server } from 'node:net';
import { AttributeIds, BrowseDirection, OPCUAClient, StatusCodes, nodesets, type ClientSession } from 'node-opcua';
import type { Application } from '../../compiler/application.js';
import { OpcuaServerDriver } from '../../io-drivers/opcua-server.js';
import { standardImageFile, standardSubset } from '../../io-drivers/opcua-nodeset.js';
import { ScanLoop, freePort } from './harness.js';

type Node = { nodeId?: number | string; references?: [number, number, number | string, number?][] };

function nodesOf(text: string): Node[] {
  return text.split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Node).filter((r) => r.references !== undefined);
}

describe('the subset of the standard nodeset the OPC UA server loads', () => {
  const image = standardImageFile(nodesets.standard);
  const full = nodesOf(gunzipSync(readFileSync(image)).toString('utf8'));
  const subset = nodesOf(standardSubset(image));
  const ids = new Set(subset.map((n) => n.nodeId));

  it('keeps the Server object, base types, data types and reference types, and leaves out A&C, PubSub and files', () => {
    expect(full.length).toBeGreaterThan(5000);
    expect(subset.length).toBeLessThan(full.length / 2);
    // Server, ServerStatus, its State, NamespaceArray, ServerCapabilities, OperationLimits, MaxNodesPerRead
    for (const id of [2253, 2256, 2259, 2255, 2268, 11704, 11705]) expect(ids.has(id), `i=${id}`).toBe(true);
    // FolderType, BaseDataVariableType, PropertyType, BaseEventType, Int16, Structure, ServerStatusDataType and its binary encoding, HasComponent
    for (const id of [61, 63, 68, 2041, 4, 22, 862, 864, 47]) expect(ids.has(id), `i=${id}`).toBe(true);
    // AuditEventType and AuditUrlMismatchEventType: the server raises audit events
    for (const id of [2052, 2748]) expect(ids.has(id), `i=${id}`).toBe(true);
    // ConditionType, FileType, PublishSubscribeType, Server.PublishSubscribe, ServerStatusDataType's XML encoding
    for (const id of [2782, 11575, 14416, 14443, 863]) expect(ids.has(id), `i=${id}`).toBe(false);
  });

  it('has no reference to a node it left out', () => {
    const dangling = subset.flatMap((n) => (n.references ?? []).filter(([, , target, ns]) => (ns ?? 0) === 0 && !ids.has(target)).map((r) => `${n.nodeId} -> ${r[2]}`));
    expect(dangling).toEqual([]);
  });
});

describe('an OPC UA server on the subset, read by a node-opcua client', () => {
  const app: Application = {
    name: 'demo', code: '', sources: [],
    pouTypes: { MAIN: { name: 'Main', kind: 'program', vars: [{ name: 'count', prop: 'count', section: 'VAR', type: { kind: 'elementary', name: 'INT' } }] } },
    resources: [{ name: 'RES', tasks: [], programs: [{ name: 'Main', typeName: 'Main', task: 'T' }], globals: [], located: [] }],
  };
  const dir = mkdtempSync(join(tmpdir(), 'vplc-opcua-nodeset-'));
  let server: OpcuaServerDriver;
  let client: OPCUAClient;
  let session: ClientSession;
  let port = 0;

  beforeAll(async () => {
    port = await freePort();
    server = new OpcuaServerDriver(
      { port, host: '127.0.0.1', allowSecurityNone: true, allowAnonymous: true, users: [], trustedCertificates: [], samplingMs: 100, writable: false, pkiDir: join(dir, 'pki') },
      { exchange: new ScanLoop().exchange, clock: { nowNs: () => 0 }, log: () => {}, app, vars: { readVars: () => ({ 'Main.count': 5 }), writeVar: () => {} } },
    );
    await server.start();
    client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(`opc.tcp://127.0.0.1:${port}`);
    session = await client.createSession();
  }, 60_000);
  afterAll(async () => {
    await session?.close();
    await client?.disconnect();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the standard reads clients make at connection: server status (a structure), state, operation limits, namespaces', async () => {
    const [status, state, maxRead, namespaces, count] = await session.read([
      { nodeId: 'i=2256', attributeId: AttributeIds.Value },
      { nodeId: 'i=2259', attributeId: AttributeIds.Value },
      { nodeId: 'i=11705', attributeId: AttributeIds.Value },
      { nodeId: 'i=2255', attributeId: AttributeIds.Value },
      { nodeId: 'ns=1;s=RES.Main.count', attributeId: AttributeIds.Value },
    ]);
    expect(status!.statusCode).toBe(StatusCodes.Good);
    expect((status!.value.value as { buildInfo: { productName: string } }).buildInfo.productName).toBe('vPLC');
    expect(state!.value.value).toBe(0); // Running
    expect(maxRead!.statusCode).toBe(StatusCodes.Good);
    expect(namespaces!.value.value[0]).toBe('http://opcfoundation.org/UA/');
    expect(count!.value.value).toBe(5);
  });

  it('types a variable as BaseDataVariableType with Int16, and Int16 is a subtype of Integer', async () => {
    const def = await session.browse({ nodeId: 'ns=1;s=RES.Main.count', browseDirection: BrowseDirection.Forward, referenceTypeId: 'HasTypeDefinition' });
    expect(def.references?.map((r) => r.nodeId.toString())).toEqual(['ns=0;i=63']);
    const up = await session.browse({ nodeId: 'i=4', browseDirection: BrowseDirection.Inverse, referenceTypeId: 'HasSubtype' });
    expect(up.references?.map((r) => r.nodeId.toString())).toEqual(['ns=0;i=27']); // Integer
    const absent = await session.read({ nodeId: 'i=2782', attributeId: AttributeIds.BrowseName });
    expect(absent.statusCode).toBe(StatusCodes.BadNodeIdUnknown); // ConditionType is left out
  });

  it('survives a client that reaches it under another endpoint URL (a published container port): the audit event is raised, the session works', async () => {
    // a TCP relay on another port, as Docker's port publishing is: the client's URL names the relay
    const relay: Server = createServer((inbound) => {
      const outbound = connect(port, '127.0.0.1');
      inbound.pipe(outbound).pipe(inbound);
      inbound.on('error', () => outbound.destroy());
      outbound.on('error', () => inbound.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const other = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    try {
      await other.connect(`opc.tcp://127.0.0.1:${(relay.address() as AddressInfo).port}`);
      const s = await other.createSession();
      const v = await s.read({ nodeId: 'ns=1;s=RES.Main.count', attributeId: AttributeIds.Value });
      expect(v.value.value).toBe(5);
      await s.close();
    } finally {
      await other.disconnect();
      relay.close();
    }
    // and the first session still answers
    expect((await session.read({ nodeId: 'i=2259', attributeId: AttributeIds.Value })).statusCode).toBe(StatusCodes.Good);
  });
});
