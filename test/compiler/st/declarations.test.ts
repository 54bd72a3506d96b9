import { describe, it, expect } from 'vitest';
import { parseClean, sx } from './helpers.js';
import type { FunctionBlockDecl, FunctionDecl, InterfaceDecl, ProgramDecl, TypeRef, VarDecl, Expr, Initializer } from '../../../compiler/st/ast.js';

function vars(decls: string, section = 'VAR'): VarDecl[] {
  const r = parseClean(`PROGRAM p\n${section}\n${decls}\nEND_VAR\nEND_PROGRAM`);
  return (r.unit.pous[0] as ProgramDecl).varSections[0]!.decls;
}
function type(spec: string): TypeRef {
  return vars(`v : ${spec};`)[0]!.type;
}
function init(text: string): Initializer {
  return vars(`v : T := ${text};`)[0]!.init!;
}
const lit = (e: Expr | undefined) => sx(e);

describe('comments, pragmas and case', () => {
  it('all comment forms, nested comments and pragmas are skipped', () => {
    const r = parseClean(`(* header (* nested *) still comment *)
// line comment
/* C comment
   on lines */
{attribute 'qualified_only'}
program Main (* inline *) VAR x : INT; END_VAR
x := 1; // after
{IF defined (foo)} x := 2; {END_IF}
END_PROGRAM`);
    const p = r.unit.pous[0] as ProgramDecl;
    expect(p).toMatchObject({ kind: 'program', name: 'Main' });
    expect(p.body).toHaveLength(2);
  });

  it('identifiers keep their spelling and may hold underscores; keyword prefixes stay names', () => {
    const d = vars('_my_Var_1 : INT; IFx : BOOL; END_IFy : BOOL; VAR_x : INT; Tx : INT; t : TON;');
    expect(d.map((v) => v.name)).toEqual(['_my_Var_1', 'IFx', 'END_IFy', 'VAR_x', 'Tx', 't']);
  });
});

