import type { Application } from '../../compiler/application.js';
import { parseAddress, writeRaw } from '../../compiler/contract/address.js';
import type { Engine } from '../engine/engine.js';
import { checkAddressInput, checkInput } from '../engine/value-input.js';
import { declarationOf } from '../engine/variable-write.js';
import { HttpError } from './http-io.js';

export type ConsoleRequest = 'write' | 'force' | 'unforce';

/**
 * An operator's write, force or release from the console: `{resource?, path, value}` where
 * `path` is a variable (`Main.speed`) or a process image address (`%IX0.1`). Everything is
 * checked before anything is sent to the scan: a bad request is an HttpError with a message
 * that says what is wrong, and nothing is written.
 */
export function applyRequest(app: Application, engine: Engine, op: ConsoleRequest, body: Record<string, unknown>): { answer: Record<string, unknown>; log: string } {
  const path = body.path;
  if (typeof path !== 'string' || path.trim() === '' || path.length > 256) throw new HttpError(400, "'path' must name a variable (Main.speed) or an address (%IX0.1)");
  if (op !== 'unforce' && !('value' in body)) throw new HttpError(400, `'value' is missing: what should ${path} be set to?`);
  const resource = pickResource(app, body.resource, path);
  const address = path.trim().startsWith('%');
  if (op === 'unforce') {
    if (!engine.unforce(resource, path.trim())) throw new HttpError(404, path === '*' ? 'nothing is forced' : `${path} is not forced`);
    return { answer: { ok: true, resource, path, forced: false }, log: `released the force of ${path} in ${resource}` };
  }
  const value = body.value;
  if (address) {
    const a = parseAddress(path);
    if (typeof a === 'string') throw new HttpError(400, a);
    const c = checkAddressInput(a, value);
    if (typeof c === 'string') throw new HttpError(400, c);
    if (op === 'force') {
      engine.force(resource, a.text, c.value);
      return { answer: { ok: true, resource, path: a.text, value: c.value, forced: true }, log: `forced ${a.text} = ${String(c.value)} in ${resource}` };
    }
    writeAddress(engine, resource, a, c.value);
    return { answer: { ok: true, resource, path: a.text, value: c.value, forced: a.text in (engine.forced()[resource] ?? {}) }, log: `wrote ${a.text} = ${String(c.value)} in ${resource}` };
  }
  const model = app.resources.find((r) => r.name === resource)!;
  const decl = declarationOf(app, model, path);
  if (typeof decl === 'string') throw new HttpError(404, decl);
  if (decl.constant) throw new HttpError(400, `${path} is a constant`);
  const c = checkInput(decl.type, value);
  if (typeof c === 'string') throw new HttpError(400, `${path}: ${c}`);
  try {
    if (op === 'force') engine.force(resource, path, c.value);
    else engine.writeVar(resource, path, c.value);
  } catch (e) {
    throw new HttpError(409, e instanceof Error ? e.message : String(e));
  }
  const forced = Object.keys(engine.forced()[resource] ?? {}).some((k) => k.toUpperCase() === path.toUpperCase());
  return { answer: { ok: true, resource, path, value: c.value, forced }, log: `${op === 'force' ? 'forced' : 'wrote'} ${path} = ${String(c.value)} in ${resource}` };
}

/** The 61131 resource a request is for: named, or the one that declares the path's first name, or the only one. */
function pickResource(app: Application, given: unknown, path: string): string {
  const names = app.resources.map((r) => r.name);
  if (names.length === 0) throw new HttpError(400, 'the application has no IEC 61131-3 resource: IEC 61499 variables cannot be written or forced');
  if (given !== undefined) {
    const hit = typeof given === 'string' ? names.find((n) => n.toLowerCase() === given.toLowerCase()) : undefined;
    if (!hit) throw new HttpError(404, `no IEC 61131-3 resource ${String(given)} (resources: ${names.join(', ')})`);
    return hit;
  }
  if (names.length === 1 || path.startsWith('%') || path === '*') return names[0]!;
  return app.resources.find((r) => typeof declarationOf(app, r, path) !== 'string')?.name ?? names[0]!;
}

/** A write to the process image from outside: inputs as if a device had sent them, %Q/%M queued for the next scan. */
function writeAddress(engine: Engine, resource: string, a: Exclude<ReturnType<typeof parseAddress>, string>, value: boolean | number | bigint): void {
  const ex = engine.exchange(resource);
  if (a.area === 'I') {
    ex.writeInputs((view) => writeRaw(view, a, value));
    return;
  }
  const index = a.size === 'X' ? a.index * 8 + a.bit : a.index;
  const ok =
    a.area === 'Q' && a.size === 'X' ? ex.writeOutput('QX', index, value)
    : a.area === 'Q' && a.size === 'W' ? ex.writeOutput('QW', index, value)
    : a.area === 'M' && a.size !== 'B' ? ex.writeMemory(`M${a.size}` as 'MX' | 'MW' | 'MD' | 'ML', index, value)
    : undefined;
  if (ok === undefined) throw new HttpError(400, `${a.text} cannot be written from outside (%I, %QX, %QW, %MX, %MW, %MD and %ML can); force it instead`);
  if (!ok) throw new HttpError(409, `${a.text}: the write queue is full (is the resource running?)`);
}
