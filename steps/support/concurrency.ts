import type { ConnackPacket, ConnectPacket, PublishPacket, QoS } from '../../harness/codec/index.js';
import { ClientUsageError, filterMatchesTopic } from '../../harness/client/index.js';
import { oneOfTopics } from './delivery.js';
import { QOS_FLOW_RULES, type MqttWorld } from './world.js';

/**
 * Delivery under concurrency (steps/concurrency.ts): several publishers each pipeline numbered
 * messages (no waiting for acknowledgements, within the server's Receive Maximum in MQTT 5) while
 * subscribers read, holding many deliveries unacknowledged, optionally dropping the connection
 * in the middle and resuming the session. The run records what each publisher had acknowledged
 * by the server and what each subscriber passed on to its application; the judging functions
 * read those records, one rule each, so a broker that breaks one rule and keeps another is told
 * apart.
 *
 * Message identity is the payload, never the packet identifier: `<publisher>:<qos>:<n>`, and
 * `<publisher>:<qos>:end` for the marker each publisher sends on each topic after its last message
 * (the server keeps one publisher's order on one topic at one QoS [MQTT-4.6.0-6], so the marker
 * is the barrier after which no earlier message of that stream can legitimately arrive).
 */

/** One stream a publisher sends: `count` numbered messages at one QoS on one topic. */
export interface StreamSpec {
  publisher: string;
  count: number;
  qos: QoS;
  /** Resolved topic. */
  topic: string;
}

interface StreamState extends StreamSpec {
  /** Payloads the server acknowledged (PUBACK, or PUBREC, with a code below 0x80): it owns them [MQTT-4.5.0-1]. */
  acknowledged: Set<string>;
}

/** A message the subscriber passed on to its application (QoS 2 copies deduplicated by the receiver's own session state). */
export interface Delivery {
  payload: string;
  topic: string;
  qos: QoS;
  dup: boolean;
  packetId: number | undefined;
  /** Which connection of the subscriber (0 = the first). */
  connection: number;
}

interface SubscriberRecord {
  deliveries: Delivery[];
  /** Maximum QoS granted per filter, read from the SUBACKs before the run. */
  granted: Map<string, number>;
  reconnections: number;
  /** Why collecting stopped before every marker and every acknowledged message arrived. */
  incomplete?: string;
}

export interface ConcurrencyRun {
  streams: StreamState[];
  publishing: Promise<void>;
  publishError?: Error;
  subscribers: Map<string, SubscriberRecord>;
}

const NOTE = 'concurrency';

export const payloadOf = (publisher: string, qos: QoS, n: number | 'end'): string => `${publisher}:${qos}:${n}`;

export function runOf(world: MqttWorld): ConcurrencyRun {
  const run = world.notes.get(NOTE) as ConcurrencyRun | undefined;
  if (!run) throw new ClientUsageError('no publishers were started: use "these publishers send, pipelined ..." first');
  return run;
}

/** The Receive Maximum the server declared in its CONNACK (MQTT 5), else no limit. */
function serverReceiveMaximum(world: MqttWorld, name: string): number {
  if (world.version !== 5) return Number.POSITIVE_INFINITY;
  const connack = world.client(name).received.find((p): p is ConnackPacket => p.type === 'connack');
  return connack?.properties?.receiveMaximum ?? 65535;
}

/**
 * One publisher's side: its streams' messages interleaved (message 1 of each stream, then 2, ...),
 * written back to back; only the server's Receive Maximum (MQTT 5) bounds how many are
 * unacknowledged at once [MQTT-3.3.4-7]. Every flow is completed as the acknowledgements come;
 * then a marker per stream, each flow completed.
 */
