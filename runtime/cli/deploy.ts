/**
 * `vplc deploy`: one command, two kinds of target, each in its own module. `--to http://…`
 * is an online change of a running `vplc serve` (deploy-http.ts); a `.sys` without `--to` goes
 * to the devices of the system over the IEC 61499 management protocol (deploy-system.ts).
 */
import { DEPLOY_HTTP_USAGE } from './deploy-http.js';
import { DEPLOY_SYSTEM_USAGE } from './deploy-system.js';

export const DEPLOY_USAGE = `${DEPLOY_HTTP_USAGE}\n${DEPLOY_SYSTEM_USAGE}`;

/** The target named by --to (`--to URL` or `--to=URL`), if any. */
function target(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--to') return args[i + 1];
    if (args[i]!.startsWith('--to=')) return args[i]!.slice(5);
  }
  return undefined;
}

export async function deployCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(DEPLOY_USAGE);
    return 0;
  }
  const to = target(args);
  if (to === undefined && args.some((a) => /\.sys$/i.test(a))) return (await import('./deploy-system.js')).deploySystemCommand(args);
  if (to === undefined || /^https?:\/\//i.test(to)) return (await import('./deploy-http.js')).deployHttpCommand(args);
  process.stderr.write(`vplc deploy: unknown target '${to}': give the http:// address of a vplc serve's deploy port, or an IEC 61499 .sys for its devices\n\n${DEPLOY_USAGE}`);
  return 64;
}
