/** MQTT 5.0 publish and subscribe steps: properties, subscription options, reason codes, aliases, flow control. */
import { type DataTable, Then, When } from './support/cucumber.js';
import type { Properties, PublishPacket, QoS, RetainHandling, Subscription, SubscribePacket } from '../harness/codec/index.js';
import { ClientUsageError, TimeoutError, describePacket, type TestClient } from '../harness/client/index.js';
import type { MqttWorld } from './support/world.js';
import { addProperty, checkCode, connackOf, hex2, notApplicable, propertyKey, publish5, tableRows, checkDisconnects } from './v5-support.js';

function publishFromRows(world: MqttWorld, payload: string, topic: string, qos: QoS, rows: readonly (readonly string[])[]): PublishPacket {
  const packet: PublishPacket = { type: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false };
  const props: Properties = {};
  for (const [k, v] of rows) {
    if (k === undefined || v === undefined) continue;
    if (k.trim().toLowerCase() === 'retain') packet.retain = v === '1';
    else addProperty(world, props, k, v);
  }
  if (Object.keys(props).length > 0) packet.properties = props;
  return packet;
}

// ---- PUBLISH -----------------------------------------------------------------------------------

/** Completes the QoS flow; the acknowledgement must carry a success code (< 0x80). */
When('{client} publishes {string} to {topic} at QoS {qos} with the properties:', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS, table: DataTable) {
  const rc = await publish5(this, name, publishFromRows(this, payload, topic, qos, tableRows(table)));
  if (rc !== undefined && rc >= 0x80) this.fail([], `an acknowledgement with a success reason code`, `reason code ${hex2(rc)}`);
});

When('{client} publishes {string} to {topic} at QoS {qos} with Message Expiry Interval {int}', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS, seconds: number) {
  const rc = await publish5(this, name, publishFromRows(this, payload, topic, qos, [['Message Expiry Interval', String(seconds)]]));
  if (rc !== undefined && rc >= 0x80) this.fail([], `an acknowledgement with a success reason code`, `reason code ${hex2(rc)}`);
});

/** Sends the PUBLISH and waits for nothing (protocol errors, stalled flows). */
When('{client} sends a PUBLISH of {string} to {topic} at QoS {qos} with the properties:', function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS, table: DataTable) {
  const packet = publishFromRows(this, payload, topic, qos, tableRows(table));
  const client = this.client(name);
  if (qos > 0) packet.packetId = client.nextPacketId();
  this.notes.set(`sent-publish:${name}`, packet);
  client.send(packet);
});

/** A PUBLISH with an empty topic name that relies on a Topic Alias set earlier on this connection; completes the flow. */
When('{client} publishes {string} with Topic Alias {int} and an empty topic name at QoS {qos}', async function (this: MqttWorld, name: string, payload: string, alias: number, qos: QoS) {
  const rc = await publish5(this, name, { type: 'publish', topic: '', payload: Buffer.from(payload), qos, retain: false, dup: false, properties: { topicAlias: alias } });
  if (rc !== undefined && rc >= 0x80) this.fail(['MQTT-3.3.2-12'], 'a success acknowledgement', `reason code ${hex2(rc)}`);
});

When('{client} sends a PUBLISH of {string} with Topic Alias {int} and an empty topic name at QoS {qos}', function (this: MqttWorld, name: string, payload: string, alias: number, qos: QoS) {
  const client = this.client(name);
  const packet: PublishPacket = { type: 'publish', topic: '', payload: Buffer.from(payload), qos, retain: false, dup: false, properties: { topicAlias: alias } };
  if (qos > 0) packet.packetId = client.nextPacketId();
  client.send(packet);
});

/** Sets every Topic Alias 1..max the server declared (at most 64 of them: 1..32 and the top 32), then publishes through each with an empty topic. */
When('{client} publishes through every Topic Alias the server allows under {topic}', async function (this: MqttWorld, name: string, base: string) {
  const max = connackOf(this, name).properties?.topicAliasMaximum ?? 0;
  if (max === 0) return notApplicable(this, 'the server declared no Topic Alias Maximum (it accepts no Topic Alias)');
  const aliases = new Set<number>();
  for (let a = 1; a <= Math.min(max, 32); a++) aliases.add(a);
  for (let a = Math.max(1, max - 31); a <= max; a++) aliases.add(a);
  this.notes.set(`aliases:${name}`, [...aliases]);
  for (const a of aliases) {
    await publish5(this, name, { type: 'publish', topic: `${base}/${a}`, payload: Buffer.from(`set ${a}`), qos: 1, retain: false, dup: false, properties: { topicAlias: a } });
  }
  for (const a of aliases) {
    const rc = await publish5(this, name, { type: 'publish', topic: '', payload: Buffer.from(`via ${a}`), qos: 1, retain: false, dup: false, properties: { topicAlias: a } });
    if (rc !== undefined && rc >= 0x80) this.fail(['MQTT-3.3.2-12'], `PUBACK success for Topic Alias ${a}`, `PUBACK ${hex2(rc)}`);
  }
  return undefined;
});