async function runPublisher(world: MqttWorld, name: string, streams: StreamState[]): Promise<void> {
  const client = world.client(name);
  const window = serverReceiveMaximum(world, name);
  const queue: { packet: PublishPacket; stream: StreamState }[] = [];
  const longest = Math.max(...streams.map((s) => s.count));
  for (let i = 1; i <= longest; i++) {
    for (const s of streams) {
      if (i > s.count) continue;
      queue.push({ packet: { type: 'publish', topic: s.topic, payload: Buffer.from(payloadOf(name, s.qos, i)), qos: s.qos, retain: false, dup: false }, stream: s });
    }
  }
  const inflight = new Map<number, { packet: PublishPacket; stream: StreamState }>();
  let next = 0;
  while (next < queue.length || inflight.size > 0) {
    while (next < queue.length && inflight.size < window) {
      const item = queue[next++];
      if (item === undefined) break;
      if (item.packet.qos > 0) {
        item.packet.packetId = client.nextPacketId();
        inflight.set(item.packet.packetId, item);
      }
      client.send(item.packet);
    }
    if (inflight.size === 0) continue;
    if (client.pending.length === 0 && !(await client.nextArrival(world.timeoutMs))) {
      const waiting = [...inflight.keys()];
      world.fail(
        QOS_FLOW_RULES,
        `acknowledgements of the ${waiting.length} PUBLISH packets "${name}" still has in flight (ids ${waiting.slice(0, 10).join(', ')}${waiting.length > 10 ? ', ...' : ''}) within ${world.timeoutMs} ms`,
        client.closed ? 'the server closed the connection' : 'nothing more',
      );
    }
    for (const a of client.take({ type: 'puback' })) {
      const item = inflight.get(a.packetId);
      if (!item || item.packet.qos !== 1) continue;
      inflight.delete(a.packetId);
      if ((a.reasonCode ?? 0) < 0x80) item.stream.acknowledged.add(item.packet.payload.toString('utf8'));
    }
    for (const r of client.take({ type: 'pubrec' })) {
      const item = inflight.get(r.packetId);
      if (!item || item.packet.qos !== 2) continue;
      if ((r.reasonCode ?? 0) >= 0x80) {
        inflight.delete(r.packetId);
        continue;
      }
      item.stream.acknowledged.add(item.packet.payload.toString('utf8'));
      client.send({ type: 'pubrel', packetId: r.packetId });
    }
    for (const c of client.take({ type: 'pubcomp' })) {
      const item = inflight.get(c.packetId);
      if (item && item.packet.qos === 2) inflight.delete(c.packetId);
    }
  }
  for (const s of streams) {
    await world.publish(name, s.topic, payloadOf(name, s.qos, 'end'), s.qos);
  }
}

/** Starts every publisher at once; the subscribers' step awaits them. */
export function startPublishers(world: MqttWorld, specs: readonly StreamSpec[]): void {
  if (world.notes.has(NOTE)) throw new ClientUsageError('the publishers were already started in this scenario');
  const streams: StreamState[] = specs.map((s) => ({ ...s, acknowledged: new Set<string>() }));
  const byPublisher = new Map<string, StreamState[]>();
  for (const s of streams) byPublisher.set(s.publisher, [...(byPublisher.get(s.publisher) ?? []), s]);
  for (const name of byPublisher.keys()) world.client(name);
  const run: ConcurrencyRun = { streams, publishing: Promise.resolve(), subscribers: new Map() };
  run.publishing = Promise.all([...byPublisher].map(([name, own]) => runPublisher(world, name, own))).then(
    () => undefined,
    (e: unknown) => {
      run.publishError = e instanceof Error ? e : new Error(String(e));
    },
  );
  world.notes.set(NOTE, run);
}

/** The maximum QoS granted for each filter of the subscriber's current connection. */
function grantedFilters(world: MqttWorld, name: string): Map<string, number> {
  const client = world.client(name);
  const granted = new Map<string, number>();
  for (const p of client.sent) {
    if (p.type !== 'subscribe') continue;
    const suback = client.received.find((q) => q.type === 'suback' && q.packetId === p.packetId);
    p.subscriptions.forEach((s, i) => {
      const code = suback?.type === 'suback' ? suback.reasonCodes[i] : undefined;
      if (code !== undefined && code <= 2) granted.set(s.topicFilter, code);
    });
  }
  return granted;
}

