import { readdirSync } from 'node:fs';
import { compileFiles } from './compiler/project.js';
import { formatDiagnostic } from './compiler/diagnostics/diagnostic.js';
const dir = 'test/conformance/diagnostics';
const names = [...readdirSync(dir).filter((f) => f.endsWith('.st')).map((f) => f.slice(0, -3)), 'missing_file'];
for (const n of names) {
  const r = compileFiles([`${dir}/${n}.st`]);
  console.log(`## ${n}`);
  for (const d of r.diagnostics) console.log(formatDiagnostic(d));
}
