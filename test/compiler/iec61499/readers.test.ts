import { describe, expect, it } from 'vitest';
import { compileSources } from '../../../compiler/project.js';
import { parseXml } from '../../../compiler/iec61499/xml.js';
import { splitCondition } from '../../../compiler/iec61499/condition.js';
import { readLibraryFile } from '../../../compiler/iec61499/type-reader.js';
import { parseDuration, parseLiteral } from '../../../compiler/iec61499/literal.js';
import { formatDiagnostic, type Diagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile61499 } from '../../../compiler/iec61499/project.js';
import { compileFile, runnerOf, typeFolder as folder } from '../../support/iec61499.js';

/** A file of ./fixtures: its path and text. */
const fixture = (name: string) => {
  const path = fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
  return { path, text: readFileSync(path, 'utf8') };
};

/** Compile a fixture .sys (its types are found beside it), run it to time 0. */
function startFixture(name: string) {
  const runner = runnerOf(compile61499([fixture(name)], { stCompiler: (s, o) => compileSources(s, o) }));
  return { runner, outcome: runner.runUntil(0) };
}

const COUNTER2 = fixture('demo/types/COUNTER2.fbt').text;
const PAIR = fixture('demo/types/PAIR.fbt').text;
const SYS = fixture('demo/demo.sys').text;

describe('4diac XML reading', () => {
  it('finds element positions in the raw text', () => {
    const x = parseXml('a.fbt', '<?xml version="1.0"?>\n<!-- <X> -->\n<A n="<">\n  <B/><![CDATA[<C>]]>\n  <D/>\n</A>');
    expect(x.ok).toBe(true);
    if (!x.ok) return;
    const pos = (o: number) => x.file.position(o);
    expect(pos(x.root.offset)).toEqual({ line: 3, col: 1 });
    expect(x.root.children.map((c) => [c.name, pos(c.offset)])).toEqual([['B', { line: 4, col: 3 }], ['D', { line: 5, col: 3 }]]);
  });

  it('reports malformed XML with its line', () => {
    const d: Diagnostic[] = [];
    readLibraryFile('bad.fbt', '<FBType Name="X">\n  <InterfaceList>\n</FBType>\n', d);
    expect(d.map(formatDiagnostic)).toEqual([expect.stringMatching(/^bad\.fbt:3:\d+: error E4001: /)]);
  });

  it('splits transition conditions in both 4diac notations', () => {
    const ev = (n: string) => ['REQ', 'EI', 'adp.CNF'].includes(n);
    expect(splitCondition('REQ[x < 10]', ev)).toEqual({ event: 'REQ', guard: 'x < 10' });
    expect(splitCondition('EI&(NOT G)', ev)).toEqual({ event: 'EI', guard: '(NOT G)' });
    expect(splitCondition('adp.CNF', ev)).toEqual({ event: 'adp.CNF' });
    expect(splitCondition('1', ev)).toEqual({});
    expect(splitCondition('N >= LIMIT', ev)).toEqual({ guard: 'N >= LIMIT' });
  });

  it('parses parameter literals', () => {
    expect(parseDuration('1s500ms')).toBe(1_500_000_000);
    expect(parseLiteral('TIME', 'T#100ms')).toBe(100_000_000);
    expect(parseLiteral('INT', 'INT#-5')).toBe(-5);
    expect(parseLiteral('WORD', '16#AFFE')).toBe(0xaffe);
    expect(parseLiteral('LINT', '9007199254740993')).toBe(9007199254740993n);
    expect(parseLiteral('BOOL', '1')).toBe(true);
    expect(parseLiteral('STRING', "'a$'b'")).toBe("a'b");
    expect(() => parseLiteral('SINT', '300')).toThrow(/out of range/);
  });
});

describe('4diac systems', () => {
  it('runs a .sys with a composite FB and an inline subapplication, flattened', () => {
    const { runner, outcome: out } = startFixture('demo/demo.sys');
    const v = runner.snapshotVars();
    // two actions in INC: N goes 0 → 2 per REQ; the CNF is queued between them but samples later
    expect(v['PLC.R1.P.A.N']).toBe(2);
    expect(v['PLC.R1.P.A.steps']).toBe(2);
    expect(v['PLC.R1.P.B.N']).toBe(2);
    expect(v['PLC.R1.P.A.LIMIT']).toBe(100);
    expect(v['PLC.R1.S.C.CV']).toBe(1);
    // START.COLD→A.REQ, A.CNF→B.REQ, B.CNF→S.C.CU
    expect(out.events).toBe(3);
  });

  it('reports an ST error in an algorithm at its line in the .fbt', () => {
    const broken = COUNTER2.replace('N := N + one;', 'N := N + undefinedVar;');
    const dir = folder({ 'COUNTER2.fbt': broken });
    const boot = 'R;<Request ID="1" Action="CREATE"><FB Name="X" Type="COUNTER2"/></Request>\n';
    const r = compileFile(dir, 'a.fboot', boot);
    const line = broken.split('\n').findIndex((l) => l.includes('undefinedVar')) + 1;
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([expect.stringMatching(new RegExp(`COUNTER2\\.fbt:${line}:\\d+: error E2001: .*undefinedVar`, 'i'))]);
  });

  it('reports dangling connections and type mismatches with their lines', () => {
    const sys = SYS.replace('<Connection Source="P.CNF" Destination="S.GO"/>', '<Connection Source="P.CNF" Destination="S.NOPE"/>\n          <Connection Source="P.OUT" Destination="K.G"/>')
      .replace('<SubApp Name="S">', '<FB Name="K" Type="E_SWITCH"/>\n        <SubApp Name="S">');
    const r = compileFile(folder({ 'COUNTER2.fbt': COUNTER2, 'PAIR.fbt': PAIR }), 'demo.sys', sys);
    const lines = sys.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s)) + 1;
    expect(r.application).toBeUndefined();
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(new RegExp(`demo\\.sys:${at('S.NOPE')}:\\d+: error E4005: .*S\\.NOPE does not exist`)),
      // an INT output to a BOOL input: no conversion IEC or FORTE makes on a connection
      expect.stringMatching(new RegExp(`demo\\.sys:${at('K.G')}:\\d+: error E4006: .*INT.*BOOL`)),
    ]);
  });

  it('reports an unknown type and a malformed boot line without crashing', () => {
    const boot = 'R;<Request ID="1" Action="CREATE"><FB Name="X" Type="NOPE"/></Request>\nR;<Request ID="2" Action="CREATE"><FB Name="Y"\n';
    const r = compileFile(folder(), 'b.fboot', boot);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      expect.stringMatching(/b\.fboot:1:\d+: error E4003: unknown FB type NOPE/),
      expect.stringMatching(/b\.fboot:2:3: error E4008: malformed request: unclosed tags <Request>, <FB>/),
    ]);
  });
});

describe('4diac adapters', () => {
  it('a socket asks through its adapter, the plug answers, data shared between them', () => {
    const { runner, outcome: out } = startFixture('adapters/adapters.sys');
    expect(runner.snapshotVars()['D.R.C.OUT']).toBe(49);
    // START.COLD→C.REQ, C.srv.REQ→S.cli.REQ, S.cli.CNF→C.srv.CNF
    expect(out.events).toBe(3);
  });
});