/** The QoS a stream reaches a subscriber at: the lower of the published QoS and the highest granted for a matching filter. */
export function effectiveQoS(record: SubscriberRecord, stream: StreamSpec): number | undefined {
  let best: number | undefined;
  for (const [filter, qos] of record.granted) if (filterMatchesTopic(filter, stream.topic)) best = Math.max(best ?? 0, qos);
  return best === undefined ? undefined : Math.min(best, stream.qos);
}

/** The CONNECT that resumes the client's session: its last CONNECT with CleanSession (Clean Start) 0. */
function resumingConnect(world: MqttWorld, name: string): ConnectPacket {
  const last = [...world.client(name).sent].reverse().find((p): p is ConnectPacket => p.type === 'connect');
  if (!last) throw new ClientUsageError(`"${name}" sent no CONNECT`);
  return { ...last, clean: false };
}

/** Whether `name`'s session outlives its network connection (3.1.1: CleanSession 0; 5.0: a Session Expiry Interval above 0). */
function sessionOutlivesConnection(world: MqttWorld, name: string): boolean {
  const last = [...world.client(name).sent].reverse().find((p): p is ConnectPacket => p.type === 'connect');
  if (!last) return false;
  return last.protocolVersion === 5 ? (last.properties?.sessionExpiryInterval ?? 0) > 0 : !last.clean;
}

/** How often a subscriber resumes its session after the server closed its connection before collecting gives up. */
const MAX_SERVER_CLOSES = 3;

/**
 * One subscriber's side. It follows the receiver's protocol as a client application would: QoS 1
 * and QoS 2 messages are passed on when they arrive, a QoS 2 PUBLISH whose packet identifier is
 * already stored (received, PUBREL not yet) is a re-send and not passed on again (the client's
 * session state, kept across reconnections); acknowledgements are held back until `hold` of them
 * are outstanding, or until the server has nothing more to send (a PINGREQ is answered before any
 * new PUBLISH: a server may have a window of unacknowledged deliveries), then sent in order
 * [MQTT-4.6.0-2, -3]. With `reconnectAfter`, the network connection is dropped (no DISCONNECT)
 * once that many messages were passed on, while deliveries are unacknowledged, and the session is
 * resumed at once. When the server closes the connection, a session that outlives it is resumed
 * (at most 3 times); one that ended with it makes the scenario inconclusive. Collecting ends when every marker and every acknowledged message has arrived,
 * or when nothing arrives for the bound once the publishers are done. It judges nothing: the
 * judging functions below do.
 */