describe('POUs', () => {
  it('PROGRAM with sections, body and actions (with and without colon)', () => {
    const r = parseClean(`PROGRAM Main
VAR x : INT; END_VAR
x := x + 1;
ACTION Reset: x := 0; END_ACTION
ACTION Step x := x + 1; y := 2; END_ACTION
END_PROGRAM`);
    const p = r.unit.pous[0] as ProgramDecl;
    expect(p.kind).toBe('program');
    expect(p.varSections).toHaveLength(1);
    expect(p.body).toHaveLength(1);
    expect(p.actions.map((a) => [a.name, a.body.length])).toEqual([['Reset', 1], ['Step', 2]]);
    expect(p.range).toMatchObject({ line: 1, col: 1, endLine: 6, endCol: 12 });
  });

  it('FUNCTION with and without a result type', () => {
    const r = parseClean(`FUNCTION Add : INT
VAR_INPUT a, b : INT; END_VAR
Add := a + b;
END_FUNCTION
FUNCTION Log
VAR_INPUT s : STRING[80]; END_VAR
RETURN;
END_FUNCTION
FUNCTION Name : STRING(20) Name := 'x'; END_FUNCTION`);
    const [add, log, name] = r.unit.pous as FunctionDecl[];
    expect(add).toMatchObject({ kind: 'function', name: 'Add', returnType: { kind: 'named', name: 'INT' } });
    expect(add!.varSections[0]!.decls.map((d) => d.name)).toEqual(['a', 'b']);
    expect(log!.returnType).toBeUndefined();
    expect(log!.body[0]!.kind).toBe('return');
    expect(name!.returnType).toMatchObject({ kind: 'string', wide: false, length: { kind: 'literal' } });
  });

  it('FUNCTION_BLOCK with ABSTRACT, EXTENDS, IMPLEMENTS, methods and actions', () => {
    const r = parseClean(`FUNCTION_BLOCK ABSTRACT Motor EXTENDS Base IMPLEMENTS IRun, IStop
VAR_INPUT en : BOOL; END_VAR
METHOD PUBLIC FINAL OVERRIDE Run : BOOL
  VAR_INPUT speed : INT; END_VAR
  Run := THIS^.en AND SUPER^.Run(speed);
END_METHOD
METHOD PROTECTED ABSTRACT Stop
END_METHOD
METHOD INTERNAL Idle END_METHOD
METHOD Plain : INT Plain := 1; END_METHOD
ACTION Reset: en := FALSE; END_ACTION
en := TRUE;
END_FUNCTION_BLOCK
FUNCTION_BLOCK FINAL Leaf EXTENDS Motor END_FUNCTION_BLOCK`);
    const fb = r.unit.pous[0] as FunctionBlockDecl;
    expect(fb).toMatchObject({ kind: 'functionBlock', name: 'Motor', abstract: true, final: false, extends: 'Base', implements: ['IRun', 'IStop'] });
    expect(fb.methods.map((m) => [m.name, m.access, m.abstract, m.final, m.override])).toEqual([
      ['Run', 'PUBLIC', false, true, true],
      ['Stop', 'PROTECTED', true, false, false],
      ['Idle', 'INTERNAL', false, false, false],
      ['Plain', undefined, false, false, false],
    ]);
    expect(fb.methods[0]!.returnType).toMatchObject({ kind: 'named', name: 'BOOL' });
    expect(fb.methods[0]!.varSections[0]!.section).toBe('VAR_INPUT');
    expect(sx((fb.methods[0]!.body[0] as { value: Expr }).value)).toBe('(AND THIS^.en SUPER^.Run(speed))');
    expect(fb.methods[1]!.returnType).toBeUndefined();
    expect(fb.actions.map((a) => a.name)).toEqual(['Reset']);
    expect(fb.body).toHaveLength(1);
    const leaf = r.unit.pous[1] as FunctionBlockDecl;
    expect(leaf).toMatchObject({ final: true, abstract: false, extends: 'Motor', implements: [] });
  });

  it('INTERFACE with EXTENDS and method prototypes', () => {
    const r = parseClean(`INTERFACE IRun EXTENDS IBase, IOther
METHOD Run : BOOL
  VAR_INPUT speed : INT; END_VAR
END_METHOD
METHOD Stop END_METHOD
END_INTERFACE
INTERFACE IEmpty END_INTERFACE`);
    const i = r.unit.pous[0] as InterfaceDecl;
    expect(i).toMatchObject({ kind: 'interface', name: 'IRun', extends: ['IBase', 'IOther'] });
    expect(i.methods.map((m) => m.name)).toEqual(['Run', 'Stop']);
    expect(i.methods[0]!.body).toEqual([]);
    expect(i.methods[0]!.varSections[0]!.decls[0]!.name).toBe('speed');
    expect((r.unit.pous[1] as InterfaceDecl).extends).toEqual([]);
  });

  it('several POUs, types and globals in any order', () => {
    const r = parseClean(`VAR_GLOBAL g : INT; END_VAR
FUNCTION_BLOCK B END_FUNCTION_BLOCK
TYPE T1 : INT; END_TYPE
PROGRAM P END_PROGRAM
TYPE T2 : BOOL; END_TYPE
FUNCTION F : INT F := 1; END_FUNCTION
VAR_GLOBAL CONSTANT k : INT := 3; END_VAR`);
    expect(r.unit.pous.map((p) => p.name)).toEqual(['B', 'P', 'F']);
    expect(r.unit.types.map((t) => t.name)).toEqual(['T1', 'T2']);
    expect(r.unit.globals.map((g) => [g.section, g.constant, g.decls[0]!.name])).toEqual([['VAR_GLOBAL', false, 'g'], ['VAR_GLOBAL', true, 'k']]);
    expect(r.unit.file).toBe('test.st');
  });
});

