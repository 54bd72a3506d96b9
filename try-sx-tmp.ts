import { readFileSync } from 'node:fs';
import { compile61499 } from './compiler/iec61499/project.js';
import { SystemRunner } from './runtime/iec61499/system-runner.js';
import { formatDiagnostic } from './compiler/diagnostics/diagnostic.js';
const p = process.argv[2] ?? '/tmp/sx/app.fboot';
const r = compile61499([{ path: p, text: readFileSync(p, 'utf8') }]);
console.log(r.diagnostics.map(formatDiagnostic));
if (r.application) {
  const run = new SystemRunner(r.application);
  run.runUntil(0);
  const res = run.resources[0]!.resource;
  res.fireEvent('S.REQ');
  console.log(res.read('K.P'), res.read('K.X'));
  res.writeParameter('S.X', '9'); res.fireEvent('S.UPD');
  console.log(res.read('S.P'), res.read('K.P'));
}
