import { readFileSync } from 'node:fs';
import { compile61499 } from '../compiler/iec61499/project.js';
import { formatDiagnostic } from '../compiler/diagnostics/diagnostic.js';
import { SystemRunner } from '../runtime/iec61499/system-runner.js';
const p = process.argv[2]!;
const r = compile61499([{ path: p, text: readFileSync(p, 'utf8') }]);
console.log(r.diagnostics.map(formatDiagnostic).join('\n'));
if (r.application) { const s = new SystemRunner(r.application); const o = s.runUntil(Number(process.argv[3] ?? 0)); console.log(o, s.snapshotVars()); }
