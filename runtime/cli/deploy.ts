/**
 * `vplc deploy`: one command, two kinds of target, each in its own module. `--to http://…`
 * is an online change of a running `vplc serve` (deploy-http.ts).
 */
import { DEPLOY_HTTP_USAGE } from './deploy-http.js';

export const DEPLOY_USAGE = DEPLOY_HTTP_USAGE;

/** The target named by --to (`--to URL` or `--to=URL`), if any. */
function target(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--to') return args[i + 1];
    if (args[i]!.startsWith('--to=')) return args[i]!.slice(5);
  }
  return undefined;
}

export async function deployCommand(args: string[]): Promise<number> {
  const to = target(args);
  if (to === undefined || /^https?:\/\//i.test(to) || args.includes('--help') || args.includes('-h')) {
    return (await import('./deploy-http.js')).deployHttpCommand(args);
  }
  process.stderr.write(`vplc deploy: unknown target '${to}': give the http:// address of a vplc serve's deploy port\n\n${DEPLOY_USAGE}`);
  return 64;
}
