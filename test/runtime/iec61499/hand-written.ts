import type { StCompiler } from '../../../compiler/iec61499/project.js';

/**
 * Stand-in for the ST compiler while it is being written: JS classes written by hand to the
 * generated-code contract (props named as declared, algorithms $m_ALG_<NAME>, guards
 * $m_GUARD_<i>) for the ST types compile61499 generates. The compiler's output must behave
 * the same; these tests switch to it once compileSources exists.
 */
export const HAND_WRITTEN: Record<string, string> = {
  E_CTU: `class { constructor() { this.PV = 0; this.Q = false; this.CV = 0; }
    $m_ALG_CU() { this.CV = (this.CV + 1) & 0xffff; this.Q = this.CV >= this.PV; }
    $m_ALG_R() { this.CV = 0; this.Q = false; }
    $m_GUARD_0() { return this.CV < 65535; } }`,
  E_SWITCH: `class { constructor() { this.G = false; } $m_GUARD_0() { return !this.G; } $m_GUARD_1() { return this.G; } }`,
  E_SPLIT: 'class {}',
  E_MERGE: 'class {}',
  E_REND: 'class {}',
  E_PERMIT: `class { constructor() { this.PERMIT = false; } $m_GUARD_0() { return this.PERMIT; } }`,
  E_SR: `class { constructor() { this.Q = false; } $m_ALG_SET() { this.Q = true; } $m_ALG_RESET() { this.Q = false; } }`,
  E_D_FF: `class { constructor() { this.D = false; this.Q = false; } $m_ALG_LATCH() { this.Q = this.D; } $m_GUARD_0() { return this.D; } $m_GUARD_1() { return !this.D; } }`,
  E_SELECT: `class { constructor() { this.G = false; } $m_GUARD_0() { return !this.G; } $m_GUARD_1() { return this.G; } }`,
};

/** A StCompiler that serves the hand-written classes for the types it is asked to build. */
export function handWrittenCompiler(extra: Record<string, string> = {}): StCompiler {
  const classes = { ...HAND_WRITTEN, ...extra };
  return (sources) => {
    const names: string[] = [];
    for (const s of sources) {
      const m = /FUNCTION_BLOCK\s+(\w+)/.exec(s.text);
      if (m) names.push(m[1]!);
    }
    const missing = names.filter((n) => !classes[n]);
    if (missing.length) throw new Error(`no hand-written class for ${missing.join(', ')}`);
    const code = `const pous = {};\n${names.map((n) => `pous[${JSON.stringify(n.toUpperCase())}] = ${classes[n]};`).join('\n')}\nreturn { pous, resources: {} };`;
    return { application: { name: 'st', resources: [], pouTypes: {}, code, sources: [] }, diagnostics: [] };
  };
}
