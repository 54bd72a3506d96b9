import type { DataTypeDeclaration } from './model.js';
import { genericEventBlock } from './generic-events.js';

/**
 * FORTE's configurable function blocks: a type name such as `ARRAY2VALUES_4_INT`,
 * `F_MUX_2_3`, `APPEND_STRING_3` or `STRUCT_MUX_1Point` names an instance of the generic block
 * `GEN_<prefix>` (the prefix ends at the first underscore followed by a digit), and the rest of
 * the name sets its ports. 4diac's boot files use these names, so any of them is served.
 * Each is produced as 4diac .fbt text and read by the same type reader as a file would be.
 */

const MAX_PORTS = 32;

const event = (name: string, withVars: readonly string[] = []) =>
  withVars.length ? `<Event Name="${name}" Type="Event">${withVars.map((v) => `<With Var="${v}"/>`).join('')}</Event>` : `<Event Name="${name}" Type="Event"/>`;

interface Var { name: string; type: string; arraySize?: number | string }
const vars = (vs: readonly Var[]) =>
  vs.map((v) => `<VarDeclaration Name="${v.name}" Type="${v.type}"${v.arraySize ? ` ArraySize="${v.arraySize}"` : ''}/>`).join('');
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);

interface Interface {
  events: { inputs: { name: string; with: string[] }[]; outputs: { name: string; with: string[] }[] };
  inputs: Var[];
  outputs: Var[];
  internals?: Var[];
}

/** A basic FB whose every event input runs its own algorithm and then sends `output`. */
function basic(name: string, comment: string, ifc: Interface, algorithms: Record<string, string>, output: string): string {
  const eis = ifc.events.inputs.map((e) => e.name);
  return `<?xml version="1.0" encoding="UTF-8"?>
<FBType Name="${name}" Comment="${comment}">
<Identification Standard="61499-1" Description="vPLC built-in configurable function block"/>
<InterfaceList>
<EventInputs>${ifc.events.inputs.map((e) => event(e.name, e.with)).join('')}</EventInputs>
<EventOutputs>${ifc.events.outputs.map((e) => event(e.name, e.with)).join('')}</EventOutputs>
<InputVars>${vars(ifc.inputs)}</InputVars>
<OutputVars>${vars(ifc.outputs)}</OutputVars>
</InterfaceList>
<BasicFB>${ifc.internals?.length ? `<InternalVars>${vars(ifc.internals)}</InternalVars>` : ''}<ECC><ECState Name="START"/>
${eis.map((e) => `<ECState Name="S_${e}"><ECAction Algorithm="A_${e}" Output="${output}"/></ECState>`).join('\n')}
${eis.map((e) => `<ECTransition Source="START" Destination="S_${e}" Condition="${e}"/><ECTransition Source="S_${e}" Destination="START" Condition="1"/>`).join('\n')}
</ECC>
${eis.map((e) => `<Algorithm Name="A_${e}"><ST><![CDATA[${algorithms[e]}]]></ST></Algorithm>`).join('\n')}
</BasicFB>
</FBType>
`;
}

/** One REQ sampling every input, one CNF publishing every output: FORTE's function-like blocks. */
function requestBlock(name: string, comment: string, inputs: Var[], outputs: Var[], body: string, internals: Var[] = []): string {
  return basic(name, comment, {
    events: { inputs: [{ name: 'REQ', with: inputs.map((v) => v.name) }], outputs: [{ name: 'CNF', with: outputs.map((v) => v.name) }] },
    inputs, outputs, internals,
  }, { REQ: body }, 'CNF');
}

/** ADD_n, AND_n, OR_n, XOR_n: n inputs IN1..INn combined into OUT (GEN_ADD, GEN_AND…). */
function nAry(op: 'ADD' | 'AND' | 'OR' | 'XOR', n: number): string {
  const type = op === 'ADD' ? 'ANY_MAGNITUDE' : 'ANY_BIT';
  const ins = range(n).map((k) => ({ name: `IN${k}`, type }));
  const sym = op === 'ADD' ? '+' : op;
  return requestBlock(`${op}_${n}`, `OUT := IN1 ${sym} … ${sym} IN${n}`, ins, [{ name: 'OUT', type }], `OUT := ${ins.map((v) => v.name).join(` ${sym} `)};`);
}

/** APPEND_STRING_n: IN_1..IN_n as text, one after the other, into OUT (GEN_APPEND_STRING). */
function appendString(n: number): string {
  const ins = range(n).map((k) => ({ name: `IN_${k}`, type: 'ANY' }));
  return requestBlock(`APPEND_STRING_${n}`, `IN_1 … IN_${n} as text, appended`, ins, [{ name: 'OUT', type: 'STRING' }],
    `OUT := TO_STRING(IN_1); ${ins.slice(1).map((v) => `OUT := CONCAT(OUT, TO_STRING(${v.name}));`).join(' ')}`);
}

/**
 * F_MUX_e_d: event EIk copies IN_k_1..IN_k_d to OUT_1..OUT_d and sends EO with QO TRUE and
 * STATUS 'OK' (GEN_F_MUX). A data type mismatch between IN_k_j and OUT_j is refused when the
 * network is checked, where FORTE reports it at run time.
 */
