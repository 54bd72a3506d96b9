import type { FbTypeDeclaration } from './model.js';
import { simpleFb, type Port } from './simple-fb.js';
import { FORTE_FUNCTION_BLOCKS } from './functions-forte.js';

/**
 * 4diac's IEC 61131 function FBs (F_ADD, F_EQ, F_INT_TO_DINT, INT2INT, FB_TON …) as simple
 * FBs: one event REQ sampling every input, one algorithm REQ in ST, one event CNF publishing
 * every output. Declared as a table because there are hundreds of them; each entry is what a
 * 4diac SimpleFB .fbt would say.
 */

const list: FbTypeDeclaration[] = [];
const add = (fb: FbTypeDeclaration): void => void list.push(fb);

// arithmetic
for (const [op, sym, ty] of [['ADD', '+', 'ANY_MAGNITUDE'], ['SUB', '-', 'ANY_MAGNITUDE'], ['MUL', '*', 'ANY_NUM']] as const) {
  add(simpleFb(`F_${op}`, [['IN1', ty], ['IN2', ty]], [['OUT', ty]], `OUT := IN1 ${sym} IN2;`));
}
// FORTE answers a division by zero with 0 (and a log line) instead of stopping the resource
add(simpleFb('F_DIV', [['IN1', 'ANY_NUM'], ['IN2', 'ANY_NUM']], [['OUT', 'ANY_NUM']], 'IF IN2 = ZERO THEN OUT := ZERO; ELSE OUT := IN1 / IN2; END_IF;', [['ZERO', 'ANY_NUM']]));
add(simpleFb('F_ADD_3', [['IN1', 'ANY_MAGNITUDE'], ['IN2', 'ANY_MAGNITUDE'], ['IN3', 'ANY_MAGNITUDE']], [['OUT', 'ANY_MAGNITUDE']], 'OUT := IN1 + IN2 + IN3;'));
add(simpleFb('F_MOD', [['IN1', 'ANY_INT'], ['IN2', 'ANY_INT']], [['OUT', 'ANY_NUM']], 'IF IN2 = 0 THEN OUT := 0; ELSE OUT := IN1 MOD IN2; END_IF;'));
add(simpleFb('F_EXPT', [['IN1', 'ANY_REAL'], ['IN2', 'ANY_REAL']], [['OUT', 'ANY_REAL']], 'OUT := IN1 ** IN2;'));
add(simpleFb('F_MOVE', [['IN', 'ANY']], [['OUT', 'ANY']], 'OUT := IN;'));

// comparison
for (const [op, sym] of [['EQ', '='], ['NE', '<>'], ['LT', '<'], ['LE', '<='], ['GT', '>'], ['GE', '>=']] as const) {
  add(simpleFb(`F_${op}`, [['IN1', 'ANY_ELEMENTARY'], ['IN2', 'ANY_ELEMENTARY']], [['OUT', 'BOOL']], `OUT := IN1 ${sym} IN2;`));
}

// selection
add(simpleFb('F_SEL', [['G', 'BOOL'], ['IN0', 'ANY'], ['IN1', 'ANY']], [['OUT', 'ANY']], 'OUT := SEL(G, IN0, IN1);'));
add(simpleFb('F_MAX', [['IN1', 'ANY_ELEMENTARY'], ['IN2', 'ANY_ELEMENTARY']], [['OUT', 'ANY_ELEMENTARY']], 'OUT := MAX(IN1, IN2);'));
add(simpleFb('F_MIN', [['IN1', 'ANY_ELEMENTARY'], ['IN2', 'ANY_ELEMENTARY']], [['OUT', 'ANY_ELEMENTARY']], 'OUT := MIN(IN1, IN2);'));
add(simpleFb('F_LIMIT', [['MN', 'ANY_ELEMENTARY'], ['IN', 'ANY_ELEMENTARY'], ['MX', 'ANY_ELEMENTARY']], [['OUT', 'ANY_ELEMENTARY']], 'OUT := LIMIT(MN, IN, MX);'));
// K out of range: FORTE logs it and outputs the type's default value; the chain goes on
add(simpleFb('F_MUX_2', [['K', 'ANY_INT'], ['IN1', 'ANY'], ['IN2', 'ANY']], [['OUT', 'ANY']],
  'CASE K OF 0: OUT := IN1; 1: OUT := IN2; ELSE OUT := DEFAULT; END_CASE;', [['DEFAULT', 'ANY']]));

