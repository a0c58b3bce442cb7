import type { QoS, SubscribePacket } from '../../harness/codec/index.js';
import type { Connection } from '../connection.js';
import { topicFilterProblem } from '../topic/index.js';
import type { HandlerResult } from '../violation.js';

/** Failure return code in SUBACK (MQTT-3.9.3-2). */
export const SUBACK_FAILURE = 0x80;

/**
 * SUBSCRIBE: each filter in order, as if alone (MQTT-3.8.4-4); an invalid filter gets 0x80 and the
 * rest are still processed; one SUBACK with a code per filter in order (MQTT-3.8.4-1, -5, 3.9.3-1);
 * then the retained messages of every accepted filter (MQTT-3.3.1-6, re-sent on a repeat, MQTT-3.8.4-3).
 */
export function handleSubscribe(conn: Connection, packet: SubscribePacket): HandlerResult {
  const broker = conn.broker;
  const session = conn.session;
  if (!session) return undefined;
  const reasonCodes: number[] = [];
  const accepted: { filter: string; qos: QoS }[] = [];
  for (const sub of packet.subscriptions) {
    const problem = topicFilterProblem(sub.topicFilter);
    if (problem) {
      broker.log.debug('invalid topic filter refused', { clientId: conn.label, filter: sub.topicFilter.slice(0, 100), problem });
      reasonCodes.push(SUBACK_FAILURE);
      continue;
    }
    if (!broker.security.canSubscribe(conn, conn.clientId ?? '', sub.topicFilter)) {
      // The ACL (reference/auth) does not let this client read every topic of the filter.
      broker.counters.subscribeDenied++;
      broker.log.debug('subscription not authorised', { clientId: conn.label, filter: sub.topicFilter.slice(0, 100) });
      reasonCodes.push(SUBACK_FAILURE);
      continue;
    }
    broker.subscribe(session, sub.topicFilter, { qos: sub.qos });
    reasonCodes.push(sub.qos);
    accepted.push({ filter: sub.topicFilter, qos: sub.qos });
  }
  conn.send({ type: 'suback', packetId: packet.packetId, reasonCodes }); // MQTT-3.8.4-2
  for (const { filter, qos } of accepted) broker.sendRetained(session, filter, qos);
  return undefined;
}
