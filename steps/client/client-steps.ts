/**
 * Steps of client scenarios (features/client/): "the client is told to ..." instructs the adapter;
 * "the server ..." is the scripted server, which answers only what a step says. Thin: one
 * harness call each, plus the check that names the statement.
 */
import { Given, Then, When } from '../support/cucumber.js';
import type { Properties, PublishPacket, QoS } from '../../harness/codec/index.js';
import { fromHex } from '../../harness/codec/index.js';
import { matcher } from '../../harness/client/index.js';
import type { ClientWorld } from './support/client-world.js';

const qos = (n: number): QoS => {
  if (n !== 0 && n !== 1 && n !== 2) throw new Error(`QoS must be 0, 1 or 2, got ${n}`);
  return n;
};
const hexNumber = (s: string): number => (s.startsWith('0x') ? parseInt(s.slice(2), 16) : Number(s));
/** A Gherkin string with `\uXXXX` escapes (U+0000, U+FEFF cannot be written in a feature file) as the text it stands for. */
const unescape = (s: string): string => s.replace(/\\u([0-9a-fA-F]{4})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
const showCodePoints = (s: string): string => JSON.stringify(s).replace(/[\u0000-\u001f\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Statements a QoS flow failure is reported under, most specific first. */
const FLOW = ['MQTT-3.3.1-1', 'MQTT-4.4.0-1', 'MQTT-4.3.3-6', 'MQTT-2.3.1-2', 'MQTT-2.2.1-3', 'MQTT-4.3.2-1', 'MQTT-4.3.2-2', 'MQTT-4.3.3-1', 'MQTT-4.3.3-2'];

// ---- instructions to the client under test ------------------------------------------------------

Given('the client is told to connect with Keep Alive {int}', function (this: ClientWorld, keepalive: number) {
  this.keepalive = keepalive;
  this.tell({ op: 'connect', version: this.version, clientId: this.clientId, clean: true, keepalive, reconnect: false });
});

Given('the client is told to connect with Authentication Method {string}', function (this: ClientWorld, method: string) {
  this.tell({ op: 'connect', version: this.version, clientId: this.clientId, clean: true, keepalive: 60, reconnect: false, authMethod: method });
});

Given('the client is told to connect with a persistent session', function (this: ClientWorld) {
  this.tell({ op: 'connect', version: this.version, clientId: this.clientId, clean: false, keepalive: 60, reconnect: true, sessionExpiry: 300 });
});

When('the client is told to publish {string} to {string} at QoS {int}', function (this: ClientWorld, payload: string, topic: string, q: number) {
  this.tell({ op: 'publish', topic: unescape(topic), payload, qos: qos(q), retain: false });
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
  this.connack(false, 0, { [property]: value });
});

When('the server accepts the connection with Session Present 1', async function (this: ClientWorld) {
  await this.acceptConnect();
  this.connack(true);
});

When('the server receives CONNECT with Authentication Method {string}', async function (this: ClientWorld, method: string) {
  const c = await this.acceptConnect();
  const connect = c.received.find((p) => p.type === 'connect');
  const got = connect?.type === 'connect' ? connect.properties?.authenticationMethod : undefined;
  if (got !== method) throw new Error(`the client was told to connect with Authentication Method ${method}; its CONNECT carries ${String(got)} (the adapter did not pass it on)`);
});

When('the server sends AUTH with reason code {word} and Authentication Method {string}', function (this: ClientWorld, code: string, method: string) {
  this.conn.send({ type: 'auth', reasonCode: hexNumber(code), properties: { authenticationMethod: method, authenticationData: Buffer.from('challenge') } });
});

When('the server accepts the connection with Authentication Method {string}', function (this: ClientWorld, method: string) {
  this.connack(false, 0, { authenticationMethod: method });
});

When('the server refuses the subscription with reason code {word}', async function (this: ClientWorld, code: string) {
  const sub = await this.check([], () => this.conn.expect({ type: 'subscribe' }));
  this.conn.send({ type: 'suback', packetId: sub.packetId, reasonCodes: sub.subscriptions.map(() => hexNumber(code)) });
});

When('the server acknowledges it with reason code {word}', function (this: ClientWorld, code: string) {
  const p = this.lastPublish;
  if (p?.packetId === undefined) throw new Error('no QoS 1/2 PUBLISH received to acknowledge');
  this.conn.send({ type: p.qos === 1 ? 'puback' : 'pubrec', packetId: p.packetId, reasonCode: hexNumber(code) });
});

When('the server sends PUBREC for the PUBLISH packets of {string}, {string} and {string}', function (this: ClientWorld, a: string, b: string, c: string) {
  for (const payload of [a, b, c]) this.conn.send({ type: 'pubrec', packetId: this.publishOf(payload).packetId ?? 0 });
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

Then('the server receives the PUBLISH packets of {string}, {string} and {string} on {string} at QoS {int}', async function (this: ClientWorld, a: string, b: string, c: string, topic: string, q: number) {
  for (const payload of [a, b, c]) this.rememberPublish(await this.check(FLOW, () => this.conn.expect({ type: 'publish', topic, payload, qos: qos(q) })));
});

Then('the server receives the PUBLISH packets of {string}, {string} and {string} again in that order, acknowledging each', async function (this: ClientWorld, a: string, b: string, c: string) {
  for (const payload of [a, b, c]) {
    const p = await this.check(['MQTT-4.4.0-1'], () => this.conn.expect({ type: 'publish', payload }));
    if (p.packetId !== undefined) this.conn.send(p.qos === 1 ? { type: 'puback', packetId: p.packetId } : { type: 'pubrec', packetId: p.packetId });
  }
  const order = this.conn.received.filter((p): p is PublishPacket => p.type === 'publish').map((p) => p.payload.toString());
  if (order.join() !== [a, b, c].join()) this.fail(['MQTT-4.6.0-1'], `the re-sent PUBLISH packets in their original order: ${[a, b, c].join(', ')}`, `PUBLISH packets ${order.join(', ')}`);
});

Then('the server receives PUBREL for the PUBLISH packets of {string}, {string} and {string} in that order', async function (this: ClientWorld, a: string, b: string, c: string) {
  const ids = [a, b, c].map((payload) => this.publishOf(payload).packetId ?? 0);
  for (const id of ids) await this.check(['MQTT-4.3.3-1', 'MQTT-4.3.3-4'], () => this.conn.expect({ type: 'pubrel', packetId: id }));
  const order = this.conn.received.filter((p) => p.type === 'pubrel').map((p) => (p as { packetId: number }).packetId);
  if (order.join() !== ids.join()) this.fail(['MQTT-4.6.0-4'], `PUBREL ids in the order the PUBRECs arrived: ${ids.join(', ')}`, `PUBREL ids ${order.join(', ')}`);
});

Then('the server receives no PUBLISH of {string} before the PUBLISH of {string}', async function (this: ClientWorld, refused: string, barrier: string) {
  await this.check(['MQTT-4.4.0-2', 'MQTT-4.4.0-1'], () => this.conn.expectNone({ type: 'publish', payload: refused }, { until: { type: 'publish', payload: barrier } }));
});

Then('the server receives AUTH with reason code {word} and Authentication Method {string} as the next packet', async function (this: ClientWorld, code: string, method: string) {
  const auth = await this.check(['MQTT-3.1.2-30', 'MQTT-4.12.0-3'], () => this.conn.expectNext({ type: 'auth' }));
  const rc = auth.reasonCode ?? 0;
  if (rc !== hexNumber(code)) this.fail(['MQTT-4.12.0-3'], `AUTH with reason code ${code} (Continue authentication)`, `AUTH with reason code 0x${rc.toString(16).padStart(2, '0')}`);
  if (auth.properties?.authenticationMethod !== method) this.fail(['MQTT-4.12.0-3'], `AUTH with Authentication Method ${method}`, `AUTH with Authentication Method ${String(auth.properties?.authenticationMethod)}`);
});

Then('the server receives PINGREQ within {int} seconds', async function (this: ClientWorld, seconds: number) {
  // As for the Keep Alive the client asked for: 500 ms allow for scheduling on a busy machine.
  await this.check(['MQTT-3.2.2-21', 'MQTT-3.1.2-21'], () => this.conn.expect({ type: 'pingreq' }, { timeoutMs: seconds * 1000 + 500 }));
});

Then('the client reports the message {string} on the topic {string}', async function (this: ClientWorld, payload: string, topic: string) {
  const want = unescape(topic);
  const got = await this.adapter.nextEvent((e) => e.event === 'message' && e.payload === payload, this.timeoutMs);
  if (got?.event !== 'message') this.fail([], `the client reports the message "${payload}"`, `no message reported within ${this.timeoutMs} ms`);
  if (got.topic !== want) this.fail(['MQTT-1.5.3-3', 'MQTT-1.5.4-3'], `the message on the topic ${showCodePoints(want)}`, `the topic ${showCodePoints(got.topic)}`);
});

Then('the server receives no PUBLISH with U+0000 in its topic before the PUBLISH of {string}', async function (this: ClientWorld, payload: string) {
  const nul = matcher<string>('a topic holding U+0000', (t) => t.includes('\u0000'));
  try {
    await this.check(['MQTT-4.7.3-2', 'MQTT-1.5.3-2', 'MQTT-1.5.4-2'], () => this.conn.expectNone({ type: 'publish', topic: nul }, { until: { type: 'publish', payload } }));
  } catch (e) {
    // A client that refuses the topic and then ends the connection sent nothing wrong: the close
    // proves nothing more can arrive. Bytes the codec refused (U+0000 in a string) are the violation.
    if (this.conn.closedBy === 'client' && this.conn.decodeError === undefined) return;
    throw e;
  }
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
