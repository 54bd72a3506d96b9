import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * A management request as the 4diac IDE sends it (IEC 61499-1 device management, FORTE's
 * dialect): `<Request ID="n" Action="…">` with at most one element saying what the action
 * applies to.
 */
export type Action = 'CREATE' | 'DELETE' | 'START' | 'STOP' | 'KILL' | 'RESET' | 'READ' | 'WRITE' | 'QUERY';

export type RequestObject =
  | { kind: 'none' }
  | { kind: 'fb'; name: string; type: string }
  | { kind: 'connection'; source: string; destination: string; force?: boolean }
  | { kind: 'watch'; source: string; destination: string }
  | { kind: 'watches' }
  | { kind: 'fbType'; name: string }
  | { kind: 'adapterType'; name: string }
  | { kind: 'dataType'; name: string };

export interface ManagementRequest {
  id: string;
  action: Action;
  object: RequestObject;
}

/** The Reason values of a failed response, as FORTE names them. */
export type Reason =
  | 'BAD_PARAMS'
  | 'UNSUPPORTED_CMD'
  | 'UNSUPPORTED_TYPE'
  | 'NO_SUCH_OBJECT'
  | 'INVALID_OBJECT'
  | 'INVALID_OPERATION'
  | 'INVALID_STATE'
  | 'INVALID_DST'
  | 'OVERFLOW'
  | 'DUPLICATE_OBJECT';

export class RequestError extends Error {
  constructor(readonly id: string, readonly reason: Reason, message: string) {
    super(message);
  }
}

const ACTIONS = new Set<Action>(['CREATE', 'DELETE', 'START', 'STOP', 'KILL', 'RESET', 'READ', 'WRITE', 'QUERY']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // values are literals: keep their text exactly; entities are the XML ones only
  htmlEntities: false,
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

type Node = Record<string, unknown>;

function attrs(n: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(n)) if (typeof v === 'string' && k !== '#text') out[k] = v;
  return out;
}

/** Best effort at the ID of a request that does not parse, so that the reply can carry it. */
export function guessId(xml: string): string {
  return /\bID\s*=\s*"([^"]{0,32})"/.exec(xml)?.[1] ?? '';
}

/** Parse one request; any problem is a RequestError carrying the Reason to answer with. */
export function parseRequest(xml: string): ManagementRequest {
  const idGuess = guessId(xml);
  // requests never need a DTD; refusing one rules out entity expansion attacks
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw new RequestError(idGuess, 'UNSUPPORTED_CMD', 'DTDs are not accepted in requests');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new RequestError(idGuess, 'UNSUPPORTED_CMD', `malformed XML: ${valid.err.msg}`);
  let doc: Node;
  try {
    doc = parser.parse(xml) as Node;
  } catch (e) {
    throw new RequestError(idGuess, 'UNSUPPORTED_CMD', `malformed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const roots = Object.keys(doc);
  if (roots.length !== 1 || roots[0] !== 'Request') throw new RequestError(idGuess, 'UNSUPPORTED_CMD', 'expected one <Request> element');
  const reqs = doc.Request as Node[];
  if (reqs.length !== 1) throw new RequestError(idGuess, 'UNSUPPORTED_CMD', 'expected one <Request> element');
  const req = reqs[0]!;
  const a = attrs(req);
  const id = a.ID ?? '';
  if (!/^[0-9A-Za-z_-]{0,32}$/.test(id)) throw new RequestError('', 'UNSUPPORTED_CMD', 'invalid request ID');
  const action = (a.Action ?? '').toUpperCase() as Action;
  if (!ACTIONS.has(action)) throw new RequestError(id, 'UNSUPPORTED_CMD', `unknown action '${a.Action ?? ''}'`);
  const elements = Object.keys(req).filter((k) => typeof req[k] !== 'string' && k !== '#text');
  if (elements.length > 1 || (elements.length === 1 && (req[elements[0]!] as Node[]).length > 1)) {
    throw new RequestError(id, 'UNSUPPORTED_CMD', 'a request applies to one element');
  }
  if (elements.length === 0) return { id, action, object: { kind: 'none' } };
  const tag = elements[0]!;
  const el = attrs((req[tag] as Node[])[0]!);
  const need = (name: string): string => {
    const v = el[name];
    if (v === undefined) throw new RequestError(id, 'INVALID_OBJECT', `<${tag}> needs ${name}`);
    return v;
  };
  switch (tag) {
    case 'FB':
      return { id, action, object: { kind: 'fb', name: need('Name'), type: el.Type ?? '*' } };
    case 'Connection': {
      const object: RequestObject = { kind: 'connection', source: need('Source'), destination: el.Destination ?? '' };
      if (el.force === 'true') object.force = true;
      else if (el.force === 'false') object.force = false;
      return { id, action, object };
    }
    case 'Watch':
      return { id, action, object: { kind: 'watch', source: need('Source'), destination: el.Destination ?? '' } };
    case 'Watches':
      return { id, action, object: { kind: 'watches' } };
    case 'FBType':
      return { id, action, object: { kind: 'fbType', name: el.Name ?? '*' } };
    case 'AdapterType':
      return { id, action, object: { kind: 'adapterType', name: el.Name ?? '*' } };
    case 'DataType':
      return { id, action, object: { kind: 'dataType', name: el.Name ?? '*' } };
    default:
      throw new RequestError(id, 'UNSUPPORTED_CMD', `unknown element <${tag}>`);
  }
}

// ------------------------------------------------------------------ responses

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** `<Response ID="n" />`, with the Reason on failure, or with a body (query results, values). */
export function response(id: string, reason?: Reason, body?: string): string {
  const head = `<Response ID="${escapeXml(id)}"${reason ? ` Reason="${reason}"` : ''}`;
  return body === undefined ? `${head} />` : `${head}>\n  ${body}\n</Response>`;
}
