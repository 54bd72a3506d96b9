/**
 * Framing of the IEC 61499 management protocol as FORTE and the 4diac IDE speak it: every
 * string travels as the ASN.1 tag byte 0x50, a 2-byte big-endian length and the bytes (UTF-8).
 * A request is two strings (destination, then the request XML); a response is one.
 */

export const STRING_TAG = 0x50;
/** the largest string a 2-byte length can carry */
export const MAX_STRING_BYTES = 0xffff;

export class FrameError extends Error {}

export function encodeString(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  if (body.length > MAX_STRING_BYTES) throw new FrameError(`string of ${body.length} bytes does not fit a 2-byte length`);
  const out = Buffer.allocUnsafe(3 + body.length);
  out[0] = STRING_TAG;
  out.writeUInt16BE(body.length, 1);
  body.copy(out, 3);
  return out;
}

/**
 * Incremental decoder: feed it whatever TCP delivers, take the complete strings out.
 * A wrong tag byte or a length beyond `maxBytes` is a FrameError: the stream cannot be
 * resynchronised, so the caller answers and closes the connection.
 */
export class StringDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number = MAX_STRING_BYTES) {}

  /** bytes received but not yet part of a complete string */
  get pendingBytes(): number {
    return this.buffered.length;
  }

  push(chunk: Buffer): string[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: string[] = [];
    let at = 0;
    while (this.buffered.length - at >= 1) {
      if (this.buffered[at] !== STRING_TAG) {
        const tag = this.buffered[at]!;
        this.buffered = Buffer.alloc(0);
        throw new FrameError(`expected string tag 0x50, received 0x${tag.toString(16).padStart(2, '0')}`);
      }
      if (this.buffered.length - at < 3) break;
      const length = this.buffered.readUInt16BE(at + 1);
      if (length > this.maxBytes) {
        this.buffered = Buffer.alloc(0);
        throw new FrameError(`string of ${length} bytes exceeds the limit of ${this.maxBytes}`);
      }
      if (this.buffered.length - at < 3 + length) break;
      out.push(this.buffered.toString('utf8', at + 3, at + 3 + length));
      at += 3 + length;
    }
    this.buffered = at === 0 ? this.buffered : this.buffered.subarray(at);
    return out;
  }
}