describe('variable sections', () => {
  it.each(['VAR', 'VAR_INPUT', 'VAR_OUTPUT', 'VAR_IN_OUT', 'VAR_TEMP', 'VAR_GLOBAL', 'VAR_EXTERNAL', 'VAR_INST', 'VAR_STAT'])('%s', (kw) => {
    const r = parseClean(`FUNCTION_BLOCK f ${kw} x : INT; END_VAR END_FUNCTION_BLOCK`);
    expect((r.unit.pous[0] as FunctionBlockDecl).varSections[0]).toMatchObject({ section: kw, constant: false, retain: undefined });
  });

  it.each([
    ['CONSTANT', true, undefined],
    ['RETAIN', false, 'RETAIN'],
    ['NON_RETAIN', false, 'NON_RETAIN'],
    ['PERSISTENT', false, 'PERSISTENT'],
    ['CONSTANT RETAIN', true, 'RETAIN'],
    ['RETAIN CONSTANT', true, 'RETAIN'],
    ['PERSISTENT RETAIN', false, 'PERSISTENT'],
  ])('VAR %s', (quals, constant, retain) => {
    const r = parseClean(`PROGRAM p VAR ${quals} x : INT; END_VAR END_PROGRAM`);
    expect((r.unit.pous[0] as ProgramDecl).varSections[0]).toMatchObject({ section: 'VAR', constant, retain });
  });

  it('a, b : INT := 5 gives one VarDecl per name sharing the type', () => {
    const d = vars('a, b : INT := 5;');
    expect(d.map((v) => v.name)).toEqual(['a', 'b']);
    expect(d[0]!.type).toBe(d[1]!.type);
    expect(lit((d[1]!.init as { expr: Expr }).expr)).toBe('5');
    expect(d[0]!.nameRange).toMatchObject({ line: 3, col: 1, endCol: 2 });
    expect(d[1]!.nameRange).toMatchObject({ line: 3, col: 4, endCol: 5 });
    expect(d[0]!.range).toMatchObject({ line: 3, col: 1, endCol: 17 });
    expect(d[0]!.id).not.toBe(d[1]!.id);
  });

  it('located variables', () => {
    const d = vars('x AT %IX0.0 : BOOL; w AT %QW3 : WORD; m AT %MD10 : DINT; b AT %IX1.7 : BOOL; any AT %I* : BOOL; y AT %qx2.1 : BOOL; z : INT;');
    expect(d.map((v) => v.location)).toEqual(['%IX0.0', '%QW3', '%MD10', '%IX1.7', '%I*', '%QX2.1', undefined]);
  });

  it('initialisers: expressions, arrays with repetition, structs, arrays of structs', () => {
    expect(init('3 + 4')).toMatchObject({ kind: 'expr', expr: { kind: 'binary', op: '+' } });
    const a = init('[1, 2, 3(0), 2(TRUE), 4()]');
    if (a.kind !== 'array') throw new Error();
    expect(a.elements).toHaveLength(5);
    expect(a.elements[0]!.count).toBeUndefined();
    expect(a.elements[2]).toMatchObject({ count: { value: { value: 3n } }, value: { kind: 'expr', expr: { value: { value: 0n } } } });
    expect(a.elements[3]).toMatchObject({ count: { value: { value: 2n } }, value: { kind: 'expr', expr: { value: { value: true } } } });
    expect(a.elements[4]!.value).toBeUndefined();
    const s = init('(x := 1, y := (a := 2, b := [1, 2]))');
    if (s.kind !== 'struct') throw new Error();
    expect(s.fields.map((f) => f.name)).toEqual(['x', 'y']);
    expect(s.fields[1]!.value).toMatchObject({ kind: 'struct', fields: [{ name: 'a' }, { name: 'b', value: { kind: 'array' } }] });
    const as = init('[(x := 1), (x := 2)]');
    expect(as).toMatchObject({ kind: 'array', elements: [{ value: { kind: 'struct' } }, { value: { kind: 'struct' } }] });
    expect(init('(a + 1) * 2')).toMatchObject({ kind: 'expr', expr: { kind: 'binary', op: '*' } });
    expect(init('[2((x := 1))]')).toMatchObject({ kind: 'array', elements: [{ count: {}, value: { kind: 'struct' } }] });
  });

  it('FB instances, with initial parameters, and arrays of FBs', () => {
    const d = vars('t : TON; t2 : TON := (PT := T#5s); arr : ARRAY[1..3] OF TON;');
    expect(d[0]!.type).toMatchObject({ kind: 'named', name: 'TON' });
    expect(d[1]!.init).toMatchObject({ kind: 'struct', fields: [{ name: 'PT', value: { kind: 'expr', expr: { value: { type: 'time', ns: 5e9 } } } }] });
    expect(d[2]!.type).toMatchObject({ kind: 'array', element: { kind: 'named', name: 'TON' } });
  });
});

