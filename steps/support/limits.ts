import { CodecError, isValidReasonCode, type ConnackPacket, type Packet, type QoS, type Subscription } from '../../harness/codec/index.js';
import { describePacket, type TestClient } from '../../harness/client/index.js';
import { beyondPacketLimit, hex2 } from './delivery.js';
import { checkDisconnects } from '../v5-support.js';
import type { MqttWorld } from './world.js';

/**
 * Refusals forced by a server's own limits (features/server-limits-codes.feature). The spec lets a
 * server accept or refuse what exceeds its resources; it only fixes how it may refuse: with a code
 * of the protocol version in use, or by closing the connection where the spec allows (3.1.1:
 * MQTT-4.8.0-2, a transient error such as a full buffer; 5.0: optionally after a DISCONNECT with a
 * defined reason code). These helpers wait for whichever comes, and judge only the code.
 */

const SUBACK_311 = new Set([0x00, 0x01, 0x02, 0x80]);

/** A SUBACK code the version defines (3.1.1: 0x00, 0x01, 0x02, 0x80 [MQTT-3.9.3-2]; 5.0: the Subscribe reason codes [MQTT-3.9.3-2]). */
export function subackCodeOfVersion(version: number, code: number): boolean {
  if (version === 5) return isValidReasonCode('suback', code);
  if (version === 3) return code <= 0x02;
  return SUBACK_311.has(code);
}

/**
 * Whether the packet the step is about to send exceeds a declared maximum packet size (the
 * profile's `maxPacketSize`, or the server's Maximum Packet Size in an MQTT 5 CONNACK, which the
 * client must respect [MQTT-3.2.2-15]): the scenario is then not applicable.
 */
export async function overDeclaredLimit(world: MqttWorld, name: string, bytes: number): Promise<boolean> {
  if (await beyondPacketLimit(world, bytes)) return true;
  const connack = world.client(name).received.find((p): p is ConnackPacket => p.type === 'connack');
  const max = connack?.properties?.maximumPacketSize;
  if (world.version === 5 && max !== undefined && bytes > max) {
    await world.attachVerdict('not-applicable', `the scenario sends a packet of about ${bytes} bytes; the server's CONNACK declares a Maximum Packet Size of ${max} bytes`);
    return true;
  }
  return false;
}

/** Sends one SUBSCRIBE (no wait); its packet identifier is noted for {@link expectSubackOrClose}. */
export function sendSubscribe(world: MqttWorld, name: string, subscriptions: Subscription[]): void {
  const client = world.client(name);
  const packetId = client.nextPacketId();
  world.send(name, { type: 'subscribe', packetId, subscriptions });
  world.notes.set(`limits-subscribe:${name}`, { packetId, subscriptions });
}

/** Rough wire size of a SUBSCRIBE. */
export function subscribeSize(subscriptions: readonly Subscription[]): number {
  return 10 + subscriptions.reduce((n, s) => n + Buffer.byteLength(s.topicFilter, 'utf8') + 3, 0);
}

/**
 * Runs the wait as a check of the scenario's rule; resolves undefined when the server closed the
 * connection instead (bytes that do not decode, e.g. a return code the version does not define,
 * stay a failure).
 */
async function packetOrClose<T extends Packet>(world: MqttWorld, client: TestClient, wait: () => Promise<T>, hints: readonly string[]): Promise<T | undefined> {
  try {
    return await wait();
  } catch (e) {
    if (client.closedBy === 'server' && client.decodeError === undefined) return undefined;
    // Bytes that do not decode break the statement the codec names (a reserved SUBACK code breaks
    // MQTT-3.9.3-2), not the one about answering at all, which the first hint may be.
    const named = client.decodeError instanceof CodecError ? client.decodeError.statement : undefined;
    const order = named !== undefined && hints.includes(named) ? [named, ...hints.filter((h) => h !== named)] : hints;
    return await world.check(order, () => Promise.reject(e as Error));
  }
}

/** The close is an allowed refusal; in MQTT 5 a DISCONNECT before it must use a defined code. */
function judgeClose(world: MqttWorld, client: TestClient, hints: readonly string[]): void {
  if (world.version === 5) checkDisconnects(world, client, 'any', hints);
}

