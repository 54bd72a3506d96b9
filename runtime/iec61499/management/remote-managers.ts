/**
 * The management servers of FORTE's RMT_RES resources. An RMT_RES holds its own DEV_MGR, a
 * server on the resource's MGR_ID that FORTE opens on START.COLD/WARM and closes on
 * START.STOP; what arrives there is executed against the whole device, exactly as on the
 * device's own MGR_ID (destination empty: the device; a name: that resource). vPLC does the
 * same: while an RMT_RES with a MGR_ID runs, a second listener serves the same protocol.
 * The listener itself is made by whoever owns the network (`vplc device`), so that the device
 * model does not depend on the server.
 */

/** Opens a management server of the device on host:port; resolves once it listens. */
export type OpenResourceManager = (resource: string, host: string, port: number) => Promise<{ close(): Promise<void> | void }>;

/** A MGR_ID as 4diac writes it: `localhost:61500`, quoted as a WSTRING literal or not. */
export function parseMgrId(value: string): { host: string; port: number } | undefined {
  let v = value.trim();
  if (/^(["']).*\1$/s.test(v)) v = v.slice(1, -1).trim();
  const m = /^(?:fbdk\[\]\.ip\[)?\[?([^\]\s]*?)\]?:(\d{1,5})\]?$/.exec(v);
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  // FORTE binds its manager to the given host; 'localhost' is IPv4 loopback as on the device's MGR_ID
  const host = m[1] === '' || m[1]!.toLowerCase() === 'localhost' ? '127.0.0.1' : m[1]!;
  return { host, port };
}

interface Listener {
  mgrId: string;
  opened: Promise<{ close(): Promise<void> | void } | undefined>;
}

export class RemoteManagers {
  /** MGR_ID written to each RMT_RES */
  private readonly ids = new Map<string, string>();
  private readonly open = new Map<string, Listener>();

  constructor(private readonly openManager: OpenResourceManager | undefined, private readonly log: (message: string) => void) {}

  /** WRITE of `RES.MGR_ID`; returns the reason it is refused, if it is. */
  write(resource: string, value: string): string | undefined {
    if (!parseMgrId(value)) return `'${value}' is not a MGR_ID (host:port)`;
    this.ids.set(resource, value);
    return undefined;
  }

  mgrId(resource: string): string | undefined {
    return this.ids.get(resource);
  }

  forget(resource: string): void {
    this.ids.delete(resource);
  }

  /** Open the listener of every running RMT_RES that has a MGR_ID, close the others'. */
  reconcile(resources: Iterable<{ name: string; type: string; state: string }>): void {
    const want = new Map<string, string>();
    for (const r of resources) {
      const id = this.ids.get(r.name);
      if (r.type === 'RMT_RES' && r.state === 'RUNNING' && id !== undefined) want.set(r.name, id);
    }
    for (const [name, l] of [...this.open]) {
      if (want.get(name) === l.mgrId) continue;
      this.open.delete(name);
      void l.opened.then((s) => s?.close());
    }
    if (!this.openManager) return;
    for (const [name, mgrId] of want) {
      if (this.open.has(name)) continue;
      const { host, port } = parseMgrId(mgrId)!;
      const opened = this.openManager(name, host, port).catch((e: unknown) => {
        this.log(`resource ${name}: its management server on ${host}:${port} could not listen: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      });
      this.open.set(name, { mgrId, opened });
    }
  }

  /** The listener of `resource` once it listens (tests, logs); undefined when there is none. */
  async listening(resource: string): Promise<boolean> {
    const l = this.open.get(resource);
    return l !== undefined && (await l.opened) !== undefined;
  }

  closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    return Promise.all(all.map((l) => l.opened.then((s) => s?.close()))).then(() => undefined);
  }
}