Then('{client} receives each message published through those Topic Aliases of {client} on its own topic under {topic}', async function (this: MqttWorld, name: string, publisher: string, base: string) {
  const aliases = this.notes.get(`aliases:${publisher}`) as number[] | undefined;
  if (!aliases) throw new ClientUsageError('no Topic Aliases were published through');
  // The "set N" messages that established the aliases reach the subscriber first, in order
  // [MQTT-4.6.0-6]: acknowledge each, since a server may send nothing further to a client while a
  // delivery to it is unacknowledged (no rule obliges it to have several in flight).
  for (const a of aliases) await this.receive(name, { type: 'publish', topic: `${base}/${a}`, payload: `set ${a}` }, { hints: ['MQTT-4.5.0-1'] });
  for (const a of aliases) {
    await this.receive(name, { type: 'publish', topic: `${base}/${a}`, payload: `via ${a}` }, { hints: ['MQTT-3.3.2-12'] });
  }
});

/** An alias one above the server's Topic Alias Maximum (1 when the server declared none) [MQTT-3.2.2-17, MQTT-3.2.2-18]. */
When('{client} sends a PUBLISH of {string} to {topic} with a Topic Alias above the server\'s Topic Alias Maximum', function (this: MqttWorld, name: string, payload: string, topic: string) {
  const max = connackOf(this, name).properties?.topicAliasMaximum ?? 0;
  if (max >= 65535) return notApplicable(this, 'the server declared Topic Alias Maximum 65535: no alias is above it');
  this.client(name).send({ type: 'publish', topic, payload: Buffer.from(payload), qos: 0, retain: false, dup: false, properties: { topicAlias: max + 1 } });
  return undefined;
});

/**
 * Receives the messages in order on the topic, resolving Topic Aliases the server set; every
 * alias must be 1..max [MQTT-3.3.2-8, MQTT-3.1.2-26, MQTT-3.3.2-11], none when max is 0 [MQTT-3.1.2-27].
 */
Then('{client} receives the messages {string} on {topic} with Topic Aliases from 1 to {int}', async function (this: MqttWorld, name: string, list: string, topic: string, max: number) {
  const client = this.client(name);
  const map = this.notes.get(`server-aliases:${name}`) as Map<number, string> | undefined ?? new Map<number, string>();
  this.notes.set(`server-aliases:${name}`, map);
  for (const payload of list.split(',').map((s) => s.trim())) {
    const p = await this.check(['MQTT-3.3.2-3'], () => client.expect({ type: 'publish', payload }));
    const alias = p.properties?.topicAlias;
    let resolved = p.topic;
    if (alias !== undefined) {
      if (max === 0) this.fail(['MQTT-3.1.2-27'], 'no Topic Alias (the client declared Topic Alias Maximum 0 or none)', describePacket(p));
      if (alias === 0 || alias > max) this.fail(['MQTT-3.3.2-8', 'MQTT-3.1.2-26', 'MQTT-3.3.2-11'], `a Topic Alias from 1 to ${max}`, `Topic Alias ${alias}`);
      if (p.topic !== '') map.set(alias, p.topic);
      else resolved = map.get(alias) ?? '';
    }
    if (resolved !== topic) this.fail(['MQTT-3.3.2-3', 'MQTT-3.1.2-26'], `PUBLISH "${payload}" on ${JSON.stringify(topic)}`, `${describePacket(p)} (resolved topic ${JSON.stringify(resolved)})`);
    await this.acknowledge(name, p);
  }
});

// ---- receiving with properties -------------------------------------------------------------------

function numberCheck(spec: string): ((n: number) => boolean) | undefined {
  const m = /^(<=|>=|<|>)\s*(\d+)$/.exec(spec.trim());
  if (!m) return undefined;
  const n = Number(m[2]);
  switch (m[1]) {
    case '<=':
      return (v) => v <= n;
    case '>=':
      return (v) => v >= n;
    case '<':
      return (v) => v < n;
    default:
      return (v) => v > n;
  }
}