/** A SUBACK for the noted SUBSCRIBE with one code of the version per filter, none above the QoS requested; or the close. */
export async function expectSubackOrClose(world: MqttWorld, name: string): Promise<void> {
  const hints = ['MQTT-3.9.3-2', 'MQTT-3.8.4-5', 'MQTT-3.8.4-6', 'MQTT-3.8.4-7'];
  const sent = world.notes.get(`limits-subscribe:${name}`) as { packetId: number; subscriptions: Subscription[] } | undefined;
  if (!sent) throw new Error(`"${name}" sent no SUBSCRIBE through a limits step`);
  const client = world.client(name);
  // No time limit in the spec; a server may be slow over a large SUBSCRIBE: ten times the usual bound.
  const suback = await packetOrClose(world, client, () => client.expect({ type: 'suback', packetId: sent.packetId }, { timeoutMs: world.timeoutMs * 10 }), ['MQTT-3.8.4-1', ...hints]);
  if (suback === undefined) return judgeClose(world, client, hints);
  const codes = suback.reasonCodes;
  if (codes.length !== sent.subscriptions.length) {
    world.fail(['MQTT-3.8.4-5', 'MQTT-3.8.4-6'], `one return code for each of the ${sent.subscriptions.length} filters`, `${codes.length} return codes`);
  }
  const bad = codes.map((c, i) => ({ c, i })).filter(({ c, i }) => !subackCodeOfVersion(world.version, c) || (c <= 2 && c > (sent.subscriptions[i]?.qos ?? 2)));
  const first = bad[0];
  if (first !== undefined) {
    world.fail(
      hints,
      `for each filter a SUBACK code of this protocol version (${world.version === 5 ? 'a defined Subscribe reason code' : '0x00, 0x01, 0x02 or 0x80'}), a granted QoS no higher than requested`,
      `${bad.length} other codes, the first ${hex2(first.c)} for filter ${first.i + 1} of ${codes.length} (requested QoS ${sent.subscriptions[first.i]?.qos})`,
    );
  }
}

/**
 * A CONNACK the version defines (3.1.1: 0x00, or 0x02 Identifier rejected then the close
 * [MQTT-3.1.3-9]; 5.0: 0x00, or a defined CONNACK reason code >= 0x80 then the close
 * [MQTT-3.2.2-8]), Session Present 0; or the close with no CONNACK (3.1.1 MQTT-3.2.2-6 and
 * MQTT-4.8.0-2; 5.0 section 3.1.4: the CONNACK before the close is optional).
 */
export async function expectConnackOfVersionOrClose(world: MqttWorld, name: string): Promise<void> {
  const hints = ['MQTT-3.1.3-9', 'MQTT-3.2.2-8', 'MQTT-3.1.3-8'];
  const client = world.client(name);
  const connack = await packetOrClose(world, client, () => client.expectNext({ type: 'connack' }), hints);
  if (connack === undefined) return;
  const rc = connack.reasonCode;
  if (rc === 0) return;
  const ok = world.version === 5 ? rc >= 0x80 && isValidReasonCode('connack', rc) : rc === 0x02;
  if (!ok) {
    world.fail(hints, world.version === 5 ? 'CONNACK 0x00, or a defined CONNACK reason code >= 0x80 then the close' : 'CONNACK 0x00, or 0x02 (Identifier rejected) then the close', describePacket(connack));
  }
  if (connack.sessionPresent) world.fail(['MQTT-3.2.2-4', 'MQTT-3.2.2-6'], 'Session Present 0 with a refusal', 'Session Present 1');
  await world.check(['MQTT-3.2.2-5', 'MQTT-3.2.2-7', 'MQTT-3.1.3-9', 'MQTT-3.1.3-8'], () => client.expectClosed());
}

/** Sends a PUBLISH of `size` bytes of payload (no flow completed); noted for {@link expectPublishAnswerOrClose}. */
export function sendLargePublish(world: MqttWorld, name: string, topic: string, size: number, qos: QoS): void {
  const client = world.client(name);
  const packetId = qos > 0 ? client.nextPacketId() : undefined;
  world.send(name, { type: 'publish', topic, payload: Buffer.alloc(size, 0x61), qos, retain: false, dup: false, ...(packetId !== undefined ? { packetId } : {}) });
  world.notes.set(`limits-publish:${name}`, { packetId, qos });
}

/** The acknowledgement of the noted PUBLISH (5.0: with a defined reason code [MQTT-3.4.2-1, MQTT-3.5.2-1]), or the close. */
export async function expectPublishAnswerOrClose(world: MqttWorld, name: string): Promise<void> {
  const hints = ['MQTT-3.3.4-1', 'MQTT-3.4.2-1', 'MQTT-3.5.2-1'];
  const sent = world.notes.get(`limits-publish:${name}`) as { packetId: number | undefined; qos: QoS } | undefined;
  if (!sent || sent.packetId === undefined) throw new Error(`"${name}" sent no QoS 1 or 2 PUBLISH through a limits step`);
  const client = world.client(name);
  const packetId = sent.packetId;
  const type = sent.qos === 1 ? ('puback' as const) : ('pubrec' as const);
  const ack = await packetOrClose(world, client, () => client.expect({ type, packetId }, { timeoutMs: world.timeoutMs * 3 }), hints);
  if (ack === undefined) return judgeClose(world, client, hints);
  const rc = ack.reasonCode ?? 0;
  if (world.version === 5 && !isValidReasonCode(type, rc)) world.fail(hints, `a ${type.toUpperCase()} reason code defined for it`, describePacket(ack));
  if (type === 'pubrec' && rc < 0x80) {
    client.send({ type: 'pubrel', packetId });
    await world.check(['MQTT-4.3.3-2', 'MQTT-4.3.3-11'], () => client.expect({ type: 'pubcomp', packetId }));
  }
}
