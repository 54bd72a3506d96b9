import { createHash } from 'node:crypto';
import { decodeValue, encodeValue } from './value-codec.js';
import type { SavedValue } from './retain-leaves.js';

/**
 * One generation of saved RETAIN values, as a file: a header line with the format version,
 * the payload's length in bytes and its SHA-256, then the payload (JSON). A file cut short, a
 * flipped bit or another format is recognised before anything of it is used.
 *
 *   VPLC-RETAIN 1 <bytes> <sha256>\n{"generation":7,"savedAt":"…","application":"Plant","resources":{…}}
 */
export const RETAIN_FORMAT_VERSION = 1;
const MAGIC = 'VPLC-RETAIN';

export interface RetainGeneration {
  generation: number;
  /** ISO time of the save */
  savedAt: string;
  application: string;
  /** why it was saved: `period`, `stop`, `change` */
  reason?: string;
  /** saved values by resource name */
  resources: Record<string, SavedValue[]>;
}

export function encodeRetainFile(g: RetainGeneration): Buffer {
  const resources: Record<string, unknown[]> = {};
  for (const [r, values] of Object.entries(g.resources)) resources[r] = values.map((v) => ({ path: v.path, type: v.type, value: encodeValue(v.value) }));
  const payload = Buffer.from(JSON.stringify({ ...g, resources }), 'utf8');
  const sum = createHash('sha256').update(payload).digest('hex');
  return Buffer.concat([Buffer.from(`${MAGIC} ${RETAIN_FORMAT_VERSION} ${payload.length} ${sum}\n`, 'ascii'), payload]);
}

/** The generation in a file, or why it cannot be used. */
export function decodeRetainFile(data: Buffer): RetainGeneration | { error: string } {
  const nl = data.indexOf(10);
  if (nl < 0 || nl > 200) return { error: 'no header (truncated or not a vPLC retain file)' };
  const [magic, version, length, sum, ...rest] = data.subarray(0, nl).toString('ascii').split(' ');
  if (magic !== MAGIC || rest.length > 0 || !sum) return { error: 'not a vPLC retain file' };
  if (Number(version) !== RETAIN_FORMAT_VERSION) return { error: `format version ${version}, this vPLC reads ${RETAIN_FORMAT_VERSION}` };
  const payload = data.subarray(nl + 1);
  if (payload.length !== Number(length)) return { error: `truncated: ${payload.length} of ${length} bytes` };
  if (createHash('sha256').update(payload).digest('hex') !== sum) return { error: 'checksum mismatch (corrupt)' };
  try {
    const g = JSON.parse(payload.toString('utf8')) as RetainGeneration;
    const resources: Record<string, SavedValue[]> = {};
    for (const [r, values] of Object.entries(g.resources ?? {})) {
      resources[r] = values.map((v) => ({ path: v.path, type: v.type, value: decodeValue(v.value) }));
    }
    return { ...g, resources };
  } catch (e) {
    return { error: `unreadable payload: ${e instanceof Error ? e.message : String(e)}` };
  }
}
