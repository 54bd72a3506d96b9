import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Application } from '../../compiler/application.js';
import type { PlcConfig } from '../config/schema.js';
import type { Engine } from '../engine/engine.js';
import type { RetainedValues } from '../engine/retain.js';
import { DEFAULT_SAVE_MS } from '../state/config.js';
import { Persistence } from '../state/persistence.js';
import { startDeployServer, type DeployAuth, type DeployEndpoint } from './deploy-server.js';
import { changeReportLines, OnlineChange } from './online-change.js';

/**
 * What `vplc serve` adds for persistence and online change: RETAIN values restored at start
 * and saved while it runs (`--state-dir`, `state:`), the deploy endpoint (`--deploy-port`,
 * `deploy:`) and `--watch`.
 */
export interface OnlineOptions {
  stateDir?: string;
  saveMs?: number;
  deployPort?: number;
  deployTokenFile?: string;
  watch: boolean;
  files: string[];
}

export interface OnlineSettings {
  stateDir?: string;
  saveMs: number;
  deploy?: { port: number; auth: DeployAuth };
  watch: boolean;
  files: string[];
}

/** Flags over plc.yaml; relative paths of plc.yaml from its folder. An error is a message for exit 1. */
export function onlineSettings(o: OnlineOptions, config: PlcConfig | undefined): OnlineSettings | { error: string } {
  const base = config ? dirname(config.file) : '.';
  const stateDir = o.stateDir ?? (config?.state ? resolve(base, config.state.dir) : undefined);
  const saveMs = o.saveMs ?? config?.state?.saveMs ?? DEFAULT_SAVE_MS;
  const port = o.deployPort ?? config?.deploy?.port;
  const s: OnlineSettings = { ...(stateDir ? { stateDir } : {}), saveMs, watch: o.watch, files: o.files };
  if (port !== undefined) {
    const tokenFile = o.deployTokenFile ?? (config?.deploy?.tokenFile ? resolve(base, config.deploy.tokenFile) : undefined);
    let token = process.env.VPLC_DEPLOY_TOKEN || undefined;
    if (tokenFile) {
      try {
        token = readFileSync(tokenFile, 'utf8').trim();
      } catch (e) {
        return { error: `cannot read the deploy token ${tokenFile}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}` };
      }
      if (!token) return { error: `the deploy token file ${tokenFile} is empty` };
    }
    const users = config?.deploy?.users ?? [];
    if (!token && users.length === 0) {
      return { error: 'the deploy endpoint needs credentials: --deploy-token-file, $VPLC_DEPLOY_TOKEN, or deploy.users / deploy.tokenFile in plc.yaml' };
    }
    s.deploy = { port, auth: { ...(token ? { token } : {}), users } };
  }
  return s;
}

/** Restore RETAIN values before the engine starts: the initial values of its resources. */
export function restoreState(s: OnlineSettings, app: Application, say: (line: string) => void, warn: (line: string) => void): { persistence?: Persistence; initialValues?: Record<string, RetainedValues> } {
  if (!s.stateDir) return {};
  const persistence = new Persistence(s.stateDir, (m) => warn(`vplc serve: ${m}`));
  const report = persistence.restore(app);
  for (const l of report.lines) say(`vplc serve: ${l}`);
  return { persistence, initialValues: report.initialValues };
}

export interface OnlineServices {
  deploy?: DeployEndpoint;
  change: OnlineChange;
  /** stop watching and serving changes; after the engine has stopped, save once more */
  close(): Promise<void>;
  /** the last save, after the engine has stopped */
  finalSave(): Promise<void>;
}

/** Start periodic saves, the deploy endpoint and the watcher once the engine runs. */
export async function startOnline(s: OnlineSettings, engine: Engine, persistence: Persistence | undefined, say: (line: string) => void, warn: (line: string) => void): Promise<OnlineServices> {
  persistence?.start(engine, s.saveMs);
  const change = new OnlineChange(
    engine,
    (fn) => (persistence ? persistence.exclusive(fn) : fn()),
    () => void persistence?.save(engine, 'change'),
  );
  let deploy: DeployEndpoint | undefined;
  if (s.deploy) {
    deploy = await startDeployServer({ port: s.deploy.port, auth: s.deploy.auth, change, application: () => engine.app.name });
    say(`vplc serve: online change on ${deploy.url}/deploy`);
  }
  const watchers = s.watch ? watchSources(s.files, async () => {
    const files = s.files.map((name) => ({ name, text: readFileSync(name, 'utf8') }));
    const outcome = await change.apply(files, false);
    for (const l of changeReportLines(outcome)) (outcome.ok ? say : warn)(`vplc serve: watch: ${l}`);
  }, warn) : [];
  if (s.watch) say(`vplc serve: watching ${s.files.join(', ')} for changes`);
  return {
    deploy,
    change,
    async close() {
      for (const w of watchers) w.close();
      await deploy?.close();
    },
    async finalSave() {
      if (!persistence) return;
      await persistence.stop();
      const file = await persistence.save(engine, 'stop');
      if (file) say(`vplc serve: RETAIN values saved to ${file}`);
    },
  };
}

/**
 * Call `onChange` once the files have stopped changing for a moment. Folders are watched, not
 * the files: editors save by writing a new file and renaming it over the old one.
 */
function watchSources(files: string[], onChange: () => Promise<void>, warn: (line: string) => void): FSWatcher[] {
  const byDir = new Map<string, Set<string>>();
  for (const f of files) {
    const dir = dirname(resolve(f));
    (byDir.get(dir) ?? byDir.set(dir, new Set()).get(dir)!).add(basename(f));
  }
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(onChange).catch((e: unknown) => warn(`vplc serve: watch: ${e instanceof Error ? e.message : String(e)}`));
    }, 200);
  };
  return [...byDir].map(([dir, names]) => watch(dir, (_event, name) => {
    if (name && names.has(name.toString())) fire();
  }));
}
