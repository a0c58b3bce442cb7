/**
 * MQTT 5.0 helpers of the v5 steps (no step definitions here): CONNECT with properties, the
 * CONNACK kept per client, property tables, and the choice points of server-side closes (a
 * DISCONNECT with a reason code before the close is allowed, never required: section 4.13).
 */
import type { DataTable } from './support/cucumber.js';
import type { ConnackPacket, ConnectPacket, Packet, Properties, PublishPacket, QoS, Will } from '../harness/codec/index.js';
import { PROPERTY_BY_KEY, isValidReasonCode, reasonCodeName } from '../harness/codec/index.js';
import { ClientUsageError, describePacket, type TestClient } from '../harness/client/index.js';
import type { MqttWorld } from './support/world.js';

export const hex2 = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** `Session Expiry Interval` -> `sessionExpiryInterval`; `Subscription Identifier` -> `subscriptionIdentifiers`. */
export function propertyKey(human: string): keyof Properties {
  const words = human.trim().split(/\s+/);
  let key = words.map((w, i) => (i === 0 ? w.toLowerCase() : `${w.charAt(0).toUpperCase()}${w.slice(1).toLowerCase()}`)).join('');
  if (key === 'userProperty') key = 'userProperties';
  if (key === 'subscriptionIdentifier') key = 'subscriptionIdentifiers';
  if (!PROPERTY_BY_KEY.has(key)) throw new ClientUsageError(`unknown MQTT 5.0 property ${JSON.stringify(human)}`);
  return key as keyof Properties;
}

/** Adds one `name | value` row to a property set (User Property values are `name=value`, repeatable). */
export function addProperty(world: MqttWorld, props: Properties, human: string, value: string): void {
  const key = propertyKey(human);
  const def = PROPERTY_BY_KEY.get(key);
  const p = props as Record<string, unknown>;
  if (key === 'userProperties') {
    const i = value.indexOf('=');
    if (i < 0) throw new ClientUsageError(`User Property ${JSON.stringify(value)}: write name=value`);
    const list = props.userProperties ?? [];
    list.push([value.slice(0, i), value.slice(i + 1)]);
    props.userProperties = list;
    return;
  }
  if (key === 'subscriptionIdentifiers') {
    props.subscriptionIdentifiers = [...(props.subscriptionIdentifiers ?? []), Number(value)];
    return;
  }
  if (key === 'responseTopic') {
    p[key] = world.topic(value);
    return;
  }
  switch (def?.type) {
    case 'binary':
      p[key] = Buffer.from(value);
      return;
    case 'string':
      p[key] = value;
      return;
    default: {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new ClientUsageError(`${human}: expected a number, got ${JSON.stringify(value)}`);
      p[key] = n;
    }
  }
}

function flag(text: string, field: string): boolean {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new ClientUsageError(`${field}: expected 0 or 1, got ${JSON.stringify(text)}`);
}

/**
 * A v5 CONNECT from `field | value` rows. Fields: Clean Start, Keep Alive, client identifier
 * (`<empty>` for none), user name, password, will topic, will message, will QoS, will retain,
 * `will <Property Name>` (e.g. `will Will Delay Interval`, `will User Property`), and any CONNECT
 * property by its spec name (`Session Expiry Interval`, `Receive Maximum`, `User Property`, ...).
 */
export function connectFromRows(world: MqttWorld, name: string, rows: readonly (readonly string[])[]): ConnectPacket {
  const packet = world.connectPacket(name, { protocolVersion: 5 });
  const props: Properties = {};
  const willProps: Properties = {};
  let willTopic: string | undefined;
  let willPayload = '';
  let willQos: QoS = 0;
  let willRetain = false;
  for (const [rawKey, value] of rows) {
    if (rawKey === undefined || value === undefined) continue;
    const key = rawKey.trim();
    const lower = key.toLowerCase();
    if (lower === 'clean start') packet.clean = flag(value, key);
    else if (lower === 'keep alive') packet.keepalive = Number(value);
    else if (lower === 'client identifier') packet.clientId = value === '<empty>' ? '' : value;
    else if (lower === 'user name') packet.username = value;
    else if (lower === 'password') packet.password = Buffer.from(value);
    else if (lower === 'will topic') willTopic = world.topic(value);
    else if (lower === 'will message') willPayload = value;
    else if (lower === 'will qos') willQos = Number(value) as QoS;
    else if (lower === 'will retain') willRetain = flag(value, key);
    else if (lower.startsWith('will ')) addProperty(world, willProps, key.slice(5), value);
    else addProperty(world, props, key, value);
  }
  if (willTopic !== undefined) {
    const will: Will = { topic: willTopic, payload: Buffer.from(willPayload), qos: willQos, retain: willRetain };
    if (Object.keys(willProps).length > 0) will.properties = willProps;
    packet.will = will;
  } else if (Object.keys(willProps).length > 0) {
    throw new ClientUsageError('will properties given without a will topic');
  }
  if (Object.keys(props).length > 0) packet.properties = props;
  return packet;
}

