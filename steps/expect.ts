import { Then } from './support/cucumber.js';
import type { Packet, PacketType, PublishPacket, QoS } from '../harness/codec/index.js';
import { ClientUsageError, ExpectationError, describePacket, oneOf, type PacketPattern } from '../harness/client/index.js';
import { connectTimeoutOf } from './support/applicability.js';
import type { MqttWorld } from './support/world.js';
import { subackCodeMatchers } from './support/delivery.js';

const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

// ---- CONNACK -----------------------------------------------------------------------------

/** The first packet on the connection must be this CONNACK [MQTT-3.2.0-1]. */
Then('{client} receives CONNACK with return code {returnCode}', async function (this: MqttWorld, name: string, reasonCode: number) {
  const client = this.client(name);
  await this.check(['MQTT-3.2.0-1', 'MQTT-3.1.4-4', 'MQTT-3.1.2-2', 'MQTT-3.1.3-8', 'MQTT-3.1.3-9'], () => client.expectNext({ type: 'connack', reasonCode }));
});

Then(
  '{client} receives CONNACK with return code {returnCode} and Session Present {flag}',
  async function (this: MqttWorld, name: string, reasonCode: number, sessionPresent: boolean) {
    const client = this.client(name);
    await this.check(['MQTT-3.2.2-1', 'MQTT-3.2.2-2', 'MQTT-3.2.2-3', 'MQTT-3.2.2-4', 'MQTT-3.1.2-4', 'MQTT-3.1.2-6', 'MQTT-3.2.0-1'], () =>
      client.expectNext({ type: 'connack', reasonCode, sessionPresent }),
    );
  },
);

Then('the server accepts the connection of {client}', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  await this.check(['MQTT-3.1.4-4', 'MQTT-3.2.0-1', 'MQTT-3.1.3-5', 'MQTT-3.1.3-6'], () => client.expectNext({ type: 'connack', reasonCode: 0 }));
});

Then('the server accepts the connection of {client} with Session Present {flag}', async function (this: MqttWorld, name: string, sessionPresent: boolean) {
  const client = this.client(name);
  await this.check(['MQTT-3.2.2-1', 'MQTT-3.2.2-2', 'MQTT-3.2.2-3', 'MQTT-3.1.2-4', 'MQTT-3.1.2-6', 'MQTT-3.1.4-4'], () =>
    client.expectNext({ type: 'connack', reasonCode: 0, sessionPresent }),
  );
});

/** A refusal: CONNACK with the code and Session Present 0 [MQTT-3.2.2-4], then the server closes [MQTT-3.2.2-5]. */
Then('the server refuses the connection of {client} with return code {returnCode}', async function (this: MqttWorld, name: string, reasonCode: number) {
  const client = this.client(name);
  const connack = await this.check(['MQTT-3.1.2-2', 'MQTT-3.1.3-8', 'MQTT-3.1.3-9', 'MQTT-3.2.0-1'], () => client.expectNext({ type: 'connack', reasonCode }));
  if (connack.sessionPresent) this.fail(['MQTT-3.2.2-4'], `CONNACK ${hex2(reasonCode)} with Session Present 0`, 'Session Present 1');
  await this.check(['MQTT-3.2.2-5', 'MQTT-3.1.2-2', 'MQTT-3.1.3-8', 'MQTT-3.1.3-9'], () => client.expectClosed());
});

// ---- connection state ----------------------------------------------------------------------

Then('the server closes the connection of {client}', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  await this.check([], () => client.expectClosed());
});

/** The close must come with no CONNACK at all [MQTT-3.1.4-1]. */
Then('the server closes the connection of {client} without sending CONNACK', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  await this.check(['MQTT-3.1.4-1'], () => client.expectClosed());
  const connack = client.received.find((p) => p.type === 'connack');
  if (connack) this.fail(['MQTT-3.1.4-1'], 'the connection closed without a CONNACK', `a CONNACK (return code ${connack.type === 'connack' ? hex2(connack.reasonCode) : '?'}) before the close`);
});

Then('the server closes the connection of {client} within {float} seconds', async function (this: MqttWorld, name: string, seconds: number) {
  const client = this.client(name);
  await this.check(['MQTT-3.1.2-24', 'MQTT-4.8.0-1'], () => client.expectClosed({ timeoutMs: seconds * 1000 }));
});

