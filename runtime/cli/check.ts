import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { compileFiles } from '../../compiler/project.js';

export const CHECK_USAGE = 'usage: vplc check FILE…   (ST .st, PLCopen .xml, IEC 61499 .sys/.fboot)\n';

/** `vplc check`: exit 0 when clean, 1 with every diagnostic as `path:line:col: error CODE: message`. */
export function checkCommand(args: string[]): number {
  const files = args.filter((a) => !a.startsWith('-'));
  const unknown = args.find((a) => a.startsWith('-'));
  if (unknown || files.length === 0) {
    process.stderr.write(`vplc check: ${unknown ? `unknown option ${unknown}` : 'no source files'}\n${CHECK_USAGE}`);
    return 64;
  }
  const r = compileFiles(files);
  for (const d of r.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  if (hasErrors(r.diagnostics)) return 1;
  process.stdout.write(`${files.length} file(s) checked, no errors\n`);
  return 0;
}
