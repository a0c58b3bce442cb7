import type { PublishPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import type { PublishContext } from '../context.js';
import { ownInboundQos2 } from '../session/index.js';
import { topicNameProblem, TOPIC_PROBLEM_STATEMENTS } from '../topic/index.js';
import { expiresAt, forwardedProperties, isValidUtf8, reasonProperties } from '../v5/index.js';
import { violation, type HandlerResult } from '../violation.js';

/** `$SYS` belongs to the broker: client publishes there are acknowledged and discarded (MQTT-3.3.5-2). */
export function isSysTopic(topic: string): boolean {
  return topic === '$SYS' || topic.startsWith('$SYS/');
}

/**
 * MQTT 5.0 steps of an inbound PUBLISH: Topic Alias (MQTT-3.3.2-7..-12), Subscription Identifier
 * from a client (MQTT-3.3.4-6), Maximum QoS and Retain Available (MQTT-3.2.2-11, -14), the
 * server's Receive Maximum (MQTT-3.3.4-7). Returns the topic name to use, or the violation.
 */
function v5Topic(ctx: PublishContext, conn: Connection, packet: PublishPacket): string | ReturnType<typeof violation> {
  const state = conn.v5;
  const options = ctx.options;
  const props = packet.properties;
  if (props?.subscriptionIdentifiers !== undefined) {
    return violation('PROTOCOL_ERROR', 'MQTT-3.3.4-6', 'a PUBLISH from a client may not carry a Subscription Identifier');
  }
  if (packet.qos > options.maximumQoS) {
    return violation('QOS_NOT_SUPPORTED', 'MQTT-3.2.2-11', `PUBLISH at QoS ${String(packet.qos)} above the Maximum QoS ${String(options.maximumQoS)}`);
  }
  if (packet.retain && !options.retainAvailable) {
    return violation('RETAIN_NOT_SUPPORTED', 'MQTT-3.2.2-14', 'retained PUBLISH although Retain Available is 0');
  }
  const alias = props?.topicAlias;
  if (alias === undefined) {
    if (packet.topic === '') return violation('PROTOCOL_ERROR', 'MQTT-4.7.3-1', 'empty topic name without a Topic Alias');
    return packet.topic;
  }
  if (alias === 0 || alias > options.topicAliasMaximum) {
    return violation('TOPIC_ALIAS_INVALID', 'MQTT-3.3.2-9', `Topic Alias ${String(alias)} outside 1..${String(options.topicAliasMaximum)}`);
  }
  if (packet.topic === '') {
    const mapped = state?.inboundAliases.get(alias);
    if (mapped === undefined) return violation('PROTOCOL_ERROR', '5.0 §3.3.2.3.4', `Topic Alias ${String(alias)} has no mapping on this connection`);
    return mapped;
  }
  return packet.topic; // the mapping is set once the topic is known to be valid
}

/** PUBLISH from a client: QoS 0 route; QoS 1 route then PUBACK; QoS 2 route once per packet id then PUBREC. */
export function handlePublish(ctx: PublishContext, conn: Connection, packet: PublishPacket): HandlerResult {
  const session = conn.session;
  if (!session) return undefined;
  const v5 = conn.version === 5;
  let topic = packet.topic;
  if (v5) {
    const resolved = v5Topic(ctx, conn, packet);
    if (typeof resolved !== 'string') return resolved;
    topic = resolved;
  }
  // MQTT-3.3.2-2 (wildcards), MQTT-4.7.3-1 (empty).
  const problem = topicNameProblem(topic);
  if (problem) {
    return violation('PUBLISH_TOPIC_INVALID', TOPIC_PROBLEM_STATEMENTS[problem], `PUBLISH topic ${JSON.stringify(topic.slice(0, 100))}: ${problem}`);
  }
  const alias = packet.properties?.topicAlias;
  if (v5 && alias !== undefined && packet.topic !== '') conn.setInboundAlias(alias, topic);
  const packetId = packet.packetId ?? 0;
  if (v5 && packet.qos === 2 && !session.inboundQos2.has(packetId) && session.inboundQos2.size >= ctx.options.receiveMaximum) {
    return violation('RECEIVE_MAXIMUM_EXCEEDED', 'MQTT-3.3.4-7', `more than Receive Maximum ${String(ctx.options.receiveMaximum)} QoS 2 PUBLISH unreleased`);
  }
  ctx.counters.publishReceived++;
  // 5.0 Payload Format Indicator 1: the payload must be UTF-8. QoS 1/2: acknowledged with 0x99 and
  // not delivered; QoS 0 (no acknowledgement to carry it): DISCONNECT 0x99 (§3.3.2.3.2).
  let reasonCode = 0;
  if (v5 && packet.properties?.payloadFormatIndicator === 1 && !isValidUtf8(packet.payload)) {
    if (packet.qos === 0) return violation('PAYLOAD_FORMAT_INVALID', '5.0 §3.3.2.3.2', 'payload is not UTF-8 although its Payload Format Indicator is 1');
    reasonCode = 0x99;
  }
  // $SYS, or a topic the ACL (reference/auth) does not let this client write: acknowledged and discarded (5.0: 0x87).
  const denied = isSysTopic(topic) || !ctx.security.canPublish(conn, conn.clientId ?? '', topic);
  if (denied) {
    ctx.counters.publishDenied++;
    ctx.log.debug('PUBLISH not authorised: discarded', { clientId: conn.label, topic });
    if (v5 && reasonCode === 0) reasonCode = 0x87;
  }
  // A flag and a module function, not a closure per message (under tsx's keepNames a named closure also costs a defineProperty each time).
  const deliverable = !denied && reasonCode !== 0x99;
  const reasonString = reasonCode === 0x99 ? 'payload is not valid UTF-8' : reasonCode === 0x87 ? 'not authorised to publish to this topic' : undefined;
  const ack = v5 && reasonCode !== 0 ? { reasonCode, properties: reasonProperties(conn.v5, reasonString) } : {};
  switch (packet.qos) {
    case 0:
      if (deliverable) route(ctx, conn, packet, topic, v5);
      return undefined;
    case 1:
      if (deliverable) route(ctx, conn, packet, topic, v5);
      conn.send({ type: 'puback', packetId, ...ack }); // MQTT-3.3.4-1, MQTT-4.3.2-2
      return undefined;
    case 2:
      // MQTT-4.3.3-2: a PUBLISH re-sent (DUP) before PUBREL gets PUBREC again, and is not delivered twice.
      // 5.0: a PUBREC with a failure code ends the exchange: no id is kept, a later PUBLISH with it is new (MQTT-4.3.3-9).
      if (reasonCode >= 0x80) {
        conn.send({ type: 'pubrec', packetId, ...ack });
        return undefined;
      }
      if (!session.inboundQos2.has(packetId)) {
        ownInboundQos2(session).add(packetId);
        ctx.sessions.record(session, { kind: 'inbound-qos2-add', packetId });
        if (deliverable) route(ctx, conn, packet, topic, v5);
      }
      conn.send({ type: 'pubrec', packetId, ...ack });
      return undefined;
  }
}

/** Hands an accepted PUBLISH to the broker for its subscribers, with the 5.0 properties that travel with it. */
function route(ctx: PublishContext, conn: Connection, packet: PublishPacket, topic: string, v5: boolean): void {
  const cluster = ctx.cluster;
  if (cluster !== undefined) {
    cluster.publishFrom(conn, topic, packet.payload, packet.qos, packet.retain, v5 ? packet.properties : undefined);
    return;
  }
  if (v5) {
    const props = packet.properties;
    ctx.routing.publish(topic, packet.payload, packet.qos, packet.retain, { properties: forwardedProperties(props), expiresAt: expiresAt(props), publisher: conn.clientId });
  } else {
    ctx.routing.publish(topic, packet.payload, packet.qos, packet.retain);
  }
}