/** Proven by a PINGREQ answered with PINGRESP [MQTT-3.12.4-1]: the connection is open and served. */
Then('{client} remains connected', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  await this.check([], async () => {
    client.send({ type: 'pingreq' });
    await client.expect({ type: 'pingresp' });
  });
});

// ---- any packet ------------------------------------------------------------------------------

Then('{client} receives {packetType}', async function (this: MqttWorld, name: string, type: PacketType) {
  const client = this.client(name);
  const hints = type === 'pingresp' ? ['MQTT-3.12.4-1'] : [];
  const packet = await this.check(hints, () => client.expect({ type }));
  this.lastReceived.set(name, packet);
});

Then('{client} receives {packetType} with packet identifier {int}', async function (this: MqttWorld, name: string, type: PacketType, packetId: number) {
  const client = this.client(name);
  const pattern = { type, packetId } as PacketPattern;
  const packet = await this.check(['MQTT-2.3.1-6', 'MQTT-2.3.1-7', 'MQTT-3.3.4-1', 'MQTT-3.8.4-2', 'MQTT-3.10.4-4'], () => client.expect(pattern));
  this.lastReceived.set(name, packet);
});

/** Codes: `0x00`..`0x02`, `0x80`, or `<=N` (any granted QoS up to N: the server may grant less). */
Then('{client} receives SUBACK with return codes {string}', async function (this: MqttWorld, name: string, codes: string) {
  const client = this.client(name);
  const packetId = this.notes.get(`subscribe:${name}`);
  if (typeof packetId !== 'number') throw new ClientUsageError(`"${name}" sent no SUBSCRIBE through "sends SUBSCRIBE"`);
  const pattern = subackCodeMatchers(codes);
  await this.check(['MQTT-3.8.4-5', 'MQTT-3.9.3-1', 'MQTT-3.8.4-4', 'MQTT-3.9.3-2', 'MQTT-4.7.1-2', 'MQTT-4.7.1-3', 'MQTT-3.8.4-1', 'MQTT-3.8.4-2'], () =>
    client.expect({ type: 'suback', packetId, reasonCodes: pattern }),
  );
});

Then('{client} receives UNSUBACK', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  const packetId = this.notes.get(`unsubscribe:${name}`);
  if (typeof packetId !== 'number') throw new ClientUsageError(`"${name}" sent no UNSUBSCRIBE through "sends UNSUBSCRIBE"`);
  await this.check(['MQTT-3.10.4-4', 'MQTT-3.10.4-5', 'MQTT-2.3.1-7'], () => client.expect({ type: 'unsuback', packetId }));
});

// ---- PUBLISH ---------------------------------------------------------------------------------

const ATTRS = /(?:with|and) (QoS|RETAIN|DUP) ([0-2])|(?:with|and) payload "([^"]*)"/g;

/**
 * `"sub" receives a PUBLISH on "t/a"` followed by any of `with QoS 1`, `and RETAIN 0`,
 * `and DUP 0`, `and payload "x"` (joined by "with"/"and"), optionally ending in
 * `without acknowledging it`. The PUBLISH is acknowledged (QoS 2 completed) unless told not to.
 */
