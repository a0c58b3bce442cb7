import type { PublishPacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import { topicNameProblem, TOPIC_PROBLEM_STATEMENTS } from '../topic/index.js';
import { violation, type HandlerResult } from '../violation.js';

/** `$SYS` belongs to the broker: client publishes there are acknowledged and discarded (MQTT-3.3.5-2). */
export function isSysTopic(topic: string): boolean {
  return topic === '$SYS' || topic.startsWith('$SYS/');
}

/** PUBLISH from a client: QoS 0 route; QoS 1 route then PUBACK; QoS 2 route once per packet id then PUBREC. */
export function handlePublish(conn: Connection, packet: PublishPacket): HandlerResult {
  const broker = conn.broker;
  const session = conn.session;
  if (!session) return undefined;
  // MQTT-3.3.2-2 (wildcards), MQTT-4.7.3-1 (empty).
  const problem = topicNameProblem(packet.topic);
  if (problem) {
    return violation('PUBLISH_TOPIC_INVALID', TOPIC_PROBLEM_STATEMENTS[problem], `PUBLISH topic ${JSON.stringify(packet.topic.slice(0, 100))}: ${problem}`);
  }
  broker.counters.publishReceived++;
  // $SYS, or a topic the ACL (reference/auth) does not let this client write: acknowledged and discarded.
  const denied = isSysTopic(packet.topic) || !broker.security.canPublish(conn, conn.clientId ?? '', packet.topic);
  if (denied) {
    broker.counters.publishDenied++;
    broker.log.debug('PUBLISH not authorised: discarded', { clientId: conn.label, topic: packet.topic });
  }
  const packetId = packet.packetId ?? 0;
  switch (packet.qos) {
    case 0:
      if (!denied) broker.publish(packet.topic, packet.payload, 0, packet.retain);
      return undefined;
    case 1:
      if (!denied) broker.publish(packet.topic, packet.payload, 1, packet.retain);
      conn.send({ type: 'puback', packetId }); // MQTT-3.3.4-1, MQTT-4.3.2-2
      return undefined;
    case 2:
      // MQTT-4.3.3-2: a PUBLISH re-sent (DUP) before PUBREL gets PUBREC again, and is not delivered twice.
      if (!session.inboundQos2.has(packetId)) {
        session.inboundQos2.add(packetId);
        broker.sessions.record(session, { kind: 'inbound-qos2-add', packetId });
        if (!denied) broker.publish(packet.topic, packet.payload, 2, packet.retain);
      }
      conn.send({ type: 'pubrec', packetId });
      return undefined;
  }
}