// bitwise
add(simpleFb('F_NOT', [['IN', 'ANY_BIT']], [['OUT', 'ANY_BIT']], 'OUT := NOT IN;'));
for (const op of ['AND', 'OR', 'XOR']) {
  add(simpleFb(`F_${op}`, [['IN1', 'ANY_BIT'], ['IN2', 'ANY_BIT']], [['OUT', 'ANY_BIT']], `OUT := IN1 ${op} IN2;`));
  add(simpleFb(`F_${op}_3`, [['IN1', 'ANY_BIT'], ['IN2', 'ANY_BIT'], ['IN3', 'ANY_BIT']], [['OUT', 'ANY_BIT']], `OUT := IN1 ${op} IN2 ${op} IN3;`));
}
for (const op of ['SHL', 'SHR', 'ROL', 'ROR']) {
  add(simpleFb(`F_${op}`, [['IN', 'ANY_BIT'], ['N', 'ANY_INT']], [['OUT', 'ANY_BIT']], `OUT := ${op}(IN, N);`));
}

// numerical
add(simpleFb('F_ABS', [['IN', 'ANY_NUM']], [['OUT', 'ANY_NUM']], 'OUT := ABS(IN);'));
for (const f of ['SQRT', 'LN', 'LOG', 'EXP', 'SIN', 'COS', 'TAN', 'ASIN', 'ACOS', 'ATAN']) {
  add(simpleFb(`F_${f}`, [['IN', 'ANY_REAL']], [['OUT', 'ANY_REAL']], `OUT := ${f}(IN);`));
}

// conversions F_<T>_TO_<U> and pass-throughs <T>2<T>
const NUMERIC = ['BOOL', 'SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT', 'BYTE', 'WORD', 'DWORD', 'LWORD', 'REAL', 'LREAL'];
for (const t of NUMERIC) {
  for (const u of [...NUMERIC, 'STRING', 'WSTRING']) {
    if (t === u || u === 'BOOL') continue;
    add(simpleFb(`F_${t}_TO_${u}`, [['IN', t]], [['OUT', u]], `OUT := ${t}_TO_${u}(IN);`));
  }
}
for (const t of [...NUMERIC, 'STRING', 'WSTRING', 'TIME']) add(simpleFb(`${t}2${t}`, [['IN', t]], [['OUT', t]], 'OUT := IN;'));

// 61131 function blocks wrapped for events
add(simpleFb('FB_R_TRIG', [['CLK', 'BOOL']], [['Q', 'BOOL']], 'Q := CLK AND NOT M; M := CLK;', [['M', 'BOOL']]));
add(simpleFb('FB_F_TRIG', [['CLK', 'BOOL']], [['Q', 'BOOL']], 'Q := NOT CLK AND NOT M; M := NOT CLK;', [['M', 'BOOL']]));
add(simpleFb('FB_SR', [['S1', 'BOOL'], ['R', 'BOOL']], [['Q1', 'BOOL']], 'Q1 := S1 OR (NOT R AND Q1);'));
add(simpleFb('FB_RS', [['S', 'BOOL'], ['R1', 'BOOL']], [['Q1', 'BOOL']], 'Q1 := NOT R1 AND (S OR Q1);'));
for (const t of ['', '_DINT', '_LINT', '_UDINT', '_ULINT']) {
  const ty = t === '' ? 'INT' : t.slice(1);
  add(simpleFb(`FB_CTU${t}`, [['CU', 'BOOL'], ['R', 'BOOL'], ['PV', ty]], [['Q', 'BOOL'], ['CV', ty]],
    'IF R THEN CV := 0; ELSIF CU AND NOT CUM THEN CV := CV + 1; END_IF; CUM := CU; Q := CV >= PV;', [['CUM', 'BOOL']]));
  add(simpleFb(`FB_CTD${t}`, [['CD', 'BOOL'], ['LD', 'BOOL'], ['PV', ty]], [['Q', 'BOOL'], ['CV', ty]],
    'IF LD THEN CV := PV; ELSIF CD AND NOT CDM THEN CV := CV - 1; END_IF; CDM := CD; Q := CV <= 0;', [['CDM', 'BOOL']]));
  add(simpleFb(`FB_CTUD${t}`, [['CU', 'BOOL'], ['CD', 'BOOL'], ['R', 'BOOL'], ['LD', 'BOOL'], ['PV', ty]], [['QU', 'BOOL'], ['QD', 'BOOL'], ['CV', ty]],
    'IF R THEN CV := 0; ELSIF LD THEN CV := PV; ELSE IF CU AND NOT CUM THEN CV := CV + 1; END_IF; IF CD AND NOT CDM THEN CV := CV - 1; END_IF; END_IF; CUM := CU; CDM := CD; QU := CV >= PV; QD := CV <= 0;',
    [['CUM', 'BOOL'], ['CDM', 'BOOL']]));
}
for (const t of ['TON', 'TOF', 'TP']) {
  add(simpleFb(`FB_${t}`, [['IN', 'BOOL'], ['PT', 'TIME']], [['Q', 'BOOL'], ['ET', 'TIME']], `T(IN := IN, PT := PT); Q := T.Q; ET := T.ET;`, [['T', t]]));
}