/**
 * Receives a PUBLISH on the topic and checks each listed property: a value (exact), `<absent>`,
 * or a comparison (`<= 59`, `> 0`). User Property rows give the whole list, in order.
 * `Retain` and `QoS` rows check the fixed header. Acknowledges the PUBLISH.
 */
Then('{client} receives a PUBLISH of {string} on {topic} with:', async function (this: MqttWorld, name: string, payload: string, topic: string, table: DataTable) {
  const p = await this.receive(name, { type: 'publish', topic, payload }, { hints: ['MQTT-3.3.2-3'] });
  const got = (p.properties ?? {}) as Record<string, unknown>;
  const want: Properties = {};
  const comparisons: [string, string][] = [];
  const absent: string[] = [];
  for (const [k, v] of tableRows(table)) {
    if (k === undefined || v === undefined) continue;
    const lower = k.trim().toLowerCase();
    if (lower === 'retain') {
      if (p.retain !== (v === '1')) this.fail([], `RETAIN ${v}`, describePacket(p));
      continue;
    }
    if (lower === 'qos') {
      if (p.qos !== Number(v)) this.fail([], `QoS ${v}`, describePacket(p));
      continue;
    }
    if (v === '<absent>') absent.push(k);
    else if (numberCheck(v)) comparisons.push([k, v]);
    else addProperty(this, want, k, v);
  }
  for (const k of absent) {
    const key = propertyKey(k);
    if (got[key] !== undefined) this.fail([], `a PUBLISH without ${k}`, `${k} ${JSON.stringify(got[key])}`);
  }
  for (const [k, v] of comparisons) {
    const key = propertyKey(k);
    const value = got[key];
    if (typeof value !== 'number' || !(numberCheck(v) as (n: number) => boolean)(value)) this.fail([], `${k} ${v}`, `${k} ${value === undefined ? 'absent' : JSON.stringify(value)}`);
  }
  for (const [key, value] of Object.entries(want)) {
    const g = got[key];
    // Section 3.3.2.3.2: Payload Format Indicator 0 "is equivalent to not sending a Payload Format
    // Indicator", so a server that forwards 0 as absent sends it unaltered in meaning [MQTT-3.3.2-4].
    const equivalentAbsence = key === 'payloadFormatIndicator' && value === 0 && g === undefined;
    const same = equivalentAbsence || (Buffer.isBuffer(value) ? Buffer.isBuffer(g) && value.equals(g) : JSON.stringify(g) === JSON.stringify(value));
    if (!same) {
      const show = (x: unknown): string => (Buffer.isBuffer(x) ? `<${x.toString('hex')}>` : x === undefined ? 'absent' : JSON.stringify(x));
      this.fail([], `${key} ${show(value)}`, `${key} ${show(g)} in ${describePacket(p)}`);
    }
  }
});

// ---- SUBSCRIBE -------------------------------------------------------------------------------------

function subscriptionFromRows(world: MqttWorld, topicFilter: string, qos: QoS, rows: readonly (readonly string[])[]): { sub: Subscription; props: Properties } {
  const sub: Subscription = { topicFilter, qos };
  const props: Properties = {};
  for (const [k, v] of rows) {
    if (k === undefined || v === undefined) continue;
    const lower = k.trim().toLowerCase();
    if (lower === 'no local') sub.noLocal = v === '1';
    else if (lower === 'retain as published') sub.retainAsPublished = v === '1';
    else if (lower === 'retain handling') sub.retainHandling = Number(v) as RetainHandling;
    else addProperty(world, props, k, v);
  }
  return { sub, props };
}

function sendSubscribe(world: MqttWorld, name: string, subs: Subscription[], props: Properties): SubscribePacket {
  const client = world.client(name);
  const packet: SubscribePacket = { type: 'subscribe', packetId: client.nextPacketId(), subscriptions: subs };
  if (Object.keys(props).length > 0) packet.properties = props;
  client.send(packet);
  world.notes.set(`subscribe:${name}`, packet.packetId);
  return packet;
}

/** Waits for the SUBACK: same identifier [MQTT-3.8.4-2], one defined code per filter [MQTT-3.8.4-6, MQTT-3.9.3-2], each granted (<= requested). */
async function expectGranted(world: MqttWorld, name: string, packet: SubscribePacket): Promise<number[]> {
  const client = world.client(name);
  const suback = await world.check(['MQTT-3.8.4-1', 'MQTT-3.8.4-2'], () => client.expect({ type: 'suback', packetId: packet.packetId }));
  if (suback.reasonCodes.length !== packet.subscriptions.length) {
    world.fail(['MQTT-3.8.4-6', 'MQTT-3.9.3-1'], `${packet.subscriptions.length} reason codes`, describePacket(suback));
  }
  suback.reasonCodes.forEach((rc, i) => {
    checkCode(world, 'suback', rc, ['MQTT-3.9.3-2', 'MQTT-3.8.4-7']);
    const requested = packet.subscriptions[i]?.qos ?? 2;
    if (rc > requested) world.fail(['MQTT-3.8.4-7', 'MQTT-3.9.3-1'], `a granted QoS <= ${requested} for ${packet.subscriptions[i]?.topicFilter}`, describePacket(suback));
  });
  world.notes.set(`granted:${name}`, suback.reasonCodes);
  return suback.reasonCodes;
}

