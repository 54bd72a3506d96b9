import { allCodes, lookupCode } from '../../compiler/diagnostics/registry.js';

/** `vplc explain CODE`: what a diagnostic means; without a code, the list of codes. */
export function explainCommand(args: string[]): number {
  const code = args[0];
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
