import { Then, When } from './support/cucumber.js';
import type { PacketType, PublishPacket, QoS } from '../harness/codec/index.js';
import { ClientUsageError, TimeoutError, describePacket, matcher } from '../harness/client/index.js';
import {
  beyondPacketLimit,
  completePipelined,
  describeAll,
  grantedQoS,
  hex2,
  numbered,
  patternPayload,
  pingBarrier,
  sendPipelined,
} from './support/delivery.js';
import type { MqttWorld } from './support/world.js';

// Steps of the PUBLISH flows (QoS 0, 1, 2 both directions), delivery QoS, ordering and payloads.
// Each proves absence with a barrier: a PINGRESP the server sends after anything it sent before,
// or a marker published after the message on the same topic by the same publisher.

const QOS_RULES = ['MQTT-3.3.4-1', 'MQTT-2.3.1-6', 'MQTT-4.3.2-2', 'MQTT-4.3.3-2'];

// ---- the server as receiver ----------------------------------------------------------------

/** Nothing comes back for a QoS 0 PUBLISH: a PINGREQ sent after it is answered by the very next packet [MQTT-3.3.4-1]. */
Then('{client} receives no answer before the PINGRESP to its next PINGREQ', async function (this: MqttWorld, name: string) {
  await pingBarrier(this, name, ['MQTT-3.3.4-1']);
});

/** This acknowledgement is the next packet, and nothing else follows it (PINGREQ barrier). */
Then('{client} receives only {packetType} with packet identifier {int}', async function (this: MqttWorld, name: string, type: PacketType, packetId: number) {
  const client = this.client(name);
  await this.check(QOS_RULES, () => client.expectNext({ type, packetId }));
  await pingBarrier(this, name, QOS_RULES);
});

/** The sender's side of the flow of a PUBLISH sent with `sends a PUBLISH ... with packet identifier`. */
When('{client} completes the QoS {qos} flow of packet identifier {int}', async function (this: MqttWorld, name: string, qos: QoS, packetId: number) {
  if (qos === 0) throw new ClientUsageError('a QoS 0 PUBLISH has no flow to complete');
  await this.completeOutbound(name, { type: 'publish', topic: '', payload: Buffer.alloc(0), qos, retain: false, dup: false, packetId });
});

When(
  '{client} sends {int} numbered messages to {topic} at QoS {qos} without waiting for acknowledgements',
  async function (this: MqttWorld, name: string, count: number, topic: string, qos: QoS) {
    const packets = await sendPipelined(this, name, topic, count, qos);
    await completePipelined(this, name, packets);
  },
);

/** Two publishers' numbered messages (`a:1`, `b:1`, `a:2`, ...) written alternately, without waiting. */
When(
  '{client} and {client} each send {int} numbered messages to {topic} at QoS {qos}, interleaved',
  async function (this: MqttWorld, a: string, b: string, count: number, topic: string, qos: QoS) {
    const sent: Record<string, PublishPacket[]> = { [a]: [], [b]: [] };
    for (let i = 1; i <= count; i++) {
      for (const name of [a, b]) {
        const client = this.client(name);
        const packet: PublishPacket = { type: 'publish', topic, payload: Buffer.from(numbered(i, name)), qos, retain: false, dup: false };
        if (qos > 0) packet.packetId = client.nextPacketId();
        client.send(packet);
        sent[name]?.push(packet);
      }
    }
    this.lastPublisher.set(topic, { client: b, qos });
    await Promise.all([a, b].map((name) => completePipelined(this, name, sent[name] ?? [])));
  },
);

When('{client} publishes the bytes {hex} to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, bytes: Buffer, topic: string, qos: QoS) {
  await this.publish(name, topic, bytes, qos, false);
});

When('{client} publishes a {int}-byte message to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, size: number, topic: string, qos: QoS) {
  if (await beyondPacketLimit(this, size + Buffer.byteLength(topic) + 10)) return 'skipped';
  await this.publish(name, topic, patternPayload(size), qos, false);
  return undefined;
});

When('{client} publishes an empty message to {topic} at QoS {qos}', async function (this: MqttWorld, name: string, topic: string, qos: QoS) {
  await this.publish(name, topic, Buffer.alloc(0), qos, false);
});

/** A PINGREQ round trip: the server has read and handled every packet the client sent before. */
When('the server has processed the packets of {client}', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  client.send({ type: 'pingreq' });
  await this.check(['MQTT-3.12.4-1'], () => client.expect({ type: 'pingresp' }));
});

// ---- the server as sender --------------------------------------------------------------------

Then('{client} receives the bytes {hex} on {topic}', async function (this: MqttWorld, name: string, bytes: Buffer, topic: string) {
  await this.receive(name, { type: 'publish', topic, payload: bytes }, { hints: ['MQTT-4.5.0-1', 'MQTT-2.3.1-5'] });
});

Then('{client} receives the {int}-byte message on {topic}', async function (this: MqttWorld, name: string, size: number, topic: string) {
  await this.receive(name, { type: 'publish', topic, payload: patternPayload(size) }, { hints: ['MQTT-4.5.0-1'] });
});

