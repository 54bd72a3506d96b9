/**
 * An SFC (sfc-model.ts) → Structured Text: the variables that hold its state and the statements
 * that evolve it once per scan. Both the PLCopen importer and the ST text front end use it, so a
 * chart behaves the same whichever way it was written.
 *
 * Each scan, in the order MatIEC (Beremiz, OpenPLC) generates:
 *  1. the time since the last scan is added to the `T` of every step active at the start;
 *  2. transitions are tested in priority order on the step states at the start of the scan: a
 *     transition whose source steps are all active and whose condition is TRUE clears them at
 *     once (so a later transition out of the same step does not fire too), and its target steps
 *     are set after all tests — a step activated in this scan is not left in this scan (no
 *     chaining), and its `T` starts at T#0s;
 *  3. every action association of every step drives its action's control (one per action);
 *  4. the actions run, in the order they are first associated: while Q is TRUE, and once more in
 *     the scan after Q fell (the standard's final scan; MatIEC has none), with `.Q` FALSE.
 * State lives in variables of the library types SFC_STEP and SFC_ACTION, so the chart starts
 * from its initial steps whenever the POU's variables are initialised.
 */
import { key } from './ast.js';
import { TIMED, type SfcAssociation, type SfcChart, type SfcLine, type SfcReport, type SfcWriter } from './sfc-model.js';
import type { Position } from '../source.js';

const IND = '  ';

/** The control variable of an action (or of a Boolean action's variable). */
export function actionControl(name: string): string {
  return `_SFC_A_${name.replace(/^_+/, '')}`;
}

function transitionFlag(i: number): string {
  return `_SFC_TC${i}`;
}

/** Check the chart; false when it has errors (reported). Unreachable steps are warnings. */
export function checkChart(chart: SfcChart, report: SfcReport): boolean {
  let ok = true;
  const error = (...a: Parameters<SfcReport>) => {
    report(...a);
    ok = false;
  };
  if (chart.pouType === 'function') {
    error('E2105', `function '${chart.pou}' cannot hold an SFC: a FUNCTION keeps no state between calls; make it a FUNCTION_BLOCK or PROGRAM`, chart.at, 1);
  }
  const steps = new Map<string, (typeof chart.steps)[number]>();
  for (const s of chart.steps) {
    if (steps.has(key(s.name))) error('E2103', `step '${s.name}' is declared twice`, s.at, s.name.length);
    else steps.set(key(s.name), s);
  }
  for (const s of chart.steps) {
    // a step is a variable of the POU, an action is called by its name: they cannot share it
    if (chart.actions.has(key(s.name))) error('E2103', `step '${s.name}' has the name of an action of '${chart.pou}': rename one of them`, s.at, s.name.length);
  }
  if (!chart.steps.some((s) => s.initial)) error('E2101', `the SFC of '${chart.pou}' has no initial step`, chart.at, 1);
  const names = new Set<string>();
  for (const t of chart.transitions) {
    const what = t.name ? `transition '${t.name}'` : 'transition';
    if (t.name) {
      if (names.has(key(t.name))) error('E2103', `transition '${t.name}' is declared twice`, t.at, t.name.length);
      names.add(key(t.name));
    }
    if (t.from.length === 0) error('E2103', `${what} comes from no step`, t.at, 1);
    if (t.to.length === 0) error('E2103', `${what} leads to no step`, t.at, 1);
    for (const s of [...t.from, ...t.to]) {
      if (!steps.has(key(s))) error('E2103', `${what} refers to step '${s}', which does not exist`, t.at, 1);
    }
    if (t.condition.every((l) => l.text.trim() === '')) error('E2102', `${what} from ${t.from.join(', ') || '?'} to ${t.to.join(', ') || '?'} has no condition`, t.at, 1);
  }
  for (const s of chart.steps) {
    for (const a of s.associations) {
      const timed = TIMED.has(a.qualifier);
      if (timed && !a.duration) error('E2104', `qualifier ${a.qualifier} of action '${a.action}' needs a duration`, a.at, a.action.length);
      if (!timed && a.duration) error('E2104', `qualifier ${a.qualifier} of action '${a.action}' takes no duration`, a.duration.at, a.duration.text.length);
    }
  }
  if (!ok) return false;
  // reachability from the initial steps: a transition fires once all its source steps can be active
  const reached = new Set(chart.steps.filter((s) => s.initial).map((s) => key(s.name)));
  for (let changed = true; changed;) {
    changed = false;
    for (const t of chart.transitions) {
      if (!t.from.every((s) => reached.has(key(s)))) continue;
      for (const s of t.to) if (!reached.has(key(s))) {
        reached.add(key(s));
        changed = true;
      }
    }
  }
  for (const s of chart.steps) {
    if (!reached.has(key(s.name))) report('W2101', `step '${s.name}' cannot be reached from an initial step`, s.at, s.name.length);
  }
  return true;
}

