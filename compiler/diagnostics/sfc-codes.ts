import type { DiagnosticCode } from './code.js';

/** Sequential function charts, in PLCopen XML and in ST text (E21xx, W21xx). */
export const SFC_CODES = [
  { code: 'E2101', severity: 'error', title: 'SFC without an initial step', explanation: 'A sequential function chart needs an initial step (INITIAL_STEP in text, <step initialStep="true"> in PLCopen XML): it is the step that is active when the POU starts. Mark the step the sequence starts from as initial.' },
  { code: 'E2102', severity: 'error', title: 'transition without a condition', explanation: 'Every transition needs a condition: `TRANSITION FROM a TO b := expression; END_TRANSITION` in text, or in PLCopen XML a <condition> with an inline body, a reference to a named transition, or a connection to the FBD elements that compute it. An empty condition is an error rather than being read as TRUE or FALSE.' },
  { code: 'E2103', severity: 'error', title: 'invalid SFC structure', explanation: 'A transition leads from or to a step that does not exist (or to nothing), a step or transition name is used twice, a jump targets an unknown step, or a connection in the chart refers to a localId that does not exist.' },
  { code: 'E2104', severity: 'error', title: 'invalid action association', explanation: 'An action association has a qualifier other than N, R, S, P, P0, P1, L, D, SD, DS or SL, a timed qualifier (L, D, SD, DS, SL) without a duration, or a duration on a qualifier that takes none. Write e.g. `Fill(L, T#5s);` or <action qualifier="L" duration="T#5s">.' },
  { code: 'E2105', severity: 'error', title: 'SFC element not supported', explanation: 'The SFC element is valid but vPLC cannot translate it yet: an SFC in a FUNCTION (it has no state to keep its steps), a transition or action body in IL or LD, or a macro step. Rewrite the condition or action in ST or FBD.' },
  { code: 'W2101', severity: 'warning', title: 'unreachable step', explanation: 'No sequence of transitions leads from an initial step to this step, so it can never become active. It is kept (its variables exist, step.X stays FALSE); connect it or remove it.' },
] as const satisfies readonly DiagnosticCode[];
