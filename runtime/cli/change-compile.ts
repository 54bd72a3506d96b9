import { basename, extname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Application } from '../../compiler/application.js';
import { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../../compiler/diagnostics/diagnostic.js';
import { importPlcopen } from '../../compiler/plcopen/import.js';
import { compileSources, compileSourceTexts } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import { changeProblems, planChange, type ChangePlan } from '../state/change-plan.js';

/**
 * The preparation of an online change: compile the new version, check that it can replace the
 * running one online, and work out what the state transfer will do (on throw-away instances).
 * It runs in a worker thread of its own, started per change: the main thread goes on serving
 * I/O, OPC UA and HTTP, the scan workers go on scanning.
 */

/** A source file of a change, as the client named it. */
export interface ChangeFile {
  name: string;
  text: string;
}

export type PreparedChange =
  | { app: Application; plan: ChangePlan }
  | { diagnostics: string[] }
  | { problems: string[] }
  /** the preparation itself failed (a vPLC bug, a worker that could not start) */
  | { failure: string };

export function prepareChange(files: ChangeFile[], running: Application): PreparedChange {
  const compiled = compileChange(files, running);
  if ('diagnostics' in compiled) return compiled;
  const problems = changeProblems(running, compiled.app);
  if (problems.length) return { problems };
  return { app: compiled.app, plan: planChange(running, compiled.app) };
}

/** prepareChange in a worker thread; resolves with its answer. */
export function prepareChangeOffThread(files: ChangeFile[], running: Application): Promise<PreparedChange> {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (p: PreparedChange) => {
      if (!answered) resolve(p);
      answered = true;
    };
    let worker: Worker;
    try {
      worker = spawnCompileWorker({ files, running });
    } catch (e) {
      return answer({ failure: `cannot start the compile thread: ${e instanceof Error ? e.message : String(e)}` });
    }
    worker.once('message', (p: PreparedChange) => {
      answer(p);
      // its work is done: end it now rather than when it runs out of handles
      void worker.terminate();
    });
    worker.once('error', (e) => answer({ failure: `compile thread: ${e.message}` }));
    worker.once('exit', (code) => answer({ failure: `compile thread ended (code ${code}) without an answer` }));
  });
}

function spawnCompileWorker(data: { files: ChangeFile[]; running: Application }): Worker {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // from the TypeScript sources (vitest, tsx): boot through tsx as the resource workers do
    const entry = new URL('./change-compile-worker.ts', here).href;
    return new Worker(new URL('../engine/tsx-boot.mjs', here), { workerData: { ...data, entry } });
  }
  return new Worker(new URL('./change-compile-worker.js', here), { workerData: data });
}

/**
 * Compile the files of a change (ST and PLCopen XML, by extension, as `vplc check` does; an
 * IEC 61499 .sys or .fboot with the types beside the running one's file of the same name).
 */
export function compileChange(files: ChangeFile[], running?: Application): { app: Application } | { diagnostics: string[] } {
  if (files.some((f) => ['.sys', '.fboot', '.fbt'].includes(extname(f.name).toLowerCase()))) {
    // the running application's files, where its types are found
    const known = new Set((running?.iec61499?.resources ?? []).flatMap((r) => r.fbs.flatMap((f) => (f.range && /\.(sys|fboot)$/i.test(f.range.file) ? [f.range.file] : []))));
    const at = (name: string) => [...known].find((k) => basename(k) === basename(name)) ?? resolve(name);
    const r = compileSourceTexts(files.map((f) => ({ path: at(f.name), text: f.text })));
    if (r.application && !hasErrors(r.diagnostics)) return { app: r.application };
    return { diagnostics: sortDiagnostics(r.diagnostics).map(formatDiagnostic) };
  }
  const diagnostics: Diagnostic[] = [];
  const st: SourceFile[] = [];
  for (const f of files) {
    const ext = extname(f.name).toLowerCase();
    if (ext === '.xml') {
      const r = importPlcopen(f.name, f.text);
      diagnostics.push(...r.diagnostics);
      st.push(...r.sources);
    } else st.push(new SourceFile(f.name, f.text));
  }
  if (!hasErrors(diagnostics)) {
    const r = compileSources(st);
    diagnostics.push(...r.diagnostics);
    if (r.application && !hasErrors(diagnostics)) return { app: r.application };
  }
  return { diagnostics: sortDiagnostics(diagnostics).map(formatDiagnostic) };
}