// strings: positions and lengths are ANY_INT, as in 4diac's declarations
const S = 'ANY_STRING';
const I = 'ANY_INT';
add(simpleFb('F_CONCAT', [['IN1', S], ['IN2', S]], [['OUT', S]], 'OUT := CONCAT(IN1, IN2);'));
add(simpleFb('F_LEN', [['IN', S]], [['OUT', I]], 'OUT := LEN(IN);'));
add(simpleFb('F_LEFT', [['IN', S], ['L', I]], [['OUT', S]], 'OUT := LEFT(IN, L);'));
add(simpleFb('F_RIGHT', [['IN', S], ['L', I]], [['OUT', S]], 'OUT := RIGHT(IN, L);'));
add(simpleFb('F_MID', [['IN', S], ['L', I], ['P', I]], [['OUT', S]], 'OUT := MID(IN, L, P);'));
add(simpleFb('F_INSERT', [['IN1', S], ['IN2', S], ['P', I]], [['OUT', S]], 'OUT := INSERT(IN1, IN2, P);'));
add(simpleFb('F_DELETE', [['IN', S], ['L', I], ['P', I]], [['OUT', S]], 'OUT := DELETE(IN, L, P);'));
add(simpleFb('F_REPLACE', [['IN1', S], ['IN2', S], ['L', I], ['P', I]], [['OUT', S]], 'OUT := REPLACE(IN1, IN2, L, P);'));
add(simpleFb('F_FIND', [['IN1', S], ['IN2', S]], [['OUT', I]], 'OUT := FIND(IN1, IN2);'));

// BCD: the standard's *_TO_BCD gives a DWORD, narrowed to the declared bit string
for (const [bits, int] of [['BYTE', 'USINT'], ['WORD', 'UINT'], ['DWORD', 'UDINT'], ['LWORD', 'ULINT']] as const) {
  // FORTE decodes nibble by nibble without rejecting digits above 9 (16#FF gives 165)
  add(simpleFb(`F_${bits}_BCD_TO_${int}`, [['IN', bits]], [['OUT', int]],
    `V := ${bits}_TO_ULINT(IN); R := 0; M := 1; WHILE V > 0 DO R := R + (V MOD 16) * M; V := V / 16; M := M * 10; END_WHILE; OUT := ULINT_TO_${int}(R);`,
    [['V', 'ULINT'], ['R', 'ULINT'], ['M', 'ULINT']]));
  if (bits === 'LWORD') {
    // the ST library's *_TO_BCD yields a DWORD: 16 digits are packed here
    add(simpleFb(`F_${int}_TO_BCD_${bits}`, [['IN', int]], [['OUT', bits]],
      'V := IN; K := 0; OUT := 0; WHILE V > 0 DO OUT := OUT OR SHL(ULINT_TO_LWORD(V MOD 10), K * 4); V := V / 10; K := K + 1; END_WHILE;',
      [['V', 'ULINT'], ['K', 'INT']]));
    continue;
  }
  const wide = bits === 'DWORD' ? `${int}_TO_BCD(IN)` : `TO_${bits}(${int}_TO_BCD(IN))`;
  add(simpleFb(`F_${int}_TO_BCD_${bits}`, [['IN', int]], [['OUT', bits]], `OUT := ${wide};`));
}