function fMux(e: number, d: number): string {
  const outs = range(d).map((j) => ({ name: `OUT_${j}`, type: 'ANY' }));
  const inputs = range(e).flatMap((k) => range(d).map((j) => ({ name: `IN_${k}_${j}`, type: 'ANY' })));
  const algorithms: Record<string, string> = {};
  for (const k of range(e)) algorithms[`EI${k}`] = `${range(d).map((j) => `OUT_${j} := IN_${k}_${j};`).join(' ')} QO := TRUE; STATUS := "OK";`;
  return basic(`F_MUX_${e}_${d}`, `EIk selects IN_k_1..IN_k_${d}`, {
    events: {
      inputs: range(e).map((k) => ({ name: `EI${k}`, with: range(d).map((j) => `IN_${k}_${j}`) })),
      outputs: [{ name: 'EO', with: ['QO', 'STATUS', ...outs.map((v) => v.name)] }],
    },
    inputs,
    outputs: [{ name: 'QO', type: 'BOOL' }, { name: 'STATUS', type: 'WSTRING' }, ...outs],
  }, algorithms, 'EO');
}

/** F_SEL_E_n: REQk puts INk on OUT and sends CNF (FORTE utils' event-selected value). */
function selE(n: number): string {
  const ks = Array.from({ length: n }, (_, k) => k);
  const algorithms: Record<string, string> = {};
  for (const k of ks) algorithms[`REQ${k}`] = `OUT := IN${k};`;
  return basic(`F_SEL_E_${n}`, `REQk selects INk`, {
    events: { inputs: ks.map((k) => ({ name: `REQ${k}`, with: [`IN${k}`] })), outputs: [{ name: 'CNF', with: ['OUT'] }] },
    inputs: ks.map((k) => ({ name: `IN${k}`, type: 'ANY' })),
    outputs: [{ name: 'OUT', type: 'ANY' }],
  }, algorithms, 'CNF');
}

/** ARRAY2VALUES_n_T, VALUES2ARRAY_n_T, ARRAY2ARRAY_n_T (GEN_ARRAY2VALUES…): elements 1..n. */
function arrays(kind: 'ARRAY2VALUES' | 'VALUES2ARRAY' | 'ARRAY2ARRAY', n: number, t: string): string {
  const name = `${kind}_${n}_${t}`;
  const array = (v: string): Var => ({ name: v, type: t, arraySize: n });
  const values = (prefix: string) => range(n).map((k) => ({ name: `${prefix}${k}`, type: t }));
  if (kind === 'ARRAY2VALUES') {
    return requestBlock(name, `OUT_k := IN[k-1]`, [array('IN')], values('OUT_'), range(n).map((k) => `OUT_${k} := IN[${k - 1}];`).join(' '));
  }
  if (kind === 'VALUES2ARRAY') {
    return requestBlock(name, `OUT[k-1] := IN_k`, values('IN_'), [array('OUT')], range(n).map((k) => `OUT[${k - 1}] := IN_${k};`).join(' '));
  }
  return requestBlock(name, 'OUT := IN', [array('IN')], [array('OUT')], 'OUT := IN;');
}

/** STRUCT_MUX_1S builds a structure S from one input per member; STRUCT_DEMUX_1S takes it apart. */
function structBlock(kind: 'STRUCT_MUX' | 'STRUCT_DEMUX', suffix: string, s: DataTypeDeclaration): string {
  const members: Var[] = s.fields.map((f) => ({ name: f.name, type: f.type, arraySize: f.arraySize }));
  const name = `${kind}_${suffix}`;
  if (kind === 'STRUCT_MUX') {
    return requestBlock(name, `OUT := (${s.name} from its members)`, members, [{ name: 'OUT', type: s.name }], members.map((m) => `OUT.${m.name} := ${m.name};`).join(' '));
  }
  return requestBlock(name, `the members of IN (${s.name})`, [{ name: 'IN', type: s.name }], members, members.map((m) => `${m.name} := IN.${m.name};`).join(' '));
}

/**
 * The .fbt text of a configurable block named `name`, or undefined when the name is not one;
 * `dataType` finds the structures that STRUCT_MUX/STRUCT_DEMUX are made for.
 */
export function genericBlock(name: string, dataType: (name: string) => DataTypeDeclaration | undefined): string | undefined {
  const ev = genericEventBlock(name);
  if (ev !== undefined) return ev;
  let m = /^(ADD|AND|OR|XOR|APPEND_STRING|F_SEL_E)_(\d+)$/.exec(name);
  if (m) {
    const n = Number(m[2]);
    if (m[1] === 'F_SEL_E') return n >= 2 && n <= MAX_PORTS ? selE(n) : undefined;
    if (n < 2 || n > MAX_PORTS) return undefined;
    return m[1] === 'APPEND_STRING' ? appendString(n) : nAry(m[1] as 'ADD' | 'AND' | 'OR' | 'XOR', n);
  }
  m = /^F_MUX_(\d+)_(\d+)$/.exec(name);
  if (m) {
    const e = Number(m[1]);
    const d = Number(m[2]);
    return e >= 2 && e <= MAX_PORTS && d >= 1 && d <= MAX_PORTS ? fMux(e, d) : undefined;
  }
  m = /^(ARRAY2VALUES|VALUES2ARRAY|ARRAY2ARRAY)_(\d+)_([A-Za-z_][A-Za-z0-9_]*)$/.exec(name);
  if (m) {
    const n = Number(m[2]);
    const min = m[1] === 'ARRAY2ARRAY' ? 1 : 2;
    return n >= min && n <= 1024 && (m[1] === 'ARRAY2ARRAY' || n <= MAX_PORTS * 8) ? arrays(m[1] as 'ARRAY2VALUES', n, m[3]!) : undefined;
  }
  m = /^(STRUCT_MUX|STRUCT_DEMUX)_(\d([A-Za-z_][A-Za-z0-9_]*))$/.exec(name);
  if (m) {
    const s = dataType(m[3]!);
    if (!s || s.fields.length === 0) return undefined;
    return structBlock(m[1] as 'STRUCT_MUX', m[2]!, s);
  }
  return undefined;
}
