#!/usr/bin/env node
/**
 * The `vplc` command: thin wiring from arguments to the commands. Each command's module is
 * loaded only when it runs, so that `vplc run` does not pay for OPC UA's start-up. Every
 * failure is a message and an exit status, never a JavaScript stack trace.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { favourMemory } from './memory-mode.js';
import { dropPrestartedWorker, prestartResourceWorker, resourceKindOf } from '../engine/worker-prestart.js';

// first thing, before serve's modules (compiler, I/O drivers) are loaded: loading them is what grows the heap;
// not under --rt: V8 then gives young-generation pages back that the scan threads prefaulted (v8-realtime.ts)
if (process.argv[2] === 'serve' && !process.argv.includes('--rt')) favourMemory();
// `vplc run` and `vplc serve`: the scan worker starts now and loads its modules while this
// thread loads the command and compiles or reads the compile cache (a worker takes tens of ms
// to start); not for --rt, whose scan threads get workers of their own (v8-realtime.ts)
const verb = process.argv[2];
const helpOnly = process.argv.includes('--help') || process.argv.includes('-h');
if ((verb === 'run' || (verb === 'serve' && !process.argv.includes('--rt'))) && !helpOnly) prestartResourceWorker(resourceKindOf(process.argv.slice(3)));

type Command = (args: string[]) => number | Promise<number>;

// `vplc explain | head` closes stdout early: stop quietly, as Unix filters do, instead of a stack trace
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

/** The version in vPLC's package.json, found upwards from this file (dist/runtime/cli or runtime/cli). */
function version(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'vplc' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

const COMMANDS: Record<string, () => Promise<Command>> = {
  check: async () => (await import('./check.js')).checkCommand,
  run: async () => (await import('./run.js')).runCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  test: async () => (await import('./test.js')).testCommand,
  device: async () => (await import('./device.js')).deviceCommand,
  deploy: async () => (await import('./deploy.js')).deployCommand,
  explain: async () => (await import('./explain.js')).explainCommand,
};

const SUMMARY = `vPLC: a virtual PLC for IEC 61131-3 Structured Text and IEC 61499 applications

usage: vplc <command> [arguments]

commands:
  check FILE…     compile and report every diagnostic (exit 1 on errors)
  run FILE…       compile and run, then print variables and scan metrics
  serve FILE…     run as a soft PLC with I/O drivers and metrics until stopped
  test FILE…      run PLC unit tests written in ST (*.test.st), JUnit XML with --junit
  device          a 4diac-compatible device: deploy from the 4diac IDE over TCP 61499
  deploy FILE…    online change of a running vplc serve (--to http://127.0.0.1:PORT),
                  or an IEC 61499 app.sys to its devices (vplc device, FORTE)
  explain [CODE]  explain a diagnostic code, or list them all

  vplc <command> --help   the options of a command
  vplc --version          the version of vPLC

exit status: 0 ok, 1 compile or configuration errors, 2 a runtime fault, 64 wrong usage
`;

async function usage(): Promise<string> {
  const [check, run, serve, test, device, deploy, explain] = await Promise.all([
    import('./check.js'), import('./run.js'), import('./serve.js'), import('./test.js'), import('./device.js'), import('./deploy.js'), import('./explain.js'),
  ]);
  return [SUMMARY, check.CHECK_USAGE, run.RUN_USAGE, serve.SERVE_USAGE, test.TEST_USAGE, device.DEVICE_USAGE, deploy.DEPLOY_USAGE, explain.EXPLAIN_USAGE].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (command !== undefined && COMMANDS[command]) return (await COMMANDS[command]!())(args);
  switch (command) {
    case undefined:
      process.stderr.write(SUMMARY);
      return 64;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(await usage());
      return 0;
    case '--version':
    case '-V':
      process.stdout.write(`vplc ${version()}\n`);
      return 0;
    default:
      process.stderr.write(`vplc: unknown command '${command}'\n\n${SUMMARY}`);
      return 64;
  }
}

main(process.argv.slice(2)).then(
  async (code) => {
    // a worker started ahead and never used is ended before the process: a worker torn down by
    // the process's exit while it is still loading its modules can take the process down by a signal
    await dropPrestartedWorker();
    process.exitCode = code;
  },
  (e: unknown) => {
    // a vPLC bug: say so briefly, without a stack trace (VPLC_DEBUG=1 shows it)
    process.stderr.write(`vplc: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.VPLC_DEBUG) console.error(e);
    process.exitCode = 70;
  },
);
