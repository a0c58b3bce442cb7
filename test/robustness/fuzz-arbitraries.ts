/**
 * fast-check arbitraries of hostile MQTT client streams (3.1.1 and 5.0), each with the outcome the
 * specification requires, so the fuzzer can check the broker's verdict on every connection:
 *
 * - `close`: a CONNECT (or a broken one), a few well-formed packets, then one packet with one field
 *   broken (structure-aware: a length, the fixed-header flags, a property id, the UTF-8 of a string,
 *   a packet id, a wildcard or QoS 3 where none may be, a forbidden or server-only packet type).
 *   Every such packet is one the broker MUST close the connection on (MQTT-4.8.0-1 and the
 *   statement named in `offence`).
 * - `open`: only well-formed packets that keep the connection (unique client id, valid topics and
 *   filters, no keep-alive short enough to expire): the broker must not close it.
 * - `either`: a packet damaged byte-wise (bit flip, truncation, inserted, overwritten or random
 *   bytes), where the outcome depends on what the bytes happen to mean.
 *
 * Structure-aware packets are at least a third of all packets (the test asserts it), which
 * keeps most streams short: every one ends at its offence.
 */
import fc from 'fast-check';
import { encode, type Packet, type ProtocolVersion, type QoS } from '../../harness/codec/index.js';

export type Outcome = 'close' | 'open' | 'either';

export interface FuzzStream {
  /** The writes, in order. */
  chunks: Buffer[];
  version: ProtocolVersion;
  /** Packets in the stream (valid, broken or damaged). */
  packets: number;
  /** Well-formed packets before the offence (the broker must decode at least these). */
  wellFormed: number;
  /** Structure-aware broken packets (0 or 1). */
  structured: number;
  /** Byte-wise damaged packets (0 or 1). */
  damaged: number;
  outcome: Outcome;
  /** PINGREQ packets in the stream: a stream that stays open gets as many PINGRESP. */
  pings: number;
  /** What was broken and the statement requiring the close ('close' streams). */
  offence?: string;
}

// ---- well-formed material -------------------------------------------------------------------
const nameLevel = fc.constantFrom('a', 'b', 'c', '$SYS', '', 'é', 'x'.repeat(300));
const topicName = fc.array(nameLevel, { minLength: 1, maxLength: 4 }).map((l) => l.join('/') || 'a');
const filterLevel = fc.constantFrom('a', 'b', 'c', '+', '$SYS', '', 'é', 'x'.repeat(300));
const topicFilter = fc
  .tuple(fc.array(filterLevel, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([levels, hash]) => (hash ? [...levels, '#'] : levels).join('/') || '#');
const qos = fc.constantFrom<QoS>(0, 1, 2);
/** Small ids: reused, and (5.0) never more unreleased QoS 2 ids than the Receive Maximum. */
const packetId = fc.integer({ min: 1, max: 8 });
const payload = fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 32 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4000 }) }).map((a) => Buffer.from(a));
const version = fc.constantFrom<ProtocolVersion>(4, 4, 4, 5);

const connect = (v: ProtocolVersion): fc.Arbitrary<Packet> =>
  fc
    .record({
      // Unique per stream: a shared id would be a legitimate takeover (the broker closes the older connection).
      id: fc.integer({ min: 0, max: 2 ** 31 }),
      clean: fc.boolean(),
      will: fc.option(fc.record({ topic: topicName, payload, qos, retain: fc.boolean() }), { nil: undefined }),
      keepalive: fc.constantFrom(0, 60),
      user: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
    })
    .map(({ id, clean, will, keepalive, user }): Packet => ({ type: 'connect', protocolName: 'MQTT', protocolVersion: v, clean, keepalive, clientId: `fz-${String(id)}`, will, username: user }));

