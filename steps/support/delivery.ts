import type { Packet, PublishPacket, QoS, SubackPacket, SubscribePacket } from '../../harness/codec/index.js';
import { ClientUsageError, describePacket, matcher, type Matcher } from '../../harness/client/index.js';
import type { MqttWorld } from './world.js';

/**
 * Helpers of the delivery, retain, subscription and `$SYS` steps (steps/delivery.ts,
 * steps/retain.ts, steps/subscriptions.ts, steps/sys.ts). Each reads what a connection sent and
 * received through the World; none keeps state of its own.
 */

export const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** The client used to publish helper messages (barriers, probes); connected on first use. */
export async function helperClient(world: MqttWorld): Promise<string> {
  const name = '~helper';
  const existing = world.clients.get(name);
  if (!existing || existing.closed) await world.connect(name);
  return name;
}

/** The SUBSCRIBE a connection sent with this packet identifier, and the SUBACK answering it (last ones). */
export function subscribeAndSuback(world: MqttWorld, name: string, packetId: number): { subscribe: SubscribePacket; suback: SubackPacket | undefined } {
  const client = world.client(name);
  const subscribe = [...client.sent].reverse().find((p): p is SubscribePacket => p.type === 'subscribe' && p.packetId === packetId);
  if (!subscribe) throw new ClientUsageError(`"${name}" sent no SUBSCRIBE with packet identifier ${packetId} on its current connection`);
  const suback = [...client.received].reverse().find((p): p is SubackPacket => p.type === 'suback' && p.packetId === packetId);
  return { subscribe, suback };
}

/**
 * The maximum QoS the server granted for a filter on the client's current connection: the
 * return code in the SUBACK of the last SUBSCRIBE that named the filter.
 */
export function grantedQoS(world: MqttWorld, name: string, filter: string): number {
  const client = world.client(name);
  for (let i = client.sent.length - 1; i >= 0; i--) {
    const p = client.sent[i];
    if (p?.type !== 'subscribe') continue;
    const index = p.subscriptions.findIndex((s) => s.topicFilter === filter);
    if (index < 0) continue;
    const { suback } = subscribeAndSuback(world, name, p.packetId);
    const code = suback?.reasonCodes[index];
    if (code === undefined) throw new ClientUsageError(`"${name}" has no SUBACK for its SUBSCRIBE to ${JSON.stringify(filter)}`);
    return code;
  }
  throw new ClientUsageError(`"${name}" never subscribed to ${JSON.stringify(filter)} on its current connection`);
}

/**
 * Proves the server sent nothing to the client since the last consumed packet: a PINGREQ is
 * answered by PINGRESP as the very next packet (the server answers in order, so anything it
 * sent in answer to earlier packets arrives first). Also proves the server has processed
 * everything the client sent before.
 */
export async function pingBarrier(world: MqttWorld, name: string, hints: readonly string[]): Promise<void> {
  const client = world.client(name);
  client.send({ type: 'pingreq' });
  await world.check(hints, () => client.expectNext({ type: 'pingresp' }));
}

/** Payload of the i-th numbered message of a publisher: `1`, `2`, ... or `a:1`, `a:2`, ... with a prefix. */
export function numbered(i: number, prefix?: string): string {
  return prefix === undefined ? String(i) : `${prefix}:${i}`;
}

/**
 * Sends `count` numbered PUBLISH packets back to back (without waiting for any acknowledgement),
 * then completes every flow: PUBACKs for QoS 1; PUBRECs, then a PUBREL for each, then PUBCOMPs
 * for QoS 2. The server has them all in flight at once.
 */
export async function sendPipelined(world: MqttWorld, name: string, topic: string, count: number, qos: QoS, prefix?: string): Promise<PublishPacket[]> {
  const client = world.client(name);
  const packets: PublishPacket[] = [];
  for (let i = 1; i <= count; i++) {
    const packet: PublishPacket = { type: 'publish', topic, payload: Buffer.from(numbered(i, prefix)), qos, retain: false, dup: false };
    if (qos > 0) packet.packetId = client.nextPacketId();
    client.send(packet);
    packets.push(packet);
  }
  world.lastPublisher.set(topic, { client: name, qos });
  return packets;
}

