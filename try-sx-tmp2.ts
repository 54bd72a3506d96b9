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
  console.log(res.read('K.P'));
  try { res.writeParameter('K.P', '(x:=1, y:=2)'); } catch (e) { console.log(String(e)); }
  try { res.writeParameter('K.P', '(x:=1, on:=2)'); } catch (e) { console.log(String(e)); }
  try { res.writeParameter('K.P', '(x:=1 on:=2)'); } catch (e) { console.log(String(e)); }
  try { res.writeParameter('K.P', '5'); } catch (e) { console.log(String(e)); }
}
