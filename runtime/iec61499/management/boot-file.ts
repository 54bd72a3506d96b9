import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { diagnostic } from '../../../compiler/diagnostics/registry.js';
import type { ManagedResource } from './managed-resource.js';
import { escapeXml } from './request.js';

/**
 * FORTE's boot file: one management request per line, `<destination>;<Request …>`, an empty
 * destination for the device. For each resource: its CREATE at device level, its network
 * (FBs, connections, parameters), and START when it was running, so that the next start of
 * the device brings back what ran.
 */
export function bootFileText(resources: ManagedResource[], mgrId: (resource: string) => string | undefined = () => undefined): string {
  const lines: string[] = [];
  let id = 0;
  for (const r of resources) {
    lines.push(`;<Request ID="${++id}" Action="CREATE"><FB Name="${escapeXml(r.name)}" Type="${escapeXml(r.type)}" /></Request>`);
    // an RMT_RES's MGR_ID, written at device level as the IDE writes it
    const m = mgrId(r.name);
    if (m !== undefined) lines.push(`;<Request ID="${++id}" Action="WRITE"><Connection Source="${escapeXml(m)}" Destination="${escapeXml(`${r.name}.MGR_ID`)}" /></Request>`);
    for (const q of r.networkRequests()) lines.push(`${r.name};<Request ID="${++id}" Action="${q.action}">${q.xml}</Request>`);
    if (r.state === 'RUNNING') lines.push(`${r.name};<Request ID="${++id}" Action="START"/>`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** What loading needs of the device (declared here so that device.ts and this file do not import each other). */
export interface BootTarget {
  loadBootText(text: string): { line: number; message: string }[];
}

/**
 * Load a boot file into a device at start: every line executed as the management request it
 * is. A missing file is a device with nothing deployed yet; refused lines are diagnostics
 * (E4008, `file:line:col`) and the rest still loads, as FORTE goes on after a bad line.
 */
export function loadBootFile(device: BootTarget, path: string): Diagnostic[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    return [diagnostic('E4008', `cannot read the boot file: ${(e as Error).message}`, { file: path, line: 1, col: 1, endLine: 1, endCol: 1 })];
  }
  return device.loadBootText(text).map((f) => diagnostic('E4008', f.message, { file: path, line: f.line, col: 1, endLine: f.line, endCol: 1 }));
}
