import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * FORTE's throughput benchmark: a ring of E_CTU and E_SWITCH that never ends in practice
 * (START.COLD → C1.CU, C1.CUO → SW.EI, C1.Q → SW.G, SW.EO0 → C1.CU, SW.EO1 → C2.CU,
 * C2.CUO → C1.R, C1.RO → C1.CU; C1.PV = 50000, C2.PV = 65535): about 6.5·10^9 events.
 */
export function ringBootText(resource = 'RES'): string {
  const lines = [
    `;<Request ID="1" Action="CREATE"><FB Name="${resource}" Type="EMB_RES" /></Request>`,
  ];
  let id = 1;
  const req = (action: string, body: string) => lines.push(`${resource};<Request ID="${++id}" Action="${action}">${body}</Request>`);
  req('CREATE', '<FB Name="C1" Type="E_CTU" />');
  req('CREATE', '<FB Name="C2" Type="E_CTU" />');
  req('CREATE', '<FB Name="SW" Type="E_SWITCH" />');
  req('WRITE', '<Connection Source="50000" Destination="C1.PV" />');
  req('WRITE', '<Connection Source="65535" Destination="C2.PV" />');
  for (const [s, d] of RING) req('CREATE', `<Connection Source="${s}" Destination="${d}" />`);
  lines.push(`${resource};<Request ID="${++id}" Action="START"/>`);
  return lines.join('\n') + '\n';
}

export const RING: [string, string][] = [
  ['START.COLD', 'C1.CU'],
  ['C1.CUO', 'SW.EI'],
  ['C1.Q', 'SW.G'],
  ['SW.EO0', 'C1.CU'],
  ['SW.EO1', 'C2.CU'],
  ['C2.CUO', 'C1.R'],
  ['C1.RO', 'C1.CU'],
];

/** Write ring.fboot into a fresh folder; returns its path. */
export function writeRing(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vplc-ring-')), 'ring.fboot');
  writeFileSync(path, ringBootText());
  return path;
}

/**
 * The ring's counters after `events` delivered events, computed directly (E_CTU: CU counts
 * while CV < 65535, Q := CV >= PV, CUO; R: CV := 0, RO; E_SWITCH: EO0 when G is FALSE, else EO1).
 */
export function ringAfter(events: number): { c1: number; c2: number } {
  let c1 = 0;
  let q1 = false;
  let c2 = 0;
  let next: 'C1.CU' | 'SW.EI' | 'C2.CU' | 'C1.R' | '' = 'C1.CU';
  for (let k = 0; k < events && next !== ''; k++) {
    switch (next) {
      case 'C1.CU':
        if (c1 < 65535) {
          c1++;
          q1 = c1 >= 50000;
          next = 'SW.EI';
        } else next = '';
        break;
      case 'SW.EI':
        next = q1 ? 'C2.CU' : 'C1.CU';
        break;
      case 'C2.CU':
        if (c2 < 65535) {
          c2++;
          next = 'C1.R';
        } else next = '';
        break;
      case 'C1.R':
        c1 = 0;
        q1 = false;
        next = 'C1.CU';
        break;
    }
  }
  return { c1, c2 };
}