const wellFormed: fc.Arbitrary<Packet> = fc.oneof(
  { weight: 120, arbitrary: fc.record({ topic: topicName, payload, qos, retain: fc.boolean(), dup: fc.boolean(), packetId }).map((r): Packet => ({ type: 'publish', ...r, dup: r.qos > 0 && r.dup, packetId: r.qos > 0 ? r.packetId : undefined })) },
  { weight: 60, arbitrary: fc.record({ type: fc.constantFrom('puback', 'pubrec', 'pubrel', 'pubcomp' as const), packetId }).map((r): Packet => ({ type: r.type, packetId: r.packetId })) },
  { weight: 45, arbitrary: fc.record({ packetId, subs: fc.array(fc.record({ topicFilter, qos }), { minLength: 1, maxLength: 4 }) }).map((r): Packet => ({ type: 'subscribe', packetId: r.packetId, subscriptions: r.subs })) },
  { weight: 30, arbitrary: fc.record({ packetId, filters: fc.array(topicFilter, { minLength: 1, maxLength: 3 }) }).map((r): Packet => ({ type: 'unsubscribe', packetId: r.packetId, topicFilters: r.filters })) },
  { weight: 30, arbitrary: fc.constant<Packet>({ type: 'pingreq' }) },
);

// ---- structure-aware breakage ---------------------------------------------------------------
/** Bytes of the fixed header (type/flags byte and Remaining Length). */
function headerSize(bytes: Buffer): number {
  let i = 1;
  while (((bytes[i] as number) & 0x80) !== 0) i++;
  return i + 1;
}
const u16 = (n: number): Buffer => Buffer.from([n >> 8, n & 0xff]);
const str = (s: Buffer): Buffer => Buffer.concat([u16(s.length), s]);
/** A fixed header for `body` (Remaining Length under 16,384 here). */
function packet(first: number, body: Buffer): Buffer {
  const n = body.length;
  const len = n < 128 ? [n] : [(n & 0x7f) | 0x80, n >> 7];
  return Buffer.concat([Buffer.from([first, ...len]), body]);
}
/** A QoS 0 PUBLISH built by hand: topic bytes as given (possibly ill-formed), 5.0 properties as given. */
function rawPublish(v: ProtocolVersion, topic: Buffer, props: Buffer = Buffer.alloc(0)): Buffer {
  const propPart = v === 5 ? Buffer.concat([Buffer.from([props.length]), props]) : Buffer.alloc(0);
  return packet(0x30, Buffer.concat([str(topic), propPart, Buffer.from('p')]));
}

interface Offence {
  bytes: Buffer;
  what: string;
}

const BAD_UTF8 = [Buffer.from([0xff]), Buffer.from([0xc0, 0x80]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe2, 0x82]), Buffer.from([0x61, 0x00, 0x62])];

