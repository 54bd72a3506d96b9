/**
 * A real Eclipse Mosquitto broker for the MQTT tests, started on a free port with a generated
 * configuration (optionally TLS with certificates made by openssl, and a password file made
 * by mosquitto_passwd), and mosquitto_sub/mosquitto_pub as independent peers.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from '../support/wait.js';

/** Why the broker tests cannot run here, or undefined when they can. */
export function mosquittoMissing(): string | undefined {
  for (const tool of ['mosquitto', 'mosquitto_sub', 'mosquitto_pub', 'mosquitto_passwd', 'openssl']) {
    const found = spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).status === 0;
    if (!found) return `${tool} is not installed (Debian: apt-get install mosquitto mosquitto-clients openssl)`;
  }
  return undefined;
}

export interface Tls {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl. */
export function makeCertificates(): Tls {
  const dir = mkdtempSync(join(tmpdir(), 'vplc-mqtt-tls-'));
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=vPLC test CA', '-keyout', f('ca.key'), '-out', f('ca.pem'));
  for (const who of ['server', 'client']) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${who === 'server' ? '127.0.0.1' : 'vplc-client'}`, '-keyout', f(`${who}.key`), '-out', f(`${who}.csr`));
    writeFileSync(f(`${who}.ext`), who === 'server' ? 'subjectAltName=IP:127.0.0.1\n' : 'extendedKeyUsage=clientAuth\n');
    ssl('x509', '-req', '-in', f(`${who}.csr`), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', f(`${who}.ext`), '-out', f(`${who}.pem`));
  }
  return { dir, ca: f('ca.pem'), serverCert: f('server.pem'), serverKey: f('server.key'), clientCert: f('client.pem'), clientKey: f('client.key') };
}

export interface BrokerOptions {
  tls?: Tls;
  /** username → password; without it anonymous clients are allowed */
  users?: Record<string, string>;
  /** keep sessions and queued messages across a restart */
  persistence?: boolean;
  /** a given port (default: a free one) */
  port?: number;
}

export class Broker {
  readonly dir = mkdtempSync(join(tmpdir(), 'vplc-mosquitto-'));
  private child: ChildProcess | undefined;
  readonly log: string[] = [];

  private constructor(readonly port: number, private readonly options: BrokerOptions) {}

  static async start(options: BrokerOptions = {}): Promise<Broker> {
    const b = new Broker(options.port ?? (await freePort()), options);
    b.configure();
    await b.start();
    return b;
  }

  get url(): string {
    return `${this.options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${this.port}`;
  }

  private configure(): void {
    const o = this.options;
    const lines = [`listener ${this.port} 127.0.0.1`, `allow_anonymous ${o.users ? 'false' : 'true'}`, 'log_dest stderr', 'log_type error', 'log_type warning', 'log_type notice'];
    // as root, mosquitto would switch to its own user, which cannot read our temporary folder
    if (process.getuid?.() === 0) lines.push('user root');
    if (o.persistence) lines.push('persistence true', `persistence_location ${this.dir}/`, 'autosave_interval 1', 'max_queued_messages 100000');
    if (o.users) {
      const file = join(this.dir, 'passwd');
      writeFileSync(file, '');
      for (const [u, p] of Object.entries(o.users)) execFileSync('mosquitto_passwd', ['-b', file, u, p], { stdio: 'pipe' });
      lines.push(`password_file ${file}`);
    }
    if (o.tls) lines.push(`cafile ${o.tls.ca}`, `certfile ${o.tls.serverCert}`, `keyfile ${o.tls.serverKey}`, 'require_certificate true', 'tls_version tlsv1.2');
    writeFileSync(join(this.dir, 'mosquitto.conf'), lines.join('\n') + '\n');
  }

  async start(): Promise<void> {
    const exe = spawnSync('sh', ['-c', 'command -v mosquitto || echo /usr/sbin/mosquitto']).stdout.toString().trim();
    const child = spawn(exe, ['-c', join(this.dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (d: Buffer) => this.log.push(d.toString()));
    this.child = child;
    await until(() => new Promise<boolean>((resolve) => {
      if (child.exitCode !== null) throw new Error(`mosquitto exited: ${this.log.join('')}`);
      const s = connect(this.port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    }), `mosquitto on port ${this.port}`, 20_000, 50);
  }

  /** Stop it (SIGTERM: a persistent broker saves its sessions). */
  async stop(): Promise<void> {
    const c = this.child;
    this.child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    c.kill('SIGCONT'); // a paused broker handles the SIGTERM once it runs again
    await exited;
  }

  /** Stall it (SIGSTOP): the kernel still accepts connections, nothing answers them. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** Arguments every mosquitto_sub/mosquitto_pub needs for this broker. */
  clientArgs(user?: [string, string]): string[] {
    const a = ['-h', '127.0.0.1', '-p', String(this.port)];
    if (user) a.push('-u', user[0], '-P', user[1]);
    const t = this.options.tls;
    if (t) a.push('--cafile', t.ca, '--cert', t.clientCert, '--key', t.clientKey);
    return a;
  }
}

/** mosquitto_sub printing `topic payload` (or hex payloads) line by line. */
export class Subscriber {
  readonly lines: string[] = [];
  private readonly child: ChildProcess;

  constructor(broker: Broker, topics: string[], opts: { user?: [string, string]; hex?: boolean; id?: string; persistent?: boolean } = {}) {
    const args = [...broker.clientArgs(opts.user), '-q', '1', '-F', opts.hex ? '%t %x' : '%t %p'];
    for (const t of topics) args.push('-t', t);
    if (opts.id) args.push('-i', opts.id);
    if (opts.persistent) args.push('-c');
    this.child = spawn('mosquitto_sub', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    this.child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      this.lines.push(...parts);
    });
  }

  /** Payloads received on `topic`, in order. */
  on(topic: string): string[] {
    return this.lines.filter((l) => l.startsWith(topic + ' ')).map((l) => l.slice(topic.length + 1));
  }

  json(topic: string): Record<string, unknown>[] {
    return this.on(topic).map((p) => JSON.parse(p) as Record<string, unknown>);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** One message sent by mosquitto_pub. */
export function publish(broker: Broker, topic: string, payload: string | Buffer, user?: [string, string]): void {
  const args = [...broker.clientArgs(user), '-q', '1', '-t', topic];
  if (Buffer.isBuffer(payload)) execFileSync('mosquitto_pub', [...args, '-s'], { input: payload, stdio: ['pipe', 'pipe', 'pipe'] });
  else execFileSync('mosquitto_pub', [...args, '-m', payload], { stdio: 'pipe' });
}
