import type { ConfigPath, ConfigReader } from '../../io-drivers/config-reader.js';

/**
 * plc.yaml keys of persistence and online change:
 *
 *   state:  { dir: ./state, saveMs: 5000 }          # RETAIN values kept in ./state, saved every 5 s, at every online change and at stop
 *   deploy: { port: 9465, users: [{ username: eng, password: secret }], tokenFile: ./deploy.token }
 *
 * Relative paths are relative to the folder of plc.yaml.
 */
export interface StateConfig {
  dir: string;
  saveMs: number;
}

export interface DeployUser {
  username: string;
  password: string;
}

export interface DeployConfig {
  port: number;
  users: DeployUser[];
  tokenFile?: string;
}

export const DEFAULT_SAVE_MS = 5000;

export function validateStateConfig(r: ConfigReader, value: unknown, path: ConfigPath): StateConfig | undefined {
  const o = r.object(value, path, ['dir', 'saveMs']);
  if (!o) return undefined;
  const dir = r.str(o, 'dir', path, { required: true });
  const saveMs = r.int(o, 'saveMs', path, 1, 86_400_000, DEFAULT_SAVE_MS);
  return dir ? { dir, saveMs } : undefined;
}

export function validateDeployConfig(r: ConfigReader, value: unknown, path: ConfigPath): DeployConfig | undefined {
  const o = r.object(value, path, ['port', 'users', 'tokenFile']);
  if (!o) return undefined;
  const users = r.users(o, path);
  const cfg: DeployConfig = { port: r.int(o, 'port', path, 0, 65535, undefined, true), users };
  const tokenFile = r.str(o, 'tokenFile', path);
  if (tokenFile) cfg.tokenFile = tokenFile;
  // an online change replaces the program: nobody unauthenticated may do it
  if (users.length === 0 && !tokenFile && o.users === undefined) r.error('E6005', path, "missing key 'users' (a list of {username, password}) or 'tokenFile'");
  return cfg;
}