Then(
  /^"([^"]+)" receives a PUBLISH on "([^"]*)"((?: (?:with|and) (?:(?:QoS|RETAIN|DUP) [0-2]|payload "[^"]*"))*)( without acknowledging it)?$/,
  async function (this: MqttWorld, name: string, logicalTopic: string, attrs: string, noAck: string | null | undefined) {
    const pattern: { type: 'publish'; topic: string; qos?: QoS; retain?: boolean; dup?: boolean; payload?: string } = {
      type: 'publish',
      topic: this.topic(logicalTopic),
    };
    const hints: string[] = ['MQTT-3.3.2-3', 'MQTT-4.5.0-1'];
    for (const m of attrs.matchAll(ATTRS)) {
      if (m[3] !== undefined) pattern.payload = m[3];
      else if (m[1] === 'QoS') {
        pattern.qos = Number(m[2]) as QoS;
        hints.unshift('MQTT-3.8.4-6', 'MQTT-3.3.5-1');
      } else if (m[1] === 'RETAIN') {
        if (m[2] === '2') throw new ClientUsageError('RETAIN is 0 or 1');
        pattern.retain = m[2] === '1';
        hints.unshift('MQTT-3.3.1-8', 'MQTT-3.3.1-9');
      } else if (m[1] === 'DUP') {
        if (m[2] === '2') throw new ClientUsageError('DUP is 0 or 1');
        pattern.dup = m[2] === '1';
        hints.unshift('MQTT-3.3.1-1', 'MQTT-3.3.1-2', 'MQTT-3.3.1-3');
      }
    }
    // Cucumber passes null (not undefined) for the optional group when it did not match.
    await this.receive(name, pattern, { ack: noAck === undefined || noAck === null, hints });
  },
);

Then('{client} receives {string} on {topic}', async function (this: MqttWorld, name: string, payload: string, topic: string) {
  await this.receive(name, { type: 'publish', topic, payload }, { hints: ['MQTT-3.3.2-3', 'MQTT-4.5.0-1'] });
});

Then('{client} receives {string} on {topic} at QoS {qos}', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
  await this.receive(name, { type: 'publish', topic, payload, qos }, { hints: ['MQTT-3.8.4-6', 'MQTT-3.3.5-1', 'MQTT-4.5.0-1'] });
});

/** The payloads of the next `count` PUBLISH packets on the topic, in arrival order, each acknowledged as it arrives. */
async function receivePayloads(world: MqttWorld, name: string, topic: string, count: number, hints: readonly string[]): Promise<string[]> {
  const got: string[] = [];
  for (let i = 0; i < count; i++) got.push((await world.receive(name, { type: 'publish', topic }, { hints })).payload.toString('utf8'));
  return got;
}

/**
 * The PUBLISH packets on the topic carry these payloads (comma separated) in any order: for messages
 * from different publishers, whose relative order no rule fixes (MQTT-4.6.0-6 orders one
 * publisher's messages), to a server that may hold the next delivery until the previous one completes.
 */
Then('{client} receives the messages {string} on {topic} in any order', async function (this: MqttWorld, name: string, list: string, topic: string) {
  const expected = list.split(',').map((s) => s.trim());
  const got = await receivePayloads(this, name, topic, expected.length, ['MQTT-4.5.0-1', 'MQTT-3.3.2-3']);
  if ([...got].sort().join(',') !== [...expected].sort().join(',')) this.fail(['MQTT-4.5.0-1'], `the payloads ${expected.join(', ')} (any order)`, got.join(', '));
});

/** Order check: the PUBLISH packets on the topic, in arrival order, carry these payloads (comma separated). */
Then('{client} receives the messages {string} on {topic} in that order', async function (this: MqttWorld, name: string, list: string, topic: string) {
  const expected = list.split(',').map((s) => s.trim());
  const got = await receivePayloads(this, name, topic, expected.length, ['MQTT-4.6.0-6', 'MQTT-4.5.0-1']);
  if (got.join(',') !== expected.join(',')) this.fail(['MQTT-4.6.0-6', 'MQTT-4.6.0-5'], `payloads in the order ${expected.join(', ')}`, `in the order ${got.join(', ')}`);
});

/** Absence, proven by a barrier (see MqttWorld.expectNoPublish). */
Then('{client} receives no PUBLISH on {topic}', async function (this: MqttWorld, name: string, topic: string) {
  await this.expectNoPublish(name, { type: 'publish', topic });
});

Then('{client} does not receive {string} on {topic}', async function (this: MqttWorld, name: string, payload: string, topic: string) {
  await this.expectNoPublish(name, { type: 'publish', topic, payload });
});

/** Absence in a time window: only where no barrier exists (e.g. nothing may happen before a deadline). */
Then('{client} receives no PUBLISH on {topic} within {int} ms', async function (this: MqttWorld, name: string, topic: string, windowMs: number) {
  const client = this.client(name);
  await this.check([], () => client.expectNone({ type: 'publish', topic }, { windowMs }));
});

// ---- choice points: every outcome the spec allows is accepted ---------------------------------

/**
 * Not accepted: the server closes the connection and sends no CONNACK 0x00. A refusal CONNACK
 * (non-zero code) before the close is allowed, as is closing at once [MQTT-3.1.2-1].
 */
Then('the server does not accept the connection of {client}', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  await this.check([], () => client.expectClosed());
  const accepted = client.received.find((p) => p.type === 'connack' && p.reasonCode === 0);
  if (accepted) this.fail([], 'the connection closed without being accepted (no CONNACK 0x00)', 'CONNACK 0x00 (accepted)');
  client.take({ type: 'connack' });
});

/** A close with nothing sent before it: the packet must not be answered. */
Then('the server closes the connection of {client} without sending any packet', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  await this.check(['MQTT-3.1.0-1', 'MQTT-4.8.0-1'], () => client.expectClosed());
  if (client.received.length > 0) {
    this.fail(['MQTT-3.1.0-1', 'MQTT-4.8.0-1'], 'the connection closed with no packet sent', client.received.map((p) => describePacket(p)).join('; '));
  }
});

