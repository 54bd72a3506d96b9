/**
 * One command-line parser for every `vplc` command, on node:util parseArgs: `--name value` and
 * `--name=value` alike, `--help`/`-h` everywhere, and values checked by kind so that a usage
 * error is one line naming the flag (exit 64), never a stack trace or a silent default.
 */
import { parseArgs } from 'node:util';
import { parseDurationNs } from '../duration.js';

export type OptionKind = 'flag' | 'text' | 'duration' | 'count' | 'port';

export interface OptionSpec {
  readonly kind: OptionKind;
  readonly short?: string;
  /** repeatable: the values in order */
  readonly multiple?: boolean;
  /** duration or count: 0 is refused */
  readonly positive?: boolean;
}

type KindValue<K extends OptionKind> = K extends 'flag' ? boolean : K extends 'text' ? string : number;
export type OptionValues<S extends Record<string, OptionSpec>> = {
  -readonly [N in keyof S]?: S[N]['multiple'] extends true ? KindValue<S[N]['kind']>[] : KindValue<S[N]['kind']>;
};

export interface CommandLine<S extends Record<string, OptionSpec>> {
  options: OptionValues<S>;
  /** the arguments that are not options: files, a code */
  operands: string[];
}

/** Exit status of wrong usage (BSD sysexits EX_USAGE), as documented in README. */
export const EXIT_USAGE = 64;

export class UsageError extends Error {}

/**
 * Parses the arguments of `vplc <command>`. Returns the exit status instead when there is
 * nothing to run: 0 after printing the usage for `--help`, 64 after printing a usage error.
 */
export function parseCommandLine<S extends Record<string, OptionSpec>>(
  command: string,
  usage: string,
  args: string[],
  spec: S,
): CommandLine<S> | number {
  try {
    const parsed = parseRaw(args, spec);
    if (parsed === 'help') {
      process.stdout.write(usage);
      return 0;
    }
    return parsed;
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    return usageError(command, usage, e.message);
  }
}

/** Prints `vplc <command>: message` and the usage on stderr; returns 64. */
export function usageError(command: string, usage: string, message: string): number {
  process.stderr.write(`vplc ${command}: ${message}\n\n${usage}`);
  return EXIT_USAGE;
}

function parseRaw<S extends Record<string, OptionSpec>>(args: string[], spec: S): CommandLine<S> | 'help' {
  const config: Record<string, { type: 'boolean' | 'string'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, s] of Object.entries(spec)) {
    config[name] = {
      type: s.kind === 'flag' ? 'boolean' : 'string',
      ...(s.short ? { short: s.short } : {}),
      ...(s.multiple ? { multiple: true } : {}),
    };
  }
  let raw: ReturnType<typeof parseArgs>;
  try {
    raw = parseArgs({ args, options: config, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(parseArgsMessage(e));
  }
  if (raw.values.help === true) return 'help';
  const options: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) {
    const v = raw.values[name];
    if (v === undefined) continue;
    options[name] = Array.isArray(v) ? v.map((x) => convert(name, s, x)) : convert(name, s, v);
  }
  return { options: options as OptionValues<S>, operands: raw.positionals };
}

function convert(name: string, spec: OptionSpec, value: string | boolean): unknown {
  if (typeof value === 'boolean' || spec.kind === 'text') return value;
  const flag = `--${name}`;
  if (spec.kind === 'duration') return durationValue(flag, value, spec.positive === true);
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (spec.kind === 'port') {
    if (!Number.isInteger(n) || n > 65535) throw new UsageError(`${flag} needs a TCP port (0-65535), got '${value}'`);
    return n;
  }
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} needs a non-negative integer, got '${value}'`);
  if (spec.positive && n === 0) throw new UsageError(`${flag} must be greater than 0`);
  return n;
}

/**
 * A duration flag needs its unit: `--duration 10` could mean 10 ms, 10 s or 10 cycles, so it
 * is refused rather than guessed (0 alone is fine).
 */
function durationValue(flag: string, value: string, positive: boolean): number {
  // 0 is 0 in every unit (`--summary-every 0`: never)
  const bare = /^\s*\d+(?:\.\d+)?\s*$/.test(value) && Number(value) !== 0;
  const ns = bare ? undefined : parseDurationNs(value);
  if (ns === undefined) {
    const hint = bare ? ` (a number needs a unit: ${value.trim()}ms, ${value.trim()}s)` : '';
    throw new UsageError(`${flag} needs a duration such as 100ms, 10s, 2m or T#1s, got '${value}'${hint}`);
  }
  if (positive && ns <= 0) throw new UsageError(`${flag} must be longer than 0`);
  return ns;
}

/** node:util's messages name the option but also explain `--` conventions: keep what users need. */
function parseArgsMessage(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const code = (e as { code?: string }).code;
  const option = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option) return `unknown option ${option}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option) {
    if (/does not take an argument/.test(message)) return `${option} takes no value`;
    return `${option} needs a value`;
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return 'unexpected argument';
  return message.split('\n')[0]!;
}