/** One packet after CONNECT with one field broken; every one requires the broker to close. */
const offence = (v: ProtocolVersion): fc.Arbitrary<Offence> =>
  fc.oneof(
    // flags
    fc.record({ id: packetId }).map(({ id }) => ({ bytes: Buffer.from([0x36, ...encode({ type: 'publish', topic: 'a', payload: Buffer.from('x'), qos: 1, retain: false, dup: false, packetId: id }, v).subarray(1)]), what: 'PUBLISH QoS 3 (MQTT-3.3.1-4)' })),
    fc.record({ id: packetId, flags: fc.constantFrom(0, 1, 3, 4, 8, 15), kind: fc.constantFrom('subscribe', 'unsubscribe', 'pubrel' as const) }).map(({ id, flags, kind }) => {
      const p: Packet = kind === 'subscribe' ? { type: 'subscribe', packetId: id, subscriptions: [{ topicFilter: 'a', qos: 0 }] } : kind === 'unsubscribe' ? { type: 'unsubscribe', packetId: id, topicFilters: ['a'] } : { type: 'pubrel', packetId: id };
      const b = Buffer.from(encode(p, v));
      b[0] = ((b[0] as number) & 0xf0) | flags;
      return { bytes: b, what: `${kind.toUpperCase()} fixed-header flags ${flags.toString(2).padStart(4, '0')} (MQTT-2.2.2-2)` };
    }),
    fc.record({ bit: fc.integer({ min: 0, max: 3 }), kind: fc.constantFrom('pingreq', 'puback' as const) }).map(({ bit, kind }) => {
      const b = Buffer.from(encode(kind === 'pingreq' ? { type: 'pingreq' } : { type: 'puback', packetId: 1 }, v));
      b[0] = (b[0] as number) | (1 << bit);
      return { bytes: b, what: `${kind.toUpperCase()} reserved flag bit ${String(bit)} set (MQTT-2.2.2-2)` };
    }),
    // lengths
    fc.record({ topic: topicName, extra: fc.integer({ min: 1, max: 1000 }) }).map(({ topic, extra }) => {
      const b = Buffer.from(encode({ type: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: false, dup: false }, v));
      const h = headerSize(b);
      b.writeUInt16BE(b.length - h + extra, h);
      return { bytes: b, what: 'PUBLISH topic length beyond the Remaining Length (malformed, MQTT-1.5.3)' };
    }),
    fc.constant({ bytes: Buffer.from([0xc0, 0xff, 0xff, 0xff, 0xff, 0x7f]), what: 'Remaining Length of 5 bytes (malformed, 2.2.3)' }),
    fc.record({ id: packetId }).map(({ id }) => ({ bytes: packet(0x82, Buffer.concat([u16(id), v === 5 ? Buffer.from([0]) : Buffer.alloc(0)])), what: 'SUBSCRIBE without a topic filter (MQTT-3.8.3-3)' })),
    fc.record({ id: packetId }).map(({ id }) => ({ bytes: packet(0xa2, Buffer.concat([u16(id), v === 5 ? Buffer.from([0]) : Buffer.alloc(0)])), what: 'UNSUBSCRIBE without a topic filter (MQTT-3.10.3-2)' })),
    fc.constant({ bytes: Buffer.from([0x40, 0x00]), what: 'PUBACK without its packet id (Remaining Length 0, malformed)' }),
    // UTF-8
    fc.record({ bad: fc.constantFrom(...BAD_UTF8) }).map(({ bad }) => ({ bytes: rawPublish(v, Buffer.concat([Buffer.from('t/'), bad])), what: `PUBLISH topic with ill-formed UTF-8 or U+0000 ${bad.toString('hex')} (MQTT-1.5.3-1, -2)` })),
    fc.record({ bad: fc.constantFrom(...BAD_UTF8), id: packetId }).map(({ bad, id }) => ({
      bytes: packet(0x82, Buffer.concat([u16(id), v === 5 ? Buffer.from([0]) : Buffer.alloc(0), str(Buffer.concat([Buffer.from('f/'), bad])), Buffer.from([0])])),
      what: `SUBSCRIBE filter with ill-formed UTF-8 or U+0000 ${bad.toString('hex')} (MQTT-1.5.3-1, -2)`,
    })),
    // packet ids
    fc.record({ q: fc.constantFrom<QoS>(1, 2), topic: topicName }).map(({ q, topic }) => {
      const b = Buffer.from(encode({ type: 'publish', topic, payload: Buffer.from('x'), qos: q, retain: false, dup: false, packetId: 1 }, v));
      b.writeUInt16BE(0, headerSize(b) + 2 + Buffer.byteLength(topic));
      return { bytes: b, what: `PUBLISH QoS ${String(q)} with packet id 0 (MQTT-2.3.1-1)` };
    }),
    fc.constantFrom('subscribe', 'unsubscribe' as const).map((kind) => {
      const b = Buffer.from(encode(kind === 'subscribe' ? { type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a', qos: 0 }] } : { type: 'unsubscribe', packetId: 1, topicFilters: ['a'] }, v));
      b.writeUInt16BE(0, headerSize(b));
      return { bytes: b, what: `${kind.toUpperCase()} with packet id 0 (MQTT-2.3.1-1)` };
    }),
    // where no wildcard, QoS 3 or packet type may be
    fc.constantFrom('a/+', '#', 'a/#', '+').map((t) => ({ bytes: rawPublish(v, Buffer.from(t)), what: `PUBLISH topic ${t} with a wildcard (MQTT-3.3.2-2)` })),
    fc.record({ id: packetId }).map(({ id }) => {
      const b = Buffer.from(encode({ type: 'subscribe', packetId: id, subscriptions: [{ topicFilter: 'a', qos: 0 }] }, v));
      b[b.length - 1] = 3;
      return { bytes: b, what: 'SUBSCRIBE requesting QoS 3 (MQTT-3.8.3-4)' };
    }),
    fc.constantFrom<[Buffer, string]>(
      [Buffer.from([0x00, 0x00]), 'reserved packet type 0'],
      [Buffer.from([0xd0, 0x00]), 'PINGRESP from a client'],
      [Buffer.from(encode({ type: 'connack', sessionPresent: false, reasonCode: 0 }, v)), 'CONNACK from a client'],
      [Buffer.from(encode({ type: 'suback', packetId: 1, reasonCodes: [0] }, v)), 'SUBACK from a client'],
    ).map(([bytes, what]) => ({ bytes, what: `${what} (MQTT-4.8.0-1)` })),
    connect(v).map((c) => ({ bytes: Buffer.from(encode(c, v)), what: 'a second CONNECT (MQTT-3.1.0-2)' })),
    // 5.0 property ids
    ...(v === 5
      ? [
          fc.constantFrom<[Buffer, string]>(
            [Buffer.from([0x00]), 'property id 0x00 (unknown)'],
            [Buffer.from([0x7f, 0x00]), 'property id 0x7F (unknown)'],
            [Buffer.from([0x21, 0x00, 0x05]), 'Receive Maximum (0x21) in a PUBLISH'],
            [Buffer.from([0x01, 0x00, 0x01, 0x01]), 'Payload Format Indicator twice'],
            [Buffer.from([0x23, 0x00, 0x00]), 'Topic Alias 0'],
            [Buffer.from([0x02, 0x00, 0x00]), 'Message Expiry Interval cut short by the property length'],
          ).map(([props, what]) => ({ bytes: rawPublish(5, Buffer.from('a'), props), what: `PUBLISH with ${what} (malformed or protocol error, 2.2.2.2)` })),
        ]
      : []),
  );

/** A CONNECT with one field broken (the whole stream is then this one packet). */
const brokenConnect = (v: ProtocolVersion): fc.Arbitrary<Offence> =>
  fc.oneof(
    connect(v).map((c) => {
      const b = Buffer.from(encode(c, v));
      b[headerSize(b) + 6] = 9;
      return { bytes: b, what: 'CONNECT protocol level 9 (MQTT-3.1.2-2)' };
    }),
    connect(v).map((c) => {
      const b = Buffer.from(encode(c, v));
      b[headerSize(b) + 7] = (b[headerSize(b) + 7] as number) | 0x01;
      return { bytes: b, what: 'CONNECT reserved flag set (MQTT-3.1.2-3)' };
    }),
    connect(v).map((c) => {
      const b = Buffer.from(encode({ ...(c as Packet & { type: 'connect' }), will: undefined }, v));
      b[headerSize(b) + 7] = (b[headerSize(b) + 7] as number) | 0x08;
      return { bytes: b, what: 'CONNECT Will QoS 1 without the Will Flag (MQTT-3.1.2-13)' };
    }),
    connect(v).map((c) => {
      const b = Buffer.from(encode({ ...(c as Packet & { type: 'connect' }), clientId: 'fz-abc' }, v));
      const at = b.indexOf(Buffer.from('fz-abc'));
      b[at + 3] = 0xff;
      return { bytes: b, what: 'CONNECT client id with ill-formed UTF-8 (MQTT-1.5.3-1)' };
    }),
    fc.constantFrom<Offence>({ bytes: Buffer.from([0xc0, 0x00]), what: 'PINGREQ before CONNECT (MQTT-3.1.0-1)' }, { bytes: Buffer.from(encode({ type: 'subscribe', packetId: 1, subscriptions: [{ topicFilter: 'a', qos: 0 }] }, v)), what: 'SUBSCRIBE before CONNECT (MQTT-3.1.0-1)' }),
  );

// ---- byte-wise damage (outcome unknown) -----------------------------------------------------
type Damage = { kind: 'flip'; at: number; bit: number } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; byte: number } | { kind: 'set'; at: number; byte: number } | { kind: 'random'; bytes: Uint8Array };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
);

function apply(bytes: Buffer, m: Damage): Buffer {
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      const i = m.at % out.length;
      out[i] = (out[i] as number) ^ (1 << m.bit);
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, m.at % bytes.length);
    case 'insert': {
      const i = m.at % (bytes.length + 1);
      return Buffer.concat([bytes.subarray(0, i), Buffer.from([m.byte]), bytes.subarray(i)]);
    }
    case 'set': {
      const out = Buffer.from(bytes);
      out[m.at % out.length] = m.byte;
      return out;
    }
    case 'random':
      return Buffer.from(m.bytes);
  }
}

