import { readFileSync } from 'node:fs';
import { parseCommandLine, usageError, type OptionSpec } from './args.js';
import { changeReportLines, type ChangeOutcome } from './online-change.js';

export const DEPLOY_HTTP_USAGE = `usage: vplc deploy FILE… --to http://127.0.0.1:PORT [--dry-run] [--if-version N] [--json] [--token-file F | --user NAME]

Online change of a running \`vplc serve\` (its --deploy-port): the files are compiled there,
off the scan thread, and swap in at a scan boundary; variables keep their values by path and
type. Prints what was kept, converted, re-initialised, new and removed.

  --to URL          the deploy endpoint of vplc serve
  --dry-run         show what the change would do, change nothing (and the running version)
  --if-version N    apply only if version N still runs (the one the dry run was made against)
  --json            print the endpoint's answer as JSON
  --token-file F    the deploy token (default: $VPLC_DEPLOY_TOKEN)
  --user NAME       a user of the serve's plc.yaml (deploy.users); password from $VPLC_DEPLOY_PASSWORD

exit status: 0 applied (or dry run), 1 refused (compile errors, a change that needs a restart,
another version running than --if-version, not authorised, endpoint unreachable), 64 wrong usage
`;

const OPTIONS = {
  to: { kind: 'text' },
  'dry-run': { kind: 'flag' },
  'if-version': { kind: 'count' },
  json: { kind: 'flag' },
  'token-file': { kind: 'text' },
  user: { kind: 'text' },
} as const satisfies Record<string, OptionSpec>;

/** `vplc deploy FILE… --to http://…`: send the files to a running vplc serve. */
export async function deployHttpCommand(args: string[]): Promise<number> {
  const cl = parseCommandLine('deploy', DEPLOY_HTTP_USAGE, args, OPTIONS);
  if (typeof cl === 'number') return cl;
  const o = cl.options;
  const err = (l: string) => process.stderr.write(`${l}\n`);
  if (cl.operands.length === 0) return usageError('deploy', DEPLOY_HTTP_USAGE, 'no source files');
  let url: URL;
  try {
    url = new URL('/deploy', o.to ?? '');
    if (url.protocol !== 'http:') throw new Error();
  } catch {
    return usageError('deploy', DEPLOY_HTTP_USAGE, `--to needs an http:// address of vplc serve's deploy port, not '${o.to ?? ''}'`);
  }
  let authorization: string;
  if (o.user !== undefined) {
    const password = process.env.VPLC_DEPLOY_PASSWORD;
    if (!password) return usageError('deploy', DEPLOY_HTTP_USAGE, '--user needs the password in $VPLC_DEPLOY_PASSWORD');
    authorization = `Basic ${Buffer.from(`${o.user}:${password}`).toString('base64')}`;
  } else {
    let token = process.env.VPLC_DEPLOY_TOKEN;
    if (o['token-file'] !== undefined) {
      try {
        token = readFileSync(o['token-file'], 'utf8').trim();
      } catch (e) {
        err(`vplc deploy: cannot read ${o['token-file']}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
        return 1;
      }
    }
    if (!token) return usageError('deploy', DEPLOY_HTTP_USAGE, 'no credentials: --token-file, $VPLC_DEPLOY_TOKEN or --user');
    authorization = `Bearer ${token}`;
  }
  const files: { name: string; text: string }[] = [];
  let missing = false;
  for (const name of [...new Set(cl.operands)]) {
    try {
      files.push({ name, text: readFileSync(name, 'utf8') });
    } catch (e) {
      err(`${name}:1:1: error E1008: cannot read ${name}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
      missing = true;
    }
  }
  if (missing) return 1;

  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify({ files, dryRun: o['dry-run'] === true, ...(o['if-version'] !== undefined ? { ifVersion: o['if-version'] } : {}) }),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    err(`vplc deploy: cannot reach ${url.origin}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    return 1;
  }
  const text = await res.text();
  let outcome: ChangeOutcome | { ok: false; error: string };
  try {
    outcome = JSON.parse(text) as ChangeOutcome;
  } catch {
    err(`vplc deploy: ${url.origin} answered ${res.status} without a report: ${text.slice(0, 200)}`);
    return 1;
  }
  if (o.json) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  if (!outcome.ok) {
    if (!o.json) changeReportLines(outcome as ChangeOutcome).forEach((l) => err(l.startsWith('/') || /:\d+:\d+:/.test(l) ? l : `vplc deploy: ${l}`));
    return 1;
  }
  if (!o.json) process.stdout.write(changeReportLines(outcome).join('\n') + '\n');
  return 0;
}
