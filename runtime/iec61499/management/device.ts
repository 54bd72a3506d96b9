import { renameSync, writeFileSync } from 'node:fs';
import { ManagedResource } from './managed-resource.js';
import { RequestError, escapeXml, guessId, parseRequest, response, type ManagementRequest } from './request.js';
import type { TypeProvider } from './type-provider.js';
import { interfaceXml } from './interface-xml.js';
import { bootFileText } from './boot-file.js';
import type { DeviceRetain } from './device-retain.js';
import { RemoteManagers, type OpenResourceManager } from './remote-managers.js';

/** Time the device's resources run per tick while a chain runs on, before requests are served (ms). */
const TICK_BUDGET_MS = 2;

/**
 * The resource types a device creates, each with its START FB: FORTE's embedded resource and
 * its remote resource (RMT_RES: MGR_ID names a management server of its own, see remote-managers.ts).
 */
export const RESOURCE_TYPES = new Set(['EMB_RES', 'RMT_RES']);

export interface DeviceOptions {
  types: TypeProvider;
  /** the boot file written after every successful change of the deployment */
  bootFile?: string;
  /** where the device reports what it cannot answer (faults, failed boot-file writes) */
  log?: (message: string) => void;
  /** `--state-dir`: retained values of the resources kept across power cuts */
  retain?: DeviceRetain;
  /** opens the management server of a running RMT_RES on its MGR_ID (`vplc device`); none: not opened */
  openResourceManager?: OpenResourceManager;
}

/**
 * An IEC 61499 device as FORTE's DEV_MGR presents it: resources by name, each request
 * executed against the device (empty destination) or one resource, one response string back.
 * The device owns the real clock of its resources: `tick` advances every running one.
 */
export class Device {
  readonly resources = new Map<string, ManagedResource>();
  private readonly log: (message: string) => void;
  private clock: NodeJS.Timeout | undefined;
  /** set while a chain runs on: the next slice, after the requests that arrived meanwhile */
  private immediate: NodeJS.Immediate | undefined;
  /** while a boot file is loaded, it is not rewritten */
  private loading = false;
  /** a KILL of the device was answered: FORTE ends its process then (see ManagementServer) */
  killed = false;
  /** the listeners of RMT_RES resources on their MGR_ID */
  readonly managers: RemoteManagers;

  constructor(private readonly options: DeviceOptions) {
    this.log = options.log ?? (() => undefined);
    this.managers = new RemoteManagers(options.openResourceManager, this.log);
  }

  /** Execute one request; always answers, never throws. `why` hears the reason of a refusal. */
  execute(destination: string, xml: string, why?: (message: string) => void): string {
    let req: ManagementRequest | undefined;
    try {
      req = parseRequest(xml);
      const body = destination === '' ? this.executeOnDevice(req) : this.resourceFor(req.id, destination).execute(req);
      if (!this.loading && changesDeployment(req)) this.saveBootFile();
      this.managers.reconcile(this.resources.values());
      // a START or an event may have begun a chain that yielded: go on with it soon
      this.kick();
      return response(req.id, undefined, body);
    } catch (e) {
      if (e instanceof RequestError) {
        why?.(e.message);
        return response(e.id, e.reason);
      }
      // a bug of ours: answer, report, keep serving
      this.log(`internal error on '${xml.slice(0, 200)}': ${e instanceof Error ? e.message : String(e)}`);
      return response(req?.id ?? guessId(xml), 'INVALID_STATE');
    }
  }

  private resourceFor(id: string, name: string): ManagedResource {
    const r = this.resources.get(name);
    if (!r) throw new RequestError(id, 'NO_SUCH_OBJECT', `no resource ${name}`);
    return r;
  }