export async function collect(world: MqttWorld, name: string, hold: number, reconnectAfter?: number): Promise<void> {
  const run = runOf(world);
  const record: SubscriberRecord = { deliveries: [], granted: grantedFilters(world, name), reconnections: 0 };
  run.subscribers.set(name, record);
  const streams = run.streams.filter((s) => effectiveQoS(record, s) !== undefined);
  const ourTopics = oneOfTopics([...new Set(streams.map((s) => s.topic))]);
  const markers = new Set(streams.map((s) => `${s.topic}\u0000${payloadOf(s.publisher, s.qos, 'end')}`));
  const seen = new Set<string>();
  const storedQoS2 = new Set<number>();
  let held: PublishPacket[] = [];
  let connection = 0;
  let publishersDone = false;
  void run.publishing.then(() => {
    publishersDone = true;
  });
  let pingSentAt: number | undefined;
  let dropped = false;
  let serverCloses = 0;
  const resume = async (): Promise<void> => {
    const connect = resumingConnect(world, name);
    connection++;
    record.reconnections++;
    held = [];
    pingSentAt = undefined;
    const fresh = await world.open(name);
    fresh.send(connect);
    await world.check(['MQTT-3.1.4-4', 'MQTT-3.2.2-2', 'MQTT-3.1.2-4'], () => fresh.expectNext({ type: 'connack', reasonCode: 0 }));
  };

  const complete = (): boolean =>
    publishersDone && markers.size === 0 && streams.every((s) => [...s.acknowledged].every((p) => seen.has(p)));
  const release = async (): Promise<void> => {
    const out = held;
    held = [];
    const client = world.client(name);
    for (const p of out) {
      if (p.packetId === undefined || client.closed) continue;
      client.send(p.qos === 1 ? { type: 'puback', packetId: p.packetId } : { type: 'pubrec', packetId: p.packetId });
    }
  };

  for (;;) {
    const client = world.client(name);
    for (const rel of client.take({ type: 'pubrel' })) {
      storedQoS2.delete(rel.packetId);
      client.send({ type: 'pubcomp', packetId: rel.packetId });
    }
    const arrived = client.take({ type: 'publish', topic: ourTopics });
    for (const p of arrived) {
      const payload = p.payload.toString('utf8');
      const duplicateQoS2 = p.qos === 2 && p.packetId !== undefined && storedQoS2.has(p.packetId);
      if (p.qos === 2 && p.packetId !== undefined) storedQoS2.add(p.packetId);
      if (p.qos > 0) held.push(p);
      if (duplicateQoS2) continue;
      if (payload.endsWith(':end')) {
        markers.delete(`${p.topic}\u0000${payload}`);
        continue;
      }
      seen.add(payload);
      record.deliveries.push({ payload, topic: p.topic, qos: p.qos, dup: p.dup, packetId: p.packetId, connection });
    }
    if (arrived.length > 0) pingSentAt = undefined;
    const pongs = client.take({ type: 'pingresp' });
    if (pongs.length > 0 && pingSentAt !== undefined && arrived.length === 0) {
      pingSentAt = undefined;
      await release();
    }
    if (reconnectAfter !== undefined && !dropped && record.deliveries.length >= reconnectAfter) {
      // Drop the network connection with deliveries unacknowledged, then resume the session.
      dropped = true;
      client.destroy();
      await client.waitClosed(world.timeoutMs);
      await resume();
      continue;
    }
    if (held.length >= hold) await release();
    if (complete()) break;
    if (client.closed) {
      // MQTT lets a server close a connection. What it owes a session that outlives the connection
      // stays owed [MQTT-4.5.0-1], so the subscriber resumes the session, as a client application
      // would, and collecting goes on. A session that ended with the connection owes nothing more:
      // whether messages were lost cannot be judged then (a verdict of loss would be too hard).
      if (!sessionOutlivesConnection(world, name)) {
        const reason = `the server closed the connection of "${name}", whose session ended with it, before every message arrived: what the session still owed cannot be judged`;
        await world.markInconclusive(reason);
        throw new Error(reason);
      }
      if (serverCloses >= MAX_SERVER_CLOSES) {
        record.incomplete = `the server closed the connection of "${name}" ${String(serverCloses + 1)} times; the session was resumed after each of the first ${String(serverCloses)}`;
        break;
      }
      serverCloses++;
      await resume();
      continue;
    }
    if (client.pending.some((p) => p.type === 'pubrel' || p.type === 'pingresp' || (p.type === 'publish' && ourTopics.test(p.topic)))) continue;
    if (held.length > 0 && pingSentAt === undefined) {
      pingSentAt = Date.now();
      client.send({ type: 'pingreq' });
    }
    const moved = publishersDone
      ? await client.nextArrival(world.timeoutMs)
      : await Promise.race([client.nextArrival(world.timeoutMs), run.publishing.then(() => 'published' as const)]);
    if (moved === 'published') {
      publishersDone = true;
      continue;
    }
    if (moved === false) {
      if (held.length > 0) {
        await release();
        continue;
      }
      if (publishersDone) {
        record.incomplete = `nothing more arrived for "${name}" within ${world.timeoutMs} ms (${markers.size} end markers missing)`;
        break;
      }
    }
  }
  await release();
  for (const rel of world.client(name).take({ type: 'pubrel' })) world.client(name).send({ type: 'pubcomp', packetId: rel.packetId });
}

/** Waits for the publishers and rethrows what stopped them (a broken QoS flow is judged there). */
export async function publishersFinished(world: MqttWorld): Promise<void> {
  const run = runOf(world);
  await run.publishing;
  if (run.publishError !== undefined) throw run.publishError;
}

export function subscriberRecord(world: MqttWorld, name: string): SubscriberRecord {
  const record = runOf(world).subscribers.get(name);
  if (!record) throw new ClientUsageError(`"${name}" did not receive the run's messages through a step`);
  return record;
}

