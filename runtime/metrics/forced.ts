/**
 * Forced elements in Prometheus text: one gauge per forced variable or process image address
 * (1 while forced, the forced value as a label) and the count per resource, so that an alert
 * can say that a PLC runs with forces left on after commissioning.
 */

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** `forced`: by resource name, path or address → value; `resources`: every resource, so that zero counts are exported too. */
export function renderForced(forced: Record<string, Record<string, unknown>>, resources: readonly string[]): string {
  const lines = ['# HELP vplc_forced An element forced to a value (1 while forced): a variable by path or a process image address.', '# TYPE vplc_forced gauge'];
  for (const [resource, items] of Object.entries(forced)) {
    for (const [name, value] of Object.entries(items)) {
      lines.push(`vplc_forced{resource="${escapeLabel(resource)}",element="${escapeLabel(name)}",value="${escapeLabel(String(value))}"} 1`);
    }
  }
  lines.push('# HELP vplc_forced_elements Elements forced in a resource.', '# TYPE vplc_forced_elements gauge');
  for (const r of resources) lines.push(`vplc_forced_elements{resource="${escapeLabel(r)}"} ${Object.keys(forced[r] ?? {}).length}`);
  return lines.join('\n') + '\n';
}
