#!/usr/bin/env node
/**
 * The `vplc` command: thin wiring from arguments to the commands. Every failure is a message
 * and an exit status, never a JavaScript stack trace.
 */
import { checkCommand, CHECK_USAGE } from './check.js';
import { explainCommand } from './explain.js';
import { runCommand, RUN_USAGE } from './run.js';
import { serveCommand, SERVE_USAGE } from './serve.js';

const USAGE = `vPLC: a virtual PLC for IEC 61131-3 Structured Text and IEC 61499 applications

usage: vplc <command> [arguments]

commands:
  check FILE…     compile and report every diagnostic (exit 1 on errors)
  run FILE…       compile and run, then print variables and scan metrics
  serve FILE…     run as a soft PLC with I/O drivers and metrics until stopped
  explain [CODE]  explain a diagnostic code, or list them all

${CHECK_USAGE}
${RUN_USAGE}
${SERVE_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case 'check':
      return checkCommand(args);
    case 'run':
      return runCommand(args);
    case 'serve':
      return serveCommand(args);
    case 'explain':
      return explainCommand(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 64 : 0;
    case '--version':
      process.stdout.write('vplc 0.1.0\n');
      return 0;
    default:
      process.stderr.write(`vplc: unknown command '${command}'\n\n${USAGE}`);
      return 64;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // a vPLC bug: say so briefly, without a stack trace (VPLC_DEBUG=1 shows it)
    process.stderr.write(`vplc: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.VPLC_DEBUG) console.error(e);
    process.exitCode = 70;
  },
);
