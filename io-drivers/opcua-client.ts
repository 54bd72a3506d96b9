import {
  AttributeIds, ClientSubscription, DataType, MessageSecurityMode, OPCUAClient, SecurityPolicy, TimestampsToReturn,
  type ClientSession, type DataValue,
} from 'node-opcua';
import type { DeviceConfigBase, IoDataType, SafeValue } from './config.js';
import { resolvePlcSide, type PlcSide } from './binding.js';
import { fromRaw } from './data-type.js';
import type { DriverContext } from './driver.js';
import { RemoteDevice } from './remote-device.js';

/** This driver's configuration (validated by its factory). */
export interface OpcuaPoint {
  /** NodeId of the remote variable, e.g. `ns=1;s=Level` */
  node: string;
  type: IoDataType;
  var: string;
  safe: SafeValue;
  at: string;
}

export interface OpcuaDeviceConfig extends DeviceConfigBase {
  driver: 'opcua';
  endpoint: string;
  securityMode: 'None' | 'Sign' | 'SignAndEncrypt';
  securityPolicy: 'None' | 'Basic256Sha256';
  username?: string;
  password?: string;
  inputs: OpcuaPoint[];
  outputs: OpcuaPoint[];
}

const UA_TYPE: Record<string, DataType> = {
  BOOL: DataType.Boolean, SINT: DataType.SByte, USINT: DataType.Byte, BYTE: DataType.Byte, INT: DataType.Int16,
  UINT: DataType.UInt16, WORD: DataType.UInt16, DINT: DataType.Int32, UDINT: DataType.UInt32, DWORD: DataType.UInt32,
  REAL: DataType.Float, LREAL: DataType.Double, LINT: DataType.Int64, ULINT: DataType.UInt64, LWORD: DataType.UInt64,
};

/**
 * OPC UA client for remote nodes: inputs come through a subscription (monitored items sampled
 * every pollMs) and are committed to the image; outputs are written when they change and all
 * again after a reconnection. Losing the session flags the inputs bad and reconnects with backoff.
 */
export class OpcuaClientDriver extends RemoteDevice<OpcuaDeviceConfig> {
  private client: OPCUAClient | undefined;
  private session: ClientSession | undefined;
  private subscription: ClientSubscription | undefined;
  private readonly inputs: { cfg: OpcuaPoint; side: PlcSide }[];
  private readonly outputs: { cfg: OpcuaPoint; side: PlcSide; sent: unknown }[];

  constructor(cfg: OpcuaDeviceConfig, ctx: DriverContext) {
    super(cfg, ctx);
    this.inputs = cfg.inputs.map((p) => ({ cfg: p, side: resolvePlcSide(p.var, p.type) }));
    this.outputs = cfg.outputs.map((p) => ({ cfg: p, side: resolvePlcSide(p.var, p.type), sent: undefined }));
  }

  protected isOpen(): boolean {
    return this.session !== undefined;
  }

  protected override connectTarget(): string {
    return ` to ${this.cfg.endpoint}`;
  }

  /** Inputs arrive through the subscription: nothing to poll. */
  protected async poll(): Promise<boolean> {
    return false;
  }

  protected forgetSent(): void {
    for (const o of this.outputs) o.sent = undefined;
  }

  protected untilNextExchange(): Promise<void> {
    return this.pause(Math.max(10, this.cfg.pollMs));
  }

