/**
 * Steps of client scenarios (features/client/): "the client is told to ..." instructs the adapter;
 * "the server ..." is the scripted server, which answers only what a step says. Thin: one
 * harness call each, plus the check that names the statement.
 */
import { Given, Then, When } from '@cucumber/cucumber';
import type { Properties, PublishPacket, QoS } from '../../harness/codec/index.js';
import { fromHex } from '../../harness/codec/index.js';
import { matcher } from '../../harness/client/index.js';
import type { ClientWorld } from './support/client-world.js';

const qos = (n: number): QoS => {
  if (n !== 0 && n !== 1 && n !== 2) throw new Error(`QoS must be 0, 1 or 2, got ${n}`);
  return n;
};
const hexNumber = (s: string): number => (s.startsWith('0x') ? parseInt(s.slice(2), 16) : Number(s));

/** Statements a QoS flow failure is reported under, most specific first. */
const FLOW = ['MQTT-3.3.1-1', 'MQTT-4.4.0-1', 'MQTT-4.3.3-6', 'MQTT-2.3.1-2', 'MQTT-2.2.1-3', 'MQTT-4.3.2-1', 'MQTT-4.3.2-2', 'MQTT-4.3.3-1', 'MQTT-4.3.3-2'];

// ---- instructions to the client under test ------------------------------------------------------

Given('the client is told to connect with Keep Alive {int}', function (this: ClientWorld, keepalive: number) {
  this.keepalive = keepalive;
  this.tell({ op: 'connect', version: this.version, clientId: this.clientId, clean: true, keepalive, reconnect: false });
});

Given('the client is told to connect with a persistent session', function (this: ClientWorld) {
  this.tell({ op: 'connect', version: this.version, clientId: this.clientId, clean: false, keepalive: 60, reconnect: true, sessionExpiry: 300 });
});

When('the client is told to publish {string} to {string} at QoS {int}', function (this: ClientWorld, payload: string, topic: string, q: number) {
  this.tell({ op: 'publish', topic, payload, qos: qos(q), retain: false });
});

When('the client is told to publish {string} to {string} at QoS {int} with Topic Alias {int}', function (this: ClientWorld, payload: string, topic: string, q: number, alias: number) {
  this.tell({ op: 'publish', topic, payload, qos: qos(q), retain: false, topicAlias: alias });
});

When('the client is told to publish a payload of {int} bytes to {string} at QoS {int}', function (this: ClientWorld, size: number, topic: string, q: number) {
  this.tell({ op: 'publish', topic, payload: 'x'.repeat(size), qos: qos(q), retain: false });
});

When('the client is told to subscribe to {string} at QoS {int}', function (this: ClientWorld, topic: string, q: number) {
  this.tell({ op: 'subscribe', topic, qos: qos(q) });
});

// ---- the scripted server ------------------------------------------------------------------------

When('the server accepts the connection', async function (this: ClientWorld) {
  await this.acceptConnect();
  this.connack(false);
});

When('the server accepts the connection declaring {word} {int}', async function (this: ClientWorld, property: string, value: number) {
  await this.acceptConnect();
  this.connack(false, 0, { [property]: value } as Properties);
});

When('the server refuses the connection with reason code {word}', async function (this: ClientWorld, code: string) {
  await this.acceptConnect();
  this.connack(false, hexNumber(code));
});

When('the client reconnects and the server resumes its session', async function (this: ClientWorld) {
  await this.check(['MQTT-4.4.0-1'], () => this.acceptConnect(false));
  this.connack(true);
});

When('the server drops the connection', function (this: ClientWorld) {
  this.conn.drop();
});

When('the server grants the subscription', async function (this: ClientWorld) {
  const sub = await this.check(['MQTT-2.3.1-1', 'MQTT-2.2.1-3'], () => this.conn.expect({ type: 'subscribe' }));
  this.conn.send({ type: 'suback', packetId: sub.packetId, reasonCodes: sub.subscriptions.map((s) => s.qos) });
});

When('the server sends PUBLISH {string} on {string} at QoS {int} with packet identifier {int}', function (this: ClientWorld, payload: string, topic: string, q: number, id: number) {
  const p: PublishPacket = { type: 'publish', topic, payload: Buffer.from(payload), qos: qos(q), retain: false, dup: false };
  if (q > 0) p.packetId = id;
  this.conn.send(p);
});

When('the server sends PUBREL for packet identifier {int}', function (this: ClientWorld, id: number) {
  this.conn.send({ type: 'pubrel', packetId: id });
});

When('the server sends the bytes', function (this: ClientWorld, hex: string) {
  this.conn.sendRaw(fromHex(hex));
});

When('the server sends DISCONNECT with reason code {word}', function (this: ClientWorld, code: string) {
  this.conn.send({ type: 'disconnect', reasonCode: hexNumber(code) });
});