// ---- streams --------------------------------------------------------------------------------
const PINGREQ = Buffer.from([0xc0, 0x00]);
const pingsIn = (parts: Buffer[]): number => parts.filter((b) => b.equals(PINGREQ)).length;

function split(all: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((n) => n % (all.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const p of [...points, all.length]) {
    if (p > from) chunks.push(all.subarray(from, p));
    from = p;
  }
  return chunks;
}

const cuts = fc.array(fc.nat(), { maxLength: 6 });
const body = (v: ProtocolVersion, max: number): fc.Arbitrary<Buffer[]> => fc.array(wellFormed, { maxLength: max }).map((ps) => ps.map((p) => Buffer.from(encode(p, v))));

/** One stream: its bytes (split into random writes), its packet counts and the required outcome. */
export function fuzzStream(maxOpenPackets: number): fc.Arbitrary<FuzzStream> {
  return version.chain((v) =>
    fc.oneof(
      // A broken CONNECT: one packet.
      {
        weight: 40,
        arbitrary: fc.record({ o: brokenConnect(v), cuts }).map(({ o, cuts: c }): FuzzStream => ({ chunks: split(o.bytes, c), version: v, packets: 1, wellFormed: 0, structured: 1, damaged: 0, outcome: 'close', pings: 0, offence: o.what })),
      },
      // CONNECT, at most one well-formed packet, the offence.
      {
        weight: 45,
        arbitrary: fc.record({ c: connect(v), b: body(v, 1), o: offence(v), cuts }).map(({ c, b, o, cuts: k }): FuzzStream => ({
          chunks: split(Buffer.concat([Buffer.from(encode(c, v)), ...b, o.bytes]), k),
          version: v,
          packets: 2 + b.length,
          wellFormed: 1 + b.length,
          structured: 1,
          damaged: 0,
          outcome: 'close',
          pings: pingsIn(b),
          offence: o.what,
        })),
      },
      // Well-formed only, ended by a PINGREQ whose PINGRESP proves the connection open.
      {
        weight: 10,
        arbitrary: fc.record({ c: connect(v), b: body(v, maxOpenPackets), cuts }).map(({ c, b, cuts: k }): FuzzStream => ({
          chunks: split(Buffer.concat([Buffer.from(encode(c, v)), ...b, PINGREQ]), k),
          version: v,
          packets: 2 + b.length,
          wellFormed: 2 + b.length,
          structured: 0,
          damaged: 0,
          outcome: 'open',
          pings: pingsIn(b) + 1,
        })),
      },
      // One packet damaged byte-wise among well-formed ones.
      {
        weight: 5,
        arbitrary: fc.record({ c: connect(v), b: body(v, maxOpenPackets), at: fc.nat(), d: damage, cuts }).map(({ c, b, at, d, cuts: k }): FuzzStream => {
          const parts = [Buffer.from(encode(c, v)), ...b];
          const i = at % parts.length;
          parts[i] = apply(parts[i] as Buffer, d);
          return { chunks: split(Buffer.concat([...parts, PINGREQ]), k), version: v, packets: parts.length + 1, wellFormed: i, structured: 0, damaged: 1, outcome: 'either', pings: pingsIn(parts) + 1 };
        }),
      },
    ),
  );
}
