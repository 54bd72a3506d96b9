/**
 * `vplc/testing`: PLC programs under test from vitest (or any test runner). Load a project,
 * bind simulated I/O, set inputs, advance the virtual clock by a duration or by scans, read
 * and write variables by dotted path, and watch IEC 61499 events.
 *
 *   const plc = loadProject(['samples/traffic-light/traffic_light.st']);
 *   plc.setInput('%IX0.0', true).advance('3s');
 *   expect(plc.read('Light.phase')).toBe('Phase#CarsYellow');
 */
import type { Application } from '../../compiler/application.js';
import { formatDiagnostic, hasErrors } from '../../compiler/diagnostics/diagnostic.js';
import { compileFiles, compileSources } from '../../compiler/project.js';
import { SourceFile } from '../../compiler/source.js';
import { loadConfigFile } from '../config/load.js';
import type { PlcConfig } from '../config/schema.js';
import { PlcTest, type PlcTestOptions } from './plc-test.js';
import { SystemTest } from './system-test.js';
import { durationNs } from './duration.js';

export { PlcTest, type PlcTestOptions } from './plc-test.js';
export { SystemTest, type EventProbe } from './system-test.js';
export { PlantBinding } from './plant-binding.js';
export { durationNs, type Duration } from './duration.js';
export type { ImageValueType } from './image-access.js';
export { TankModel } from '../../io-drivers/simulation/tank.js';
export { ConveyorModel } from '../../io-drivers/simulation/conveyor.js';
export { MotorModel } from '../../io-drivers/simulation/motor.js';
export type { PlantModel } from '../../io-drivers/simulation/plant.js';

export interface LoadOptions {
  /** plc.yaml (path or loaded): its simulated plants are bound to the program */
  config?: string | PlcConfig;
  /** the resource to run (61131) */
  resource?: string;
  /** interval of the default task of a lone PROGRAM (`'10ms'` unless given) */
  defaultInterval?: string | number;
  safeValues?: PlcTestOptions['safeValues'];
}

export class ProjectError extends Error {}

/** Compile files (.st, PLCopen .xml, 4diac .sys/.fboot/.fbt); compile errors throw a ProjectError listing them. */
export function loadProject(files: string | string[], options: LoadOptions = {}): PlcTest | SystemTest {
  const list = Array.isArray(files) ? files : [files];
  const r = compileFiles(list, compileOptions(options));
  return fromResult(r, options);
}

/** A 61131 project whose ST is given as text (`{ 'main.st': 'PROGRAM Main … END_PROGRAM' }`). */
export function loadSt(sources: string | Record<string, string>, options: LoadOptions = {}): PlcTest {
  const files = typeof sources === 'string' ? { 'test.st': sources } : sources;
  const r = compileSources(Object.entries(files).map(([p, t]) => new SourceFile(p, t)), compileOptions(options));
  const p = fromResult(r, options);
  if (p.kind !== '61131') throw new ProjectError('not an IEC 61131-3 project');
  return p;
}

/** A 61131 project (throws if the files hold an IEC 61499 application). */
export function loadPlc(files: string | string[], options: LoadOptions = {}): PlcTest {
  const p = loadProject(files, options);
  if (p.kind !== '61131') throw new ProjectError(`${String(files)}: an IEC 61499 application; use loadSystem`);
  return p;
}

/** An IEC 61499 project (throws if the files hold none). */
export function loadSystem(files: string | string[]): SystemTest {
  const p = loadProject(files);
  if (p.kind !== '61499') throw new ProjectError(`${String(files)}: not an IEC 61499 application; use loadPlc`);
  return p;
}

function compileOptions(options: LoadOptions): { defaultIntervalNs?: number } {
  if (options.defaultInterval === undefined) return {};
  const d = options.defaultInterval;
  return { defaultIntervalNs: typeof d === 'number' ? d : durationNs(d) };
}

function fromResult(r: { application?: Application; diagnostics: import('../../compiler/diagnostics/diagnostic.js').Diagnostic[] }, options: LoadOptions): PlcTest | SystemTest {
  if (!r.application || hasErrors(r.diagnostics)) {
    throw new ProjectError(r.diagnostics.map(formatDiagnostic).join('\n') || 'compilation failed');
  }
  const app = r.application;
  if (app.iec61499) return new SystemTest(app);
  let config: PlcConfig | undefined;
  if (typeof options.config === 'string') {
    const c = loadConfigFile(options.config);
    if (!c.config || hasErrors(c.diagnostics)) throw new ProjectError(c.diagnostics.map(formatDiagnostic).join('\n'));
    config = c.config;
  } else config = options.config;
  return new PlcTest(app, {
    ...(options.resource ? { resource: options.resource } : {}),
    ...(config ? { config } : {}),
    ...(options.safeValues ? { safeValues: options.safeValues } : {}),
  });
}
