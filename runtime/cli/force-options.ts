/**
 * `vplc run --force Main.speed=5 --force %IX0.2=TRUE`: forced from before the first scan to the
 * end of the run, checked here so that a bad one is a usage error before anything runs.
 */
import type { Application } from '../../compiler/application.js';
import { parseAddress } from '../../compiler/contract/address.js';
import { checkAddressInput, checkInput } from '../engine/value-input.js';
import { declarationOf } from '../engine/variable-write.js';

/** Forces by resource name (path or address → value), or a message naming the bad item. */
export function buildForces(app: Application, items: string[]): Record<string, Record<string, unknown>> | string {
  const out: Record<string, Record<string, unknown>> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) return `--force needs NAME=VALUE (%IX0.2=TRUE, Main.speed=5), got '${item}'`;
    const name = item.slice(0, eq).trim();
    const text = item.slice(eq + 1).trim();
    if (app.resources.length === 0) return '--force applies to IEC 61131-3 programs';
    if (name.startsWith('%')) {
      const a = parseAddress(name);
      if (typeof a === 'string') return `--force ${item}: ${a}`;
      if (app.resources.length !== 1) return `--force ${item}: process image addresses can be forced when the application has one 61131 resource`;
      const c = checkAddressInput(a, text);
      if (typeof c === 'string') return `--force ${item}: ${c}`;
      (out[app.resources[0]!.name] ??= {})[a.text] = c.value;
      continue;
    }
    let problem = '';
    let placed = false;
    for (const model of app.resources) {
      const decl = declarationOf(app, model, name);
      if (typeof decl === 'string') {
        problem ||= decl;
        continue;
      }
      const c = checkInput(decl.type, text);
      if (typeof c === 'string') return `--force ${item}: ${c}`;
      (out[model.name] ??= {})[name] = c.value;
      placed = true;
      break;
    }
    if (!placed) return `--force ${item}: ${problem}`;
  }
  return out;
}
