import { describe, expect, it } from 'vitest';
import { decodeAll, encode, raw, toHex, type DecodeError } from './index.js';

function decodeError(bytes: Buffer, version?: 3 | 4 | 5): DecodeError {
  try {
    decodeAll(bytes, version);
  } catch (e) {
    return e as DecodeError;
  }
  throw new Error(`expected a DecodeError for ${toHex(bytes)}`);
}

describe('raw builder', () => {
  it('builds a SUBSCRIBE with wrong reserved flags byte for byte', () => {
    expect(toHex(raw.packet(0x80).u16(1).string('t/a').byte(0).build())).toBe('80 08 00 01 00 03 74 2f 61 00');
    expect(decodeError(raw.packet(0x80).u16(1).string('t/a').byte(0).build(), 4).code).toBe('DECODE_RESERVED_FLAGS');
  });

  it('writes remaining lengths over-long and non-minimal', () => {
    expect(toHex(raw.packet(0xc0).remainingLength(0, 5).build())).toBe('c0 80 80 80 80 00');
    expect(toHex(raw.packet(0xc0).remainingLength(0, 2).build())).toBe('c0 80 00');
    expect(toHex(raw.packet(0xc0).remainingLengthBytes([0xff, 0x7f]).build())).toBe('c0 ff 7f');
    expect(toHex(raw.varint(321))).toBe('c1 02');
    expect(toHex(raw.varint(321, 4))).toBe('c1 82 80 00');
  });

  it('writes strings from arbitrary bytes and lies about lengths', () => {
    expect(toHex(raw.packet(0x30).string(raw.utf8.surrogate).build())).toBe('30 05 00 03 ed a0 80');
    expect(toHex(raw.packet(0x30).string('ab', 5).build())).toBe('30 04 00 05 61 62');
  });

  it('writes property blocks with any id, duplicates and overridden lengths', () => {
    const p = raw.packet(0x30).string('t').properties(raw.props().u16Prop(0x23, 1).u16Prop(0x23, 2).byteProp(0x7f, 0)).bytes('x').build();
    expect(toHex(p)).toBe('30 0d 00 01 74 08 23 00 01 23 00 02 7f 00 78');
    expect(toHex(raw.props().set('topicAlias', 0).set('userProperties', ['k', 'v']).build())).toBe('23 00 00 26 00 01 6b 00 01 76');
    expect(toHex(raw.packet(0xe0).byte(0).properties(undefined, 3).build())).toBe('e0 02 00 03');
  });

  it('mutates encoded packets', () => {
    const pub = encode({ type: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 1, packetId: 1, retain: false, dup: false }, 4);
    expect(toHex(raw.withFirstByte(pub, 0x36))).toBe('36 06 00 01 61 00 01 78');
    expect(toHex(raw.withTrailing(encode({ type: 'pingreq' }, 4), [0]))).toBe('c0 01 00');
    expect(toHex(raw.withBodyCut(pub, 2))).toBe('32 04 00 01 61 00');
    expect(toHex(raw.withRemainingLength(encode({ type: 'pingreq' }, 4), 0, 3))).toBe('c0 80 80 00');
    expect(toHex(pub)).toBe('32 06 00 01 61 00 01 78'); // input untouched
  });

  it('builds CONNECTs with any field wrong', () => {
    expect(decodeAll(raw.connect())).toEqual([
      { type: 'connect', protocolName: 'MQTT', protocolVersion: 4, clean: true, keepalive: 60, clientId: 'raw' },
    ]);
    expect(decodeError(raw.connect({ flags: 0x03 })).statement).toBe('MQTT-3.1.2-3');
    expect(decodeError(raw.connect({ protocolName: 'MQTX' })).code).toBe('DECODE_PROTOCOL_NAME');
    const bad = decodeError(raw.connect({ level: 6 }));
    expect([bad.code, bad.protocolLevel]).toEqual(['DECODE_PROTOCOL_VERSION', 6]);
    expect(decodeAll(raw.connect({ level: 5, properties: raw.props().set('receiveMaximum', 10) }))).toEqual([
      {
        type: 'connect',
        protocolName: 'MQTT',
        protocolVersion: 5,
        clean: true,
        keepalive: 60,
        clientId: 'raw',
        properties: { receiveMaximum: 10 },
      },
    ]);
    expect(decodeAll(raw.connect({ level: 3, will: { topic: 'w', payload: 'p', qos: 2 }, username: 'u', password: 'p' }))).toEqual([
      {
        type: 'connect',
        protocolName: 'MQIsdp',
        protocolVersion: 3,
        clean: true,
        keepalive: 60,
        clientId: 'raw',
        will: { topic: 'w', payload: Buffer.from('p'), qos: 2, retain: false },
        username: 'u',
        password: Buffer.from('p'),
      },
    ]);
  });
});
