import type { FbTypeDeclaration } from './model.js';
import { simpleFb, type Port } from './simple-fb.js';

/**
 * FORTE's F_<T>_AS_STRING / F_STRING_AS_<T> (and the WSTRING ones) and the function blocks of
 * its signalprocessing package, as simple FBs (see functions.ts).
 *
 * AS differs from TO in FORTE: F_<T>_AS_STRING writes the value as FORTE's own text (the text
 * a management READ answers: integers and bit strings in decimal, TRUE/FALSE, a duration with
 * every non-zero unit and T#0ns for zero), and F_STRING_AS_<T> reads that text back the way a
 * management WRITE does: an optional `<T>#` type prefix, 2#/8#/16# bases, and a number out of
 * the type's range (or a text that is not one) gives the type's default value, never a wrapped
 * value or a fault.
 */

const list: FbTypeDeclaration[] = [];
const add = (fb: FbTypeDeclaration): void => void list.push(fb);

/** [type, lowest, highest] of each integer and bit string type whose range fits a LINT */
const RANGED: [string, string, string][] = [
  ['SINT', '-128', '127'], ['INT', '-32768', '32767'], ['DINT', '-2147483648', '2147483647'],
  ['USINT', '0', '255'], ['UINT', '0', '65535'], ['UDINT', '0', '4294967295'],
  ['BYTE', '0', '255'], ['WORD', '0', '65535'], ['DWORD', '0', '4294967295'],
];
const WIDE = ['LINT', 'ULINT', 'LWORD'];
const TEXT_AS = [...RANGED.map(([t]) => t), ...WIDE, 'BOOL', 'TIME'];

for (const s of ['STRING', 'WSTRING']) {
  for (const t of TEXT_AS) {
    // FORTE prints every one of these types as IEC's TO_STRING does, but for a zero duration
    const text = t === 'TIME' ? `IF IN = T#0s THEN OUT := "T#0ns"; ELSE OUT := TIME_TO_${s}(IN); END_IF;` : `OUT := ${t}_TO_${s}(IN);`;
    add(simpleFb(`F_${t}_AS_${s}`, [['IN', t]], [['OUT', s]], s === 'STRING' ? text.replace(/"/g, "'") : text));
  }
  // the text of a number is ASCII: a WSTRING is read as the STRING it converts to
  for (const t of [...TEXT_AS, 'REAL', 'LREAL']) add(simpleFb(`F_${s}_AS_${t}`, [['IN', s]], [['OUT', t]], stringAs(s, t), [['S', 'STRING'], ['V', 'LINT'], ['P', 'INT']]));
}

/** The ST of F_<s>_AS_<t>: strip a `<t>#` prefix, parse, and keep the value only if the type can hold it. */
function stringAs(s: string, t: string): string {
  const strip = `S := ${s === 'STRING' ? 'IN' : 'WSTRING_TO_STRING(IN)'}; P := FIND(S, '#'); IF P = ${t.length + 1} AND LEFT(S, P - 1) = '${t}' THEN S := DELETE(S, P, 1); END_IF;`;
  const range = RANGED.find(([n]) => n === t);
  if (!range) return `${strip} OUT := STRING_TO_${t}(S);`;
  const [, lo, hi] = range;
  // a based number (16#FFFF) of a signed type is its bit pattern: FORTE allows 0 .. 2 * max + 1
  const signedBased = lo !== '0' ? ` ELSIF FIND(S, '#') > 0 AND V >= 0 AND V <= ${2 * Number(hi) + 1} THEN OUT := LINT_TO_${t}(V);` : '';
  return `${strip} V := STRING_TO_LINT(S); IF V >= ${lo} AND V <= ${hi} THEN OUT := LINT_TO_${t}(V);${signedBased} ELSE OUT := 0; END_IF;`;
}

// signalprocessing: FORTE's functions (.fct), their result the output without a name
const SP = 'signalprocessing';
const R = 'REAL';
const scale = 'SCALE := (IN - MIN_IN) * (MAX_OUT - MIN_OUT) / (MAX_IN - MIN_IN) + MIN_OUT;';
add(simpleFb('SCALE', [['IN', R], ['MAX_IN', R], ['MIN_IN', R], ['MAX_OUT', R], ['MIN_OUT', R]], [['', R]], scale, [], SP));
const limIns: Port[] = ['IN', 'MAX_IN', 'MIN_IN', 'MAX_IN_LIM', 'MIN_IN_LIM', 'MAX_OUT', 'MIN_OUT', 'MAX_OUT_FIX', 'MIN_OUT_FIX'].map((n) => [n, R]);
add(simpleFb('SCALE_LIM', limIns, [['', R]],
  `IF IN < MIN_IN_LIM THEN SCALE_LIM := MIN_OUT_FIX; ELSIF IN > MAX_IN_LIM THEN SCALE_LIM := MAX_OUT_FIX; ELSE ${scale.replace('SCALE :=', 'SCALE_LIM :=')} END_IF;`, [], SP));
// FORTE's FIELDBUS_SIGNAL constant: the highest valid value of a 16-bit fieldbus signal (above it: error and not-available codes)
const VALID_SIGNAL_W = '64255';
add(simpleFb('FIELDBUS_PERCENT_TO_WORD', [['RI', R]], [['', 'WORD']], `FIELDBUS_PERCENT_TO_WORD := UDINT_TO_WORD(REAL_TO_UDINT(RI * ${VALID_SIGNAL_W}.0));`, [], SP));
add(simpleFb('FIELDBUS_WORD_TO_PERCENT', [['WI', 'WORD']], [['', R], ['WO', 'WORD']],
  `WO := 0; FIELDBUS_WORD_TO_PERCENT := 0.0; IF WI <= ${VALID_SIGNAL_W} THEN WO := WI; FIELDBUS_WORD_TO_PERCENT := UDINT_TO_REAL(WORD_TO_UDINT(WO)) / ${VALID_SIGNAL_W}.0; END_IF;`, [], SP));

export const FORTE_FUNCTION_BLOCKS: readonly FbTypeDeclaration[] = list;