  private executeOnDevice(req: ManagementRequest): string | undefined {
    const { id, action, object: o } = req;
    switch (action) {
      case 'CREATE': {
        if (o.kind !== 'fb') throw new RequestError(id, 'UNSUPPORTED_CMD', 'a device creates resources: <FB Name="…" Type="EMB_RES"/>');
        if (!RESOURCE_TYPES.has(o.type)) throw new RequestError(id, 'UNSUPPORTED_TYPE', `unknown resource type ${o.type}`);
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.name)) throw new RequestError(id, 'INVALID_OBJECT', `'${o.name}' is not a resource name`);
        if (this.resources.has(o.name)) throw new RequestError(id, 'INVALID_STATE', `resource ${o.name} already exists`);
        this.resources.set(o.name, new ManagedResource(o.name, o.type, this.options.types, this.log, this.options.retain));
        return undefined;
      }
      case 'DELETE': {
        if (o.kind !== 'fb') throw new RequestError(id, 'UNSUPPORTED_CMD', 'a device deletes resources: <FB Name="…"/>');
        const r = this.resourceFor(id, o.name);
        if (r.state === 'RUNNING') throw new RequestError(id, 'INVALID_STATE', `resource ${o.name} is running: kill it first`);
        r.kill();
        this.resources.delete(o.name);
        this.managers.forget(o.name);
        return undefined;
      }
      case 'START':
      case 'STOP':
      case 'KILL':
      case 'RESET': {
        const none: ManagementRequest = { id, action, object: { kind: 'none' } };
        if (o.kind === 'fb') return this.resourceFor(id, o.name).execute(none);
        if (o.kind !== 'none') throw new RequestError(id, 'UNSUPPORTED_CMD', `${action} applies to the device or a resource`);
        if (action === 'KILL') {
          // FORTE: KILL of the device kills every resource and ends the device
          for (const r of this.resources.values()) r.kill();
          this.stopClock();
          this.killed = true;
          return undefined;
        }
        // the whole device: every resource for which the command makes sense
        for (const r of this.resources.values()) {
          const applies = action === 'START' ? r.state !== 'RUNNING' : action === 'STOP' ? r.state === 'RUNNING' : r.state !== 'RUNNING';
          if (applies) r.execute(none);
        }
        return undefined;
      }
      case 'READ':
        if (o.kind !== 'watches') throw new RequestError(id, 'UNSUPPORTED_CMD', 'a device reads <Watches/>; ports are read from their resource');
        return `<Watches>\n    ${[...this.resources.values()].map((r) => r.watchXml()).filter((x) => x !== '').join('\n    ')}\n  </Watches>`;
      case 'QUERY':
        return this.query(req);
      case 'WRITE': {
        // an RMT_RES has one data input, MGR_ID, written as the IDE writes resource parameters
        const dot = o.kind === 'connection' ? o.destination.lastIndexOf('.') : -1;
        if (o.kind === 'connection' && o.destination.slice(dot + 1) === 'MGR_ID' && this.resources.get(o.destination.slice(0, dot))?.type === 'RMT_RES') {
          const refused = this.managers.write(o.destination.slice(0, dot), o.source);
          if (refused) throw new RequestError(id, 'BAD_PARAMS', refused);
          return undefined;
        }
        // as FORTE: the device has no data ports (nor do EMB_RES resources: the IDE's WRITE of RES.PARAM), FB ports are written in their resource
        throw new RequestError(id, o.kind === 'connection' ? 'NO_SUCH_OBJECT' : 'UNSUPPORTED_CMD', `the device has no port ${o.kind === 'connection' ? o.destination : ''}: WRITE FB ports in their resource`);
      }
    }
  }

  private query(req: ManagementRequest): string | undefined {
    const { id, object: o } = req;
    const types = this.options.types;
    switch (o.kind) {
      case 'fbType':
      case 'adapterType': {
        if (o.name === '*') return `<NameList>\n    ${types.typeNames(o.kind === 'fbType' ? 'fb' : 'adapter').join(',')}\n  </NameList>`;
        const decl = types.fbType(o.name);
        if (!decl || (decl.kind === 'adapter') !== (o.kind === 'adapterType')) throw new RequestError(id, 'UNSUPPORTED_TYPE', `unknown type ${o.name}`);
        return interfaceXml(decl);
      }
      case 'dataType':
        if (o.name !== '*') throw new RequestError(id, 'UNSUPPORTED_CMD', 'only the list of data types can be queried');
        return `<DTList>\n    ${types.typeNames('data').join(',')}\n  </DTList>`;
      case 'fb':
        if (o.name === '*') {
          // an empty device answers with a bare response; FORTE's list uses lower-case attributes
          if (this.resources.size === 0) return undefined;
          return `<FBList>\n    ${[...this.resources.values()].map((r) => `<FB name="${escapeXml(r.name)}" type="${escapeXml(r.type)}" />`).join('\n    ')}\n  </FBList>`;
        }
        {
          const r = this.resourceFor(id, o.name);
          if (o.type === '*' || o.type === '') return `<FB Name="${escapeXml(r.name)}" Type="${escapeXml(r.type)}" />`;
          return `<FBStatus Status="${r.state}" />`;
        }
      default:
        throw new RequestError(id, 'UNSUPPORTED_CMD', 'a device answers QUERY of FBType, AdapterType, DataType and its resources');
    }
  }

  // ------------------------------------------------------------------ clock

  /**
   * Advance every running resource to now; chains that yielded go on for a share of
   * TICK_BUDGET_MS. Returns true while one still runs.
   */
  tick(): boolean {
    const now = process.hrtime.bigint();
    const budget = TICK_BUDGET_MS / Math.max(1, this.resources.size);
    let busy = false;
    for (const r of this.resources.values()) if (r.tick(now, budget)) busy = true;
    return busy;
  }

  /**
   * Drive the resources from the monotonic clock, every `periodMs`; while an event chain runs
   * on, tick again from setImmediate: the event loop serves the management connections (and
   * signals) between two ticks, so a STOP, KILL or READ is answered within a tick.
   */
  startClock(periodMs = 1): void {
    if (this.clock) return;
    this.clock = setInterval(() => {
      if (!this.immediate) this.pump();
    }, periodMs);
  }

  stopClock(): void {
    if (this.clock) clearInterval(this.clock);
    if (this.immediate) clearImmediate(this.immediate);
    this.clock = undefined;
    this.immediate = undefined;
  }

  private readonly pump = (): void => {
    this.immediate = undefined;
    if (this.tick() && this.clock) this.immediate = setImmediate(this.pump);
  };

  private kick(): void {
    if (this.clock && !this.immediate) this.immediate = setImmediate(this.pump);
  }

  /** Stop the clock and every resource (KILL): the device powers down. */
  shutdown(): void {
    this.stopClock();
    for (const r of this.resources.values()) r.kill();
    void this.managers.closeAll();
  }

  // ------------------------------------------------------------------ boot file

  bootText(): string {
    return bootFileText([...this.resources.values()], (r) => this.managers.mgrId(r));
  }

  /** Write the boot file, atomically: a power cut never leaves half of one. */
  saveBootFile(): void {
    const path = this.options.bootFile;
    if (!path) return;
    try {
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, this.bootText());
      renameSync(tmp, path);
    } catch (e) {
      this.log(`cannot write boot file ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Execute boot-file text line by line as FORTE does; returns the lines that failed. */
  loadBootText(text: string): { line: number; message: string }[] {
    const failures: { line: number; message: string }[] = [];
    this.loading = true;
    if (this.options.retain) this.options.retain.powerUp = true;
    try {
      text.split(/\r?\n/).forEach((raw, k) => {
        if (raw.trim() === '') return;
        let detail = '';
        const semi = raw.indexOf(';');
        if (semi < 0) {
          failures.push({ line: k + 1, message: 'expected `resource;<Request …>`' });
          return;
        }
        const answer = this.execute(raw.slice(0, semi).trim(), raw.slice(semi + 1), (m) => (detail = m));
        const reason = /Reason="([A-Z_]+)"/.exec(answer)?.[1];
        if (reason) failures.push({ line: k + 1, message: `request refused (${reason}): ${detail}` });
      });
    } finally {
      this.loading = false;
      if (this.options.retain) this.options.retain.powerUp = false;
    }
    return failures;
  }
}

/** Requests after which the boot file is rewritten: everything that changes what is deployed. */
function changesDeployment(req: ManagementRequest): boolean {
  const o = req.object;
  if (o.kind === 'watch' || o.kind === 'watches') return false;
  switch (req.action) {
    case 'READ':
    case 'QUERY':
      return false;
    case 'WRITE':
      return !(o.kind === 'connection' && /^\$e/i.test(o.source));
    default:
      return true;
  }
}
