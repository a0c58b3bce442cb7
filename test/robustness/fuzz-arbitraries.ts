/**
 * fast-check arbitraries of hostile MQTT 3.1.1 client streams: a CONNECT, then a mix of valid
 * client packets (aimed at the interesting corners: wildcards, `$SYS`, empty and long topics,
 * QoS flows with reused and unknown packet ids, server-only packets) and mutated ones (bit flips,
 * truncations, inserted, duplicated and random bytes), split into randomly sized writes.
 */
import fc from 'fast-check';
import { encode, type Packet, type QoS } from '../../harness/codec/index.js';

const topicLevel = fc.constantFrom('a', 'b', 'c', '+', '#', '$SYS', '', 'é', 'x'.repeat(300));
const topic = fc.array(topicLevel, { minLength: 1, maxLength: 4 }).map((l) => l.join('/'));
/** Mostly valid topic names (a wildcard in a PUBLISH closes the connection): now and then a filter. */
const nameLevel = fc.constantFrom('a', 'b', 'c', '$SYS', '', 'é', 'x'.repeat(300));
const topicName = fc.oneof({ weight: 30, arbitrary: fc.array(nameLevel, { minLength: 1, maxLength: 4 }).map((l) => l.join('/') || 'a') }, { weight: 1, arbitrary: topic });
const qos = fc.constantFrom<QoS>(0, 1, 2);
const packetId = fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 65535 }));
const payload = fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 32 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 4000 }) }).map((a) => Buffer.from(a));

const connect: fc.Arbitrary<Packet> = fc
  .record({
    id: fc.integer({ min: 0, max: 30 }),
    clean: fc.boolean(),
    will: fc.option(fc.record({ topic: topicName, payload, qos, retain: fc.boolean() }), { nil: undefined }),
    keepalive: fc.constantFrom(0, 0, 1, 60),
    user: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
  })
  .map(({ id, clean, will, keepalive, user }): Packet => ({
    type: 'connect',
    protocolName: 'MQTT',
    protocolVersion: 4,
    clean,
    keepalive,
    clientId: `fz-${String(id)}`,
    will,
    username: user,
  }));

const clientPacket: fc.Arbitrary<Packet> = fc.oneof(
  { weight: 120, arbitrary: fc.record({ topic: topicName, payload, qos, retain: fc.boolean(), dup: fc.boolean(), packetId }).map((r): Packet => ({ type: 'publish', ...r, dup: r.qos > 0 && r.dup, packetId: r.qos > 0 ? r.packetId : undefined })) },
  { weight: 60, arbitrary: fc.record({ type: fc.constantFrom('puback', 'pubrec', 'pubrel', 'pubcomp' as const), packetId }).map((r): Packet => ({ type: r.type, packetId: r.packetId })) },
  { weight: 45, arbitrary: fc.record({ packetId, subs: fc.array(fc.record({ topicFilter: topic, qos }), { minLength: 1, maxLength: 4 }) }).map((r): Packet => ({ type: 'subscribe', packetId: r.packetId, subscriptions: r.subs })) },
  { weight: 30, arbitrary: fc.record({ packetId, filters: fc.array(topic, { minLength: 1, maxLength: 3 }) }).map((r): Packet => ({ type: 'unsubscribe', packetId: r.packetId, topicFilters: r.filters })) },
  { weight: 30, arbitrary: fc.constant<Packet>({ type: 'pingreq' }) },
  // Rare: ends the connection (DISCONNECT, a second CONNECT, a server-only packet).
  { weight: 1, arbitrary: fc.oneof(fc.constant<Packet>({ type: 'disconnect' }), connect, fc.constant<Packet>({ type: 'pingresp' }), fc.constant<Packet>({ type: 'connack', sessionPresent: false, reasonCode: 0 })) },
);

type Mutation = { kind: 'none' } | { kind: 'flip'; at: number; bit: number } | { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; byte: number } | { kind: 'set'; at: number; byte: number } | { kind: 'random'; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 400, arbitrary: fc.constant<Mutation>({ kind: 'none' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('random' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) }) },
);

function apply(bytes: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'none':
      return bytes;
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

export interface FuzzStream {
  /** The writes, in order. */
  chunks: Buffer[];
  /** Packets in the stream (valid or mutated). */
  packets: number;
  mutated: number;
}

export function fuzzStream(maxPackets: number): fc.Arbitrary<FuzzStream> {
  return fc
    .record({
      connect,
      connectMutation: mutation,
      body: fc.array(fc.tuple(clientPacket, mutation), { minLength: 1, maxLength: maxPackets, size: 'max' }),
      cuts: fc.array(fc.nat(), { maxLength: 6 }),
    })
    .map(({ connect: c, connectMutation, body, cuts }) => {
      const parts = [apply(encode(c, 4), connectMutation), ...body.map(([p, m]) => apply(encode(p, 4), m))];
      const all = Buffer.concat(parts);
      const points = [...new Set(cuts.map((n) => n % (all.length + 1)))].sort((a, b) => a - b);
      const chunks: Buffer[] = [];
      let from = 0;
      for (const p of [...points, all.length]) {
        if (p > from) chunks.push(all.subarray(from, p));
        from = p;
      }
      return { chunks, packets: parts.length, mutated: [connectMutation, ...body.map(([, m]) => m)].filter((m) => m.kind !== 'none').length };
    });
}