describe('types as written', () => {
  it('arrays: several dimensions, constant-expression bounds, [*]', () => {
    const t = type('ARRAY[1..10, -2..2, 0..N-1] OF INT');
    if (t.kind !== 'array') throw new Error();
    expect(t.dims.map((d) => [lit(d.lo), lit(d.hi)])).toEqual([['1', '10'], ['-2', '2'], ['0', '(- N 1)']]);
    expect(t.element).toMatchObject({ kind: 'named', name: 'INT' });
    const open = vars('a : ARRAY[*] OF INT;', 'VAR_IN_OUT')[0]!.type;
    expect(open).toMatchObject({ kind: 'array', dims: [{}] });
    expect(type('ARRAY[0..1] OF ARRAY[0..2] OF BOOL')).toMatchObject({ kind: 'array', element: { kind: 'array', element: { name: 'BOOL' } } });
  });

  it('strings, subranges, references, enums inline', () => {
    expect(type('STRING')).toMatchObject({ kind: 'string', wide: false });
    expect((type('STRING') as { length?: unknown }).length).toBeUndefined();
    expect(type('STRING[20]')).toMatchObject({ kind: 'string', wide: false, length: { value: { value: 20n } } });
    expect(type('STRING(20)')).toMatchObject({ kind: 'string', wide: false, length: { value: { value: 20n } } });
    expect(type('WSTRING[10]')).toMatchObject({ kind: 'string', wide: true });
    expect(type('INT(0..100)')).toMatchObject({ kind: 'subrange', base: 'INT', lo: { value: { value: 0n } }, hi: { value: { value: 100n } } });
    expect(type('SINT(-10..10)')).toMatchObject({ kind: 'subrange', base: 'SINT', lo: { value: { value: -10n } } });
    expect(type('REF_TO INT')).toMatchObject({ kind: 'ref', target: { kind: 'named', name: 'INT' } });
    expect(type('POINTER TO Pt')).toMatchObject({ kind: 'ref', target: { kind: 'named', name: 'Pt' } });
    expect(type('(A, B)')).toMatchObject({ kind: 'enum', values: [{ name: 'A' }, { name: 'B' }] });
  });

  it('TYPE blocks with several entries', () => {
    const r = parseClean(`TYPE
  Color : (Red, Green := 2, Blue) := Green;
  Level : INT := 5;
  Mode : INT (Idle := 0, Run := 10);
  Mode2 : (A := 1, B) DWORD;
  Pct : INT(0..100);
  Pt : STRUCT
    x : REAL := 1.0;
    y, z : REAL;
    inner : STRUCT a : INT; END_STRUCT;
  END_STRUCT;
  Pt3 EXTENDS Pt : STRUCT w : REAL; END_STRUCT
  Grid : ARRAY[1..10, -2..2] OF Pt;
  Name : STRING[20];
  PInt : REF_TO INT;
  Alias : Pt;
END_TYPE`);
    const t = Object.fromEntries(r.unit.types.map((d) => [d.name, d]));
    expect(Object.keys(t)).toEqual(['Color', 'Level', 'Mode', 'Mode2', 'Pct', 'Pt', 'Pt3', 'Grid', 'Name', 'PInt', 'Alias']);
    expect(t.Color!.type).toMatchObject({ kind: 'enum', values: [{ name: 'Red' }, { name: 'Green', value: { value: { value: 2n } } }, { name: 'Blue' }] });
    expect((t.Color!.type as { base?: string }).base).toBeUndefined();
    expect(t.Color!.init).toMatchObject({ kind: 'expr', expr: { kind: 'name', name: 'Green' } });
    expect(t.Level).toMatchObject({ kind: 'type', type: { kind: 'named', name: 'INT' }, init: { expr: { value: { value: 5n } } } });
    expect(t.Mode!.type).toMatchObject({ kind: 'enum', base: 'INT', values: [{ name: 'Idle' }, { name: 'Run' }] });
    expect(t.Mode2!.type).toMatchObject({ kind: 'enum', base: 'DWORD' });
    expect(t.Pct!.type).toMatchObject({ kind: 'subrange', base: 'INT' });
    const pt = t.Pt!.type;
    if (pt.kind !== 'struct') throw new Error();
    expect(pt.members.map((m) => m.name)).toEqual(['x', 'y', 'z', 'inner']);
    expect(pt.members[0]!.init).toMatchObject({ expr: { value: { value: 1 } } });
    expect(pt.members[3]!.type).toMatchObject({ kind: 'struct', members: [{ name: 'a' }] });
    expect(t.Pt3!.type).toMatchObject({ kind: 'struct', extends: 'Pt', members: [{ name: 'w' }] });
    expect(t.Grid!.type).toMatchObject({ kind: 'array' });
    expect(t.Name!.type).toMatchObject({ kind: 'string' });
    expect(t.PInt!.type).toMatchObject({ kind: 'ref' });
    expect(t.Alias!.type).toMatchObject({ kind: 'named', name: 'Pt' });
    expect(t.Color!.type.kind === 'enum' && t.Color!.type.values[1]!.range).toMatchObject({ line: 2, col: 17, endCol: 27 });
  });
});

