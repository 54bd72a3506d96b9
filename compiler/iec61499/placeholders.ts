/**
 * 4diac's test runner fills `%name%` placeholders in parameter values of a .sys or boot file
 * before deploying it (`Value="%dintValueToTest%"`); vPLC does the same from `--param
 * name=value`. Values are XML-escaped, and never hold a line break, so that the lines and
 * columns of diagnostics still point into the file as written.
 */
export function substitutePlaceholders(text: string, values: Readonly<Record<string, string>>): string {
  if (Object.keys(values).length === 0) return text;
  return text.replace(/%([A-Za-z_][A-Za-z0-9_]*)%/g, (whole, name: string) => {
    const v = Object.prototype.hasOwnProperty.call(values, name) ? values[name] : undefined;
    return v === undefined ? whole : xmlText(v.replace(/[\r\n]+/g, ' '));
  });
}

/** `name=value` pairs as given on the command line; a string says what is wrong. */
export function parsePlaceholderArgument(arg: string, into: Record<string, string>): string | undefined {
  const eq = arg.indexOf('=');
  const name = eq > 0 ? arg.slice(0, eq) : '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `--param needs name=value (got '${arg}')`;
  into[name] = arg.slice(eq + 1);
  return undefined;
}

function xmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
