import type { ManagedResource } from './managed-resource.js';
import { escapeXml } from './request.js';

/**
 * FORTE's boot file: one management request per line, `<destination>;<Request …>`, an empty
 * destination for the device. For each resource: its CREATE at device level, its network
 * (FBs, connections, parameters), and START when it was running, so that the next start of
 * the device brings back what ran.
 */
export function bootFileText(resources: ManagedResource[]): string {
  const lines: string[] = [];
  let id = 0;
  for (const r of resources) {
    lines.push(`;<Request ID="${++id}" Action="CREATE"><FB Name="${escapeXml(r.name)}" Type="${escapeXml(r.type)}" /></Request>`);
    for (const q of r.networkRequests()) lines.push(`${r.name};<Request ID="${++id}" Action="${q.action}">${q.xml}</Request>`);
    if (r.state === 'RUNNING') lines.push(`${r.name};<Request ID="${++id}" Action="START"/>`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