/** Completes the sender's side of flows started by {@link sendPipelined}, in order. */
export async function completePipelined(world: MqttWorld, name: string, packets: readonly PublishPacket[]): Promise<void> {
  const client = world.client(name);
  const hints = ['MQTT-3.3.4-1', 'MQTT-2.3.1-6', 'MQTT-4.3.2-2', 'MQTT-4.3.3-2'];
  for (const p of packets) {
    if (p.packetId === undefined) continue;
    if (p.qos === 1) await world.check(hints, () => client.expect({ type: 'puback', packetId: p.packetId }));
    if (p.qos === 2) {
      await world.check(hints, () => client.expect({ type: 'pubrec', packetId: p.packetId }));
      client.send({ type: 'pubrel', packetId: p.packetId });
    }
  }
  for (const p of packets) {
    if (p.qos === 2 && p.packetId !== undefined) await world.check(hints, () => client.expect({ type: 'pubcomp', packetId: p.packetId }));
  }
}

/** A topic matcher for one of several topics (for absence checks across topics). */
export function oneOfTopics(topics: readonly string[]): Matcher<string> {
  return matcher(`one of the topics ${topics.map((t) => JSON.stringify(t)).join(', ')}`, (t) => topics.includes(t));
}

/**
 * A logical topic with escapes resolved: `\uFEFF`, `\u{1F600}`. Lets a feature name characters
 * that are invisible or ambiguous in a text file (byte order marks, combining marks).
 */
export function unescapeTopic(text: string): string {
  return text.replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})/g, (_m, long: string | undefined, short: string | undefined) =>
    String.fromCodePoint(parseInt(long ?? short ?? '0', 16)),
  );
}

/** A comma-separated list from a feature (`"a, b, c"`); `-` or empty means none. */
export function listOf(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed === '-') return [];
  return trimmed.split(',').map((s) => s.trim());
}

/** A topic of exactly `bytes` UTF-8 bytes: the resolved logical topic padded with `x`. */
export function topicOfLength(world: MqttWorld, logical: string, bytes: number): string {
  const base = world.topic(logical);
  const have = Buffer.byteLength(base, 'utf8');
  if (have > bytes) throw new ClientUsageError(`the topic ${JSON.stringify(base)} is already longer than ${bytes} bytes`);
  return base + 'x'.repeat(bytes - have);
}

/** A deterministic payload of `size` bytes (every byte value occurs) for integrity checks. */
export function patternPayload(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + (i >> 8)) & 0xff;
  return b;
}

/** Acknowledges a PUBLISH the step consumed by hand (QoS 2 completed). */
export async function ack(world: MqttWorld, name: string, packet: Packet): Promise<void> {
  if (packet.type === 'publish') await world.acknowledge(name, packet);
}

/** One line per packet, for failure messages. */
export function describeAll(packets: readonly Packet[]): string {
  return packets.length === 0 ? 'nothing' : packets.map((p) => describePacket(p)).join('; ');
}

/**
 * SUBACK return codes as written in a feature: `0x00`..`0x02`, `0x80`, or `<=N` (any granted QoS
 * up to N: a server may grant less than requested), comma separated.
 */
export function subackCodeMatchers(text: string): Matcher<number>[] {
  return text.split(',').map((raw) => {
    const c = raw.trim();
    const m = /^<=\s*([0-2])$/.exec(c);
    if (m) {
      const max = Number(m[1]);
      return matcher<number>(`a granted QoS <= ${max}`, (v) => v >= 0 && v <= max);
    }
    const n = c.startsWith('0x') ? parseInt(c.slice(2), 16) : Number(c);
    if (!Number.isInteger(n)) throw new ClientUsageError(`bad SUBACK return code ${JSON.stringify(c)}`);
    return matcher<number>(hex2(n), (v) => v === n);
  });
}

/** Bound of a wait on `$SYS`: two publication intervals plus a second (10 s interval when unknown). */
export function sysBoundMs(world: MqttWorld): number {
  const interval = world.target.capabilities.sysInterval ?? 10;
  return (2 * interval + 1) * 1000;
}

/**
 * Whether a packet of about `bytes` bytes exceeds the target's declared maximum packet size
 * (a server's own limit, which 3.1.1 leaves to the implementation). When it does, the scenario
 * is marked not applicable (the verdict attachment says why) and the step returns 'skipped'.
 */
export async function beyondPacketLimit(world: MqttWorld, bytes: number): Promise<boolean> {
  const limit = world.target.capabilities.maxPacketSize;
  if (limit === undefined || bytes <= limit) return false;
  await world.attachVerdict('not-applicable', `the scenario sends a packet of about ${bytes} bytes; the target declares a maximum packet size of ${limit} bytes`);
  return true;
}
