import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootRequests, compileFile, fboot, startSystem, typeFolder } from '../../support/iec61499.js';
import { captureCli } from '../../support/cli-capture.js';
import { fbXml as fb, connectionXml as c } from '../../support/system-xml.js';
import { runCommand } from '../../../runtime/cli/run.js';
import { checkCommand } from '../../../runtime/cli/check.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';

const dir = mkdtempSync(join(tmpdir(), 'vplc-fct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const req = bootRequests('R');
const pad = (k: number) => String(k).padStart(2, '0');

/** Each SPLIT_* and ASSEMBLE_* pair: port prefix, count, a value of the whole. */
const CASES = [
  { whole: 'BYTE', parts: 'BOOLS', prefix: 'BIT', n: 8, value: 'BYTE#16#A5', expected: 0xa5 },
  { whole: 'WORD', parts: 'BOOLS', prefix: 'BIT', n: 16, value: 'WORD#16#8421', expected: 0x8421 },
  { whole: 'DWORD', parts: 'BOOLS', prefix: 'BIT', n: 32, value: 'DWORD#16#80C0FF01', expected: 0x80c0ff01 },
  { whole: 'LWORD', parts: 'BOOLS', prefix: 'BIT', n: 64, value: 'LWORD#16#8000F00D0000BEEF', expected: 0x8000f00d0000beefn },
  { whole: 'BYTE', parts: 'QUARTERS', prefix: 'QUARTER_BYTE', n: 4, value: 'BYTE#2#11100100', expected: 0b11100100 },
  { whole: 'WORD', parts: 'QUARTERS', prefix: 'QUARTER_BYTE', n: 8, value: 'WORD#16#E41B', expected: 0xe41b },
  { whole: 'DWORD', parts: 'QUARTERS', prefix: 'QUARTER_BYTE', n: 16, value: 'DWORD#16#C0FFEE27', expected: 0xc0ffee27 },
  { whole: 'LWORD', parts: 'QUARTERS', prefix: 'QUARTER_BYTE', n: 32, value: 'LWORD#16#FEDCBA9876543210', expected: 0xfedcba9876543210n },
  { whole: 'WORD', parts: 'BYTES', prefix: 'BYTE', n: 2, value: 'WORD#16#ABCD', expected: 0xabcd },
  { whole: 'DWORD', parts: 'WORDS', prefix: 'WORD', n: 2, value: 'DWORD#16#12345678', expected: 0x12345678 },
] as const;

describe("FORTE's ASSEMBLE_* functions, the result on the unnamed pin", () => {
  for (const k of CASES) {
    const assemble = `ASSEMBLE_${k.whole}_FROM_${k.parts}`;
    const split = `SPLIT_${k.whole}_INTO_${k.parts === 'BOOLS' ? 'BOOLS' : k.parts === 'QUARTERS' ? 'QUARTERS' : k.parts}`;
    it(`${assemble} inverts ${split}: split, assembled through \`A.\`, split again`, () => {
      const ports = Array.from({ length: k.n }, (_, i) => `${k.prefix}_${pad(i)}`);
      const text = fboot([
        req.fb('S', split), req.fb('A', assemble), req.fb('S2', split),
        req.write(k.value, 'S.IN'),
        req.conn('START.COLD', 'S.REQ'), req.conn('S.CNF', 'A.REQ'), req.conn('A.CNF', 'S2.REQ'),
        ...ports.map((p) => req.conn(`S.${p}`, `A.${p}`)),
        req.conn('A.', 'S2.IN'),
        req.start(),
      ]);
      const { res, outcome } = startSystem(typeFolder({}, 'vplc-fct-'), 't.fboot', text);
      expect(outcome.faults).toEqual([]);
      expect(res.read('A.')).toBe(k.expected);
      expect(res.read('S2.IN')).toBe(k.expected);
      expect(ports.map((p) => res.read(`S2.${p}`))).toEqual(ports.map((p) => res.read(`S.${p}`)));
    });
  }

  it('ASSEMBLE_DWORD_FROM_BYTES puts BYTE_00 lowest (checked through SPLIT_DWORD_INTO_WORDS)', () => {
    const text = fboot([
      req.fb('A', 'ASSEMBLE_DWORD_FROM_BYTES'), req.fb('S', 'SPLIT_DWORD_INTO_WORDS'),
      req.write('16#78', 'A.BYTE_00'), req.write('16#56', 'A.BYTE_01'), req.write('16#34', 'A.BYTE_02'), req.write('16#12', 'A.BYTE_03'),
      req.conn('START.COLD', 'A.REQ'), req.conn('A.CNF', 'S.REQ'), req.conn('A.', 'S.IN'), req.start(),
    ]);
    const { res, outcome } = startSystem(typeFolder({}, 'vplc-fct-'), 't.fboot', text);
    expect(outcome.faults).toEqual([]);
    expect(res.read('A.')).toBe(0x12345678);
    expect([res.read('S.WORD_00'), res.read('S.WORD_01')]).toEqual([0x5678, 0x1234]);
  });

  it('a quarter is ORed in whole, as FORTE does (no mask to its 2 bits)', () => {
    const text = fboot([
      req.fb('A', 'ASSEMBLE_BYTE_FROM_QUARTERS'), req.write('1', 'A.QUARTER_BYTE_00'), req.write('16#FF', 'A.QUARTER_BYTE_01'),
      req.conn('START.COLD', 'A.REQ'), req.start(),
    ]);
    const { res } = startSystem(typeFolder({}, 'vplc-fct-'), 't.fboot', text);
    expect(res.read('A.')).toBe(0xfd);
  });

  it('a connection to a pin that does not exist is still an error with its line', () => {
    const text = fboot([req.fb('A', 'ASSEMBLE_WORD_FROM_BYTES'), req.fb('S', 'SPLIT_WORD_INTO_BYTES'), req.conn('A.OUT', 'S.IN'), req.start()]);
    const r = compileFile(typeFolder({}, 'vplc-fct-'), 't.fboot', text);
    const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    expect(errors.length).toBe(1);
    expect(errors[0]).toMatch(/t\.fboot:3:\d+: error E4005: .*A\.OUT/);
  });
});

describe('F_NOW, F_NOW_MONOTONIC and TIMESTAMP_NS on the resource clock', () => {
  /** E_CYCLE every 250 ms → N (F_NOW) → M (F_NOW_MONOTONIC) → T (TIMESTAMP_NS); types as 4diac names them. */
  const clockSys = (types: { now: string; mono: string }) => `<?xml version="1.0" encoding="UTF-8"?>
<System Name="Clock">
<Application Name="A"><SubAppNetwork/></Application>
<Device Name="D" Type="FORTE_PC"><Resource Name="RES" Type="EMB_RES"><FBNetwork>
${fb('C', 'E_CYCLE', { DT: 'T#250ms' })}${fb('N', types.now)}${fb('M', types.mono)}${fb('T', 'TIMESTAMP_NS')}${fb('T2', 'TIMESTAMP_NS', { startDate: 'DT#1970-01-01-00:00:00.5' })}${fb('TOD', 'F_DT_TO_TOD')}
<EventConnections>${c('START.COLD', 'C.START')}${c('C.EO', 'N.REQ')}${c('N.CNF', 'M.REQ')}${c('M.CNF', 'T.REQ')}${c('T.CNF', 'T2.REQ')}${c('T2.CNF', 'TOD.REQ')}</EventConnections>
<DataConnections>${c('N.', 'TOD.IN')}</DataConnections>
</FBNetwork></Resource></Device>
</System>
`;

  it('under --virtual-time: DT#1970-01-01 plus the resource time, the same on every run (package-qualified types)', async () => {
    const path = join(dir, 'clock.sys');
    writeFileSync(path, clockSys({ now: 'utils::timing::F_NOW', mono: 'utils::timing::F_NOW_MONOTONIC' }));
    const run = async () => {
      const r = await captureCli(runCommand, [path, '--virtual-time', '--duration', '1100ms', '--json']);
      expect(r.code).toBe(0);
      return JSON.parse(r.out) as { vars: Record<string, unknown> };
    };
    const a = await run();
    // four ticks of E_CYCLE: 250, 500, 750, 1000 ms
    expect(a.vars['D.RES.N.']).toBe(1000);
    expect(a.vars['D.RES.M.']).toBe('T#1s');
    expect(a.vars['D.RES.T.']).toBe('1000000000');
    expect(a.vars['D.RES.T2.']).toBe('500000000');
    expect(a.vars['D.RES.TOD.OUT']).toBe(1_000_000_000);
    expect((await run()).vars).toEqual(a.vars);
  });

  it('on the real clock F_NOW is the wall clock and TIMESTAMP_NS the Unix time in ns', async () => {
    const path = join(dir, 'clock-real.sys');
    writeFileSync(path, clockSys({ now: 'F_NOW', mono: 'F_NOW_MONOTONIC' }));
    const before = Date.now();
    const r = await captureCli(runCommand, [path, '--duration', '600ms', '--json']);
    const after = Date.now();
    expect(r.code).toBe(0);
    const vars = (JSON.parse(r.out) as { vars: Record<string, unknown> }).vars;
    const now = vars['D.RES.N.'] as number;
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
    const ns = BigInt(vars['D.RES.T.'] as string);
    expect(ns / 1_000_000n).toBeGreaterThanOrEqual(BigInt(before));
    expect(ns / 1_000_000n).toBeLessThanOrEqual(BigInt(after));
  });

  it('a package that does not declare the type is an unknown type (E4003 with file:line:col)', async () => {
    const path = join(dir, 'clock-bad.sys');
    writeFileSync(path, clockSys({ now: 'utils::other::F_NOW', mono: 'utils::timing::F_NOW_MONOTONIC' }));
    const r = await captureCli(async (a) => checkCommand(a), [path]);
    expect(r.code).not.toBe(0);
    expect(r.out + r.err).toMatch(/clock-bad\.sys:5:\d+: error E4003: .*utils::other::F_NOW/);
  });

  it('a .fboot names them as the IDE deploys them to FORTE (utils__timing__F_NOW)', () => {
    const text = fboot([
      req.fb('N', 'utils__timing__F_NOW'), req.fb('M', 'utils__timing__F_NOW_MONOTONIC'), req.fb('TOD', 'F_DT_TO_TOD'),
      req.conn('START.COLD', 'N.REQ'), req.conn('N.CNF', 'M.REQ'), req.conn('M.CNF', 'TOD.REQ'), req.conn('N.', 'TOD.IN'), req.start(),
    ]);
    const { res, outcome } = startSystem(typeFolder({}, 'vplc-fct-'), 't.fboot', text);
    expect(outcome.faults).toEqual([]);
    expect(typeof res.read('N.')).toBe('number');
    expect(res.read('M.')).toBe(0);
  });
});

/** An application's own function as 4diac saves it (.fct in its type library, ST body). */
const SCALE_FCT = `<?xml version="1.0" encoding="UTF-8"?>
<Function Name="SCALE_PCT" Comment="a percentage of a range">
	<Identification Standard="61499-1"/>
	<CompilerInfo packageName="app::maths"/>
	<InterfaceList>
		<EventInputs>
			<Event Name="REQ" Type="Event"><With Var="IN"/><With Var="MAX"/></Event>
		</EventInputs>
		<EventOutputs>
			<Event Name="CNF" Type="Event"><With Var=""/><With Var="CLIPPED"/></Event>
		</EventOutputs>
		<InputVars>
			<VarDeclaration Name="IN" Type="REAL"/>
			<VarDeclaration Name="MAX" Type="REAL" InitialValue="100.0"/>
		</InputVars>
		<OutputVars>
			<VarDeclaration Name="" Type="REAL"/>
			<VarDeclaration Name="CLIPPED" Type="BOOL"/>
		</OutputVars>
	</InterfaceList>
	<FunctionBody>
		<ST><![CDATA[PACKAGE app::maths;

(* this Function gives IN as a percentage of MAX, clipped to 0..100 *)
FUNCTION SCALE_PCT : REAL
VAR_INPUT
	IN : REAL;
	MAX : REAL := 100.0;
END_VAR
VAR_OUTPUT
	CLIPPED : BOOL;
END_VAR
VAR_TEMP
	pct : REAL;
END_VAR
pct := IN / MAX * 100.0;
CLIPPED := pct > 100.0 OR pct < 0.0;
SCALE_PCT := LIMIT(0.0, pct, 100.0);
END_FUNCTION
]]></ST>
	</FunctionBody>
</Function>
`;

describe("an application's own .fct functions", () => {
  const app = (type: string, input: string) => fboot([
    req.fb('F', type), req.fb('B', 'REAL2REAL'), req.write(input, 'F.IN'), req.write('200.0', 'F.MAX'),
    req.conn('START.COLD', 'F.REQ'), req.conn('F.CNF', 'B.REQ'), req.conn('F.', 'B.IN'), req.start(),
  ]);

  it('runs its ST body on REQ: the result on `F.`, its other outputs by name; package-qualified or plain', () => {
    for (const type of ['SCALE_PCT', 'app__maths__SCALE_PCT']) {
      const { res, outcome } = startSystem(typeFolder({ 'SCALE_PCT.fct': SCALE_FCT }), 't.fboot', app(type, '50.0'));
      expect(outcome.faults).toEqual([]);
      expect(res.read('F.')).toBe(25);
      expect(res.read('B.OUT')).toBe(25);
      expect(res.read('F.CLIPPED')).toBe(false);
    }
    const { res } = startSystem(typeFolder({ 'SCALE_PCT.fct': SCALE_FCT }), 't.fboot', app('SCALE_PCT', '500.0'));
    expect(res.read('F.')).toBe(100);
    expect(res.read('F.CLIPPED')).toBe(true);
  });

  it('an error in its body points into the .fct (file:line:col)', () => {
    const bad = SCALE_FCT.replace('pct := IN / MAX * 100.0;', 'pct := IN / NOPE * 100.0;');
    const folder = typeFolder({ 'SCALE_PCT.fct': bad });
    const r = compileFile(folder, 't.fboot', app('SCALE_PCT', '1.0'));
    const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatch(/SCALE_PCT\.fct:36:\d+: error E\d+: .*NOPE/);
  });

  it('a body whose FUNCTION is not the file\'s function is refused with its position', () => {
    const bad = SCALE_FCT.replace('FUNCTION SCALE_PCT : REAL', 'FUNCTION OTHER : REAL');
    const r = compileFile(typeFolder({ 'SCALE_PCT.fct': bad }), 't.fboot', app('SCALE_PCT', '1.0'));
    const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
    expect(errors[0]).toMatch(/SCALE_PCT\.fct:25:1: error E4013: .*OTHER/);
  });

  it('names global constants of the application\'s .gcf files, as 4diac\'s libraries do', () => {
    const gcf = `<?xml version="1.0" encoding="UTF-8"?>
<GlobalConstants Name="limits" Comment="Global constants">
	<Identification Standard="61499-1"/>
	<GlobalConstants>
		<VarDeclaration Name="PCT_FULL" Type="REAL" InitialValue="100.0"/>
		<VarDeclaration Name="UNUSED_HERE" Type="INT" InitialValue="7"/>
	</GlobalConstants>
</GlobalConstants>
`;
    const fct = SCALE_FCT.replace('SCALE_PCT := LIMIT(0.0, pct, 100.0);', 'SCALE_PCT := LIMIT(0.0, pct, PCT_FULL);');
    const { res, outcome } = startSystem(typeFolder({ 'lib/SCALE_PCT.fct': fct, 'lib/const/limits.gcf': gcf }), 't.sys', `<?xml version="1.0" encoding="UTF-8"?>
<System Name="S"><Application Name="A"><SubAppNetwork/></Application>
<Device Name="D" Type="FORTE_PC"><Resource Name="RES" Type="EMB_RES"><FBNetwork>
${fb('F', 'app::maths::SCALE_PCT', { IN: '300.0', MAX: '200.0' })}
<EventConnections>${c('START.COLD', 'F.REQ')}</EventConnections>
</FBNetwork></Resource></Device></System>
`);
    expect(outcome.faults).toEqual([]);
    expect(res.read('F.')).toBe(100);
    expect(res.read('F.CLIPPED')).toBe(true);
  });
});
