import { compileSources } from '../../../compiler/project.js';
/**
 * Native IEC 61499 blocks: the compiler knows them only from the 4diac .fbt files of
 * blocks/iec61499; the runtime binds each class to its .fbt by type name and port names.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILTIN_LIBRARY, TypeLibrary } from '../../../compiler/iec61499/library.js';
import type { FbTypeDeclaration, InterfaceList, RuntimeFbType } from '../../../compiler/iec61499/model.js';
import { NATIVE_BLOCKS } from '../../../blocks/native/registry.js';
import { E_STOPWATCH } from '../../../blocks/native/timers.js';
import { E_RESTART } from '../../../blocks/native/service.js';
import { bindEmit, createNative, NativeBindingError } from '../../../runtime/iec61499/native-binding.js';
import { Resource61499 } from '../../../runtime/iec61499/resource.js';
import { compile61499 } from '../../../compiler/iec61499/project.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIXTURES = join(ROOT, '..', 'shared', 'fixtures', '4diac');

function serviceTypes(): string[] {
  const lib = new TypeLibrary([], []);
  return readdirSync(BUILTIN_LIBRARY)
    .filter((f) => f.endsWith('.fbt'))
    .map((f) => f.slice(0, -4))
    .filter((n) => lib.fbType(n)?.kind === 'service')
    .sort();
}

/** The interface as names, WITHs and types, for comparing two declarations. */
function shape(i: InterfaceList) {
  const ev = (es: InterfaceList['eventInputs']) => es.map((e) => `${e.name}(${e.with.join(',')})`);
  const vars = (vs: InterfaceList['inputVars']) => vs.map((v) => `${v.name}:${v.type.toUpperCase()}`);
  return { ei: ev(i.eventInputs), eo: ev(i.eventOutputs), in: vars(i.inputVars), out: vars(i.outputVars), inout: vars(i.inOutVars) };
}

function findFixture(dir: string, file: string, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (e === file) return p;
    if (statSync(p).isDirectory()) {
      const found = findFixture(p, file, depth + 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** A runtime type made from a declaration, as the compiler would make it for a native block. */
function runtimeType(decl: FbTypeDeclaration, iface: InterfaceList = decl.interface): RuntimeFbType {
  return {
    name: decl.name, baseType: decl.name, implementation: { kind: 'native', nativeType: decl.name }, interface: iface,
    internalVars: [], states: [], transitions: [], guardMethods: [], events: { inputs: iface.eventInputs, outputs: iface.eventOutputs },
    algorithms: [], adapters: [],
  };
}

describe('native blocks', () => {
  it('every native class has a service .fbt in blocks/iec61499, and every service .fbt there a class', () => {
    expect(serviceTypes()).toEqual([...NATIVE_BLOCKS.keys()].sort());
  });

  it('each class handles exactly the events its .fbt declares and has a property for every data port', () => {
    const lib = new TypeLibrary([], []);
    const resource = new Resource61499('RES', {}, {}, {});
    for (const name of NATIVE_BLOCKS.keys()) {
      const decl = lib.fbType(name)!;
      const b = createNative(runtimeType(decl), name, resource);
      expect(b.emitMap, name).toBeUndefined();
    }
  });

  it.skipIf(!existsSync(FIXTURES))('declare the interfaces of 4diac’s own .fbt where the fixtures have one', () => {
    const lib = new TypeLibrary([], []);
    const compared: string[] = [];
    for (const name of serviceTypes()) {
      const path = findFixture(FIXTURES, `${name}.fbt`);
      if (!path) continue;
      const theirs = new TypeLibrary([], []);
      theirs.addFile(path, readFileSync(path, 'utf8'));
      expect(shape(lib.fbType(name)!.interface), name).toEqual(shape(theirs.fbType(name)!.interface));
      compared.push(name);
    }
    // the fixtures hold at least E_CYCLE, E_DELAY, E_RDELAY, E_RESTART, TEST_CONDITION, STEST_END
    expect(compared.length).toBeGreaterThanOrEqual(6);
  });

  it('the compiler does not import blocks/native', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir)) {
        const p = join(dir, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (e.endsWith('.ts') && /from '[./]*blocks\/native\//.test(readFileSync(p, 'utf8'))) offenders.push(p.slice(ROOT.length));
      }
    };
    walk(join(ROOT, 'compiler'));
    expect(offenders).toEqual([]);
  });

  it('binds events by name when the .fbt lists them in another order than the class', () => {
    const lib = new TypeLibrary([], []);
    const resource = new Resource61499('RES', {}, {}, {});
    const sw = lib.fbType('E_STOPWATCH')!;
    const swBinding = createNative(runtimeType(sw, { ...sw.interface, eventInputs: [...sw.interface.eventInputs].reverse() }), 'E_STOPWATCH', resource);
    const stopwatch = swBinding.fb as E_STOPWATCH;
    const emitted: number[] = [];
    stopwatch.$emit = (eo) => emitted.push(eo);
    resource.timeNs = 1_000;
    stopwatch.$event(1); // START in the reversed order
    resource.timeNs = 5_000;
    stopwatch.$event(0); // STOP
    expect(stopwatch.TD).toBe(4_000);
    expect(emitted).toEqual([0]);

    const rs = lib.fbType('E_RESTART')!;
    const rsBinding = createNative(runtimeType(rs, { ...rs.interface, eventOutputs: [...rs.interface.eventOutputs].reverse() }), 'E_RESTART', resource);
    const restart = rsBinding.fb as E_RESTART;
    const sent: number[] = [];
    restart.$emit = (eo) => sent.push(eo); // numbered by the (reversed) .fbt, as the dispatcher numbers them
    bindEmit(rsBinding);
    restart.$restart('COLD');
    restart.$restart('STOP');
    expect(sent).toEqual([2, 0]);
  });

  it('refuses a .fbt whose ports the class does not have, naming them', () => {
    const lib = new TypeLibrary([], []);
    const resource = new Resource61499('RES', {}, {}, {});
    const ton = lib.fbType('E_TON')!;
    const extraPort = { ...ton.interface, inputVars: [...ton.interface.inputVars, { name: 'RESET', type: 'BOOL' }] };
    expect(() => createNative(runtimeType(ton, extraPort), 'E_TON', resource)).toThrow(new NativeBindingError('E_TON: the native class has no data port RESET declared in E_TON.fbt'));
    const extraEvent = { ...ton.interface, eventInputs: [...ton.interface.eventInputs, { name: 'STOP', with: [] }] };
    expect(() => createNative(runtimeType(ton, extraEvent), 'E_TON', resource)).toThrow(/E_TON: the native class handles no event input STOP \(it handles REQ\)/);
  });

  it('a service FB that vPLC does not implement is E4013 at compile time', () => {
    const path = fileURLToPath(new URL('./fixtures/unimplemented-service/app.fboot', import.meta.url));
    const r = compile61499([{ path, text: readFileSync(path, 'utf8') }], { stCompiler: (s, o) => compileSources(s, o) });
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(['E4013 FB type PUBLISH_X is a service interface FB without an implementation in vPLC']);
  });
});