When('{client} subscribes to {topic} at QoS {qos} with the options:', async function (this: MqttWorld, name: string, filter: string, qos: QoS, table: DataTable) {
  const { sub, props } = subscriptionFromRows(this, filter, qos, tableRows(table));
  await expectGranted(this, name, sendSubscribe(this, name, [sub], props));
});

When('{client} subscribes to the shared subscription {string} at QoS {qos}', async function (this: MqttWorld, name: string, filter: string, qos: QoS) {
  await expectGranted(this, name, sendSubscribe(this, name, [{ topicFilter: this.topic(filter), qos }], {}));
});

When('{client} sends SUBSCRIBE to {topic} at QoS {qos} with the options:', function (this: MqttWorld, name: string, filter: string, qos: QoS, table: DataTable) {
  const { sub, props } = subscriptionFromRows(this, filter, qos, tableRows(table));
  sendSubscribe(this, name, [sub], props);
});

/** Filters are written as is after `{ns}` substitution (no namespace prefix), for `$share/...` and invalid filters. */
When('{client} sends SUBSCRIBE to the filter {string} at QoS {qos}', function (this: MqttWorld, name: string, filter: string, qos: QoS) {
  sendSubscribe(this, name, [{ topicFilter: filter.replaceAll('{ns}', this.ns), qos }], {});
});

/**
 * A filter the server must not grant: a SUBACK with a failure code from `codes` for it, or the
 * close (optionally after DISCONNECT with one of those codes) [MQTT-4.13.1-1].
 */
Then('the server refuses the subscription of {client} with SUBACK {codes}, or closes the connection', async function (this: MqttWorld, name: string, want: number[] | 'any') {
  const client = this.client(name);
  const packetId = this.notes.get(`subscribe:${name}`) as number;
  const codes = want === 'any' ? 'any >= 0x80' : want.map(hex2).join(' or ');
  const ok = (rc: number): boolean => (want === 'any' ? rc >= 0x80 : want.includes(rc));
  // A SUBACK, or the close (expect() fails at once when the connection closes first).
  const outcome = await this.check(this.statements, () =>
    client.expect({ type: 'suback', packetId }).then(
      (s) => ({ suback: s }),
      (e: unknown) => {
        if (client.closed && client.closedBy === 'server') return { suback: undefined };
        throw e;
      },
    ),
  );
  if (outcome.suback) {
    const rc = outcome.suback.reasonCodes[0] ?? 0;
    checkCode(this, 'suback', rc, ['MQTT-3.9.3-2']);
    if (!ok(rc)) this.fail(this.statements, `SUBACK ${codes}, or the close`, describePacket(outcome.suback));
    return;
  }
  // Closing on an invalid filter: Malformed Packet, Protocol Error or Topic Filter invalid are all fitting reasons.
  checkDisconnects(this, client, want === 'any' ? 'any' : [...want, 0x81, 0x82, 0x8f], this.statements);
});

// ---- UNSUBSCRIBE ---------------------------------------------------------------------------------

When('{client} sends UNSUBSCRIBE for the filters {string}', function (this: MqttWorld, name: string, list: string) {
  const client = this.client(name);
  const packetId = client.nextPacketId();
  client.send({ type: 'unsubscribe', packetId, topicFilters: list.split(',').map((s) => this.topic(s.trim())) });
  this.notes.set(`unsubscribe:${name}`, packetId);
});

/** One defined reason code per filter, in order [MQTT-3.11.3-1, MQTT-3.11.3-2]; the UNSUBSCRIBE's identifier [MQTT-3.10.4-5]. */
Then('{client} receives UNSUBACK with reason codes {string}', async function (this: MqttWorld, name: string, codes: string) {
  const client = this.client(name);
  const packetId = this.notes.get(`unsubscribe:${name}`) as number;
  const want = codes.split(',').map((c) => c.split('|').map((x) => parseInt(x.trim().replace(/^0x/, ''), 16)));
  const un = await this.check(['MQTT-3.10.4-4', 'MQTT-3.10.4-5'], () => client.expect({ type: 'unsuback', packetId }));
  const got = un.reasonCodes ?? [];
  for (const rc of got) checkCode(this, 'unsuback', rc, ['MQTT-3.11.3-2']);
  if (got.length !== want.length || got.some((rc, i) => !(want[i] ?? []).includes(rc))) {
    this.fail(['MQTT-3.11.3-1', 'MQTT-3.10.4-6', 'MQTT-3.11.3-2'], `UNSUBACK reason codes ${codes}`, describePacket(un));
  }
});