/** The actions the chart controls, in the order they are first associated. */
function controlledActions(chart: SfcChart): { name: string; boolean: boolean; at: Position }[] {
  const out: { name: string; boolean: boolean; at: Position }[] = [];
  const seen = new Set<string>();
  for (const s of chart.steps) {
    for (const a of s.associations) {
      if (seen.has(key(a.action))) continue;
      seen.add(key(a.action));
      out.push({ name: a.action, boolean: !chart.actions.has(key(a.action)), at: a.at });
    }
  }
  return out;
}

/** The chart's state variables, as the lines of a VAR section (the caller opens and closes it). */
export function writeChartVars(chart: SfcChart, w: SfcWriter, indent: string): void {
  const at = chart.at;
  for (const s of chart.steps) {
    w.line(`${indent}${s.name} : SFC_STEP${s.initial ? ' := (X := TRUE)' : ''};`, s.at, indent.length);
  }
  for (const a of controlledActions(chart)) w.line(`${indent}${actionControl(a.name)} : SFC_ACTION;`, a.at, indent.length);
  chart.transitions.forEach((t, i) => w.line(`${indent}${transitionFlag(i)} : BOOL;`, t.at, indent.length));
  w.line(`${indent}_SFC_NOW, _SFC_LAST, _SFC_DT, _SFC_D : TIME;`, at, indent.length);
  w.line(`${indent}_SFC_RUN : BOOL;`, at, indent.length);
}

/** Write a verbatim line, or a prefix followed by one. */
function verbatim(w: SfcWriter, l: SfcLine, prefix = ''): void {
  w.line(prefix + l.text, l.at, prefix.length);
}

function associationLines(w: SfcWriter, step: string, a: SfcAssociation): void {
  const c = actionControl(a.action);
  const activated = `${step}.X AND NOT ${step}.Xprev`;
  const deactivated = `${step}.Xprev AND NOT ${step}.X`;
  const line = (text: string) => w.line(`${IND}${text}`, a.at, IND.length);
  /** a line that contains the duration expression, mapped to it */
  const timed = (before: string, after: string) => {
    // the duration goes through a TIME variable on a line of its own, so that a wrong type
    // is reported at the duration as written
    line('_SFC_D :=');
    verbatim(w, a.duration!);
    line(';');
    line(`${before}_SFC_D${after}`);
  };
  switch (a.qualifier) {
    case 'N':
      line(`${c}.Q := ${c}.Q OR ${step}.X;`);
      return;
    case 'S':
      line(`IF ${step}.X THEN ${c}.setIn := TRUE; END_IF;`);
      return;
    case 'R':
      line(`IF ${step}.X THEN ${c}.resetIn := TRUE; END_IF;`);
      return;
    case 'P':
    case 'P1':
      line(`IF ${activated} THEN ${c}.Q := TRUE; END_IF;`);
      return;
    case 'P0':
      line(`IF ${deactivated} THEN ${c}.Q := TRUE; END_IF;`);
      return;
    case 'L':
      timed(`IF ${step}.X AND ${step}.T < `, ` THEN ${c}.Q := TRUE; END_IF;`);
      return;
    case 'D':
      timed(`IF ${step}.X AND ${step}.T >= `, ` THEN ${c}.Q := TRUE; END_IF;`);
      return;
    case 'SD':
      // stored at once when the delay is not positive, else when it has run out (even after the step is left)
      timed(`IF ${activated} THEN ${c}.setTime := `, `; ${c}.setIn := ${c}.setIn OR ${c}.setTime <= T#0s; END_IF;`);
      return;
    case 'DS':
      timed(`IF ${activated} THEN ${c}.setTime := `, `; ${c}.setIn := ${c}.setIn OR ${c}.setTime <= T#0s; END_IF;`);
      line(`IF ${deactivated} THEN ${c}.setTime := T#0s; END_IF;`);
      return;
    case 'SL':
      timed(`IF ${activated} THEN ${c}.setIn := TRUE; ${c}.resetTime := `, `; END_IF;`);
      return;
  }
}

