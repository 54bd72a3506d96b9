import { describe, expect, it } from 'vitest';
import { FrameError, StringDecoder, encodeString } from '../../../../runtime/iec61499/management/frame.js';
import { parseRequest, RequestError } from '../../../../runtime/iec61499/management/request.js';

describe('management framing', () => {
  it('encodes a string as 0x50, a big-endian length and UTF-8 bytes', () => {
    expect([...encodeString('RES')]).toEqual([0x50, 0x00, 0x03, 0x52, 0x45, 0x53]);
    expect([...encodeString('é')]).toEqual([0x50, 0x00, 0x02, 0xc3, 0xa9]);
    expect(() => encodeString('x'.repeat(70000))).toThrow(FrameError);
  });

  it('decodes strings split across and packed into TCP chunks', () => {
    const bytes = Buffer.concat([encodeString(''), encodeString('<Request ID="1" Action="START"/>'), encodeString('Ünïcode')]);
    for (let size = 1; size <= bytes.length; size++) {
      const d = new StringDecoder();
      const got: string[] = [];
      for (let at = 0; at < bytes.length; at += size) got.push(...d.push(bytes.subarray(at, at + size)));
      expect(got).toEqual(['', '<Request ID="1" Action="START"/>', 'Ünïcode']);
      expect(d.pendingBytes).toBe(0);
    }
  });

  it('refuses a wrong tag and a length over the limit', () => {
    expect(() => new StringDecoder().push(Buffer.from([0x00]))).toThrow(/0x50, received 0x00/);
    expect(() => new StringDecoder(10).push(Buffer.from([0x50, 0x00, 0x0b]))).toThrow(/11 bytes exceeds the limit of 10/);
  });
});

describe('management requests', () => {
  it('reads the forms the IDE sends', () => {
    expect(parseRequest('<Request ID="3" Action="CREATE"><FB Name="C" Type="E_CTU" /></Request>')).toEqual({ id: '3', action: 'CREATE', object: { kind: 'fb', name: 'C', type: 'E_CTU' } });
    expect(parseRequest('<Request ID="4" Action="WRITE"><Connection Source="&apos;a&amp;b&apos;" Destination="F.S" /></Request>').object).toEqual({ kind: 'connection', source: "'a&b'", destination: 'F.S' });
    expect(parseRequest('<Request ID="5" Action="READ"><Watches/></Request>').object).toEqual({ kind: 'watches' });
    expect(parseRequest('<Request ID="6" Action="START"/>').object).toEqual({ kind: 'none' });
    expect(parseRequest('<Request ID="7" Action="QUERY"><FBType Name="*"/></Request>').object).toEqual({ kind: 'fbType', name: '*' });
  });

  it('refuses the rest with a Reason and the ID when it can be read', () => {
    const refuse = (xml: string) => {
      try {
        parseRequest(xml);
      } catch (e) {
        if (e instanceof RequestError) return `${e.id}:${e.reason}`;
      }
      return 'accepted';
    };
    expect(refuse('<Request ID="8" Action="FLY"/>')).toBe('8:UNSUPPORTED_CMD');
    expect(refuse('<Request ID="9" Action="CREATE"><FB/></Request>')).toBe('9:INVALID_OBJECT');
    expect(refuse('<Request ID="10" Action="CREATE"><FB Name="x"')).toBe('10:UNSUPPORTED_CMD');
    expect(refuse('')).toBe(':UNSUPPORTED_CMD');
  });
});