/**
 * A server MAY accept a zero-length client identifier (assigning a unique one) [MQTT-3.1.3-6];
 * otherwise it refuses with 0x02 and closes [MQTT-3.1.3-9]. If it accepts, the two clients are
 * distinct: both stay connected, neither takes the other over.
 */
Then(
  'the server either accepts {client} and {client} as distinct clients or refuses each with return code 0x02',
  async function (this: MqttWorld, a: string, b: string) {
    const hints = ['MQTT-3.1.3-6', 'MQTT-3.1.3-9'];
    const outcomes: boolean[] = [];
    for (const name of [a, b]) {
      const client = this.client(name);
      const connack = await this.check(hints, () => client.expectNext({ type: 'connack', reasonCode: oneOf(0x00, 0x02) }));
      if (connack.sessionPresent) this.fail(['MQTT-3.2.2-1', 'MQTT-3.2.2-4'], `CONNACK ${hex2(connack.reasonCode)} with Session Present 0`, 'Session Present 1');
      if (connack.reasonCode === 0x02) await this.check(['MQTT-3.1.3-9', 'MQTT-3.2.2-5'], () => client.expectClosed());
      outcomes.push(connack.reasonCode === 0);
    }
    for (const [i, name] of [a, b].entries()) {
      if (!outcomes[i]) continue;
      const client = this.client(name);
      await this.check(['MQTT-3.1.3-6'], async () => {
        client.send({ type: 'pingreq' });
        await client.expect({ type: 'pingresp' });
      });
    }
  },
);

/** A server may refuse a client identifier it does not allow, but only with CONNACK 0x02 and a close [MQTT-3.1.3-9]. */
Then('the server either accepts the connection of {client} or refuses it with return code 0x02', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  const connack = await this.check(['MQTT-3.1.3-9', 'MQTT-3.2.0-1'], () => client.expectNext({ type: 'connack', reasonCode: oneOf(0x00, 0x02) }));
  if (connack.reasonCode === 0x02) {
    if (connack.sessionPresent) this.fail(['MQTT-3.2.2-4'], 'CONNACK 0x02 with Session Present 0', 'Session Present 1');
    await this.check(['MQTT-3.1.3-9', 'MQTT-3.2.2-5'], () => client.expectClosed());
  }
});

/**
 * An invalid subscription is a protocol violation the server closes on [MQTT-4.8.0-1]; many
 * servers answer SUBACK 0x80 (Failure) for that filter instead, which 3.1.1 section 3.9.3 also
 * provides for. Either outcome is accepted; granting the filter is not.
 */
Then('the server refuses the subscription of {client} or closes the connection', async function (this: MqttWorld, name: string) {
  const client = this.client(name);
  const packetId = this.notes.get(`subscribe:${name}`);
  if (typeof packetId !== 'number') throw new ClientUsageError(`"${name}" sent no SUBSCRIBE through "sends SUBSCRIBE"`);
  let suback: Packet | undefined;
  try {
    suback = await client.expect({ type: 'suback', packetId });
  } catch (e) {
    if (!(e instanceof ExpectationError)) throw e;
  }
  if (suback?.type === 'suback') {
    if (suback.reasonCodes.some((c) => c !== 0x80)) this.fail([], 'SUBACK 0x80 (Failure) for the invalid filter, or a close', describePacket(suback));
    return;
  }
  await this.check([], () => client.expectClosed({ timeoutMs: 1 }));
});

Then('{client} receives {string} on {topic} within {float} seconds', async function (this: MqttWorld, name: string, payload: string, topic: string, seconds: number) {
  const client = this.client(name);
  const packet = await this.check(['MQTT-3.1.2-8', 'MQTT-3.1.2-24'], () => client.expect({ type: 'publish', topic, payload }, { timeoutMs: seconds * 1000 }));
  this.lastReceived.set(name, packet);
  await this.acknowledge(name, packet);
});

/** Nothing at all may be published to the client (its subscriptions may be wildcards); barrier-proven. */
Then('{client} receives no PUBLISH at all', async function (this: MqttWorld, name: string) {
  await this.expectNoPublish(name, { type: 'publish' });
});