// date and time arithmetic (IEC 61131-3 table 30)
const DT = 'DATE_AND_TIME';
const TOD = 'TIME_OF_DAY';
for (const [name, a, b, r] of [
  ['ADD_DT_TIME', DT, 'TIME', DT], ['ADD_TOD_TIME', TOD, 'TIME', TOD], ['SUB_DT_TIME', DT, 'TIME', DT], ['SUB_TOD_TIME', TOD, 'TIME', TOD],
  ['SUB_DATE_DATE', 'DATE', 'DATE', 'TIME'], ['SUB_TOD_TOD', TOD, TOD, 'TIME'], ['SUB_DT_DT', DT, DT, 'TIME'], ['CONCAT_DATE_TOD', 'DATE', TOD, DT],
] as const) {
  add(simpleFb(`F_${name}`, [['IN1', a], ['IN2', b]], [['OUT', r]], `OUT := ${name}(IN1, IN2);`));
}
add(simpleFb('F_MULTIME', [['IN1', 'TIME'], ['IN2', 'ANY_NUM']], [['OUT', 'TIME']], 'OUT := MUL_TIME(IN1, IN2);'));
// a zero divisor gives T#0s, as F_DIV gives 0, instead of a duration that is not one
add(simpleFb('F_DIVTIME', [['IN1', 'TIME'], ['IN2', 'ANY_NUM']], [['OUT', 'TIME']], 'IF IN2 = 0 THEN OUT := T#0s; ELSE OUT := DIV_TIME(IN1, IN2); END_IF;'));
add(simpleFb('F_DT_TO_DATE', [['IN', DT]], [['OUT', 'DATE']], 'OUT := DT_TO_DATE(IN);'));
add(simpleFb('F_DT_TO_TOD', [['IN', DT]], [['OUT', TOD]], 'OUT := DT_TO_TOD(IN);'));
add(simpleFb('F_TRUNC', [['IN', 'ANY_REAL']], [['OUT', 'ANY_INT']], 'OUT := TRUNC(IN);'));

// conversions from and to character strings and TIME
for (const t of ['STRING', 'WSTRING']) {
  for (const u of [...NUMERIC, 'TIME', t === 'STRING' ? 'WSTRING' : 'STRING']) {
    add(simpleFb(`F_${t}_TO_${u}`, [['IN', t]], [['OUT', u]], `OUT := ${t}_TO_${u}(IN);`));
  }
  add(simpleFb(`F_TIME_TO_${t}`, [['IN', 'TIME']], [['OUT', t]], `OUT := TIME_TO_${t}(IN);`));
}

// FORTE's F_TIME_IN_<unit>_TO_<type>: a duration counted in a unit (whole units for integers);
// TIME_TO_LINT counts milliseconds, the rest below a millisecond is scaled up separately
const SUB_MS = 'R := IN - LINT_TO_TIME(TIME_TO_LINT(IN));';
for (const [unit, lint, lreal] of [
  ['S', 'V := TIME_TO_LINT(IN) / 1000;', 'OUT := TIME_TO_LREAL(IN) / 1000.0;'],
  ['MS', 'V := TIME_TO_LINT(IN);', 'OUT := TIME_TO_LREAL(IN);'],
  ['US', `${SUB_MS} V := TIME_TO_LINT(IN) * 1000 + TIME_TO_LINT(MUL_TIME(R, 1000));`, 'OUT := TIME_TO_LREAL(IN) * 1000.0;'],
  ['NS', `${SUB_MS} V := TIME_TO_LINT(IN) * 1000000 + TIME_TO_LINT(MUL_TIME(R, 1000000));`, 'OUT := TIME_TO_LREAL(IN) * 1000000.0;'],
] as const) {
  const tmp: Port[] = [['V', 'LINT'], ['R', 'TIME']];
  add(simpleFb(`F_TIME_IN_${unit}_TO_LINT`, [['IN', 'TIME']], [['OUT', 'LINT']], `${lint} OUT := V;`, tmp));
  add(simpleFb(`F_TIME_IN_${unit}_TO_ULINT`, [['IN', 'TIME']], [['OUT', 'ULINT']], `${lint} OUT := LINT_TO_ULINT(V);`, tmp));
  add(simpleFb(`F_TIME_IN_${unit}_TO_LREAL`, [['IN', 'TIME']], [['OUT', 'LREAL']], lreal));
  // FORTE casts the 64-bit count to the 32-bit type: the low bits are kept, as LINT_TO_DINT does
  for (const u of ['DINT', 'UDINT']) add(simpleFb(`F_TIME_IN_${unit}_TO_${u}`, [['IN', 'TIME']], [['OUT', u]], `${lint} OUT := LINT_TO_${u}(V);`, tmp));
}

// FORTE's INT2UINT and UINT2INT: the bit pattern carried over, as the conversion functions do
add(simpleFb('INT2UINT', [['IN', 'INT']], [['OUT', 'UINT']], 'OUT := INT_TO_UINT(IN);'));
add(simpleFb('UINT2INT', [['IN', 'UINT']], [['OUT', 'INT']], 'OUT := UINT_TO_INT(IN);'));