  protected async connect(): Promise<void> {
    await this.disconnect(); // what is left of a lost session
    const client = OPCUAClient.create({
      applicationName: 'vPLC',
      endpointMustExist: false,
      securityMode: MessageSecurityMode[this.cfg.securityMode],
      securityPolicy: SecurityPolicy[this.cfg.securityPolicy],
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
      requestedSessionTimeout: 10_000,
      defaultTransactionTimeout: this.cfg.timeoutMs,
    });
    this.client = client;
    client.on('connection_lost', () => {
      this.lost = true;
      this.fail('connection lost');
      this.wakeUp();
    });
    await client.connect(this.cfg.endpoint);
    this.session = await client.createSession(
      this.cfg.username ? { type: 1, userName: this.cfg.username, password: this.cfg.password ?? '' } as never : undefined,
    );
    if (this.status.requests > 0) this.status.reconnects++;
    if (this.inputs.length > 0) {
      const sub = ClientSubscription.create(this.session, {
        requestedPublishingInterval: Math.max(10, this.cfg.pollMs),
        requestedLifetimeCount: 100,
        requestedMaxKeepAliveCount: 10,
        publishingEnabled: true,
      });
      this.subscription = sub;
      const group = await sub.monitorItems(
        this.inputs.map((i) => ({ nodeId: i.cfg.node, attributeId: AttributeIds.Value })),
        { samplingInterval: Math.max(10, this.cfg.pollMs), queueSize: 1, discardOldest: true },
        TimestampsToReturn.Neither,
      );
      group.on('changed', (item, value: DataValue, index: number) => this.onInput(index, value));
    }
    this.status.ok = true;
    this.status.inputsBad = false;
    this.status.success(0);
    this.publishStatus();
  }

  private onInput(index: number, value: DataValue): void {
    const input = this.inputs[index];
    if (!input) return;
    if (!value.statusCode.isGood()) {
      this.status.inputsBad = true;
      return;
    }
    let v = value.value.value as unknown;
    if (Array.isArray(v) && (input.cfg.type === 'LINT' || input.cfg.type === 'ULINT' || input.cfg.type === 'LWORD')) {
      v = (BigInt(v[0] >>> 0) << 32n) | BigInt(v[1] >>> 0); // node-opcua's [high, low] for 64-bit integers
    }
    this.status.success(0);
    this.commit.setValue(input.side, v);
    this.setStatusValues(true);
    this.commit.commit();
  }

  protected async writeOutputs(safe: boolean): Promise<void> {
    if (!this.session) return;
    const toWrite: { nodeId: string; attributeId: number; value: { value: { dataType: DataType; value: unknown } } }[] = [];
    const pending: { o: { cfg: OpcuaPoint; sent: unknown }; raw: unknown }[] = [];
    for (const o of this.outputs) {
      let raw: unknown;
      if (safe) {
        if (o.cfg.safe === 'hold') continue;
        raw = o.cfg.safe;
      } else raw = fromRaw(o.cfg.type, this.snapshot.raw(o.side));
      if (!safe && o.sent === raw) continue;
      let value = raw;
      if (o.cfg.type === 'BOOL') value = raw === true || raw === 1;
      else if (typeof raw === 'bigint') value = [Number(BigInt.asUintN(64, raw) >> 32n), Number(BigInt.asUintN(64, raw) & 0xffffffffn)];
      else value = Number(raw);
      toWrite.push({ nodeId: o.cfg.node, attributeId: AttributeIds.Value, value: { value: { dataType: UA_TYPE[o.cfg.type]!, value } } });
      pending.push({ o, raw });
    }
    if (toWrite.length === 0) return;
    const t0 = process.hrtime.bigint();
    const codes = (await this.session.write(toWrite as never)) as unknown as { isGood(): boolean; name: string }[];
    this.status.success(Number(process.hrtime.bigint() - t0));
    codes.forEach((c, i) => {
      if (c.isGood()) pending[i]!.o.sent = pending[i]!.raw;
      else this.fail(`write ${pending[i]!.o.cfg.node}: ${c.name}`);
    });
  }

  protected async disconnect(): Promise<void> {
    const { client, session, subscription } = this;
    this.client = undefined;
    this.session = undefined;
    this.subscription = undefined;
    try {
      await subscription?.terminate();
    } catch { /* the session may be gone */ }
    try {
      await session?.close();
    } catch { /* idem */ }
    try {
      await client?.disconnect();
    } catch { /* idem */ }
  }
}