When('the server acknowledges it', function (this: ClientWorld) {
  const p = this.lastPublish;
  if (p?.packetId === undefined) throw new Error('no QoS 1/2 PUBLISH received to acknowledge');
  this.conn.send({ type: p.qos === 1 ? 'puback' : 'pubrec', packetId: p.packetId });
});

// ---- what the client must do ----------------------------------------------------------------------

Then('the server receives the PUBLISH of {string} on {string} at QoS {int}', async function (this: ClientWorld, payload: string, topic: string, q: number) {
  this.lastPublish = await this.check(FLOW, () => this.conn.expect({ type: 'publish', topic, payload, qos: qos(q) }));
});

Then('it has DUP {int} and a non-zero packet identifier', function (this: ClientWorld, dup: number) {
  const p = this.lastPublish;
  if (!p) throw new Error('no PUBLISH received');
  if (p.dup !== (dup === 1)) this.fail(['MQTT-3.3.1-1', 'MQTT-4.3.2-1', 'MQTT-4.3.2-2', 'MQTT-4.3.3-1', 'MQTT-4.3.3-2'], `PUBLISH with DUP ${dup}`, `PUBLISH id=${String(p.packetId)} with DUP ${p.dup ? 1 : 0}`);
  if (p.qos > 0 && (p.packetId === undefined || p.packetId === 0)) this.fail(['MQTT-2.3.1-1', 'MQTT-2.2.1-3'], 'a non-zero packet identifier', String(p.packetId));
});

Then('the two PUBLISH packets have different packet identifiers', function (this: ClientWorld) {
  const sent = this.conn.received.filter((p): p is PublishPacket => p.type === 'publish' && p.qos > 0);
  const [a, b] = sent;
  if (!a || !b) throw new Error('fewer than two QoS>0 PUBLISH packets received');
  if (a.packetId === b.packetId) this.fail(['MQTT-2.3.1-2', 'MQTT-2.2.1-3', 'MQTT-4.3.2-1', 'MQTT-4.3.3-1'], 'a packet identifier not in use (the first PUBLISH is unacknowledged)', `both PUBLISH packets use id=${String(a.packetId)}`);
});

Then('the server receives the PUBLISH again with DUP 1 and the same packet identifier', async function (this: ClientWorld) {
  const first = this.lastPublish;
  if (!first) throw new Error('no PUBLISH received before');
  const again = await this.check(['MQTT-4.4.0-1'], () => this.conn.expect({ type: 'publish', topic: first.topic, payload: first.payload }));
  if (again.packetId !== first.packetId) this.fail(['MQTT-4.4.0-1', 'MQTT-2.3.1-3'], `the re-sent PUBLISH with its original packet identifier ${String(first.packetId)}`, `id=${String(again.packetId)}`);
  if (!again.dup) this.fail(['MQTT-3.3.1-1'], 'the re-sent PUBLISH with DUP 1', `PUBLISH id=${String(again.packetId)} dup=0`);
  this.lastPublish = again;
});

Then('the server receives PUBREL for it', async function (this: ClientWorld) {
  const id = this.lastPublish?.packetId;
  if (id === undefined) throw new Error('no QoS 2 PUBLISH received before');
  await this.check(['MQTT-4.3.3-1', 'MQTT-4.3.3-4', 'MQTT-2.3.1-6', 'MQTT-2.2.1-5'], () => this.conn.expect({ type: 'pubrel', packetId: id }));
});

Then('the server receives PUBREL for it again and no PUBLISH before it', async function (this: ClientWorld) {
  const id = this.lastPublish?.packetId;
  if (id === undefined) throw new Error('no QoS 2 PUBLISH received before');
  await this.check(['MQTT-4.3.3-6', 'MQTT-4.4.0-1'], () => this.conn.expectNone({ type: 'publish', packetId: id }, { until: { type: 'pubrel', packetId: id } }));
});

Then('the server receives {word} for packet identifier {int}', async function (this: ClientWorld, type: string, id: number) {
  const t = type.toLowerCase();
  if (t !== 'puback' && t !== 'pubrec' && t !== 'pubcomp') throw new Error(`expected PUBACK, PUBREC or PUBCOMP, got ${type}`);
  await this.check(['MQTT-3.3.4-1', 'MQTT-4.3.2-2', 'MQTT-4.3.2-4', 'MQTT-4.3.3-2', 'MQTT-4.3.3-8', 'MQTT-4.3.3-11', 'MQTT-2.3.1-6', 'MQTT-2.2.1-5'], () => this.conn.expect({ type: t, packetId: id }));
});