// FORTE's SPLIT_<bits>_INTO_QUARTERS: each 2-bit quarter of IN as a BYTE, QUARTER_BYTE_00 the lowest
for (const [bits, n] of [['BYTE', 4], ['WORD', 8], ['DWORD', 16], ['LWORD', 32]] as const) {
  const outs: Port[] = Array.from({ length: n }, (_, k) => [`QUARTER_BYTE_${String(k).padStart(2, '0')}`, 'BYTE']);
  const body = outs.map(([o], k) => `${o} := ${bits === 'BYTE' ? '' : `${bits}_TO_BYTE`}(SHR(IN, ${2 * k}) AND 3);`).join(' ');
  add(simpleFb(`SPLIT_${bits}_INTO_QUARTERS`, [['IN', bits]], outs, body));
}

// FORTE's SPLIT_<bits>_INTO_BOOLS (BIT_00 the lowest bit), SPLIT_WORD_INTO_BYTES and SPLIT_DWORD_INTO_WORDS (_00 the low part)
for (const [bits, n] of [['BYTE', 8], ['WORD', 16], ['DWORD', 32], ['LWORD', 64]] as const) {
  const outs: Port[] = Array.from({ length: n }, (_, k) => [`BIT_${String(k).padStart(2, '0')}`, 'BOOL']);
  add(simpleFb(`SPLIT_${bits}_INTO_BOOLS`, [['IN', bits]], outs, outs.map(([o], k) => `${o} := IN.${k};`).join(' ')));
}
add(simpleFb('SPLIT_WORD_INTO_BYTES', [['IN', 'WORD']], [['BYTE_00', 'BYTE'], ['BYTE_01', 'BYTE']], 'BYTE_00 := WORD_TO_BYTE(IN); BYTE_01 := WORD_TO_BYTE(SHR(IN, 8));'));
add(simpleFb('SPLIT_DWORD_INTO_WORDS', [['IN', 'DWORD']], [['WORD_00', 'WORD'], ['WORD_01', 'WORD']], 'WORD_00 := DWORD_TO_WORD(IN); WORD_01 := DWORD_TO_WORD(SHR(IN, 16));'));

// FORTE's ASSEMBLE_<bits>_FROM_<parts> (utils/assembling .fct): the inverse of SPLIT_*, the part
// _00 the lowest. A function's result is its output pin without a name (4diac connects `F1.`);
// its ST body assigns the function's name, as an IEC function assigns its result.
const PART_BITS: Record<string, number> = { BOOLS: 1, QUARTERS: 2, BYTES: 8, WORDS: 16, DWORDS: 32 };
const WIDTH: Record<string, number> = { BYTE: 8, WORD: 16, DWORD: 32, LWORD: 64 };
for (const [bits, parts] of [
  ['BYTE', 'BOOLS'], ['BYTE', 'QUARTERS'], ['WORD', 'BOOLS'], ['WORD', 'QUARTERS'], ['WORD', 'BYTES'],
  ['DWORD', 'BOOLS'], ['DWORD', 'QUARTERS'], ['DWORD', 'BYTES'], ['DWORD', 'WORDS'], ['LWORD', 'BOOLS'], ['LWORD', 'QUARTERS'],
] as const) {
  const name = `ASSEMBLE_${bits}_FROM_${parts}`;
  const size = PART_BITS[parts]!;
  const n = WIDTH[bits]! / size;
  const partType = parts === 'BOOLS' ? 'BOOL' : parts === 'QUARTERS' ? 'BYTE' : parts.slice(0, -1);
  const prefix = parts === 'BOOLS' ? 'BIT' : parts === 'QUARTERS' ? 'QUARTER_BYTE' : partType;
  const ins: Port[] = Array.from({ length: n }, (_, k) => [`${prefix}_${String(k).padStart(2, '0')}`, partType]);
  // a quarter is not masked to its 2 bits: FORTE ORs the whole byte in at its place
  const widen = (v: string): string => (partType === bits ? v : `${partType}_TO_${bits}(${v})`);
  const body = parts === 'BOOLS'
    ? ins.map(([v], k) => `${name}.${k} := ${v};`).join(' ')
    : `${name} := 0; ` + ins.map(([v], k) => `${name} := ${name} OR SHL(${widen(v)}, ${k * size});`).join(' ');
  add(simpleFb(name, ins, [['', bits]], body));
}

export const FUNCTION_BLOCKS: ReadonlyMap<string, FbTypeDeclaration> = new Map([...list, ...FORTE_FUNCTION_BLOCKS].map((f) => [f.name, f]));