/** One copy, acknowledged, then a barrier proves no second copy follows (same topic, publisher, QoS). */
Then('{client} receives {string} on {topic} exactly once', async function (this: MqttWorld, name: string, payload: string, topic: string) {
  await this.receive(name, { type: 'publish', topic, payload }, { hints: ['MQTT-4.3.3-2', 'MQTT-4.5.0-1'] });
  await this.expectNoPublish(name, { type: 'publish', topic, payload }, ['MQTT-4.3.3-2', 'MQTT-4.3.3-1', 'MQTT-3.8.4-3']);
});

Then('{client} receives {string} on {topic} at QoS {qos} exactly once', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
  await this.receive(name, { type: 'publish', topic, payload, qos }, { hints: ['MQTT-3.8.4-6', 'MQTT-3.8.4-3', 'MQTT-4.5.0-1'] });
  await this.expectNoPublish(name, { type: 'publish', topic, payload }, ['MQTT-3.8.4-3', 'MQTT-4.3.3-2']);
});

/** Delivery at min(publish QoS, granted QoS) [MQTT-3.8.4-6]; the granted QoS is read from the SUBACK (a server may grant less). */
Then(
  '{client} receives {string} on {topic} at the lower of QoS {qos} and the QoS granted for {topic}',
  async function (this: MqttWorld, name: string, payload: string, topic: string, published: QoS, filter: string) {
    const granted = grantedQoS(this, name, filter);
    if (granted > 2) this.fail(['MQTT-3.8.4-6'], `a granted QoS for ${filter}`, `SUBACK return code ${hex2(granted)}`);
    const qos = Math.min(published, granted) as QoS;
    await this.receive(name, { type: 'publish', topic, payload, qos }, { hints: ['MQTT-3.8.4-6', 'MQTT-4.5.0-1'] });
  },
);

/** The order of one publisher's messages on one topic [MQTT-4.6.0-6]: payloads `1`..`N`, in arrival order. */
Then('{client} receives the {int} numbered messages on {topic} in order', async function (this: MqttWorld, name: string, count: number, topic: string) {
  const got: string[] = [];
  for (let i = 1; i <= count; i++) {
    const p = await this.receive(name, { type: 'publish', topic }, { hints: ['MQTT-4.6.0-6', 'MQTT-4.5.0-1'] });
    got.push(p.payload.toString('utf8'));
    if (got[i - 1] !== numbered(i)) {
      this.fail(['MQTT-4.6.0-6', 'MQTT-4.6.0-5'], `messages 1..${count} in the order sent`, `the order ${got.join(', ')}`);
    }
  }
});

/** Each publisher's subsequence in order (`a:1` before `a:2`); how the two interleave is free. */
Then(
  '{client} receives the {int} numbered messages of {client} and of {client} on {topic}, each publisher\'s in order',
  async function (this: MqttWorld, name: string, count: number, a: string, b: string, topic: string) {
    const next: Record<string, number> = { [a]: 1, [b]: 1 };
    const got: string[] = [];
    for (let n = 0; n < 2 * count; n++) {
      const p = await this.receive(name, { type: 'publish', topic }, { hints: ['MQTT-4.6.0-6', 'MQTT-4.5.0-1'] });
      const text = p.payload.toString('utf8');
      got.push(text);
      const m = /^(.*):(\d+)$/.exec(text);
      const from = m?.[1];
      if (m === null || from === undefined || next[from] === undefined) this.fail(['MQTT-4.6.0-6'], `numbered messages of "${a}" and "${b}"`, `payload ${JSON.stringify(text)}`);
      if (Number(m[2]) !== next[from]) {
        this.fail(['MQTT-4.6.0-6', 'MQTT-4.6.0-5'], `the messages of each publisher in the order it sent them`, `the order ${got.join(', ')}`);
      }
      next[from] = (next[from] ?? 0) + 1;
    }
  },
);

/**
 * Packet identifiers of the server's in-flight QoS 1/2 messages to one client are non-zero and
 * distinct [MQTT-2.3.1-4]. None is acknowledged while more arrive; if the server stops sending
 * (its in-flight window is full) the ones in flight are acknowledged and counting goes on. A
 * re-send (DUP 1, same identifier and payload) is not a new message.
 */