export function tableRows(table: DataTable | undefined): string[][] {
  return table ? table.raw() : [];
}

/** Opens a connection and sends the v5 CONNECT; the CONNACK is left for a step. */
export async function sendConnect5(world: MqttWorld, name: string, packet: ConnectPacket): Promise<TestClient> {
  requireV5(world);
  const client = await world.open(name);
  client.send(packet);
  world.notes.set(`connect5:${name}`, packet);
  return client;
}

export function requireV5(world: MqttWorld): void {
  if (world.version !== 5) throw new ClientUsageError('a v5 step in a scenario that does not run as MQTT 5 (tag it @v5 only)');
}

/** The CONNACK last received by a client through a v5 step. */
export function connackOf(world: MqttWorld, name: string): ConnackPacket {
  const c = world.notes.get(`connack5:${name}`) as ConnackPacket | undefined;
  if (!c) throw new ClientUsageError(`"${name}" has no CONNACK recorded by a v5 step`);
  return c;
}

export function connectOf(world: MqttWorld, name: string): ConnectPacket {
  const c = world.notes.get(`connect5:${name}`) as ConnectPacket | undefined;
  if (!c) throw new ClientUsageError(`"${name}" sent no CONNECT through a v5 step`);
  return c;
}

/**
 * Waits for the first packet, which must be a CONNACK with a defined reason code
 * [MQTT-3.2.2-8]; reserved flag bits [MQTT-3.2.2-1] are checked by the decoder.
 */
export async function expectConnack(world: MqttWorld, name: string, hints: readonly string[]): Promise<ConnackPacket> {
  const client = world.client(name);
  const connack = await world.check([...hints, 'MQTT-3.2.0-1'], () => client.expectNext({ type: 'connack' }));
  world.notes.set(`connack5:${name}`, connack);
  if (!isValidReasonCode('connack', connack.reasonCode)) {
    world.fail(['MQTT-3.2.2-8'], 'a CONNACK reason code defined for CONNACK', `CONNACK ${hex2(connack.reasonCode)}`);
  }
  if (connack.reasonCode >= 0x80) {
    if (connack.sessionPresent) world.fail(['MQTT-3.2.2-6'], `CONNACK ${hex2(connack.reasonCode)} with Session Present 0`, 'Session Present 1');
    await world.check(['MQTT-3.2.2-7', 'MQTT-4.13.2-1'], () => client.expectClosed());
  }
  checkNoAuthUnasked(world, name, connack);
  return connack;
}

/** Without an Authentication Method in CONNECT, no Authentication Method in CONNACK [MQTT-4.12.0-6]. */
function checkNoAuthUnasked(world: MqttWorld, name: string, connack: ConnackPacket): void {
  const connect = world.notes.get(`connect5:${name}`) as ConnectPacket | undefined;
  if (connect && connect.properties?.authenticationMethod === undefined && connack.properties?.authenticationMethod !== undefined) {
    world.fail(['MQTT-4.12.0-6'], 'a CONNACK without Authentication Method (the CONNECT had none)', `Authentication Method ${JSON.stringify(connack.properties.authenticationMethod)}`);
  }
}

/** Connects (v5) and requires CONNACK 0x00 [MQTT-3.1.4-5]. */
export async function connect5(world: MqttWorld, name: string, packet: ConnectPacket): Promise<ConnackPacket> {
  await sendConnect5(world, name, packet);
  const connack = await expectConnack(world, name, ['MQTT-3.1.4-5']);
  if (connack.reasonCode !== 0) world.fail(['MQTT-3.1.4-5'], 'CONNACK 0x00 (Success)', describePacket(connack));
  return connack;
}

