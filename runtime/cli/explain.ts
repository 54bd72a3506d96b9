import { parseCommandLine, usageError } from './args.js';
import { allCodes, lookupCode } from '../../compiler/diagnostics/registry.js';

/** `vplc explain CODE`: what a diagnostic means; without a code, the list of codes. */
export const EXPLAIN_USAGE = `usage: vplc explain [CODE]

Explains a diagnostic code (E3002); without a code, lists them all. Exit 0, 1 for an unknown
code, 64 wrong usage.
`;

export function explainCommand(args: string[]): number {
  const cl = parseCommandLine('explain', EXPLAIN_USAGE, args, {});
  if (typeof cl === 'number') return cl;
  if (cl.operands.length > 1) return usageError('explain', EXPLAIN_USAGE, 'one code at a time');
  const code = cl.operands[0];
  if (!code) {
    for (const c of allCodes()) process.stdout.write(`${c.code}  ${c.severity.padEnd(7)}  ${c.title}\n`);
    return 0;
  }
  const entry = lookupCode(code);
  if (!entry) {
    process.stderr.write(`vplc explain: unknown code ${code} (run 'vplc explain' for the list)\n`);
    return 1;
  }
  process.stdout.write(`${entry.code} (${entry.severity}): ${entry.title}\n\n${entry.explanation}\n`);
  return 0;
}
