import { readFileSync } from 'node:fs';
import { importPlcopen } from '../work/main/compiler/plcopen/import.js';
import { formatDiagnostic } from '../work/main/compiler/diagnostics/diagnostic.js';
const f = process.argv[2]!;
const r = importPlcopen(f, readFileSync(f, 'utf8'));
for (const d of r.diagnostics) console.log(formatDiagnostic(d));
for (const s of r.sources) s.text.split('\n').forEach((l, i) => console.log(String(s.origins?.[i]?.line ?? '').padStart(5), l));
