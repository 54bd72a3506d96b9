/**
 * The TCP ports `vplc serve` will listen on, checked before the first scan: a port already
 * taken is a configuration error (exit 1, so that systemd's Restart=on-failure and container
 * runtimes see it), reported with the config key or flag that chose it and the address.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { LineCounter, parseDocument } from 'yaml';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { diagnostic } from '../../compiler/diagnostics/registry.js';
import type { PlcConfig } from '../config/schema.js';

export interface ListenPort {
  /** `modbusServer.port` (config key) or `--metrics-port` (flag) */
  origin: string;
  /** the config key path, when the port comes from the configuration file */
  keyPath?: (string | number)[];
  host: string;
  port: number;
}

/** The ports the configuration and flags ask serve to listen on (0: any free port, not checked). */
export function listenPorts(config: PlcConfig | undefined, metrics: { host: string; port?: number }, console?: { host: string; port: number }): ListenPort[] {
  const out: ListenPort[] = [];
  if (config?.modbusServer) out.push({ origin: 'modbusServer.port', keyPath: ['modbusServer', 'port'], host: config.modbusServer.host, port: config.modbusServer.port });
  // node-opcua listens on every interface unless a host is given
  if (config?.opcuaServer) out.push({ origin: 'opcuaServer.port', keyPath: ['opcuaServer', 'port'], host: config.opcuaServer.host ?? '0.0.0.0', port: config.opcuaServer.port });
  if (metrics.port !== undefined) out.push({ origin: '--metrics-port', host: metrics.host, port: metrics.port });
  if (console) out.push({ origin: '--console-port', host: console.host, port: console.port });
  return out.filter((p) => p.port !== 0);
}

/** Why host:port cannot be listened on (EADDRINUSE, EACCES, …), or undefined when it can. */
export function listenProblem(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'EADDRINUSE' ? 'already in use' : e.code === 'EACCES' ? 'not allowed (ports below 1024 need privileges)' : e.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * One message per port that cannot be listened on: a located E6011 for a config key (at the
 * key, or at its section when the port is the default), a plain line for a flag.
 */
export async function portProblems(ports: ListenPort[], configFile?: string): Promise<{ diagnostics: Diagnostic[]; lines: string[] }> {
  const diagnostics: Diagnostic[] = [];
  const lines: string[] = [];
  for (const p of ports) {
    const problem = await listenProblem(p.host, p.port);
    if (!problem) continue;
    const message = `${p.origin}: ${p.host}:${p.port} is ${problem}`;
    if (p.keyPath && configFile) {
      const at = keyLocation(configFile, p.keyPath);
      diagnostics.push(diagnostic('E6011', `${message}${at.defaulted ? ` (the default port; set ${p.origin} to another)` : ''}`, { file: configFile, line: at.line, col: at.col, endLine: at.line, endCol: at.col }));
    } else {
      lines.push(`vplc serve: ${message}; give ${p.origin} another port (0: any free one)`);
    }
  }
  return { diagnostics, lines };
}

/** Line and column of a key's value in a YAML/JSON file; its nearest present ancestor when the key is absent. */
function keyLocation(file: string, path: (string | number)[]): { line: number; col: number; defaulted: boolean } {
  try {
    const lines = new LineCounter();
    const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lines });
    for (let n = path.length; n > 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return { ...lines.linePos(node.range[0]), defaulted: n < path.length };
    }
  } catch {
    // the file was read and validated a moment ago; fall back to its start
  }
  return { line: 1, col: 1, defaulted: true };
}
