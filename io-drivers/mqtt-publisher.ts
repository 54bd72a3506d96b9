import type { DeviceStatus } from './device-status.js';
import type { MqttPublication } from './mqtt-config.js';
import { rawValue } from './mqtt-selection.js';
import { leavesOf, type CatalogVar } from './variable-catalog.js';
import { changed, jsonValue, keep } from './mqtt-value.js';

/** A message the gateway sends. */
export interface OutgoingMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  retain: boolean;
}

/** Names a topic template may use besides the variable's. */
export interface TopicNames {
  resource: string;
  clientId: string;
}

/**
 * One publication of JSON payloads: decides at each sample which of its variables to send
 * (on change beyond the deadbands, every period, or on the rising edge of a trigger) and
 * renders them: `{"timestamp": ms, "value": …, "quality": "good"|"bad"}` per variable, or one
 * `{"timestamp": ms, "values": {path: value}, "quality": {path: quality}}` when the topic
 * names no variable.
 */
export class JsonPublication {
  private readonly leaves: CatalogVar[][];
  private readonly last: unknown[][];
  private readonly sentAt: number[];
  private readonly perVariable: boolean;
  private lastTrigger = false;
  private lastPeriod = -Infinity;

  constructor(
    readonly cfg: MqttPublication,
    readonly vars: readonly CatalogVar[],
    private readonly names: TopicNames,
    private readonly writers: ReadonlyMap<string, DeviceStatus>,
    private readonly trigger?: CatalogVar,
  ) {
    this.leaves = vars.map(leavesOf);
    this.last = vars.map(() => []);
    this.sentAt = vars.map(() => -Infinity);
    this.perVariable = /\{(path|name)\}/.test(cfg.topic);
  }

  /** The messages due for sample `raw` taken at `now` (ms since 1970), appended to `out`. */
  collect(raw: Record<string, unknown>, now: number, out: OutgoingMessage[]): void {
    const cfg = this.cfg;
    let all = false;
    if (cfg.mode === 'period') {
      if (now - this.lastPeriod < cfg.periodMs) return;
      this.lastPeriod = this.lastPeriod === -Infinity || now - this.lastPeriod > 2 * cfg.periodMs ? now : this.lastPeriod + cfg.periodMs;
      all = true;
    } else if (cfg.mode === 'trigger') {
      const t = this.trigger ? rawValue(this.trigger, raw) : false;
      const on = t === true || t === 1;
      const rising = on && !this.lastTrigger;
      this.lastTrigger = on;
      if (!rising) return;
      all = true;
    }
    const due: number[] = [];
    for (let i = 0; i < this.vars.length; i++) {
      const leaves = this.leaves[i]!;
      const last = this.last[i]!;
      let send = all || last.length === 0 || (cfg.periodMs > 0 && now - this.sentAt[i]! >= cfg.periodMs);
      if (!send) {
        for (let k = 0; k < leaves.length; k++) {
          if (changed(last[k], rawValue(leaves[k]!, raw), cfg.deadband, cfg.relativeDeadband)) {
            send = true;
            break;
          }
        }
      }
      if (!send) continue;
      for (let k = 0; k < leaves.length; k++) last[k] = keep(rawValue(leaves[k]!, raw));
      this.sentAt[i] = now;
      due.push(i);
    }
    if (due.length === 0) return;
    if (this.perVariable) {
      for (const i of due) {
        const v = this.vars[i]!;
        const body = { timestamp: now, value: this.render(v, raw), quality: this.quality(v) ? 'good' : 'bad' };
        out.push({ topic: this.topic(v), payload: Buffer.from(JSON.stringify(body)), qos: cfg.qos, retain: cfg.retain });
      }
    } else {
      const values: Record<string, unknown> = {};
      const quality: Record<string, string> = {};
      for (const i of due) {
        const v = this.vars[i]!;
        values[v.path] = this.render(v, raw);
        quality[v.path] = this.quality(v) ? 'good' : 'bad';
      }
      out.push({ topic: this.topic(undefined), payload: Buffer.from(JSON.stringify({ timestamp: now, values, quality })), qos: cfg.qos, retain: cfg.retain });
    }
  }

  /** good unless one of its leaves is an input of a device whose inputs are stale */
  private quality(v: CatalogVar): boolean {
    for (const l of leavesOf(v)) {
      const w = l.key !== undefined ? this.writers.get(l.key) : undefined;
      if (w && w.inputsBad) return false;
    }
    return true;
  }

  private render(v: CatalogVar, raw: Record<string, unknown>): unknown {
    if (!v.children) return jsonValue(v.type, rawValue(v, raw));
    if (v.type.kind === 'array') return v.children.map((c) => this.render(c, raw));
    const o: Record<string, unknown> = {};
    for (const c of v.children) o[c.path.slice(c.path.lastIndexOf('.') + 1)] = this.render(c, raw);
    return o;
  }

  private topic(v: CatalogVar | undefined): string {
    return this.cfg.topic.replace(/\{(path|name|resource|clientId)\}/g, (_m, k: string) => {
      if (k === 'resource') return this.names.resource;
      if (k === 'clientId') return this.names.clientId;
      if (!v) return '';
      return k === 'path' ? v.path : v.path.slice(v.path.lastIndexOf('.') + 1);
    });
  }
}