Then('the server receives {word} for packet identifiers {int}, {int} and {int} in that order', async function (this: ClientWorld, type: string, a: number, b: number, c: number) {
  const t = type.toLowerCase();
  if (t !== 'puback' && t !== 'pubrec') throw new Error(`expected PUBACK or PUBREC, got ${type}`);
  for (const id of [a, b, c]) await this.check(['MQTT-3.3.4-1', 'MQTT-4.6.0-2', 'MQTT-4.6.0-3'], () => this.conn.expect({ type: t, packetId: id }));
  const order = this.conn.received.filter((p) => p.type === t).map((p) => (p as { packetId: number }).packetId);
  if (order.join() !== [a, b, c].join()) this.fail(['MQTT-4.6.0-2', 'MQTT-4.6.0-3'], `${type} ids in the order the PUBLISH packets arrived: ${[a, b, c].join(', ')}`, `${type} ids ${order.join(', ')}`);
});

Then('the server receives PINGREQ within the Keep Alive', async function (this: ClientWorld) {
  // Keep Alive counts from the client's last packet; a step runs just after it. 500 ms allows for
  // scheduling on a busy machine (a client that never pings is late by the whole period).
  const bound = this.keepalive * 1000 + 500;
  await this.check(['MQTT-3.1.2-23', 'MQTT-3.1.2-20'], () => this.conn.expect({ type: 'pingreq' }, { timeoutMs: bound }));
});

Then('the client closes the connection', async function (this: ClientWorld) {
  await this.check([], () => this.conn.expectClosed());
});

Then('the client closes the connection within {float} times the Keep Alive', async function (this: ClientWorld, times: number) {
  await this.check([], () => this.conn.expectClosed({ timeoutMs: Math.round(times * this.keepalive * 1000) }));
});

Then('the client closes the connection without sending another packet', async function (this: ClientWorld) {
  await this.check([], () => this.conn.expectClosed());
  const after = this.conn.pending.filter((p) => p.type !== 'disconnect');
  if (after.length > 0) this.fail([], 'no packet but DISCONNECT before the close', after.map((p) => p.type.toUpperCase()).join(', '));
});

Then('the server receives no PUBLISH on a topic with a wildcard before the PUBLISH of {string}', async function (this: ClientWorld, payload: string) {
  const wildcard = matcher<string>('a topic with + or #', (t) => t.includes('+') || t.includes('#'));
  this.lastPublish = (await this.check(['MQTT-3.3.2-2', 'MQTT-4.7.1-1', 'MQTT-4.7.0-1'], () =>
    this.conn.expectNone({ type: 'publish', topic: wildcard }, { until: { type: 'publish', payload } }),
  )) as PublishPacket;
});

Then('the server receives no PUBLISH larger than {int} bytes before the PUBLISH of {string}', async function (this: ClientWorld, max: number, payload: string) {
  // The encoded size of a PUBLISH: fixed header (2..5 bytes) + topic + id + properties + payload;
  // a payload alone over the limit already makes the packet too large.
  const large = matcher<Buffer>(`a payload of at least ${max} bytes`, (b) => b.byteLength >= max);
  try {
    await this.check(['MQTT-3.2.2-15'], () => this.conn.expectNone({ type: 'publish', payload: large }, { until: { type: 'publish', payload } }));
  } catch (e) {
    // A client that refuses the large message and then ends the connection (mosquitto_pub exits)
    // sent nothing too large: nothing more can arrive, so the absence is proven by the close.
    const sentLarge = this.conn.received.some((p) => p.type === 'publish' && p.payload.byteLength >= max);
    if (this.conn.closedBy === 'client' && !sentLarge) return;
    throw e;
  }
});

Then('the server receives no PUBLISH with a Topic Alias before the PUBLISH of {string}', async function (this: ClientWorld, payload: string) {
  const aliased = matcher<Properties | undefined>('properties with a Topic Alias', (p) => p?.topicAlias !== undefined);
  const got = (await this.check(['MQTT-3.2.2-18'], () => this.conn.expectNone({ type: 'publish', properties: aliased }, { until: { type: 'publish', payload } }))) as PublishPacket;
  if (got.properties?.topicAlias !== undefined) this.fail(['MQTT-3.2.2-18'], 'no Topic Alias (the server declared no Topic Alias Maximum)', `PUBLISH with Topic Alias ${got.properties.topicAlias}`);
});

Then('the server receives no second PUBLISH while the first is unacknowledged', async function (this: ClientWorld) {
  // No barrier exists: a correct client sends nothing until the PUBACK, so a window proves it.
  await this.check(['MQTT-3.3.4-7', 'MQTT-4.9.0-2'], () => this.conn.expectNone({ type: 'publish' }, { windowMs: 1000 }));
});

Then('the server receives no PUBLISH for {int} ms', async function (this: ClientWorld, ms: number) {
  await this.check([], () => this.conn.expectNone({ type: 'publish' }, { windowMs: ms }));
});
