/**
 * The ID of a communication FB as 4diac writes it: layers from the top, `fbdk[].ip[host:port]`
 * or `raw[].ip[host:port]`; a bare `host:port` is FORTE's default, `fbdk[].ip[host:port]`.
 */
export interface CommId {
  /** how data is put on the wire: the compliance profile's encoding, or one STRING as its bytes */
  encoding: 'fbdk' | 'raw';
  host: string;
  port: number;
  /** an IPv4 multicast group (224.0.0.0/4): PUBLISH sends to it, SUBSCRIBE joins it */
  multicast: boolean;
}

const LAYER = /^([A-Za-z][A-Za-z0-9_]*)\[([^\]]*)\]$/;

/** Parse an ID; a string is the reason it is not one. */
export function parseCommId(text: string): CommId | string {
  const id = text.trim();
  if (id === '') return 'the ID is empty';
  let encoding: CommId['encoding'] = 'fbdk';
  let address = id;
  if (id.includes('[')) {
    // split at the dots between layers (addresses in brackets contain dots)
    const layers = id.match(/[A-Za-z][A-Za-z0-9_]*\[[^\]]*\]/g) ?? [];
    if (layers.join('.') !== id) return `'${id}' is not a layer list such as fbdk[].ip[127.0.0.1:61500]`;
    const parsed = layers.map((l) => LAYER.exec(l)!);
    const names = parsed.map((m) => m[1]!.toLowerCase());
    const ip = parsed.find((m) => m[1]!.toLowerCase() === 'ip');
    if (!ip) return `'${id}' has no ip[host:port] layer`;
    const top = names[0]!;
    if (top === 'raw') encoding = 'raw';
    else if (top !== 'fbdk' && top !== 'ip') return `the layer ${parsed[0]![1]} is not supported (fbdk, raw and ip are)`;
    address = ip[2]!;
  }
  const m = /^(.*):(\d+)$/.exec(address);
  if (!m) return `'${address}' is not host:port`;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return `port ${m[2]} is out of range`;
  const host = m[1]! === '' ? '127.0.0.1' : m[1]!;
  const first = /^(\d+)\.\d+\.\d+\.\d+$/.exec(host);
  const multicast = !!first && Number(first[1]) >= 224 && Number(first[1]) <= 239;
  return { encoding, host, port, multicast };
}