const listed = (items: readonly string[], n = 10): string => `${items.slice(0, n).join(', ')}${items.length > n ? `, and ${items.length - n} more` : ''}`;

/**
 * Every message the server acknowledged to its publisher reached the subscriber at least once
 * (when the subscription's QoS is 1 or 2: at QoS 0 a message may be lost) [MQTT-4.5.0-1].
 */
export function checkEveryAcknowledgedDelivered(world: MqttWorld, name: string, hints: readonly string[]): void {
  const record = subscriberRecord(world, name);
  const got = new Set(record.deliveries.map((d) => d.payload));
  const missing: string[] = [];
  let owed = 0;
  for (const s of runOf(world).streams) {
    const q = effectiveQoS(record, s);
    if (q === undefined || q === 0) continue;
    for (const p of s.acknowledged) {
      owed++;
      if (!got.has(p)) missing.push(p);
    }
  }
  if (owed === 0) throw new ClientUsageError(`no message published at QoS 1 or 2 was owed to "${name}"`);
  if (missing.length > 0) {
    world.fail(
      hints,
      `each of the ${owed} messages the server acknowledged to their publishers (PUBACK or PUBREC) delivered to "${name}" at least once${record.reconnections > 0 ? `, across its ${record.reconnections + 1} connections` : ''}`,
      `${missing.length} never arrived: ${listed(missing)}${record.incomplete ? ` (${record.incomplete})` : ''}`,
    );
  }
}

/** No message of a stream the subscriber receives at QoS 2 was passed on twice (duplicates by payload). */
export function checkNoQoS2Twice(world: MqttWorld, name: string, hints: readonly string[]): void {
  const record = subscriberRecord(world, name);
  const exactlyOnce = runOf(world).streams.filter((s) => effectiveQoS(record, s) === 2);
  if (exactlyOnce.length === 0) throw new ClientUsageError(`no stream reaches "${name}" at QoS 2`);
  const topics = new Set(exactlyOnce.map((s) => s.topic));
  const count = new Map<string, Delivery[]>();
  for (const d of record.deliveries) {
    if (!topics.has(d.topic)) continue;
    count.set(d.payload, [...(count.get(d.payload) ?? []), d]);
  }
  const twice = [...count].filter(([, ds]) => ds.length > 1);
  if (twice.length > 0) {
    const show = twice.map(([p, ds]) => `${p} (${ds.map((d) => `id ${d.packetId} DUP ${d.dup ? 1 : 0} on connection ${d.connection + 1}`).join('; ')})`);
    world.fail(
      hints,
      `each QoS 2 message passed on to "${name}" once (a re-send with the packet identifier of a message not yet released is the same delivery)`,
      `${twice.length} messages delivered as new more than once: ${listed(show, 5)}`,
    );
  }
}

/** The first delivery of each message of one publisher on one topic at one QoS comes in the order sent [MQTT-4.6.0-6]. */
export function checkPublisherOrder(world: MqttWorld, name: string, hints: readonly string[]): void {
  const record = subscriberRecord(world, name);
  const problems: string[] = [];
  for (const s of runOf(world).streams) {
    if (effectiveQoS(record, s) === undefined) continue;
    const prefix = `${s.publisher}:${s.qos}:`;
    const firsts: number[] = [];
    const had = new Set<number>();
    for (const d of record.deliveries) {
      if (d.topic !== s.topic || !d.payload.startsWith(prefix)) continue;
      const n = Number(d.payload.slice(prefix.length));
      if (had.has(n)) continue;
      had.add(n);
      firsts.push(n);
    }
    const at = firsts.findIndex((n, i) => i > 0 && n < (firsts[i - 1] ?? 0));
    if (at > 0) problems.push(`"${s.publisher}" at QoS ${s.qos}: ${firsts[at - 1]} then ${firsts[at]} (first deliveries ${listed(firsts.map(String), 20)})`);
  }
  if (problems.length > 0) {
    world.fail(hints, `the messages of each publisher (on one topic, at one QoS) first delivered to "${name}" in the order sent`, problems.join('; '));
  }
}