/** Publishing QoS 1 with No Local must not echo; the PUBACK may be 0x10 (No matching subscribers). */
When('{client} publishes {string} to {topic} at QoS {qos} and accepts any success acknowledgement', async function (this: MqttWorld, name: string, payload: string, topic: string, qos: QoS) {
  const rc = await publish5(this, name, { type: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false });
  if (rc !== undefined && rc >= 0x80) this.fail([], 'a success acknowledgement (0x00 or 0x10)', `reason code ${hex2(rc)}`);
});

/** The acknowledgement of a PUBLISH sent by `sends a PUBLISH ...`: one of the codes. */
Then('{client} receives {packetType} for its PUBLISH with reason code {codes}', async function (this: MqttWorld, name: string, type: 'puback' | 'pubrec', want: number[] | 'any') {
  const sent = this.notes.get(`sent-publish:${name}`) as PublishPacket | undefined;
  if (!sent?.packetId) throw new ClientUsageError(`"${name}" sent no QoS>0 PUBLISH through "sends a PUBLISH ... with the properties"`);
  const codes = want === 'any' ? 'any >= 0x80' : want.map(hex2).join(' or ');
  const packetId = sent.packetId;
  const ack = await this.check(['MQTT-2.2.1-5', 'MQTT-3.3.4-1'], () => this.client(name).expect({ type, packetId } as { type: 'puback'; packetId: number }));
  const rc = ack.reasonCode ?? 0;
  checkCode(this, type, rc, ['MQTT-3.4.2-1', 'MQTT-3.5.2-1']);
  if (want !== 'any' && !want.includes(rc)) this.fail([], `${type.toUpperCase()} ${codes}`, describePacket(ack));
});

// ---- flow control ----------------------------------------------------------------------------------

/**
 * Receives the numbered messages 1..count on the topic, holding as many unacknowledged as the
 * server sends (it may send fewer than Receive Maximum at a time): PINGREQs must still be answered
 * [MQTT-4.9.0-3, MQTT-3.3.4-10] and no more than Receive Maximum QoS>0 PUBLISH packets may be
 * unacknowledged [MQTT-3.3.4-9, MQTT-4.9.0-2]; at least one is sent [MQTT-4.9.0-1]. Then one is
 * acknowledged.
 */
Then('{client} receives the {int} numbered messages on {topic} with never more than {int} unacknowledged', async function (this: MqttWorld, name: string, count: number, topic: string, max: number) {
  const client = this.client(name);
  const held: PublishPacket[] = [];
  let next = 1;
  let done = 0;
  const inOrder = (p: PublishPacket): void => {
    if (p.payload.toString() !== String(next)) this.fail(['MQTT-4.6.0-5', 'MQTT-4.6.0-6'], `message "${next}"`, describePacket(p));
    next++;
  };
  while (done < count) {
    // The server must send something (its send quota starts above zero) [MQTT-4.9.0-1] ...
    if (held.length === 0) {
      const p = await this.check(['MQTT-4.9.0-1', 'MQTT-4.6.0-5'], () => client.expect({ type: 'publish', topic }));
      inOrder(p);
      held.push(p);
    }
    // ... and may keep fewer than Receive Maximum in flight (the limit is an upper bound). PINGREQ
    // round trips collect what it sends until one brings nothing new (what it sent before the
    // PINGRESP is in); it must answer them even with its quota used up.
    for (;;) {
      await this.check(['MQTT-4.9.0-3', 'MQTT-3.3.4-10'], async () => {
        client.send({ type: 'pingreq' });
        await client.expect({ type: 'pingresp' });
      });
      const arrived = client.take({ type: 'publish', topic });
      for (const p of arrived) {
        inOrder(p);
        held.push(p);
      }
      if (held.length > max) {
        this.fail(['MQTT-3.3.4-9', 'MQTT-4.9.0-2'], `at most ${max} unacknowledged QoS>0 PUBLISH packets (the client's Receive Maximum)`, `${held.length}: ${held.map(describePacket).join('; ')}`);
      }
      if (arrived.length === 0) break;
    }
    const first = held.shift() as PublishPacket;
    await this.acknowledge(name, first);
    done++;
  }
});

