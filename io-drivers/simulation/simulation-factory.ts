import type { DeviceConfigBase } from '../config.js';
import { parseAddress } from '../../compiler/contract/address.js';
import { pathText, type ConfigPath, type ConfigReader } from '../config-reader.js';
import type { DeviceDriverFactory } from '../driver.js';
import type { SignalBinding, SimulationDeviceConfig } from './simulation-driver.js';

/**
 * A simulated plant stepped on the task clock (`driver: simulation`): the validator and the
 * factory (the config type is in simulation-driver.ts).
 */

function validate(r: ConfigReader, o: Record<string, unknown>, path: ConfigPath, base: DeviceConfigBase): SimulationDeviceConfig {
  const dev: SimulationDeviceConfig = {
    ...base,
    driver: 'simulation',
    model: r.str(o, 'model', path, { required: true, oneOf: ['tank', 'conveyor', 'motor'] as const }) ?? 'tank',
    params: {},
    signals: {},
  };
  if (o.params !== undefined) {
    const po = r.object(o.params, [...path, 'params'], Object.keys(o.params ?? {})) ?? {};
    for (const k of Object.keys(po)) dev.params[k] = r.num(po, k, [...path, 'params'], 0);
  }
  const so = o.signals === undefined ? {} : r.object(o.signals, [...path, 'signals'], Object.keys(o.signals ?? {})) ?? {};
  for (const [k, v] of Object.entries(so)) {
    const sp = [...path, 'signals', k];
    let b: SignalBinding | undefined;
    if (typeof v === 'string') b = { var: v, scale: 1, at: pathText(sp) };
    else {
      const bo = r.object(v, sp, ['var', 'scale']);
      if (bo) b = { var: r.str(bo, 'var', sp, { required: true }) ?? '', scale: r.num(bo, 'scale', sp, 1), at: pathText(sp) };
    }
    if (!b || !b.var) continue;
    if (b.var.startsWith('%') && typeof parseAddress(b.var) === 'string') {
      r.error('E6006', [...sp, ...(typeof v === 'string' ? [] : ['var'])], parseAddress(b.var) as string);
      continue;
    }
    dev.signals[k] = b;
  }
  return dev;
}

export const SIMULATION: DeviceDriverFactory<SimulationDeviceConfig> = {
  kind: 'simulation',
  keys: ['model', 'params', 'signals'],
  validate,
  async create(config, ctx) {
    const { SimulationDriver } = await import('./simulation-driver.js');
    return new SimulationDriver(config, ctx);
  },
};
