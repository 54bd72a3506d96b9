/**
 * A sequential function chart (IEC 61131-3, 6.7) as both front ends read it: the PLCopen
 * importer from `<SFC>` bodies, the ST front end from INITIAL_STEP/STEP/TRANSITION text. Every
 * element keeps the position it was written at, so the ST generated from it (sfc-generate.ts)
 * and every diagnostic point at the XML or text line.
 */
import type { Position } from '../source.js';
import type { Code } from '../diagnostics/registry.js';

/** One line of source text taken over verbatim (an expression or statement line), with where it starts. */
export interface SfcLine {
  text: string;
  at: Position;
}

export const QUALIFIERS = ['N', 'R', 'S', 'P', 'P0', 'P1', 'L', 'D', 'SD', 'DS', 'SL'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];
/**
 * An IL line that would leave a transition condition's code (it runs inside the chart's body,
 * so a jump or return would skip the rest of the chart): JMP, JMPC, JMPCN, RET, RETC, RETCN.
 */
export const IL_LEAVES = /^\s*(?:[A-Za-z_]\w*\s*:)?\s*(JMPC?N?|RETC?N?)\b/i;

/** Qualifiers that take a duration. */
export const TIMED: ReadonlySet<string> = new Set(['L', 'D', 'SD', 'DS', 'SL']);

export interface SfcAssociation {
  /** an ACTION of the POU, or a BOOL variable (a Boolean action) */
  action: string;
  qualifier: Qualifier;
  /** ST expression of type TIME, for L, D, SD, DS, SL */
  duration?: SfcLine;
  at: Position;
}

export interface SfcStep {
  name: string;
  initial: boolean;
  associations: SfcAssociation[];
  at: Position;
}

export interface SfcTransition {
  name?: string;
  from: string[];
  to: string[];
  /** explicit priority: lower first; transitions without one follow in document order */
  priority?: number;
  /** statements that compute the condition (an FBD network), run when the source steps are active */
  statements: SfcLine[];
  /** the BOOL expression, possibly over several lines */
  condition: SfcLine[];
  at: Position;
}

export interface SfcChart {
  pou: string;
  pouType: 'program' | 'functionBlock' | 'function';
  steps: SfcStep[];
  transitions: SfcTransition[];
  /** names (upper case) of the ACTIONs the POU declares; other associated names are Boolean actions */
  actions: ReadonlySet<string>;
  /** statements run at every scan before the transitions are tested (FBD drawn in the chart) */
  preamble: SfcLine[];
  at: Position;
}

/** Where generated ST goes: one line at a time, mapped to the source position of `text[anchor]`. */
export interface SfcWriter {
  line(text: string, at: Position, anchor?: number): void;
}

export type SfcReport = (code: Code, message: string, at: Position, length: number) => void;