// ---- redelivery ----------------------------------------------------------------------------

function lastPublish(world: MqttWorld, name: string): PublishPacket {
  const last = world.lastReceived.get(name);
  if (!last || last.type !== 'publish') throw new ClientUsageError(`"${name}" has received no PUBLISH through a step`);
  return last;
}

/** The PUBLISH last received (and left unacknowledged) is sent again: same id, topic, payload, QoS, DUP 1 [MQTT-3.3.1-1]. */
Then('{client} receives the unacknowledged PUBLISH again with DUP 1', async function (this: MqttWorld, name: string) {
  const last = lastPublish(this, name);
  await this.receive(
    name,
    { type: 'publish', topic: last.topic, payload: last.payload, qos: last.qos, ...(last.packetId !== undefined ? { packetId: last.packetId } : {}), dup: true },
    { hints: ['MQTT-3.3.1-1', 'MQTT-4.4.0-1', 'MQTT-2.3.1-4', 'MQTT-3.1.2-5', 'MQTT-4.3.2-1'] },
  );
});

Then('{client} receives {packetType} for the PUBLISH', async function (this: MqttWorld, name: string, type: PacketType) {
  const last = lastPublish(this, name);
  const client = this.client(name);
  const pattern = { type, packetId: last.packetId } as PacketPattern;
  await this.check(['MQTT-4.4.0-1', 'MQTT-2.3.1-6', 'MQTT-4.3.3-1'], () => client.expect(pattern));
});

/** Optional behaviour (3.1.4 "SHOULD"): the bound is the target's declared `connectTimeout` (seconds) plus 1 s. */
Then('the server closes the connection of {client} within its CONNECT timeout', async function (this: MqttWorld, name: string) {
  const seconds = connectTimeoutOf(this.target.capabilities);
  if (seconds === undefined) throw new ClientUsageError('the target declares no connectTimeout; tag the scenario @needs:connect-timeout');
  const client = this.client(name);
  await this.check([], () => client.expectClosed({ timeoutMs: (seconds + 1) * 1000 }));
});

/** The fixed-header flags each server packet type must carry (MQTT 3.1.1 table 2.2), or a check for PUBLISH. */
const REQUIRED_FLAGS: Record<number, number | ((flags: number) => string | undefined)> = {
  0x2: 0x0, // CONNACK
  0x3: (f) => ((f & 0x6) === 0x6 ? 'QoS bits 11' : (f & 0x6) === 0 && (f & 0x8) !== 0 ? 'DUP 1 on QoS 0' : undefined), // PUBLISH
  0x4: 0x0, // PUBACK
  0x5: 0x0, // PUBREC
  0x6: 0x2, // PUBREL
  0x7: 0x0, // PUBCOMP
  0x9: 0x0, // SUBACK
  0xb: 0x0, // UNSUBACK
  0xd: 0x0, // PINGRESP
};

/**
 * Checks the first byte of every packet the server sent in this scenario, read from the trace's
 * bytes (independently of the codec) [MQTT-2.2.2-1]; a packet type a server never sends fails too.
 */
Then('every packet the server sent has the fixed-header flags of its type', function (this: MqttWorld) {
  const bad: string[] = [];
  let seen = 0;
  for (const e of this.trace.entries) {
    if (e.dir !== 'in' || e.hex === undefined) continue;
    const first = parseInt(e.hex.slice(0, 2), 16);
    const type = first >> 4;
    const flags = first & 0x0f;
    const rule = REQUIRED_FLAGS[type];
    seen++;
    if (rule === undefined) bad.push(`"${e.client}" at ${e.t} ms: packet type ${type} is not one a server sends (first byte 0x${e.hex.slice(0, 2)})`);
    else if (typeof rule === 'number' && flags !== rule) bad.push(`"${e.client}" at ${e.t} ms: type ${type} with flags ${flags.toString(2).padStart(4, '0')} (must be ${rule.toString(2).padStart(4, '0')})`);
    else if (typeof rule === 'function') {
      const why = rule(flags);
      if (why !== undefined) bad.push(`"${e.client}" at ${e.t} ms: PUBLISH with ${why}`);
    }
  }
  if (seen === 0) throw new ClientUsageError('no packet from the server in this scenario');
  if (bad.length > 0) this.fail(['MQTT-2.2.2-1'], 'every server packet with the fixed-header flags its type requires', bad.join('; '));
});
