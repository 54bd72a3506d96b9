import { parseAddress, type ImageAddress } from '../compiler/contract/address.js';
import type { DeviceStatus } from './device-status.js';
import type { DeviceView } from './driver.js';
import { leavesOf, type CatalogVar } from './variable-catalog.js';

/**
 * Which device writes each input variable, so that the gateway marks the inputs of a lost
 * device as bad: a variable located at an address a device's `inputs` write (`%IW0` with
 * count 4 covers %IW0…%IW3), or a variable a device's input names by path. Marks them as
 * inputs (commands may not write them) and returns their writers by raw key.
 */
export function inputWriters(all: readonly CatalogVar[], devices: readonly DeviceView[]): Map<string, DeviceStatus> {
  const out = new Map<string, DeviceStatus>();
  const leaves = all.flatMap(leavesOf);
  for (const d of devices) {
    const inputs = (d.config as unknown as { inputs?: { var?: unknown; count?: unknown }[] }).inputs;
    if (!Array.isArray(inputs)) continue;
    for (const p of inputs) {
      if (typeof p.var !== 'string') continue;
      const count = typeof p.count === 'number' ? p.count : 1;
      if (!p.var.startsWith('%')) {
        const path = p.var.toUpperCase();
        for (const l of leaves) if (l.path.toUpperCase() === path) markInput(out, l, d.status);
        continue;
      }
      const a = parseAddress(p.var);
      if (typeof a === 'string') continue;
      for (const l of leaves) {
        if (!l.location) continue;
        const b = parseAddress(l.location);
        if (typeof b !== 'string' && covers(a, count, b)) markInput(out, l, d.status);
      }
    }
  }
  return out;
}

/** Keyed by the raw key (an array element shares its array's writer). */
function markInput(out: Map<string, DeviceStatus>, v: CatalogVar, s: DeviceStatus): void {
  v.input = true;
  if (v.key !== undefined) out.set(v.key, s);
}

function covers(a: ImageAddress, count: number, b: ImageAddress): boolean {
  if (a.area !== b.area || a.size !== b.size) return false;
  const pos = (x: ImageAddress) => (x.size === 'X' ? x.index * 8 + x.bit : x.index);
  return pos(b) >= pos(a) && pos(b) < pos(a) + count;
}
