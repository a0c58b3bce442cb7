import { describe, expect, it } from 'vitest';
import {
  decodeAll,
  DecodeError,
  encode,
  fromHex,
  PacketDecoder,
  raw,
  toHex,
  type CodecErrorCode,
  type Packet,
  type ProtocolVersion,
} from './index.js';

interface Case {
  name: string;
  version?: ProtocolVersion;
  bytes: Buffer;
  code: CodecErrorCode;
  statement?: string;
  offset?: number;
}

const h = fromHex;
const pub5 = (props: ReturnType<typeof raw.props>): Buffer => raw.packet(0x30).string('t').properties(props).build();

const CASES: Case[] = [
  // packet types and fixed-header flags
  { name: 'packet type 0', version: 4, bytes: h('00 00'), code: 'DECODE_RESERVED_PACKET_TYPE', offset: 0 },
  { name: 'packet type 15 in 3.1.1', version: 4, bytes: h('f0 00'), code: 'DECODE_RESERVED_PACKET_TYPE' },
  { name: 'packet type 15 in 3.1', version: 3, bytes: h('f0 00'), code: 'DECODE_RESERVED_PACKET_TYPE' },
  { name: 'PUBACK flags 0001', version: 4, bytes: h('41 02 00 01'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-2.2.2-1', offset: 0 },
  { name: 'CONNACK flags 5.0', version: 5, bytes: h('28 03 00 00 00'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-2.1.3-1' },
  { name: 'PUBREL flags 0000', version: 4, bytes: h('60 02 00 01'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-3.6.1-1' },
  { name: 'SUBSCRIBE flags 0000', version: 4, bytes: h('80 08 00 01 00 03 74 2f 61 00'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-3.8.1-1' },
  { name: 'UNSUBSCRIBE flags 0011', version: 5, bytes: h('a3 07 00 01 00 00 02 74 2f'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-3.10.1-1' },
  { name: 'DISCONNECT flags 0001', version: 4, bytes: h('e1 00'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-3.14.1-1' },
  { name: 'AUTH flags 0001', version: 5, bytes: h('f1 00'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-3.15.1-1' },
  { name: 'PINGREQ flags 1000', version: 5, bytes: h('c8 00'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-2.1.3-1' },
  { name: 'PUBLISH QoS 0 with DUP 3.1.1', version: 4, bytes: h('38 03 00 01 74'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-3.3.1-2' },
  { name: 'PUBLISH QoS 0 with DUP 5.0', version: 5, bytes: h('38 04 00 01 74 00'), code: 'DECODE_RESERVED_FLAGS', statement: 'MQTT-3.3.1-2' },
  { name: 'PUBLISH QoS 3', version: 4, bytes: h('36 05 00 01 74 00 01'), code: 'DECODE_INVALID_QOS', statement: 'MQTT-3.3.1-4', offset: 0 },
  { name: 'PUBLISH QoS 3 (3.1)', version: 3, bytes: h('36 05 00 01 74 00 01'), code: 'DECODE_INVALID_QOS', statement: 'MQTT-3.3.1-4' },
  // remaining length
  { name: 'remaining length in 5 bytes', version: 4, bytes: h('c0 80 80 80 80 00'), code: 'DECODE_REMAINING_LENGTH', offset: 4 },
  { name: 'remaining length not minimal (5.0)', version: 5, bytes: h('c0 80 00'), code: 'DECODE_REMAINING_LENGTH', statement: 'MQTT-1.5.5-1' },
  { name: 'remaining length longer than the fields', version: 4, bytes: h('c0 01 00'), code: 'DECODE_TRAILING_BYTES' },
  { name: 'PUBACK 3.1.1 with a reason code byte', version: 4, bytes: h('40 03 00 01 00'), code: 'DECODE_TRAILING_BYTES', offset: 4 },
  { name: 'remaining length shorter than the fields', version: 4, bytes: h('32 03 00 01 74'), code: 'DECODE_TRUNCATED', offset: 5 },
  { name: 'string longer than the packet', version: 4, bytes: h('30 04 00 05 61 62'), code: 'DECODE_TRUNCATED' },
  { name: 'stream ends inside a packet', version: 4, bytes: h('30 05 00 01'), code: 'DECODE_TRUNCATED' },
  { name: 'stream ends inside a fixed header', version: 4, bytes: h('30 80'), code: 'DECODE_TRUNCATED' },
  // strings
  { name: 'surrogate in a topic (3.1.1)', version: 4, bytes: raw.packet(0x30).string(raw.utf8.surrogate).build(), code: 'DECODE_MALFORMED_UTF8', statement: 'MQTT-1.5.3-1', offset: 4 },
  { name: 'surrogate in a topic (5.0)', version: 5, bytes: raw.packet(0x30).string(raw.utf8.surrogate).byte(0).build(), code: 'DECODE_MALFORMED_UTF8', statement: 'MQTT-1.5.4-1' },
  { name: 'overlong U+0000', version: 4, bytes: raw.packet(0x30).string(raw.utf8.overlongNul).build(), code: 'DECODE_MALFORMED_UTF8' },
  { name: 'byte 0xff in a string', version: 4, bytes: raw.packet(0x82).u16(1).string(raw.utf8.invalidByte).byte(0).build(), code: 'DECODE_MALFORMED_UTF8' },
  { name: 'truncated UTF-8 sequence', version: 4, bytes: raw.packet(0xa2).u16(1).string(raw.utf8.truncated).build(), code: 'DECODE_MALFORMED_UTF8' },
  { name: 'U+0000 in a topic', version: 4, bytes: h('30 05 00 03 61 00 62'), code: 'DECODE_NULL_CHARACTER', statement: 'MQTT-1.5.3-2', offset: 5 },
  { name: 'U+0000 after non-ASCII', version: 5, bytes: raw.packet(0x30).string(Buffer.from([0xc3, 0xa9, 0])).byte(0).build(), code: 'DECODE_NULL_CHARACTER', statement: 'MQTT-1.5.4-2' },
  { name: 'U+0000 in a client id', bytes: raw.connect({ clientId: Buffer.from([0x61, 0]) }), code: 'DECODE_NULL_CHARACTER', statement: 'MQTT-1.5.3-2' },
  { name: 'surrogate in a user name', bytes: raw.connect({ username: raw.utf8.surrogate }), code: 'DECODE_MALFORMED_UTF8', statement: 'MQTT-1.5.3-1' },
  { name: 'surrogate in a user property (5.0)', version: 5, bytes: pub5(raw.props().pairProp(0x26, raw.utf8.surrogate, 'v')), code: 'DECODE_MALFORMED_UTF8', statement: 'MQTT-1.5.4-1' },
  // CONNECT
  { name: 'protocol name MQTX', bytes: raw.connect({ protocolName: 'MQTX' }), code: 'DECODE_PROTOCOL_NAME', statement: 'MQTT-3.1.2-1', offset: 2 },
  { name: 'protocol name mqtt (case)', bytes: raw.connect({ protocolName: 'mqtt' }), code: 'DECODE_PROTOCOL_NAME', statement: 'MQTT-3.1.2-1' },
  { name: 'protocol level 6', bytes: raw.connect({ level: 6 }), code: 'DECODE_PROTOCOL_VERSION', statement: 'MQTT-3.1.2-2', offset: 8 },
  { name: 'MQIsdp with level 4', bytes: raw.connect({ protocolName: 'MQIsdp', level: 4 }), code: 'DECODE_PROTOCOL_VERSION' },
  { name: 'MQTT with level 3', bytes: raw.connect({ protocolName: 'MQTT', level: 3 }), code: 'DECODE_PROTOCOL_VERSION' },
  { name: 'CONNECT reserved flag', bytes: raw.connect({ flags: 0x03 }), code: 'DECODE_CONNECT_FLAGS', statement: 'MQTT-3.1.2-3', offset: 9 },
  { name: 'CONNECT reserved flag (5.0)', bytes: raw.connect({ level: 5, flags: 0x03 }), code: 'DECODE_CONNECT_FLAGS', statement: 'MQTT-3.1.2-3' },
  { name: 'will QoS without will (3.1.1)', bytes: raw.connect({ flags: 0x0a }), code: 'DECODE_CONNECT_FLAGS', statement: 'MQTT-3.1.2-13' },
  { name: 'will QoS without will (5.0)', bytes: raw.connect({ level: 5, flags: 0x12 }), code: 'DECODE_CONNECT_FLAGS', statement: 'MQTT-3.1.2-11' },
  { name: 'will retain without will (3.1.1)', bytes: raw.connect({ flags: 0x22 }), code: 'DECODE_CONNECT_FLAGS', statement: 'MQTT-3.1.2-15' },
  { name: 'will retain without will (5.0)', bytes: raw.connect({ level: 5, flags: 0x22 }), code: 'DECODE_CONNECT_FLAGS', statement: 'MQTT-3.1.2-13' },
  { name: 'will QoS 3 (3.1.1)', bytes: raw.connect({ will: { topic: 'w', payload: 'p', qos: 3 } }), code: 'DECODE_INVALID_QOS', statement: 'MQTT-3.1.2-14' },
  { name: 'will QoS 3 (5.0)', bytes: raw.connect({ level: 5, will: { topic: 'w', payload: 'p', qos: 3 } }), code: 'DECODE_INVALID_QOS', statement: 'MQTT-3.1.2-12' },
  { name: 'password without user name (3.1.1)', bytes: raw.connect({ password: 'p' }), code: 'DECODE_CONNECT_FLAGS', statement: 'MQTT-3.1.2-22' },
  { name: 'password without user name (3.1)', bytes: raw.connect({ level: 3, password: 'p' }), code: 'DECODE_CONNECT_FLAGS', statement: 'MQTT-3.1.2-22' },
  { name: 'user name flag without a user name', bytes: raw.connect({ flags: 0x82 }), code: 'DECODE_TRUNCATED' },
  { name: 'CONNECT with bytes after the password', bytes: raw.withTrailing(raw.connect({ username: 'u', password: 'p' }), [1]), code: 'DECODE_TRAILING_BYTES' },
  // CONNACK
  { name: 'CONNACK reserved flag bits (3.1.1)', version: 4, bytes: h('20 02 02 00'), code: 'DECODE_CONNACK_FLAGS' },
  { name: 'CONNACK reserved flag bits (5.0)', version: 5, bytes: h('20 03 80 00 00'), code: 'DECODE_CONNACK_FLAGS', statement: 'MQTT-3.2.2-1' },
  { name: 'CONNACK return code 6 (3.1.1)', version: 4, bytes: h('20 02 00 06'), code: 'DECODE_REASON_CODE', offset: 3 },
  { name: 'CONNACK reason code 0x01 (5.0)', version: 5, bytes: h('20 03 00 01 00'), code: 'DECODE_REASON_CODE', statement: 'MQTT-3.2.2-8' },
  // packet identifiers
  { name: 'PUBLISH QoS 1 packet id 0', version: 4, bytes: h('32 05 00 01 74 00 00'), code: 'DECODE_PACKET_ID_ZERO', statement: 'MQTT-2.3.1-1', offset: 5 },
  { name: 'PUBLISH QoS 2 packet id 0 (5.0)', version: 5, bytes: h('34 06 00 01 74 00 00 00'), code: 'DECODE_PACKET_ID_ZERO', statement: 'MQTT-2.2.1-3' },
  { name: 'SUBSCRIBE packet id 0', version: 4, bytes: h('82 06 00 00 00 01 74 00'), code: 'DECODE_PACKET_ID_ZERO', statement: 'MQTT-2.3.1-1' },
  { name: 'UNSUBSCRIBE packet id 0', version: 4, bytes: h('a2 05 00 00 00 01 74'), code: 'DECODE_PACKET_ID_ZERO' },
  // SUBSCRIBE / UNSUBSCRIBE payloads
  { name: 'SUBSCRIBE without a topic filter (3.1.1)', version: 4, bytes: h('82 02 00 01'), code: 'DECODE_EMPTY_PAYLOAD', statement: 'MQTT-3.8.3-3' },
  { name: 'SUBSCRIBE without a topic filter (5.0)', version: 5, bytes: h('82 03 00 01 00'), code: 'DECODE_EMPTY_PAYLOAD', statement: 'MQTT-3.8.3-2' },
  { name: 'UNSUBSCRIBE without a topic filter', version: 4, bytes: h('a2 02 00 01'), code: 'DECODE_EMPTY_PAYLOAD', statement: 'MQTT-3.10.3-2' },
  { name: 'SUBSCRIBE filter without options byte', version: 4, bytes: h('82 05 00 01 00 01 74'), code: 'DECODE_TRUNCATED' },
  { name: 'SUBSCRIBE reserved bits (3.1.1)', version: 4, bytes: h('82 06 00 01 00 01 74 04'), code: 'DECODE_SUBSCRIPTION_OPTIONS', statement: 'MQTT-3.8.3-4', offset: 7 },
  { name: 'SUBSCRIBE QoS 3 (3.1.1)', version: 4, bytes: h('82 06 00 01 00 01 74 03'), code: 'DECODE_SUBSCRIPTION_OPTIONS', statement: 'MQTT-3.8.3-4' },
  { name: 'SUBSCRIBE reserved bits (5.0)', version: 5, bytes: h('82 07 00 01 00 00 01 74 40'), code: 'DECODE_SUBSCRIPTION_OPTIONS', statement: 'MQTT-3.8.3-5' },
  { name: 'SUBSCRIBE QoS 3 (5.0)', version: 5, bytes: h('82 07 00 01 00 00 01 74 03'), code: 'DECODE_SUBSCRIPTION_OPTIONS' },
  { name: 'SUBSCRIBE retain handling 3 (5.0)', version: 5, bytes: h('82 07 00 01 00 00 01 74 30'), code: 'DECODE_SUBSCRIPTION_OPTIONS' },
  { name: 'SUBACK return code 0x03 (3.1.1)', version: 4, bytes: h('90 03 00 01 03'), code: 'DECODE_REASON_CODE', statement: 'MQTT-3.9.3-2' },
  // MQTT 5.0 properties
  { name: 'unknown property 0x7f', version: 5, bytes: pub5(raw.props().byteProp(0x7f, 0)), code: 'DECODE_PROPERTY_UNKNOWN', offset: 6 },
  { name: 'property id as 2-byte varint', version: 5, bytes: pub5(raw.props().varint(0x80 + 0x23, 2).u16(1)), code: 'DECODE_PROPERTY_UNKNOWN' },
  { name: 'Session Expiry Interval in PUBLISH', version: 5, bytes: pub5(raw.props().u32Prop(0x11, 1)), code: 'DECODE_PROPERTY_NOT_ALLOWED' },
  { name: 'Topic Alias in CONNECT', bytes: raw.connect({ level: 5, properties: raw.props().set('topicAlias', 1) }), code: 'DECODE_PROPERTY_NOT_ALLOWED' },
  { name: 'Will Delay Interval in CONNECT properties', bytes: raw.connect({ level: 5, properties: raw.props().set('willDelayInterval', 1) }), code: 'DECODE_PROPERTY_NOT_ALLOWED' },
  { name: 'Session Expiry Interval in will properties', bytes: raw.connect({ level: 5, will: { topic: 'w', payload: '', properties: raw.props().set('sessionExpiryInterval', 1) } }), code: 'DECODE_PROPERTY_NOT_ALLOWED' },
  { name: 'Topic Alias twice', version: 5, bytes: pub5(raw.props().u16Prop(0x23, 1).u16Prop(0x23, 2)), code: 'DECODE_PROPERTY_DUPLICATE' },
  { name: 'Subscription Identifier twice in SUBSCRIBE', version: 5, bytes: raw.packet(0x82).u16(1).properties(raw.props().varintProp(0x0b, 1).varintProp(0x0b, 2)).string('t').byte(0).build(), code: 'DECODE_PROPERTY_DUPLICATE' },
  { name: 'Reason String twice in PUBACK', version: 5, bytes: raw.packet(0x40).u16(1).byte(0).properties(raw.props().stringProp(0x1f, 'a').stringProp(0x1f, 'b')).build(), code: 'DECODE_PROPERTY_DUPLICATE' },
  { name: 'Maximum QoS 2', version: 5, bytes: raw.packet(0x20).byte(0).byte(0).properties(raw.props().byteProp(0x24, 2)).build(), code: 'DECODE_PROPERTY_VALUE' },
  { name: 'Receive Maximum 0', bytes: raw.connect({ level: 5, properties: raw.props().set('receiveMaximum', 0) }), code: 'DECODE_PROPERTY_VALUE' },
  { name: 'Maximum Packet Size 0', bytes: raw.connect({ level: 5, properties: raw.props().set('maximumPacketSize', 0) }), code: 'DECODE_PROPERTY_VALUE' },
  { name: 'Topic Alias 0', version: 5, bytes: pub5(raw.props().u16Prop(0x23, 0)), code: 'DECODE_PROPERTY_VALUE', statement: 'MQTT-3.3.2-8' },
  { name: 'Subscription Identifier 0', version: 5, bytes: pub5(raw.props().varintProp(0x0b, 0)), code: 'DECODE_PROPERTY_VALUE' },
  { name: 'Payload Format Indicator 2', version: 5, bytes: pub5(raw.props().byteProp(0x01, 2)), code: 'DECODE_PROPERTY_VALUE' },
  { name: 'property value cut by the property length', version: 5, bytes: raw.packet(0x30).string('t').properties(raw.props().u16Prop(0x23, 1), 2).byte(0).build(), code: 'DECODE_TRUNCATED' },
  { name: 'property length beyond the packet', version: 5, bytes: raw.packet(0x30).string('t').properties(undefined, 9).build(), code: 'DECODE_TRUNCATED' },
  { name: 'property length in 5 bytes', version: 5, bytes: raw.packet(0x30).string('t').properties(undefined, 0, 5).build(), code: 'DECODE_VARIABLE_BYTE_INTEGER' },
  { name: 'property length not minimal', version: 5, bytes: raw.packet(0x30).string('t').properties(undefined, 0, 2).build(), code: 'DECODE_VARIABLE_BYTE_INTEGER', statement: 'MQTT-1.5.5-1' },
  // MQTT 5.0 reason codes
  { name: 'PUBACK reason code 0x05', version: 5, bytes: h('40 03 00 01 05'), code: 'DECODE_REASON_CODE', offset: 4 },
  { name: 'PUBREL reason code 0x10', version: 5, bytes: h('62 03 00 01 10'), code: 'DECODE_REASON_CODE', statement: 'MQTT-3.6.2-1' },
  { name: 'SUBACK reason code 0x03', version: 5, bytes: h('90 04 00 01 00 03'), code: 'DECODE_REASON_CODE', statement: 'MQTT-3.9.3-2' },
  { name: 'UNSUBACK reason code 0x01', version: 5, bytes: h('b0 04 00 01 00 01'), code: 'DECODE_REASON_CODE', statement: 'MQTT-3.11.3-2' },
  { name: 'DISCONNECT reason code 0x01', version: 5, bytes: h('e0 01 01'), code: 'DECODE_REASON_CODE', statement: 'MQTT-3.14.2-1' },
  { name: 'AUTH reason code 0x80', version: 5, bytes: h('f0 01 80'), code: 'DECODE_REASON_CODE', statement: 'MQTT-3.15.2-1' },
];

describe('decoder violations', () => {
  it.each(CASES)('$name -> $code', (c) => {
    let error: unknown;
    try {
      decodeAll(c.bytes, c.version);
    } catch (e) {
      error = e;
    }
    expect(error, `no error for ${toHex(c.bytes)}`).toBeInstanceOf(DecodeError);
    const e = error as DecodeError;
    expect(e.code).toBe(c.code);
    if (c.statement !== undefined) expect(e.statement).toBe(c.statement);
    if (c.offset !== undefined) expect(e.offset).toBe(c.offset);
    expect(e.message.length).toBeGreaterThan(10);
  });

  it('covers every DECODE_* code except DECODE_PACKET_TOO_LARGE and DECODE_FAILED (tested below)', () => {
    const covered = new Set(CASES.map((c) => c.code));
    const all: CodecErrorCode[] = [
      'DECODE_RESERVED_PACKET_TYPE', 'DECODE_RESERVED_FLAGS', 'DECODE_REMAINING_LENGTH', 'DECODE_TRUNCATED',
      'DECODE_TRAILING_BYTES', 'DECODE_MALFORMED_UTF8', 'DECODE_NULL_CHARACTER', 'DECODE_PROTOCOL_NAME',
      'DECODE_PROTOCOL_VERSION', 'DECODE_CONNECT_FLAGS', 'DECODE_INVALID_QOS', 'DECODE_PACKET_ID_ZERO',
      'DECODE_EMPTY_PAYLOAD', 'DECODE_SUBSCRIPTION_OPTIONS', 'DECODE_PROPERTY_UNKNOWN', 'DECODE_PROPERTY_NOT_ALLOWED',
      'DECODE_PROPERTY_DUPLICATE', 'DECODE_PROPERTY_VALUE', 'DECODE_REASON_CODE', 'DECODE_VARIABLE_BYTE_INTEGER',
      'DECODE_CONNACK_FLAGS',
    ];
    expect(all.filter((c) => !covered.has(c))).toEqual([]);
  });
});

describe('decoder behaviour around errors', () => {
  it('checks the maximum packet size from the fixed header, before buffering the body', () => {
    const d = new PacketDecoder({ version: 4, maxPacketSize: 100 });
    expect(() => d.feed(h('30 ff ff ff 7f'), () => undefined)).toThrow(expect.objectContaining({ code: 'DECODE_PACKET_TOO_LARGE', offset: 0 }));
    expect(d.buffered).toBe(0);
    const ok = new PacketDecoder({ version: 4, maxPacketSize: 7 });
    const got: Packet[] = [];
    ok.feed(h('30 05 00 01 74 61 62'), (p) => got.push(p));
    expect(got).toHaveLength(1);
    expect(() => ok.feed(h('30 06'), () => undefined)).toThrow(expect.objectContaining({ code: 'DECODE_PACKET_TOO_LARGE' }));
  });

  it('checks the size when the fixed header arrives split', () => {
    const d = new PacketDecoder({ version: 4, maxPacketSize: 1000 });
    d.feed(h('30 ff'), () => undefined);
    expect(() => d.feed(h('7f'), () => undefined)).toThrow(expect.objectContaining({ code: 'DECODE_PACKET_TOO_LARGE' }));
  });

  it('does not allocate the announced size for a huge packet before its bytes arrive', () => {
    const d = new PacketDecoder({ version: 4 });
    d.feed(h('30 ff ff ff 7f 00 01 74'), () => undefined);
    expect(d.buffered).toBe(8);
  });

  it('delivers the packets before the violation, then keeps failing', () => {
    const d = new PacketDecoder({ version: 4 });
    const got: string[] = [];
    const stream = Buffer.concat([h('c0 00'), h('d0 00'), h('00 00'), h('c0 00')]);
    expect(() => d.feed(stream, (p) => got.push(p.type))).toThrow(DecodeError);
    expect(got).toEqual(['pingreq', 'pingresp']);
    expect(() => d.feed(h('c0 00'), (p) => got.push(p.type))).toThrow(expect.objectContaining({ code: 'DECODE_RESERVED_PACKET_TYPE' }));
    expect(got).toHaveLength(2);
  });

  it('fails the decoder when onPacket throws, rethrowing the callback error', () => {
    const d = new PacketDecoder({ version: 4 });
    const boom = new Error('boom');
    expect(() =>
      d.feed(h('c0 00 c0 00'), () => {
        throw boom;
      }),
    ).toThrow(boom);
    expect(() => d.feed(h('c0 00'), () => undefined)).toThrow(expect.objectContaining({ code: 'DECODE_FAILED' }));
  });

  it('reports the unknown protocol level so a server can answer CONNACK 0x01 / 0x84', () => {
    const d = new PacketDecoder();
    try {
      d.feed(raw.connect({ level: 7 }), () => undefined);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'DECODE_PROTOCOL_VERSION', protocolLevel: 7, protocolName: 'MQTT', packetType: 'connect' });
    }
    expect(d.version).toBeUndefined();
  });
});

describe('left to the broker, not the codec', () => {
  it('accepts wildcards in a PUBLISH topic name and any topic filter syntax', () => {
    expect(decodeAll(raw.packet(0x30).string('a/+/#').build(), 4)).toEqual([
      { type: 'publish', topic: 'a/+/#', payload: Buffer.alloc(0), qos: 0, retain: false, dup: false },
    ]);
    expect(decodeAll(raw.packet(0x82).u16(1).string('a/#/b').byte(0).string('').byte(1).build(), 4)).toEqual([
      { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a/#/b', qos: 0 }, { topicFilter: '', qos: 1 }] },
    ]);
  });

  it('keeps U+FEFF in strings', () => {
    const [p] = decodeAll(raw.packet(0x30).string(Buffer.concat([raw.utf8.bom, Buffer.from('t')])).build(), 4);
    expect(p).toMatchObject({ topic: '\uFEFFt' });
  });

  it('accepts a non-minimal remaining length before MQTT 5.0 (3.1.1 does not forbid it)', () => {
    expect(decodeAll(h('c0 80 00'), 4)).toEqual([{ type: 'pingreq' }]);
  });

  it('accepts any fixed-header flags on non-PUBLISH packets in MQTT 3.1 (3.1 defines no required values)', () => {
    expect(decodeAll(h('6a 02 00 01'), 3)).toEqual([{ type: 'pubrel', packetId: 1 }]);
  });

  it('accepts a password without user name in MQTT 5.0', () => {
    expect(decodeAll(encode({ type: 'connect', protocolName: 'MQTT', protocolVersion: 5, clean: true, keepalive: 0, clientId: '', password: Buffer.from('p') }, 5))).toHaveLength(1);
  });
});