/**
 * No re-send of an unacknowledged delivery while the connection stays up [MQTT-4.4.0-1]: the
 * message published after it arrives with no copy of the held one before it. A server may send
 * nothing more to the client until the held delivery is acknowledged (no rule obliges it to have
 * two in flight): when the later message has not come within the bound, the held one is
 * acknowledged (the bound was then the window in which no re-send came) and it must follow.
 */
Then('{client} receives {string} on {topic} with no copy of the unacknowledged PUBLISH before it', async function (this: MqttWorld, name: string, payload: string, topic: string) {
  const client = this.client(name);
  const hints = ['MQTT-4.4.0-1'];
  const held = this.lastReceived.get(name);
  if (held?.type !== 'publish') throw new ClientUsageError(`"${name}" has received no PUBLISH through a "receives" step`);
  let later: PublishPacket;
  try {
    later = await client.expect({ type: 'publish', topic, payload });
  } catch (e) {
    if (!(e instanceof TimeoutError)) throw e;
    await this.acknowledge(name, held);
    later = await this.check(hints, () => client.expect({ type: 'publish', topic, payload }));
  }
  await this.acknowledge(name, later);
  const copies = client.take({ type: 'publish', topic: held.topic, payload: held.payload });
  if (copies.length > 0) this.fail(hints, `no copy of ${describePacket(held)} while the connection stays up`, copies.map(describePacket).join('; '));
});

/** Holds QoS 2 PUBLISH packets unreleased (no PUBREL): one more than the server's Receive Maximum. */
When('{client} sends one more QoS 2 PUBLISH to {topic} than the server\'s Receive Maximum, releasing none', async function (this: MqttWorld, name: string, topic: string) {
  const rm = connackOf(this, name).properties?.receiveMaximum ?? 65535;
  if (rm > 1000) return notApplicable(this, `the server's Receive Maximum is ${rm}: too many messages to hold`);
  const client: TestClient = this.client(name);
  for (let i = 1; i <= rm + 1; i++) {
    client.send({ type: 'publish', topic, payload: Buffer.from(String(i)), qos: 2, retain: false, dup: false, packetId: client.nextPacketId() });
  }
  return undefined;
});

/** A PUBLISH one byte above the server's Maximum Packet Size [MQTT-3.2.2-15]. */
When('{client} sends a PUBLISH to {topic} one byte larger than the server\'s Maximum Packet Size', async function (this: MqttWorld, name: string, topic: string) {
  const max = connackOf(this, name).properties?.maximumPacketSize;
  if (max === undefined) return notApplicable(this, 'the server declared no Maximum Packet Size');
  if (max > 16 * 1024 * 1024) return notApplicable(this, `the server's Maximum Packet Size is ${max} bytes: too large to send`);
  const { encode } = await import('../harness/codec/index.js');
  const base = encode({ type: 'publish', topic, payload: Buffer.alloc(0), qos: 0, retain: false, dup: false }, 5).length;
  let size = max + 1 - base;
  let bytes = encode({ type: 'publish', topic, payload: Buffer.alloc(size), qos: 0, retain: false, dup: false }, 5);
  size -= bytes.length - (max + 1);
  bytes = encode({ type: 'publish', topic, payload: Buffer.alloc(size, 0x61), qos: 0, retain: false, dup: false }, 5);
  this.client(name).sendRaw(bytes);
  return undefined;
});

/** A PUBLISH at QoS 1 (and 2) above the server's Maximum QoS [MQTT-3.2.2-11]. */
When('{client} sends a PUBLISH of {string} to {topic} above the server\'s Maximum QoS', function (this: MqttWorld, name: string, payload: string, topic: string) {
  const max = connackOf(this, name).properties?.maximumQoS;
  if (max === undefined) return notApplicable(this, 'the server declared no Maximum QoS (it supports QoS 2)');
  const client = this.client(name);
  client.send({ type: 'publish', topic, payload: Buffer.from(payload), qos: 2, retain: false, dup: false, packetId: client.nextPacketId() });
  return undefined;
});

// ---- subscription identifiers ---------------------------------------------------------------------

/**
 * The message arrives for every listed subscription identifier: one PUBLISH carrying all of them
 * (any order) [MQTT-3.3.4-4], or one PUBLISH per subscription, each carrying its own
 * [MQTT-3.3.4-5]; identifiers never named by a subscription fail [MQTT-3.3.4-3].
 */
