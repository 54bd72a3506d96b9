import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { compileFiles } from '../../compiler/project.js';
import { parseCommandLine, usageError } from './args.js';
import { compileProgress } from './compile.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TEST_CONTEXT } from '../testing/st-assertions.js';
import { isTestFile } from '../testing/st-tests.js';

export const CHECK_USAGE = `usage: vplc check FILE… [--types DIR]…   (ST .st, IL .il, PLCopen .xml, IEC 61499 .sys/.fboot)

Compiles the files together and reports every diagnostic as path:line:col: error CODE: message.
A file given twice is checked once; *.test.st files are checked with the test library
(ASSERT_TRUE, ASSERT_EQ, ADVANCE, …) in scope. --types DIR: IEC 61499 types are also looked
for in DIR (repeatable). Exit 0 clean, 1 with errors, 64 wrong usage.
`;

/** `vplc check`: exit 0 when clean, 1 with every diagnostic as `path:line:col: error CODE: message`. */
export function checkCommand(args: string[]): number {
  const cl = parseCommandLine('check', CHECK_USAGE, args, { types: { kind: 'text', multiple: true } });
  if (typeof cl === 'number') return cl;
  if (cl.operands.length === 0) return usageError('check', CHECK_USAGE, 'no source files');
  // the same file named twice (a.st ./a.st) is one source, not a duplicate of every declaration
  const seen = new Set<string>();
  const files = cl.operands.filter((f) => !seen.has(resolve(f)) && seen.add(resolve(f)));
  // a test file calls ASSERT_TRUE, ADVANCE, …: check it as `vplc test` compiles it
  // test files are checked with the test library (ASSERT_TRUE, …) in scope
  const context = { ...(files.some(isTestFile) ? { context: TEST_CONTEXT } : {}), typesDirs: cl.options.types ?? [] };
  // a missing file is reported, and the others are still checked for their own errors
  const missing = files.filter((f) => !existsSync(f));
  const present = files.filter((f) => existsSync(f));
  const unread = missing.length ? compileFiles(missing, context).diagnostics : [];
  const r = present.length ? compileFiles(present, { onProgress: compileProgress(), ...context }) : { diagnostics: [] };
  const diagnostics = [...unread, ...r.diagnostics];
  for (const d of diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (hasErrors(diagnostics)) return 1;
  process.stdout.write(`${files.length} file(s) checked, no errors\n`);
  return 0;
}
