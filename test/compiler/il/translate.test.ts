/**
 * The IL translator on its own: the ST it writes for short lists, the current result it hands
 * back (what an SFC transition written in IL needs), and its typed current result.
 */
import { describe, expect, it } from 'vitest';
import { translateIl, type IlTranslation } from '../../../compiler/il/translate.js';
import type { IlEnvironment } from '../../../compiler/il/environment.js';

const VARS: Record<string, string> = { A: 'BOOL', B: 'BOOL', N: 'INT', M: 'INT', R: 'REAL', W: 'WORD', T: 'TON' };
const env: IlEnvironment = {
  pouType: 'functionBlock',
  varType: (n) => VARS[n.toUpperCase()],
  memberType: (type, member) => (type === 'TON' ? ({ Q: 'BOOL', ET: 'TIME' } as Record<string, string>)[member.toUpperCase()] : undefined),
  functionType: () => undefined,
  fbInputs: (type) => (type === 'TON' ? ['IN', 'PT'] : undefined),
};

function il(text: string, keepResult = false): { st: string; t: IlTranslation; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  const t = translateIl(
    text.split('\n').map((l, i) => ({ text: l, line: i + 1, col: 1 })),
    env,
    { line: (s) => lines.push(s) },
    (code, message, at) => errors.push(`${at.line}:${at.col} ${code} ${message}`),
    { keepResult },
  );
  return { st: lines.join(' '), t, errors };
}

describe('IL → ST', () => {
  it('hands back the current result at the end when asked (an SFC transition condition)', () => {
    const r = il('LD a\nAND( n\nGT 5\n)\nORN b', true);
    expect(r.errors).toEqual([]);
    expect(r.t.result).toBe('(a AND (n > 5)) OR (NOT b)');
    expect(r.st).toBe(''); // nothing to store: the condition is the expression
  });

  it('keeps a current result that a store would change in a typed variable', () => {
    const r = il('LD n\nADD 1\nST n\nST m\nLD a\nR a\nST b');
    expect(r.errors).toEqual([]);
    expect(r.st.replace(/\s+/g, ' ')).toBe('n := n + 1 ; m := n ; _IL_CR_BOOL := a ; IF _IL_CR_BOOL THEN a := FALSE; END_IF; b := _IL_CR_BOOL;');
    expect(r.t.temps).toEqual([{ name: '_IL_CR_BOOL', type: 'BOOL' }]);
  });

  it('types the current result from what was loaded and what operators make of it', () => {
    const r = il('LD n\nGT m\nJMPC yes\nLD r\nMUL 2.0\nJMP out\nyes:\nLD 1.5\nout:\nST r');
    expect(r.errors).toEqual([]);
    expect(r.t.temps).toEqual([{ name: '_IL_CR_REAL', type: 'REAL' }]); // REAL on both ways to 'out'
  });

  it('an untyped literal reaching a label takes the type of what reads it there', () => {
    const r = il('LD a\nJMPC one\nLD 2\nJMP done\none:\nLD 1\ndone:\nST w');
    expect(r.errors).toEqual([]);
    expect(r.t.temps).toEqual([{ name: '_IL_CR_WORD', type: 'WORD' }]);
  });

  it('positional CAL follows the declared inputs; output arguments and NOT', () => {
    const r = il('CAL t(a, T#1s)\nCAL t(IN := NOT a, NOT Q => b, ET =>)');
    expect(r.errors).toEqual([]);
    expect(r.st).toBe('t(IN := a, PT := T#1s); t(IN := NOT a, NOT Q => b);');
  });
});