Then('{client} receives {string} on {topic} for the Subscription Identifiers {string}', async function (this: MqttWorld, name: string, payload: string, topic: string, list: string) {
  const want = list.split(',').map((s) => Number(s.trim()));
  const seen = new Set<number>();
  while (want.some((id) => !seen.has(id))) {
    const p = await this.receive(name, { type: 'publish', topic, payload }, { hints: ['MQTT-3.3.4-3', 'MQTT-3.3.4-4', 'MQTT-3.3.4-5'] });
    const ids = p.properties?.subscriptionIdentifiers ?? [];
    if (ids.length === 0 || ids.some((id) => !want.includes(id))) {
      this.fail(['MQTT-3.3.4-3', 'MQTT-3.3.4-4', 'MQTT-3.3.4-5'], `Subscription Identifiers among ${list} (all in one PUBLISH, or one per copy)`, describePacket(p));
    }
    if (ids.length > 1 && ids.length !== want.length) this.fail(['MQTT-3.3.4-4'], `all of ${list} in the single copy`, describePacket(p));
    for (const id of ids) seen.add(id);
  }
});

Then('{client} receives {string} on {topic} with no Subscription Identifier', async function (this: MqttWorld, name: string, payload: string, topic: string) {
  const p = await this.receive(name, { type: 'publish', topic, payload });
  if ((p.properties?.subscriptionIdentifiers ?? []).length > 0) this.fail(['MQTT-3.3.4-3'], 'a PUBLISH without Subscription Identifier', describePacket(p));
});

// ---- shared subscriptions ----------------------------------------------------------------------------

/** Each numbered message reaches exactly one of the two clients, at the QoS its subscription granted [MQTT-4.8.2-3]. */
Then('the {int} numbered messages on {topic} reach {client} or {client}, each exactly once, at the QoS each was granted', async function (this: MqttWorld, count: number, topic: string, a: string, b: string) {
  const granted = new Map<string, number>();
  for (const n of [a, b]) granted.set(n, (this.notes.get(`granted:${n}`) as number[] | undefined)?.[0] ?? 2);
  const got = new Map<string, string>();
  const deadline = Date.now() + this.timeoutMs;
  while (got.size < count && Date.now() < deadline) {
    for (const n of [a, b]) {
      for (const p of this.client(n).take({ type: 'publish', topic })) {
        const key = p.payload.toString();
        if (got.has(key) && !p.dup) this.fail(['MQTT-4.8.2-3'], `message "${key}" delivered once to one member`, `also to "${n}": ${describePacket(p)}`);
        got.set(key, n);
        const g = granted.get(n) ?? 2;
        if (p.qos !== Math.min(1, g)) this.fail(['MQTT-4.8.2-3', 'MQTT-3.8.4-8'], `QoS ${Math.min(1, g)} to "${n}" (published at 1, granted ${g})`, describePacket(p));
        await this.acknowledge(n, p);
      }
    }
    if (got.size < count) {
      const open = [a, b].map((n) => this.client(n)).filter((c) => !c.closed && !c.decodeError && !c.flooded);
      if (open.length === 0) break; // nothing more can arrive: reported below
      const left = Math.max(1, deadline - Date.now());
      await Promise.race(open.map((c) => c.nextArrival(left)));
    }
  }
  if (got.size < count) this.fail(['MQTT-4.8.2-3'], `${count} messages across "${a}" and "${b}" within ${this.timeoutMs} ms`, `${got.size}: ${[...got.keys()].join(', ')}`);
});

When('{client} answers the PUBLISH with PUBACK {returnCode}', function (this: MqttWorld, name: string, reasonCode: number) {
  const p = this.lastReceived.get(name);
  if (!p || p.type !== 'publish' || p.packetId === undefined) throw new ClientUsageError(`"${name}" holds no QoS 1 PUBLISH`);
  this.client(name).send({ type: 'puback', packetId: p.packetId, reasonCode });
});

When('{client} answers the PUBLISH with PUBREC {returnCode}', function (this: MqttWorld, name: string, reasonCode: number) {
  const p = this.lastReceived.get(name);
  if (!p || p.type !== 'publish' || p.packetId === undefined) throw new ClientUsageError(`"${name}" holds no QoS 2 PUBLISH`);
  this.client(name).send({ type: 'pubrec', packetId: p.packetId, reasonCode });
});



/** PUBREL / PUBCOMP-side steps for the PUBLISH sent by `sends a PUBLISH ... with the properties`. */
When('{client} sends PUBREL for its PUBLISH', function (this: MqttWorld, name: string) {
  const sent = this.notes.get(`sent-publish:${name}`) as PublishPacket | undefined;
  if (sent?.packetId === undefined) throw new ClientUsageError(`"${name}" sent no QoS 2 PUBLISH through "sends a PUBLISH ... with the properties"`);
  this.client(name).send({ type: 'pubrel', packetId: sent.packetId });
});

