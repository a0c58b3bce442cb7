import { describe, expect, it } from 'vitest';
import { TRACE_MAX_BYTES, describePacket, formatTrace, toTracePacket, traceBytes, traceHex } from './trace.js';

describe('trace', () => {
  it('keeps small byte fields whole, with their text when printable', () => {
    expect(traceBytes(Buffer.from('hi'))).toEqual({ hex: '68 69', utf8: 'hi' });
    expect(traceBytes(Buffer.from([0xff, 0x00]))).toEqual({ hex: 'ff 00' });
  });

  it('cuts large byte fields and says how much was left out', () => {
    const big = Buffer.alloc(TRACE_MAX_BYTES + 10, 0x61);
    expect(traceHex(big)).toMatch(/ \.\.\. \(\+10 bytes\)$/);
    expect(traceBytes(big).utf8).toBeUndefined();
  });

  it('turns Buffers of a packet into JSON-friendly values and describes packets in one line', () => {
    const p = { type: 'publish' as const, topic: 't', payload: Buffer.from('x'), qos: 1 as const, packetId: 7, retain: false, dup: false };
    expect(JSON.parse(JSON.stringify(toTracePacket(p)))).toMatchObject({ type: 'publish', payload: { hex: '78', utf8: 'x' } });
    expect(describePacket(p)).toBe('PUBLISH topic="t" qos=1 id=7 retain=0 dup=0 payload="x"');
    const text = formatTrace([{ client: 'c', t: 1.25, dir: 'in', hex: '78', packet: toTracePacket(p) }]);
    expect(text).toMatch(/ c +<- PUBLISH topic="t"/);
  });
});
