import { readFileSync } from 'node:fs';
import { compile61499 } from '../compiler/iec61499/project.js';
const p = process.argv[2]!;
const r = compile61499([{ path: p, text: readFileSync(p, 'utf8') }]);
const code = r.application!.code;
const i = code.indexOf('E_CTU');
console.log(code.slice(Math.max(0, code.indexOf('class', i) - 200), code.indexOf('class', i) + 1800));