Then('{client} receives PUBCOMP for its PUBLISH', async function (this: MqttWorld, name: string) {
  const sent = this.notes.get(`sent-publish:${name}`) as PublishPacket | undefined;
  if (sent?.packetId === undefined) throw new ClientUsageError(`"${name}" sent no QoS 2 PUBLISH through "sends a PUBLISH ... with the properties"`);
  const packetId = sent.packetId;
  const comp = await this.check(['MQTT-4.3.3-11', 'MQTT-4.3.3-13'], () => this.client(name).expect({ type: 'pubcomp', packetId }));
  checkCode(this, 'pubcomp', comp.reasonCode, ['MQTT-3.7.2-1']);
  if ((comp.reasonCode ?? 0) !== 0) this.fail(['MQTT-4.3.3-13'], 'PUBCOMP 0x00 (the PUBREC accepted the message)', describePacket(comp));
});

// ---- a PUBLISH the server refuses ------------------------------------------------------------------

/** Payload Format Indicator 1 with bytes that are not UTF-8: a server that checks refuses it (0x99); one that does not check may accept it. */
When('{client} sends a QoS 2 PUBLISH to {topic} with Payload Format Indicator 1 and a payload that is not UTF-8, with packet identifier {int}', function (this: MqttWorld, name: string, topic: string, packetId: number) {
  this.client(name).send({ type: 'publish', topic, payload: Buffer.from([0xff, 0xfe, 0xc3]), qos: 2, retain: false, dup: false, packetId, properties: { payloadFormatIndicator: 1 } });
});

When('if {client} is still connected, it sends a QoS 2 PUBLISH to {topic} with Payload Format Indicator 1 and a payload that is not UTF-8, with packet identifier {int}', function (this: MqttWorld, name: string, topic: string, packetId: number) {
  const client = this.client(name);
  if (client.closed) return;
  client.send({ type: 'publish', topic, payload: Buffer.from([0xff, 0xfe, 0xc3]), qos: 2, retain: false, dup: false, packetId, properties: { payloadFormatIndicator: 1 } });
});

/**
 * A server that does not check the payload format answers PUBREC; one that does may refuse with
 * PUBREC 0x99 or close the connection, after DISCONNECT 0x99 (or 0x80) if it sends one (section
 * 3.3.2.3.2).
 */
Then('if {client} is still connected, it receives PUBREC with packet identifier {int}, or DISCONNECT 0x99 and the close', async function (this: MqttWorld, name: string, packetId: number) {
  const client = this.client(name);
  if (!client.sent.some((p) => p.type === 'publish' && p.packetId === packetId)) return;
  const rec = await this.check(['MQTT-3.3.4-1'], () =>
    client.expect({ type: 'pubrec', packetId }).catch((e: unknown) => {
      if (client.closed && client.closedBy === 'server') return undefined;
      throw e;
    }),
  );
  if (rec === undefined) checkDisconnects(this, client, [0x99], ['MQTT-3.3.4-1']);
});

/** The premise of MQTT-4.3.3-9: a PUBREC >= 0x80. A server that accepted the message, or closed the connection instead, makes the scenario not applicable. */
Then('the server refuses it with a PUBREC of 0x80 or above for packet identifier {int}, else the scenario is not applicable', async function (this: MqttWorld, packetId: number) {
  const name = [...this.clients.keys()].find((n) => this.client(n).sent.some((p) => p.type === 'publish' && p.packetId === packetId && p.qos === 2));
  if (name === undefined) throw new ClientUsageError(`no client sent a QoS 2 PUBLISH with packet identifier ${packetId}`);
  const client = this.client(name);
  const rec = await client.expect({ type: 'pubrec', packetId }).catch((e: unknown) => {
    if (client.closed) return undefined;
    throw e;
  });
  if (rec === undefined) {
    checkDisconnects(this, client, [0x99, 0x81, 0x82], ['MQTT-4.13.1-1']);
    return notApplicable(this, 'the server closed the connection on the invalid payload instead of answering PUBREC >= 0x80');
  }
  checkCode(this, 'pubrec', rec.reasonCode, ['MQTT-3.5.2-1']);
  if ((rec.reasonCode ?? 0) < 0x80) return notApplicable(this, `the server accepted the payload (PUBREC ${hex2(rec.reasonCode ?? 0)}): it does not check Payload Format Indicator 1`);
  return undefined;
});