/** Parses `0x81`, `0x81 or 0x82`, `0x81, 0x82`, `any` (any defined code >= 0x80). */
export function parseCodes(text: string): number[] | 'any' {
  if (text.trim() === 'any') return 'any';
  return text
    .split(/\s*(?:,|\bor\b)\s*/)
    .filter((s) => s !== '')
    .map((s) => {
      const n = s.startsWith('0x') ? parseInt(s.slice(2), 16) : Number(s);
      if (!Number.isInteger(n)) throw new ClientUsageError(`bad reason code ${JSON.stringify(s)}`);
      return n;
    });
}

function codesText(codes: number[] | 'any'): string {
  return codes === 'any' ? 'any defined code >= 0x80' : codes.map(hex2).join(' or ');
}

/**
 * The server closes the connection of an accepted client because of an error: a DISCONNECT with
 * one of `codes` before the close is allowed but not required (section 4.13.1: the server "MAY
 * send a DISCONNECT"; MQTT-4.13.1-1 requires the close). A DISCONNECT must use a defined code
 * [MQTT-3.14.2-1], carry no Session Expiry Interval [MQTT-3.14.2-2], be the last packet
 * [MQTT-3.14.4-1] and be followed by the close [MQTT-3.14.4-2, MQTT-4.13.2-1].
 */
export async function expectServerClose(world: MqttWorld, name: string, codes: number[] | 'any', hints: readonly string[]): Promise<void> {
  const client = world.client(name);
  await world.check([...hints, 'MQTT-4.13.1-1', 'MQTT-3.14.4-2', 'MQTT-4.13.2-1'], () => client.expectClosed());
  const connacks = client.received.filter((p) => p.type === 'connack');
  if (connacks.length > 1) world.fail(['MQTT-3.2.0-2'], 'a single CONNACK on the connection', connacks.map(describePacket).join('; '));
  checkDisconnects(world, client, codes, hints);
}

/** Checks the DISCONNECTs a closed connection received and consumes them. */
export function checkDisconnects(world: MqttWorld, client: TestClient, codes: number[] | 'any', hints: readonly string[]): void {
  const received = client.received;
  const i = received.findIndex((p) => p.type === 'disconnect');
  if (i < 0) return;
  const d = received[i] as Packet & { type: 'disconnect' };
  const rc = d.reasonCode ?? 0;
  if (!isValidReasonCode('disconnect', rc)) world.fail(['MQTT-3.14.2-1'], 'a DISCONNECT reason code defined for DISCONNECT', `DISCONNECT ${hex2(rc)}`);
  // 0x80 (Unspecified error) is always a fitting reason: a server need not reveal why it closes.
  const ok = codes === 'any' ? rc >= 0x80 : codes.includes(rc) || rc === 0x80;
  if (!ok) {
    world.fail([...hints, 'MQTT-4.13.1-1'], `the close, optionally after DISCONNECT ${codesText(codes)} (or 0x80)`, `DISCONNECT ${hex2(rc)} (${reasonCodeName('disconnect', rc) ?? 'undefined'})`);
  }
  if (d.properties?.sessionExpiryInterval !== undefined) {
    world.fail(['MQTT-3.14.2-2'], 'a server DISCONNECT without Session Expiry Interval', `Session Expiry Interval ${d.properties.sessionExpiryInterval}`);
  }
  const after = received.slice(i + 1);
  if (after.length > 0) world.fail(['MQTT-3.14.4-1'], 'no packet after the server DISCONNECT', after.map(describePacket).join('; '));
  client.take({ type: 'disconnect' });
}

/**
 * A CONNECT the server must not accept: the close, optionally after a CONNACK with one of
 * `codes` (Session Present 0); never a DISCONNECT, which may only follow a successful CONNACK
 * [MQTT-3.14.0-1], and never CONNACK 0x00.
 */