describe('configurations', () => {
  it('CONFIGURATION with globals and a RESOURCE holding tasks and programs', () => {
    const r = parseClean(`CONFIGURATION Cell
  VAR_GLOBAL g : INT; trig : BOOL; h : BOOL; END_VAR
  RESOURCE R1 ON PLC
    VAR_GLOBAL rg : INT; END_VAR
    TASK fast (INTERVAL := T#10ms, PRIORITY := 1);
    TASK ev (SINGLE := trig, PRIORITY := 0);
    PROGRAM p1 WITH fast : Main;
    PROGRAM RETAIN p2 WITH ev : Main (IN := g, OUT => h);
    PROGRAM p3 : Main;
  END_RESOURCE
  RESOURCE R2 ON Other END_RESOURCE
END_CONFIGURATION`);
    const c = r.unit.configurations[0]!;
    expect(c).toMatchObject({ kind: 'configuration', name: 'Cell' });
    expect(c.globals[0]!.decls.map((d) => d.name)).toEqual(['g', 'trig', 'h']);
    expect(c.resources.map((x) => [x.name, x.on, x.implicit])).toEqual([['R1', 'PLC', undefined], ['R2', 'Other', undefined]]);
    const r1 = c.resources[0]!;
    expect(r1.globals[0]!.decls[0]!.name).toBe('rg');
    expect(r1.tasks[0]).toMatchObject({ name: 'fast', interval: { value: { type: 'time', ns: 10e6 } }, priority: { value: { value: 1n } } });
    expect(r1.tasks[0]!.single).toBeUndefined();
    expect(r1.tasks[1]).toMatchObject({ name: 'ev', single: { kind: 'name', name: 'trig' }, priority: { value: { value: 0n } } });
    expect(r1.programs.map((p) => [p.name, p.task, p.typeName, p.retain])).toEqual([
      ['p1', 'fast', 'Main', undefined],
      ['p2', 'ev', 'Main', 'RETAIN'],
      ['p3', undefined, 'Main', undefined],
    ]);
    expect(r1.programs[1]!.args).toMatchObject([
      { name: 'IN', output: false, value: { kind: 'name', name: 'g' } },
      { name: 'OUT', output: true, value: { kind: 'name', name: 'h' } },
    ]);
  });

  it('tasks and programs directly in the configuration make one implicit resource', () => {
    const r = parseClean(`CONFIGURATION Simple
  VAR_GLOBAL x : INT; END_VAR
  TASK t (INTERVAL := T#100ms, PRIORITY := 2);
  PROGRAM inst WITH t : Main;
END_CONFIGURATION`);
    const c = r.unit.configurations[0]!;
    expect(c.globals).toHaveLength(1);
    expect(c.resources).toHaveLength(1);
    expect(c.resources[0]).toMatchObject({ name: 'Simple', implicit: true, tasks: [{ name: 't' }], programs: [{ name: 'inst', task: 't', typeName: 'Main' }] });
  });
});
