/** Run a CLI command (runCommand, testCommand, …) in this process with stdout and stderr captured. */
export async function captureCli(command: (args: string[]) => Promise<number>, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => ((out += s), true)) as typeof process.stdout.write;
  process.stderr.write = ((s: string) => ((err += s), true)) as typeof process.stderr.write;
  try {
    return { code: await command(args), out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