/** The statements that run the chart for one scan. */
export function writeChartBody(chart: SfcChart, w: SfcWriter): void {
  const at = chart.at;
  const line = (text: string, where: Position = at) => w.line(`${IND}${text}`, where, IND.length);
  const actions = controlledActions(chart);
  const withQualifier = (qs: string[]) => new Set(chart.steps.flatMap((s) => s.associations.filter((a) => qs.includes(a.qualifier)).map((a) => key(a.action))));
  const timers = withQualifier(['SD', 'DS', 'SL']);
  // only actions that are ever stored or reset need the stored flag's logic
  const stored = withQualifier(['S', 'R', 'SD', 'DS', 'SL']);

  // 1. time since the last scan (none in the first), step times and start-of-scan states
  line('_SFC_NOW := TASK_TIME();');
  line('IF _SFC_RUN THEN _SFC_DT := _SFC_NOW - _SFC_LAST; ELSE _SFC_DT := T#0s; _SFC_RUN := TRUE; END_IF;');
  line('_SFC_LAST := _SFC_NOW;');
  for (const s of chart.steps) line(`${s.name}.Xprev := ${s.name}.X; IF ${s.name}.X THEN ${s.name}.T := ${s.name}.T + _SFC_DT; END_IF;`, s.at);
  for (const a of actions) {
    const c = actionControl(a.name);
    line(stored.has(key(a.name)) ? `${c}.Q := FALSE; ${c}.setIn := FALSE; ${c}.resetIn := FALSE;` : `${c}.Q := FALSE;`, a.at);
    if (!timers.has(key(a.name))) continue;
    line(`IF ${c}.setTime > T#0s THEN ${c}.setTime := ${c}.setTime - _SFC_DT; IF ${c}.setTime <= T#0s THEN ${c}.setTime := T#0s; ${c}.setIn := TRUE; END_IF; END_IF;`, a.at);
    line(`IF ${c}.resetTime > T#0s THEN ${c}.resetTime := ${c}.resetTime - _SFC_DT; IF ${c}.resetTime <= T#0s THEN ${c}.resetTime := T#0s; ${c}.resetIn := TRUE; END_IF; END_IF;`, a.at);
  }
  for (const l of chart.preamble) verbatim(w, l);

  // 2. transitions: tested in priority order, sources cleared at once, targets set afterwards
  const order = chart.transitions.map((t, i) => ({ t, i })).sort((a, b) => (a.t.priority ?? Infinity) - (b.t.priority ?? Infinity) || a.i - b.i);
  for (const { t, i } of order) {
    const flag = transitionFlag(i);
    line(`${flag} := FALSE;`, t.at);
    line(`IF ${t.from.map((s) => `${s}.X`).join(' AND ')} THEN`, t.at);
    for (const l of t.statements) verbatim(w, l);
    line(`${IND}${flag} :=`, t.at);
    for (const l of t.condition) if (l.text.trim() !== '') verbatim(w, l);
    line(`${IND};`, t.at);
    line(`${IND}IF ${flag} THEN ${t.from.map((s) => `${s}.X := FALSE;`).join(' ')} END_IF;`, t.at);
    line('END_IF;', t.at);
  }
  chart.transitions.forEach((t, i) => {
    line(`IF ${transitionFlag(i)} THEN ${t.to.map((s) => `${s}.X := TRUE; ${s}.T := T#0s;`).join(' ')} END_IF;`, t.at);
  });

  // 3. action control: associations, then stored actions (R wins over S in the same scan)
  for (const s of chart.steps) for (const a of s.associations) associationLines(w, s.name, a);
  for (const a of actions) {
    const c = actionControl(a.name);
    if (stored.has(key(a.name))) {
      line(`IF ${c}.setIn THEN ${c}.stored := TRUE; END_IF;`, a.at);
      line(`IF ${c}.resetIn THEN ${c}.stored := FALSE; ${c}.setTime := T#0s; ${c}.resetTime := T#0s; END_IF;`, a.at);
      line(`${c}.Q := ${c}.Q OR ${c}.stored;`, a.at);
    }
    line(`${c}.A := ${c}.Q OR ${c}.Qprev; ${c}.Qprev := ${c}.Q;`, a.at);
  }

  // 4. actions run while active and once more after; a Boolean action's variable follows Q
  for (const a of actions) {
    const c = actionControl(a.name);
    if (a.boolean) {
      // the value on the association's own position: a variable that is no BOOL is reported there
      w.line(`${IND}${a.name} :=`, a.at, IND.length);
      w.line(`${c}.Q;`, a.at);
    }
    else {
      w.line(`${IND}IF ${c}.A THEN`, a.at, IND.length);
      w.line(`${a.name}();`, a.at);
      w.line(`${IND}END_IF;`, a.at, IND.length);
    }
  }
}
