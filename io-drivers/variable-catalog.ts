import type { Application, ResourceModel, TypeInfo, VarInfo } from '../compiler/application.js';

/**
 * The variables of one resource as servers exposing the PLC see them (the MQTT gateway, the
 * OPC UA server for IEC 61499 resources): a tree of structures and FB instances whose leaves
 * are the keys of the engine's flat map of raw values (one key per elementary variable or
 * elementary array).
 */

/** One selectable variable: an elementary leaf (`key` into the raw map) or a structure of them. */
export interface CatalogVar {
  /** the path as declared (`Main.level`, `Main.s.x`, `Main.arr[2]`) */
  readonly path: string;
  readonly type: TypeInfo;
  readonly decl: VarInfo;
  /** key of the raw map, for a leaf */
  readonly key?: string;
  /** element of an array leaf */
  readonly index?: number;
  readonly children?: CatalogVar[];
  /** a process input: located at %I, or written by a device's input */
  input: boolean;
  /** the %I address it is located at, if any */
  readonly location?: string;
}

/** Every variable of `model`, top level first; structures carry their elements. */
export function catalog(app: Application, model: ResourceModel): CatalogVar[] {
  const located = new Map(model.located.map((l) => [l.path.toUpperCase(), l.address]));
  const out: CatalogVar[] = [];
  const walk = (vars: readonly VarInfo[], prefix: string, into: CatalogVar[]) => {
    for (const v of vars) {
      if (v.section === 'VAR_TEMP' || v.section === 'VAR_IN_OUT' || v.section === 'VAR_EXTERNAL') continue;
      const path = prefix ? `${prefix}.${v.name}` : v.name;
      const t = v.type;
      const loc = located.get(path.toUpperCase()) ?? v.location;
      const base = { path, type: t, decl: v, input: !!loc && /^%I/i.test(loc), ...(loc ? { location: loc } : {}) };
      if (t.kind === 'struct' || t.kind === 'fb') {
        const children: CatalogVar[] = [];
        walk(t.kind === 'struct' ? t.fields : (app.pouTypes[t.name.toUpperCase()]?.vars ?? app.pouTypes[t.name]?.vars ?? []), path, children);
        into.push({ ...base, children });
      } else if (t.kind === 'array') {
        const e = t.element;
        if (e.kind === 'elementary' || e.kind === 'string' || e.kind === 'enum') into.push({ ...base, key: path });
        else if ((e.kind === 'struct' || e.kind === 'fb') && t.dims.length === 1) {
          // one-dimensional arrays of structures: each element is in the raw map by index
          const fields = e.kind === 'struct' ? e.fields : (app.pouTypes[e.name.toUpperCase()]?.vars ?? app.pouTypes[e.name]?.vars ?? []);
          const children: CatalogVar[] = [];
          for (let i = t.dims[0]!.lo; i <= t.dims[0]!.hi; i++) {
            const grand: CatalogVar[] = [];
            walk(fields, `${path}[${i}]`, grand);
            children.push({ path: `${path}[${i}]`, type: e, decl: { ...v, name: `${v.name}[${i}]`, type: e }, children: grand, input: false, index: i - t.dims[0]!.lo });
          }
          into.push({ ...base, children });
        }
      } else if (t.kind !== 'ref') {
        into.push({ ...base, key: path });
      }
    }
  };
  walk(model.globals, '', out);
  for (const p of model.programs) {
    const info = app.pouTypes[p.typeName.toUpperCase()] ?? app.pouTypes[p.typeName];
    const children: CatalogVar[] = [];
    walk(info?.vars ?? [], p.name, children);
    out.push({ path: p.name, type: { kind: 'fb', name: p.typeName }, decl: { name: p.name, prop: p.name, section: 'VAR', type: { kind: 'fb', name: p.typeName } }, children, input: false });
  }
  return out;
}

/** The elementary leaves of `v` (itself for a leaf). */
export function leavesOf(v: CatalogVar): CatalogVar[] {
  // (an element of an array of structures has children and an index: it is not a leaf)
  if (!v.children) return [v];
  return v.children.flatMap(leavesOf);
}

const ELEMENTARY = new Set(['BOOL', 'SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT', 'REAL', 'LREAL', 'BYTE', 'WORD', 'DWORD', 'LWORD',
  'TIME', 'LTIME', 'DATE', 'LDATE', 'TOD', 'LTOD', 'DT', 'LDT', 'CHAR', 'WCHAR']);
const ALIASES: Record<string, string> = { TIME_OF_DAY: 'TOD', DATE_AND_TIME: 'DT' };

/** A 4diac type name as the gateway types values; undefined for types it does not publish (arrays, structures). */
function type61499(name: string, arraySize: string | undefined): TypeInfo | undefined {
  if (arraySize) return undefined;
  const n = name.toUpperCase();
  const e = ALIASES[n] ?? n;
  if (ELEMENTARY.has(e)) return { kind: 'elementary', name: e as Extract<TypeInfo, { kind: 'elementary' }>['name'] };
  if (/^W?STRING(\[\d+\])?$/.test(n)) return { kind: 'string', wide: n.startsWith('W'), length: Number(/\[(\d+)\]/.exec(n)?.[1] ?? 255) };
  return undefined;
}

/**
 * The variables of an IEC 61499 resource (`key`: `Device.Resource` of a .sys, `Resource` of a
 * .fboot) as the engine samples them: `Device.Resource.FB.Var` for every FB's inputs, outputs,
 * in-outs and internal variables of elementary types; the device, resource and FB (composites
 * flattened: `Comp.inner`) are structures of them.
 */
export function catalog61499(app: Application, key: string, keyOf: (net: { device?: string; name: string }) => string): CatalogVar[] {
  const model = app.iec61499;
  const net = model?.resources.find((n) => keyOf(n).toUpperCase() === key.toUpperCase());
  if (!model || !net) return [];
  const roots: CatalogVar[] = [];
  const node = (into: CatalogVar[], path: string): CatalogVar => {
    const name = path.slice(path.lastIndexOf('.') + 1);
    let n = into.find((x) => x.path.toUpperCase() === path.toUpperCase());
    if (!n) {
      n = { path, type: { kind: 'struct', name, fields: [] }, decl: { name, prop: name, section: 'VAR', type: { kind: 'struct', name, fields: [] } }, children: [], input: false };
      into.push(n);
    }
    return n;
  };
  const container = (path: string): CatalogVar[] => {
    let into = roots;
    const parts = path.split('.');
    for (let i = 0; i < parts.length; i++) into = node(into, parts.slice(0, i + 1).join('.')).children!;
    return into;
  };
  for (const fb of net.fbs) {
    const t = model.types[fb.concreteType] ?? model.types[fb.type];
    if (!t) continue;
    const into = container(`${keyOf(net)}.${fb.name}`);
    const sections: [VarInfo['section'], readonly { name: string; type: string; arraySize?: string }[]][] = [
      ['VAR_INPUT', t.interface.inputVars], ['VAR_IN_OUT', t.interface.inOutVars], ['VAR_OUTPUT', t.interface.outputVars], ['VAR', t.internalVars],
    ];
    for (const [section, vars] of sections) {
      for (const v of vars) {
        const type = type61499(v.type, v.arraySize);
        if (!type) continue;
        const path = `${keyOf(net)}.${fb.name}.${v.name}`;
        into.push({ path, type, decl: { name: v.name, prop: v.name, section, type }, key: path, input: false });
      }
    }
  }
  return roots;
}