Then(
  '{client} receives {int} PUBLISH packets on {topic} with distinct non-zero packet identifiers while none is acknowledged',
  async function (this: MqttWorld, name: string, count: number, topic: string) {
    const client = this.client(name);
    const hints = ['MQTT-2.3.1-4', 'MQTT-4.3.2-1', 'MQTT-4.3.3-1', 'MQTT-2.3.1-1'];
    let inflight: PublishPacket[] = [];
    let got = 0;
    let windowFull = false;
    while (got < count) {
      let p: PublishPacket;
      try {
        p = await client.expect({ type: 'publish', topic }, { timeoutMs: this.timeoutMs });
      } catch (e) {
        if (e instanceof TimeoutError && inflight.length > 0 && !windowFull) {
          windowFull = true;
          for (const q of inflight) await this.acknowledge(name, q);
          inflight = [];
          continue;
        }
        throw e instanceof TimeoutError ? e.withContext(this.rule(hints), this.trace.entries) : e;
      }
      windowFull = false;
      if (p.qos === 0 || p.packetId === undefined || p.packetId === 0) {
        this.fail(hints, 'a QoS 1 or 2 PUBLISH with a non-zero packet identifier', describePacket(p));
      }
      const same = inflight.find((q) => q.packetId === p.packetId);
      if (same) {
        if (p.dup && same.payload.equals(p.payload)) continue;
        this.fail(hints, `a packet identifier not used by the ${inflight.length} unacknowledged messages in flight (${inflight.map((q) => q.packetId).join(', ')})`, describePacket(p));
      }
      inflight.push(p);
      got++;
    }
    for (const q of inflight) await this.acknowledge(name, q);
  },
);

/**
 * Overlapping subscriptions [MQTT-3.3.5-1]: one copy at the highest QoS the matching subscriptions
 * allow is required; at most one more copy is allowed, at the other subscription's QoS. The copy
 * at the required QoS is awaited anywhere in the inbox; a marker published after it by the same
 * publisher on the same topic bounds the extra copies.
 */
Then(
  '{client} receives {string} on {topic} at QoS {qos}, with at most one more copy at QoS {qos}',
  async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS, extraQoS: QoS) {
    const client = this.client(name);
    const hints = ['MQTT-3.3.5-1', 'MQTT-3.8.4-6'];
    const first = await this.check(hints, () => client.expect({ type: 'publish', topic, payload, qos }));
    await this.acknowledge(name, first);
    const last = this.lastPublisher.get(topic);
    if (!last) throw new ClientUsageError(`nothing was published to ${topic} through a step`);
    const marker = `~end of copies of ${payload}`;
    await this.publish(last.client, topic, marker, last.qos);
    // Every copy is acknowledged as it comes: a server may hold the marker back until the extra
    // copy before it is acknowledged (nothing obliges it to have two deliveries in flight).
    const extra: PublishPacket[] = [];
    for (;;) {
      const p = await this.check(hints, () => client.expect({ type: 'publish', topic, payload: matcher<Buffer>(`${JSON.stringify(payload)} or ${JSON.stringify(marker)}`, (b) => [payload, marker].includes(b.toString('utf8'))) }));
      await this.acknowledge(name, p);
      if (p.payload.toString('utf8') === payload) extra.push(p);
      else if (p.qos === qos) break;
    }
    for (const p of client.take({ type: 'publish', topic, payload })) {
      await this.acknowledge(name, p);
      extra.push(p);
    }
    if (extra.length > 1 || extra.some((p) => p.qos !== extraQoS)) {
      this.fail(hints, `besides the copy at QoS ${qos}, at most one copy at QoS ${extraQoS}`, `${extra.length} more: ${describeAll(extra)}`);
    }
    for (const p of client.take({ type: 'publish', topic, payload: marker })) await this.acknowledge(name, p);
  },
);

// ---- PUBLISH the server may refuse -------------------------------------------------------------

/** Sends a PUBLISH the server may not authorise (no flow completed: see the step below). */
When('{client} tries to publish {string} to {topic} at QoS {qos}', function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
  const client = this.client(name);
  const packet: PublishPacket = { type: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false };
  if (qos > 0) packet.packetId = client.nextPacketId();
  client.send(packet);
  this.notes.set(`tried:${name}`, packet);
});

/**
 * [MQTT-3.3.5-2] whether or not the server authorises the PUBLISH, it acknowledges it by the
 * normal QoS rules (PUBACK; PUBREC, then PUBCOMP for our PUBREL; nothing for QoS 0) or closes the
 * connection. Anything else (a wrong acknowledgement, silence on an open connection) fails.
 */
Then('the server acknowledges it according to its QoS or closes the connection of {client}', async function (this: MqttWorld, name: string) {
  const hints = ['MQTT-3.3.5-2', 'MQTT-3.3.4-1'];
  const packet = this.notes.get(`tried:${name}`) as PublishPacket | undefined;
  if (!packet) throw new ClientUsageError(`"${name}" tried to publish nothing`);
  const client = this.client(name);
  const closedOr = async (fn: () => Promise<unknown>): Promise<boolean> => {
    try {
      await fn();
      return false;
    } catch (e) {
      if (client.closedBy === 'server') return true;
      throw e instanceof TimeoutError ? e.withContext(this.rule(hints), this.trace.entries) : e;
    }
  };
  if (packet.qos === 0 || packet.packetId === undefined) {
    await closedOr(() => pingBarrier(this, name, hints));
    return;
  }
  const packetId = packet.packetId;
  if (packet.qos === 1) {
    await closedOr(() => client.expectNext({ type: 'puback', packetId }));
    return;
  }
  if (await closedOr(() => client.expectNext({ type: 'pubrec', packetId }))) return;
  client.send({ type: 'pubrel', packetId });
  await this.check(hints, () => client.expectNext({ type: 'pubcomp', packetId }));
});