export async function expectRefusedConnect(world: MqttWorld, name: string, codes: number[] | 'any', hints: readonly string[]): Promise<void> {
  const client = world.client(name);
  await world.check([...hints, 'MQTT-3.1.4-1', 'MQTT-4.13.1-1'], () => client.expectClosed());
  // AUTH packets of an enhanced authentication exchange may precede the refusal.
  const packets = client.received.filter((p) => p.type !== 'auth');
  const first = packets[0];
  if (packets.some((p) => p.type === 'disconnect')) {
    world.fail(['MQTT-3.14.0-1'], 'no DISCONNECT before a successful CONNACK', packets.map(describePacket).join('; '));
  }
  if (first !== undefined) {
    if (first.type !== 'connack') world.fail([...hints, 'MQTT-3.2.0-1'], 'the close, optionally after a refusal CONNACK', packets.map(describePacket).join('; '));
    const rc = first.reasonCode;
    if (rc === 0) world.fail([...hints, 'MQTT-3.1.4-1'], `the close, optionally after CONNACK ${codesText(codes)}`, 'CONNACK 0x00 (accepted)');
    // 0x80 (Unspecified error) is always a fitting refusal: a server need not reveal why it refuses.
    const ok = codes === 'any' ? rc >= 0x80 : codes.includes(rc) || rc === 0x80;
    if (!ok && !isValidReasonCode('connack', rc)) world.fail(['MQTT-3.2.2-8'], 'a defined CONNACK reason code', `CONNACK ${hex2(rc)}`);
    if (!ok) world.fail(hints, `the close, optionally after CONNACK ${codesText(codes)}`, describePacket(first));
    if (first.sessionPresent) world.fail(['MQTT-3.2.2-6'], 'Session Present 0 on a refusal', 'Session Present 1');
    if (packets.length > 1) world.fail(['MQTT-3.2.0-2', 'MQTT-3.1.4-6'], 'nothing after the refusal CONNACK', packets.slice(1).map(describePacket).join('; '));
    client.take({ type: 'connack' });
  }
}

/**
 * The client's send side of a v5 QoS flow. A PUBACK/PUBREC must carry the PUBLISH's identifier
 * and a defined reason code [MQTT-3.4.2-1, MQTT-3.5.2-1]; after a PUBREC >= 0x80 the flow ends
 * there; PUBCOMP must carry a defined code [MQTT-3.7.2-1].
 */
export async function publish5(world: MqttWorld, name: string, packet: PublishPacket): Promise<number | undefined> {
  const client = world.client(name);
  if (packet.qos > 0 && packet.packetId === undefined) packet.packetId = client.nextPacketId();
  client.send(packet);
  world.lastPublisher.set(packet.topic, { client: name, qos: packet.qos });
  const packetId = packet.packetId;
  if (packet.qos === 0 || packetId === undefined) return undefined;
  if (packet.qos === 1) {
    const ack = await world.check(['MQTT-3.3.4-1', 'MQTT-4.3.2-4', 'MQTT-2.2.1-5'], () => client.expect({ type: 'puback', packetId }));
    checkCode(world, 'puback', ack.reasonCode, ['MQTT-3.4.2-1']);
    return ack.reasonCode ?? 0;
  }
  const rec = await world.check(['MQTT-3.3.4-1', 'MQTT-4.3.3-8', 'MQTT-2.2.1-5'], () => client.expect({ type: 'pubrec', packetId }));
  checkCode(world, 'pubrec', rec.reasonCode, ['MQTT-3.5.2-1']);
  if ((rec.reasonCode ?? 0) >= 0x80) return rec.reasonCode;
  client.send({ type: 'pubrel', packetId });
  const comp = await world.check(['MQTT-4.3.3-11', 'MQTT-2.2.1-5'], () => client.expect({ type: 'pubcomp', packetId }));
  checkCode(world, 'pubcomp', comp.reasonCode, ['MQTT-3.7.2-1']);
  return rec.reasonCode ?? 0;
}

export function checkCode(world: MqttWorld, type: 'puback' | 'pubrec' | 'pubrel' | 'pubcomp' | 'suback' | 'unsuback' | 'auth' | 'disconnect', code: number | undefined, hints: readonly string[]): void {
  const rc = code ?? 0;
  if (!isValidReasonCode(type, rc)) world.fail(hints, `a reason code defined for ${type.toUpperCase()}`, `${type.toUpperCase()} ${hex2(rc)}`);
}

/** Reads the packet's full byte size back from the trace is not possible (hex is cut); re-encode instead. */
export function propertiesOf(p: Packet): Properties | undefined {
  return 'properties' in p ? p.properties : undefined;
}

/** Marks the scenario not applicable from inside a step (the server declared a value that makes the check moot). */
export async function notApplicable(world: MqttWorld, reason: string): Promise<'skipped'> {
  await world.attachVerdict('not-applicable', reason);
  return 'skipped';
}
